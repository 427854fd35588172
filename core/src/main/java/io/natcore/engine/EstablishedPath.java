/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.track.TcpSegment;
import io.natcore.track.TcpState;
import io.natcore.track.TrackResult;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Fast path: a packet of a known connection. Under the entry's write lock: check the entry still holds the tuple
 * and has not expired, run the tracker, apply its result (deadline, SEEN_REPLY, ASSURED, UPDATE event), read the
 * precomputed rewrite; then, lock released, rewrite and forward. Allocation free.
 */
final class EstablishedPath
{
    private final PacketProcessor p;
    private final NatEngine engine;
    private final FlowTable table;
    private final ParsedPacket pkt;
    private final TcpSegment segment = new TcpSegment();
    private final TrackResult result = new TrackResult();
    /** What {@link #trackGeneral} refused the packet with (null: look again). */
    private Verdict refusal;
    /** The trackers' value forms first (false only in the test that compares them with the general path). */
    boolean valueForms = true;

    EstablishedPath(final PacketProcessor p)
    {
        this.p = p;
        this.engine = p.engine;
        this.table = p.table;
        this.pkt = p.pkt;
    }

    /**
     * @return the verdict, or null when the entry turned out stale, expired or reopened (look up again).
     */
    Verdict process(final MutableDirectBuffer buf, final long handle, final long k0, final long k1, final long now)
    {
        // Kept under C2's FreqInlineSize (325 bytecodes), its parts too, so that the packet's whole established path
        // compiles into the caller: as one 800-byte method it was "hot method too big", a real call per packet.
        final int entry = FlowTable.entry(handle);
        final int dir = FlowTable.direction(handle);
        final int status = lockLive(entry, dir, k0, k1, now);
        if (status < 0)
        {
            return null;
        }
        // A settled connection (SEEN_REPLY and ASSURED already set): a packet the trackers' value forms accept
        // changes no status bit and publishes no event, so only the deadline is written.
        final long timeout = (status & SETTLED) == SETTLED ? settledTimeout(buf, entry, dir, now) : -1;
        final int outcome;
        if (timeout >= 0)
        {
            table.putDeadlineOpaque(entry, now + timeout);
            outcome = ACCEPTED;
        }
        else
        {
            outcome = unsettled(buf, entry, dir, status, now);
            if (outcome == REFUSED)
            {
                return refusal;
            }
        }
        final int ops = table.ops(entry, dir);
        // The rewrite target is the inverse of the other direction's tuple (FlowTable.newSrcIp & co.): read that
        // tuple once instead of once per field.
        final long otherK0 = table.keyK0(entry, dir ^ 1);
        final long otherK1 = table.keyK1(entry, dir ^ 1);
        final int ipDelta = table.ipChecksumDelta(entry, dir);
        final int l4Delta = table.l4ChecksumDelta(entry, dir);
        final int egress = table.egressIfIndex(entry, dir);
        table.addCountersPlain(entry, dir, pkt.totalLength);
        table.endWrite(entry);
        if (outcome == ACCEPTED_DESTROY)
        {
            engine.destroy(entry, now, p.counters);
        }
        p.lastHandle = handle;
        return forward(buf, ops, otherK0, otherK1, ipDelta, l4Delta, egress);
    }

    /** Rewrite towards the inverse of the other direction's tuple ({@code otherK0}/{@code otherK1}) and forward. */
    private Verdict forward(
        final MutableDirectBuffer buf,
        final int ops,
        final long otherK0,
        final long otherK1,
        final int ipDelta,
        final int l4Delta,
        final int egress)
    {
        return p.forward(buf, ops, FlowKey.dstIp(otherK0), FlowKey.srcIp(otherK0), FlowKey.dstPort(otherK1),
            FlowKey.srcPort(otherK1), ipDelta, l4Delta, egress, !pkt.isFragment || pkt.isFirstFragment);
    }

    /** Status bits after which the value forms' accepted packets change nothing but the deadline. */
    private static final int SETTLED = FlowStatus.SEEN_REPLY | FlowStatus.ASSURED;
    /** {@link #unsettled}: accepted, rewrite and forward. */
    private static final int ACCEPTED = 0;
    /** {@link #unsettled}: accepted, rewrite and forward, then destroy the connection (the tracker killed it). */
    private static final int ACCEPTED_DESTROY = 1;
    /** {@link #unsettled}: lock released, {@link #refusal} is the verdict (null: look again). */
    private static final int REFUSED = 2;

    /** Deadline {@link #lockLive} read under the lock, for the general path. */
    private long lockedDeadline;

