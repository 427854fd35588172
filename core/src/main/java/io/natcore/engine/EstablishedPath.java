/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.track.TcpSegment;
import io.natcore.track.TrackResult;
import org.agrona.MutableDirectBuffer;

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
        final int entry = FlowTable.entry(handle);
        final int dir = FlowTable.direction(handle);
        if (table.beginWrite(entry) < 0)
        {
            return null;
        }
        // One status read serves the liveness check and the tracker (opaque: the CAS of beginWrite already
        // ordered it after the lock, and status bits change only by CAS).
        final int status = table.statusOpaque(entry);
        if (!table.matches(entry, dir, k0, k1) || (status & FlowStatus.CONFIRMED) == 0)
        {
            table.endWrite(entry);
            return null;
        }
        final long deadline = table.deadlineOpaque(entry);
        if (deadline <= now)
        {
            // Expired but not reaped yet: the kernel treats it as gone.
            table.endWrite(entry);
            engine.destroy(entry, now, p.counters);
            return null;
        }

        final boolean seenReply = (status & FlowStatus.SEEN_REPLY) != 0;
        final boolean assured = (status & FlowStatus.ASSURED) != 0;
        final int base = table.scratchOffset(entry);
        if (!track(buf, entry, base, dir, seenReply, assured, deadline, now))
        {
            table.endWrite(entry);
            return p.untracked(buf, PacketProcessor.trackReason(result.reason));
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
                return p.untracked(buf, PacketProcessor.trackReason(result.reason));
            case TrackResult.DROP:
                table.endWrite(entry);
                return p.finish(Verdict.DROP, Reason.TRACK_DROP);
            case TrackResult.REPEAT:
                table.endWrite(entry);
                engine.destroy(entry, now, p.counters);
                return null;
            default:
                break;
        }

        int events = result.events;
        if (result.refresh)
        {
            table.putDeadlineOpaque(entry, now + result.timeoutNanos);
        }
        // A killed connection reports DESTROY as it stood: the kernel sets SEEN_REPLY after the tracker ran.
        if (dir == FlowTable.DIR_REPLY && !seenReply && !result.destroy)
        {
            table.orStatusVolatile(entry, FlowStatus.SEEN_REPLY);
            events |= TrackResult.EVENT_REPLY;
        }
        if (result.setAssured)
        {
            table.orStatusVolatile(entry, FlowStatus.ASSURED);
        }
        if (result.newState != result.oldState)
        {
            table.putStatePlain(entry, result.newState);
        }
        if (events != 0 && !result.destroy)
        {
            engine.publish(ConntrackEventType.UPDATE, entry, now, p.counters);
        }
        final int ops = table.ops(entry, dir);
        // The rewrite target is the inverse of the other direction's tuple (FlowTable.newSrcIp & co.): read that
        // tuple once instead of once per field.
        final long otherK0 = table.keyK0(entry, dir ^ 1);
        final long otherK1 = table.keyK1(entry, dir ^ 1);
        final int newSrcIp = FlowKey.dstIp(otherK0);
        final int newDstIp = FlowKey.srcIp(otherK0);
        final int newSrcPort = FlowKey.dstPort(otherK1);
        final int newDstPort = FlowKey.srcPort(otherK1);
        final int ipDelta = table.ipChecksumDelta(entry, dir);
        final int l4Delta = table.l4ChecksumDelta(entry, dir);
        final int egress = table.egressIfIndex(entry, dir);
        table.addCountersPlain(entry, dir, pkt.totalLength);
        table.endWrite(entry);
        if (result.destroy)
        {
            engine.destroy(entry, now, p.counters);
        }
        p.lastHandle = handle;
        return p.forward(buf, ops, newSrcIp, newDstIp, newSrcPort, newDstPort, ipDelta, l4Delta, egress,
            !pkt.isFragment || pkt.isFirstFragment);
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
