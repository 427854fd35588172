/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.table.FlowStatus;
import io.natcore.track.TcpState;
import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * One conntrack event as a reader sees it (decoded from a {@link ConntrackEventDescriptor} record). Mutable; a
 * reader may reuse one instance. {@link #appendTo(Appendable)} prints it the way {@code conntrack -E -o id} does.
 */
public final class ConntrackEvent
{
    /** NEW, UPDATE or DESTROY. */
    public ConntrackEventType type;
    /** Event time, nanos on the caller's clock. */
    public long timestampNanos;
    /** IP protocol. */
    public int protocol;
    /** TCP state ({@link TcpState}); 0 for other protocols. */
    public int state;
    /** Seconds until expiry as {@code conntrack} prints it. */
    public int timeoutSeconds;
    /** Status bits ({@link FlowStatus}). */
    public int status;
    /** Conntrack id. */
    public int id;
    /** Original tuple. */
    public int origSrc;
    /** Original tuple. */
    public int origDst;
    /** Original tuple (ICMP: id). */
    public int origSport;
    /** Original tuple (ICMP: id). */
    public int origDport;
    /** Reply tuple. */
    public int replySrc;
    /** Reply tuple. */
    public int replyDst;
    /** Reply tuple. */
    public int replySport;
    /** Reply tuple. */
    public int replyDport;
    /** ICMP type of the original direction. */
    public int icmpType;
    /** ICMP code. */
    public int icmpCode;
    /** Zone. */
    public int zone;

    /** @return true when ASSURED. */
    public boolean assured()
    {
        return (status & FlowStatus.ASSURED) != 0;
    }

    /** @return the TCP state name, or null for protocols without one. */
    public String stateName()
    {
        return protocol == IpProtocol.TCP ? TcpState.name(state) : null;
    }

    /**
     * Decode a record.
     *
     * @param buffer holding the record.
     * @param offset of the record.
     * @return this.
     */
    public ConntrackEvent wrap(final DirectBuffer buffer, final int offset)
    {
        type = ConntrackEventType.ofOrdinal(buffer.getInt(offset + ConntrackEventDescriptor.TYPE_OFFSET));
        timestampNanos = buffer.getLong(offset + ConntrackEventDescriptor.TIMESTAMP_OFFSET);
        protocol = buffer.getInt(offset + ConntrackEventDescriptor.PROTOCOL_OFFSET);
        state = buffer.getInt(offset + ConntrackEventDescriptor.STATE_OFFSET);
        timeoutSeconds = buffer.getInt(offset + ConntrackEventDescriptor.TIMEOUT_OFFSET);
        status = buffer.getInt(offset + ConntrackEventDescriptor.STATUS_OFFSET);
        id = buffer.getInt(offset + ConntrackEventDescriptor.CT_ID_OFFSET);
        origSrc = buffer.getInt(offset + ConntrackEventDescriptor.ORIG_SRC_OFFSET);
        origDst = buffer.getInt(offset + ConntrackEventDescriptor.ORIG_DST_OFFSET);
        origSport = buffer.getShort(offset + ConntrackEventDescriptor.ORIG_SPORT_OFFSET) & 0xFFFF;
        origDport = buffer.getShort(offset + ConntrackEventDescriptor.ORIG_DPORT_OFFSET) & 0xFFFF;
        replySrc = buffer.getInt(offset + ConntrackEventDescriptor.REPLY_SRC_OFFSET);
        replyDst = buffer.getInt(offset + ConntrackEventDescriptor.REPLY_DST_OFFSET);
        replySport = buffer.getShort(offset + ConntrackEventDescriptor.REPLY_SPORT_OFFSET) & 0xFFFF;
        replyDport = buffer.getShort(offset + ConntrackEventDescriptor.REPLY_DPORT_OFFSET) & 0xFFFF;
        icmpType = buffer.getByte(offset + ConntrackEventDescriptor.ICMP_TYPE_OFFSET) & 0xFF;
        icmpCode = buffer.getByte(offset + ConntrackEventDescriptor.ICMP_CODE_OFFSET) & 0xFF;
        zone = buffer.getInt(offset + ConntrackEventDescriptor.ZONE_OFFSET);
        return this;
    }

    /**
     * Print as {@code conntrack -E -o id} does, without the timestamp column, e.g.
     * {@code "    [NEW] tcp      6 120 SYN_SENT src=... [UNREPLIED] src=... id=7"}.
     *
     * @param out where to print.
     * @return out.
     * @throws IOException from out.
     */
    public Appendable appendTo(final Appendable out) throws IOException
    {
        out.append(type.label()).append(' ');
        ConntrackText.appendEntry(out, protocol, state, timeoutSeconds, status, origSrc, origDst, origSport,
            origDport, replySrc, replyDst, replySport, replyDport, icmpType, icmpCode,
            type == ConntrackEventType.DESTROY);
        out.append(" id=").append(Integer.toUnsignedString(id));
        return out;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(160);
        try
        {
            appendTo(sb);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return sb.toString();
    }
}
