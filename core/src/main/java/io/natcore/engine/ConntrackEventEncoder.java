/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;

/**
 * A connection's fields as a conntrack event record ({@link ConntrackEventDescriptor}'s layout, into the event ring)
 * or as a {@code conntrack -L} line: one reading of the entry for both, and the kernel's timeout column. The caller
 * holds the entry's write lock or the entry is expiring, so its fields are stable. Allocation free when publishing.
 */
final class ConntrackEventEncoder
{
    private final FlowTable table;
    /** The event ring, or null when events are off. */
    private final ConntrackEventBuffer events;
    /** Nanoseconds per kernel tick (1 / HZ): timeouts are printed in whole ticks. */
    private final long tickNanos;

    ConntrackEventEncoder(final FlowTable table, final ConntrackEventBuffer events, final long tickNanos)
    {
        this.table = table;
        this.events = events;
        this.tickNanos = tickNanos;
    }

    /**
     * Publish an event about {@code entry}. No allocation; a full ring loses the event and counts it.
     */
    void publish(final ConntrackEventType type, final int entry, final long nowNanos, final Counters counters)
    {
        if (events == null)
        {
            return;
        }
        final int index = events.claim();
        if (!ConntrackEventBuffer.isClaimed(index))
        {
            counters.extra(Counters.EVENTS_LOST);
            return;
        }
        final AtomicBuffer b = events.buffer();
        final long ok0 = table.keyK0(entry, FlowTable.DIR_ORIGINAL);
        final long ok1 = table.keyK1(entry, FlowTable.DIR_ORIGINAL);
        final long rk0 = table.keyK0(entry, FlowTable.DIR_REPLY);
        final long rk1 = table.keyK1(entry, FlowTable.DIR_REPLY);
        final int proto = FlowKey.protocol(ok1);
        final long deadline = table.deadlineOpaque(entry);
        b.putLong(index + ConntrackEventDescriptor.TIMESTAMP_OFFSET, nowNanos);
        b.putInt(index + ConntrackEventDescriptor.TYPE_OFFSET, type.ordinal());
        b.putInt(index + ConntrackEventDescriptor.PROTOCOL_OFFSET, proto);
        b.putInt(index + ConntrackEventDescriptor.STATE_OFFSET, tcpState(entry, proto));
        b.putInt(index + ConntrackEventDescriptor.TIMEOUT_OFFSET,
            type == ConntrackEventType.DESTROY && deadline <= nowNanos ? 0 : timeoutSeconds(deadline, nowNanos));
        b.putInt(index + ConntrackEventDescriptor.STATUS_OFFSET, table.statusOpaque(entry));
        b.putInt(index + ConntrackEventDescriptor.CT_ID_OFFSET, table.ctId(entry));
        b.putInt(index + ConntrackEventDescriptor.ORIG_SRC_OFFSET, FlowKey.srcIp(ok0));
        b.putInt(index + ConntrackEventDescriptor.ORIG_DST_OFFSET, FlowKey.dstIp(ok0));
        b.putShort(index + ConntrackEventDescriptor.ORIG_SPORT_OFFSET, (short)FlowKey.srcPort(ok1));
        b.putShort(index + ConntrackEventDescriptor.ORIG_DPORT_OFFSET, (short)FlowKey.dstPort(ok1));
        b.putInt(index + ConntrackEventDescriptor.REPLY_SRC_OFFSET, FlowKey.srcIp(rk0));
        b.putInt(index + ConntrackEventDescriptor.REPLY_DST_OFFSET, FlowKey.dstIp(rk0));
        b.putShort(index + ConntrackEventDescriptor.REPLY_SPORT_OFFSET, (short)FlowKey.srcPort(rk1));
        b.putShort(index + ConntrackEventDescriptor.REPLY_DPORT_OFFSET, (short)FlowKey.dstPort(rk1));
        b.putByte(index + ConntrackEventDescriptor.ICMP_TYPE_OFFSET, (byte)EntryScratch.icmpType(table, entry, proto));
        b.putByte(index + ConntrackEventDescriptor.ICMP_CODE_OFFSET, (byte)EntryScratch.icmpCode(table, entry, proto));
        b.putInt(index + ConntrackEventDescriptor.ZONE_OFFSET, FlowKey.zone(ok1));
        events.commit(index);
    }

    /**
     * The entry as {@code conntrack -L -o extended,id} prints it ({@code list}: with the family prefix, mark and use
     * columns), without the line end.
     */
    void appendEntry(final Appendable out, final int entry, final long nowNanos, final boolean list) throws IOException
    {
        final long ok0 = table.keyK0(entry, FlowTable.DIR_ORIGINAL);
        final long ok1 = table.keyK1(entry, FlowTable.DIR_ORIGINAL);
        final long rk0 = table.keyK0(entry, FlowTable.DIR_REPLY);
        final long rk1 = table.keyK1(entry, FlowTable.DIR_REPLY);
        final int proto = FlowKey.protocol(ok1);
        if (list)
        {
            out.append("ipv4     2 ");
        }
        ConntrackText.appendEntry(out, proto, tcpState(entry, proto),
            timeoutSeconds(table.deadlineOpaque(entry), nowNanos), table.statusOpaque(entry),
            FlowKey.srcIp(ok0), FlowKey.dstIp(ok0), FlowKey.srcPort(ok1), FlowKey.dstPort(ok1),
            FlowKey.srcIp(rk0), FlowKey.dstIp(rk0), FlowKey.srcPort(rk1), FlowKey.dstPort(rk1),
            EntryScratch.icmpType(table, entry, proto), EntryScratch.icmpCode(table, entry, proto), false);
        if (list)
        {
            out.append(" mark=").append(Integer.toString(table.mark(entry))).append(" use=1");
        }
        out.append(" id=").append(Integer.toUnsignedString(table.ctId(entry)));
    }

    /** Seconds left as the kernel prints them: whole ticks left, divided by HZ. */
    int timeoutSeconds(final long deadline, final long nowNanos)
    {
        if (deadline == Long.MAX_VALUE)
        {
            return 0;
        }
        final long ticks = Math.floorDiv(deadline, tickNanos) - Math.floorDiv(nowNanos, tickNanos);
        return ticks <= 0 ? 0 : (int)(ticks * tickNanos / 1_000_000_000L);
    }

    private int tcpState(final int entry, final int proto)
    {
        return proto == IpProtocol.TCP ? table.stateVolatile(entry) : 0;
    }
}
