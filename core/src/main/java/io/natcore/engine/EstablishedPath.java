/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.track.TcpSegment;
import io.natcore.track.TcpState;
import io.natcore.track.TrackReason;
import io.natcore.track.TrackResult;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Fast path: a packet of a known connection. Under the entry's write lock: check the entry still holds the tuple
 * and has not expired, run the tracker, apply its result (deadline, SEEN_REPLY, ASSURED, UPDATE event), read the
 * precomputed rewrite, and remove it if the tracker says so; then, lock released, rewrite and forward. Allocation free.
 */
final class EstablishedPath
{
    private final PacketProcessor p;
    private final NatEngine engine;
    private final FlowTable table;
    private final ParsedPacket pkt;
    private final TcpSegment segment = new TcpSegment();
    private final TrackResult result = new TrackResult();
    private final PacketOutcome out;
    private final ForwardStage forwarding;

    EstablishedPath(final PacketProcessor p)
    {
        this.p = p;
        this.engine = p.engine;
        this.table = p.table;
        this.pkt = p.pkt;
        this.out = p.outcome;
        this.forwarding = p.forwarding;
    }

    /**
     * @param trackerShortcuts the trackers' value forms first (false only in the test that compares them with the
     *                   general path; a constant true on the packet path).
     * @return the verdict, or null when the entry turned out stale, expired or reopened (look up again).
     */
    Verdict process(
        final MutableDirectBuffer buf, final long handle, final long k0, final long k1, final long now,
        final boolean trackerShortcuts)
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
            // Expired but not reaped yet: the kernel treats it as gone. Removed under the lock (see destroyLocked).
            engine.destroyLocked(entry, now, p.counters);
            table.endWrite(entry);
            return null;
        }

        final boolean seenReply = (status & FlowStatus.SEEN_REPLY) != 0;
        final boolean assured = (status & FlowStatus.ASSURED) != 0;
        final int base = table.scratchOffset(entry);
        int events;
        boolean destroy = false;
        boolean setAssured = false;
        // The common cases straight from the parse, as values (the trackers' value forms, tested against their
        // general paths): an in-window plain TCP ACK in ESTABLISHED, a UDP datagram, an ICMP query or reply.
        final long timeout;
        switch (trackerShortcuts ? pkt.protocol : -1)
        {
            case IpProtocol.TCP:
                if (plainAck(buf) && table.stateVolatile(entry) == TcpState.ESTABLISHED)
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
            case IpProtocol.UDP:
            {
                final boolean stream = engine.udp.stream(table.scratchBuffer(), base, seenReply, now);
                timeout = engine.udp.timeout(stream);
                setAssured = stream && !assured;
                break;
            }
            case IpProtocol.ICMP:
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
            if (!trackGeneral(buf, entry, base, dir, seenReply, assured, deadline, now))
            {
                return refused(buf);
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
        // The rewrite target is the inverse of the other direction's tuple (FlowTable.newSrcIp & co.): read that
        // tuple once instead of once per field.
        final long otherK0 = table.keyK0(entry, dir ^ 1);
        final long otherK1 = table.keyK1(entry, dir ^ 1);
        forwarding.rewrite.set(table.ops(entry, dir), FlowKey.dstIp(otherK0), FlowKey.srcIp(otherK0),
            FlowKey.dstPort(otherK1), FlowKey.srcPort(otherK1), table.ipChecksumDelta(entry, dir),
            table.l4ChecksumDelta(entry, dir));
        final int egress = table.egressIfIndex(entry, dir);
        table.addCountersPlain(entry, dir, pkt.totalLength);
        if (destroy)
        {
            engine.destroyLocked(entry, now, p.counters);
        }
        table.endWrite(entry);
        return forwarding.forward(buf, handle, egress, !pkt.isFragment || pkt.isFirstFragment);
    }

    /**
     * The verdict of a packet {@link #trackGeneral} refused, from the tracker's {@link #result} (the entry's lock is
     * released): dropped, looked up again (null: the entry was destroyed for a reopen) or untracked.
     */
    private Verdict refused(final MutableDirectBuffer buf)
    {
        switch (result.verdict)
        {
            case TrackResult.DROP:
                return out.finish(Verdict.DROP, Reason.TRACK_DROP);
            case TrackResult.REPEAT:
                return null;
            default:
                return forwarding.untracked(buf, Reason.ofTrack(result.reason));
        }
    }

    /**
     * The general path (every case the value forms above do not cover), kept out of {@link #process} so that the
     * common path compiles small: runs the tracker into {@link #result} and applies a refusal (untracked, drop,
     * destroy and look again) or the deadline and state of an accepted packet.
     *
     * @return true when the packet was accepted ({@link #result} holds the rest); false after the entry's lock was
     *     released, {@link #result} saying why ({@link #refused}).
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
                return false;
            case TrackResult.DROP:
                table.endWrite(entry);
                return false;
            case TrackResult.REPEAT:
                engine.destroyLocked(entry, now, p.counters);
                table.endWrite(entry);
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
        if (pkt.protocol != IpProtocol.TCP || pkt.isFragment ||
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
            case IpProtocol.TCP:
                // A whole packet was parsed with an OK status: its TCP fields are in pkt (a first fragment's may
                // be cut short, so it is read again with the bounds checks).
                if (pkt.isFragment ? !pkt.isFirstFragment || !segment.readFrom(buf, pkt.l4Offset, pkt.l4Length) :
                    !segment.readParsed(buf, pkt))
                {
                    result.clear();
                    result.verdict = TrackResult.INVALID;
                    result.reason = TrackReason.TCP_TRUNCATED;
                    return false;
                }
                engine.tcp.packet(table.scratchBuffer(), base, table.stateVolatile(entry), segment, dir, seenReply, assured,
                    deadline - now, result);
                return true;
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
                engine.udp.packet(table.scratchBuffer(), base, false, seenReply, assured, now, result);
                return true;
            case IpProtocol.ICMP:
                engine.icmp.packet(table.scratchBuffer().getByte(base + EntryScratch.ICMP_TYPE_OFFSET) & 0xFF, result);
                return true;
            case IpProtocol.GRE:
                engine.gre.packet(seenReply, assured, result);
                return true;
            default:
                engine.generic.packet(result);
                return true;
        }
    }
}