    /**
     * Takes the entry's write lock and checks that the entry still holds this tuple and has not expired.
     *
     * @return the status word (>= 0), the lock held; or -1, the lock released (stale, reopened or expired: look
     *     again).
     */
    private int lockLive(final int entry, final int dir, final long k0, final long k1, final long now)
    {
        if (table.beginWrite(entry) < 0)
        {
            return -1;
        }
        // One status read serves the liveness check and the tracker (opaque: the CAS of beginWrite already
        // ordered it after the lock, and status bits change only by CAS).
        final int status = table.statusOpaque(entry);
        if (!table.matches(entry, dir, k0, k1) || (status & FlowStatus.CONFIRMED) == 0)
        {
            table.endWrite(entry);
            return -1;
        }
        final long deadline = table.deadlineOpaque(entry);
        if (deadline <= now)
        {
            // Expired but not reaped yet: the kernel treats it as gone.
            table.endWrite(entry);
            engine.destroy(entry, now, p.counters);
            return -1;
        }
        lockedDeadline = deadline;
        return status;
    }

    /**
     * The trackers' value forms for a settled connection ({@code seenReply} true, nothing to set): an in-window
     * plain TCP ACK in ESTABLISHED, a UDP datagram, an ICMP query or reply.
     *
     * @return the timeout to refresh with, or -1 (declined, nothing written: the general path decides).
     */
    private long settledTimeout(final MutableDirectBuffer buf, final int entry, final int dir, final long now)
    {
        if (!valueForms)
        {
            return -1;
        }
        final int base = table.scratchOffset(entry);
        switch (pkt.protocol)
        {
            case NatEngine.PROTO_TCP:
                return plainAck(buf) && table.stateOpaque(entry) == TcpState.ESTABLISHED ?
                    engine.tcp.establishedAck(table.scratchBuffer(), base, dir, pkt.tcpSeq, pkt.tcpAck, pkt.tcpAck,
                    pkt.tcpWindow, pkt.tcpPayloadLength, true) : -1;
            case NatEngine.PROTO_UDP:
                return engine.udp.timeout(engine.udp.stream(table.scratchBuffer(), base, true, now));
            case NatEngine.PROTO_ICMP:
                return engine.icmp.timeout(table.scratchBuffer().getByte(base + EntryScratch.ICMP_TYPE_OFFSET) & 0xFF);
            default:
                return -1;
        }
    }

    /**
     * Every packet {@link #process} does not settle itself: the value forms of a connection not settled yet
     * (SEEN_REPLY or ASSURED to set, with their event), then the general tracker path for whatever they decline;
     * status bits and the UPDATE event of an accepted packet.
     *
     * @return {@link #ACCEPTED}, {@link #ACCEPTED_DESTROY} (lock held) or {@link #REFUSED} (lock released).
     */
    private int unsettled(
        final MutableDirectBuffer buf,
        final int entry,
        final int dir,
        final int status,
        final long now)
    {
        // Value forms not tried yet (not settled), and not switched off.
        final boolean tryValueForms = valueForms && (status & SETTLED) != SETTLED;
        final boolean seenReply = (status & FlowStatus.SEEN_REPLY) != 0;
        final boolean assured = (status & FlowStatus.ASSURED) != 0;
        final int base = table.scratchOffset(entry);
        int events;
        boolean destroy = false;
        boolean setAssured = false;
        // The common cases straight from the parse, as values (the trackers' value forms, tested against their
        // general paths): an in-window plain TCP ACK in ESTABLISHED, a UDP datagram, an ICMP query or reply.
        final long timeout;
        switch (tryValueForms ? pkt.protocol : -1)
        {
            case NatEngine.PROTO_TCP:
                if (plainAck(buf) && table.stateOpaque(entry) == TcpState.ESTABLISHED)
                {
                    timeout = engine.tcp.establishedAck(table.scratchBuffer(), base, dir, pkt.tcpSeq, pkt.tcpAck,
                        pkt.tcpAck, pkt.tcpWindow, pkt.tcpPayloadLength, seenReply);
                    setAssured = seenReply && !assured;
                }
                else
                {
                    timeout = -1;
                }
                break;
            case NatEngine.PROTO_UDP:
            {
                final boolean stream = engine.udp.stream(table.scratchBuffer(), base, seenReply, now);
                timeout = engine.udp.timeout(stream);
                setAssured = stream && !assured;
                break;
            }
            case NatEngine.PROTO_ICMP:
                timeout = engine.icmp.timeout(table.scratchBuffer().getByte(base + EntryScratch.ICMP_TYPE_OFFSET) & 0xFF);
                break;
            default:
                timeout = -1;
                break;
        }
        if (timeout >= 0)
        {
            // Accepted, protocol state unchanged: refresh, and ASSURED (its one event) when the tracker says so.
            table.putDeadlineOpaque(entry, now + timeout);
            events = setAssured ? TrackResult.EVENT_ASSURED : 0;
        }
        else
        {
            if (!trackGeneral(buf, entry, base, dir, seenReply, assured, lockedDeadline, now))
            {
                return REFUSED;
            }
            events = result.events;
            destroy = result.destroy;
            setAssured = result.setAssured;
        }
        // A killed connection reports DESTROY as it stood: the kernel sets SEEN_REPLY after the tracker ran.
        if (dir == FlowTable.DIR_REPLY && !seenReply && !destroy)
        {
            table.orStatusVolatile(entry, FlowStatus.SEEN_REPLY);
            events |= TrackResult.EVENT_REPLY;
        }
        if (setAssured)
        {
            table.orStatusVolatile(entry, FlowStatus.ASSURED);
        }
        if (events != 0 && !destroy)
        {
            engine.publish(ConntrackEventType.UPDATE, entry, now, p.counters);
        }
        return destroy ? ACCEPTED_DESTROY : ACCEPTED;
    }

    /**
     * The general path (every case the value forms above do not cover), kept out of {@link #process} so that the
     * common path compiles small: runs the tracker into {@link #result} and applies a refusal (untracked, drop,
     * destroy and look again) or the deadline and state of an accepted packet.
     *
     * @return true when the packet was accepted ({@link #result} holds the rest); false after the entry's lock was
     *     released, with {@link #refusal} the verdict to return (null: look again).
     */
    private boolean trackGeneral(
        final MutableDirectBuffer buf,
        final int entry,
        final int base,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final long deadline,
        final long now)
    {
        if (!track(buf, entry, base, dir, seenReply, assured, deadline, now))
        {
            table.endWrite(entry);
            refusal = p.untracked(buf, PacketProcessor.trackReason(result.reason));
            return false;
        }
        switch (result.verdict)
        {
            case TrackResult.INVALID:
                if (result.refresh)
                {
                    final long lowered = now + result.timeoutNanos;
                    if (lowered < deadline)
                    {
                        table.putDeadlineOpaque(entry, lowered);
                    }
                }
                table.endWrite(entry);
                refusal = p.untracked(buf, PacketProcessor.trackReason(result.reason));
                return false;
            case TrackResult.DROP:
                table.endWrite(entry);
                refusal = p.finish(Verdict.DROP, Reason.TRACK_DROP);
                return false;
            case TrackResult.REPEAT:
                table.endWrite(entry);
                engine.destroy(entry, now, p.counters);
                refusal = null;
                return false;
            default:
                break;
        }
        if (result.refresh)
        {
            table.putDeadlineOpaque(entry, now + result.timeoutNanos);
        }
        if (result.newState != result.oldState)
        {
            table.putStatePlain(entry, result.newState);
        }
        return true;
    }

    /**
     * True for an unfragmented TCP segment with only ACK of SYN/FIN/RST/ACK and no options that matter to the
     * tracker (none, or the usual NOP NOP timestamp): it carries no SACK block, so its SACK edge is its ACK, as
     * {@link TcpSegment#readParsed} would find.
     */
    private boolean plainAck(final MutableDirectBuffer buf)
    {
        if (pkt.protocol != NatEngine.PROTO_TCP || pkt.isFragment ||
            (pkt.tcpFlags & (TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST | TcpSegment.ACK)) != TcpSegment.ACK)
        {
            return false;
        }
        final int optionsLength = pkt.tcpDataOffset - TcpHeader.MIN_LENGTH;
        return optionsLength == 0 || optionsLength == TcpHeader.NOP_NOP_TIMESTAMP_LENGTH &&
            buf.getInt(pkt.l4Offset + TcpHeader.OPTIONS_OFFSET, ByteOrder.BIG_ENDIAN) == TcpHeader.NOP_NOP_TIMESTAMP;
    }

    /**
     * Run the connection's tracker into {@link #result}.
     *
     * @return false when the segment cannot be read (result.reason says why).
     */
    private boolean track(
        final MutableDirectBuffer buf,
        final int entry,
        final int base,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final long deadline,
        final long now)
    {
        switch (pkt.protocol)
        {
            case NatEngine.PROTO_TCP:
                // A whole packet was parsed with an OK status: its TCP fields are in pkt (a first fragment's may
                // be cut short, so it is read again with the bounds checks).
                if (pkt.isFragment ? !pkt.isFirstFragment || !segment.readFrom(buf, pkt.l4Offset, pkt.l4Length) :
                    !segment.readParsed(buf, pkt))
                {
                    result.clear();
                    result.verdict = TrackResult.INVALID;
                    result.reason = io.natcore.track.TrackReason.TCP_TRUNCATED;
                    return false;
                }
                engine.tcp.packet(table.scratchBuffer(), base, table.stateOpaque(entry), segment, dir, seenReply, assured,
                    deadline - now, result);
                return true;
            case NatEngine.PROTO_UDP:
            case 136:
                engine.udp.packet(table.scratchBuffer(), base, false, seenReply, assured, now, result);
                return true;
            case NatEngine.PROTO_ICMP:
                engine.icmp.packet(table.scratchBuffer().getByte(base + EntryScratch.ICMP_TYPE_OFFSET) & 0xFF, result);
                return true;
            case NatEngine.PROTO_GRE:
                engine.gre.packet(seenReply, assured, result);
                return true;
            default:
                engine.generic.packet(result);
                return true;
        }
    }
}
