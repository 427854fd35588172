/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.Rewriter;
import io.natcore.packet.Checksum;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.SctpHeader;
import io.natcore.table.FlowTable;
import io.natcore.track.FragmentResult;
import io.natcore.track.FragmentTracker;
import io.natcore.track.TrackReason;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Fragments ({@link FragmentHandling}): a first fragment takes the connection path as a packet, later ones follow it
 * (the addresses its connection rewrites, nothing above L3); fragments that come before their first one are held
 * ({@link Verdict#HOLD}) and handed back translated, or dropped when their datagram dies or times out. With
 * {@link FragmentHandling#REASSEMBLE} every fragment is held until its datagram is complete. One per processor.
 */
final class FragmentPath
{
    /** Non-first fragments held per datagram before its first fragment arrives. */
    static final int MAX_HELD_PER_DATAGRAM = 8;
    /** Reassembly: fragments one datagram may have (a 65535-byte datagram in 1500-byte frames has 45). */
    static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;
    /** {@link #sctpAddressesAndPorts} of a packet that is not a whole SCTP one. */
    private static final long NOT_SCTP = -1;
    /** ECN codepoint bits of the TOS byte (RFC 3168). */
    private static final int ECN_MASK = 3;

    private final PacketProcessor p;
    private final FlowTable table;
    private final ParsedPacket pkt;
    private final PacketOutcome out;
    private final ForwardStage forwarding;
    private final Counters counters;
    private final boolean verifyIpHeader;
    private final boolean verifyL4;
    final FragmentTracker fragments;
    private final FragmentResult fragmentResult;
    /** Non-first fragments waiting for their first fragment ({@link Verdict#HOLD}); token = slot. */
    final HeldFragments held;
    /** Bound once here so the tracker's expiry callback allocates nothing per call. */
    private final FragmentTracker.ExpiryHandler onHeldExpired = this::dropExpiredHeld;
    private final long fragmentTimeoutNanos;
    /** {@link FragmentHandling#REASSEMBLE}: fragments wait for their whole datagram. */
    private final boolean reassemble;
    /** When a held fragment's datagram has surely timed out (held time + timeout of the oldest held one). */
    private long nextHeldCheckNanos;

    FragmentPath(final PacketProcessor p, final NatEngine engine)
    {
        this.p = p;
        this.table = engine.table;
        this.pkt = p.pkt;
        this.out = p.outcome;
        this.forwarding = p.forwarding;
        this.counters = p.counters;
        this.verifyIpHeader = engine.config.checksumVerification.ipHeader();
        this.verifyL4 = engine.config.checksumVerification.l4();
        this.held = new HeldFragments(engine.config.fragmentsHeld);
        this.fragmentTimeoutNanos = engine.timeouts.fragment();
        this.reassemble = engine.config.fragmentHandling == FragmentHandling.REASSEMBLE;
        // Reassembly: every fragment of a datagram is held, each may open a run of its own (out of order).
        final int perDatagram = reassemble ? Math.min(held.capacity, MAX_FRAGMENTS_PER_DATAGRAM) :
            held.capacity > 0 ? MAX_HELD_PER_DATAGRAM : 0;
        this.fragments = new FragmentTracker(engine.config.fragmentCapacity, reassemble ? Math.max(1, perDatagram) : 8,
            perDatagram, fragmentTimeoutNanos, engine.config.seed, reassemble);
        this.fragmentResult = fragments.newResult();
    }

    /** Drops held fragments whose datagram timed out, when one may have. */
    void expireHeld(final long nowNanos)
    {
        if (held.heldCount > 0 && nowNanos - nextHeldCheckNanos >= 0)
        {
            expireHeldDatagrams(nowNanos);
        }
    }

    /** A fragment (parsed into the processor's packet; {@code status} its parse). */
    Verdict process(
        final MutableDirectBuffer buf,
        final int offset,
        final int length,
        final int ingressIfIndex,
        final long nowNanos,
        final ParseStatus status)
    {
        if (reassemble)
        {
            return reassembleFragment(buf, offset, length, ingressIfIndex, nowNanos);
        }
        // Only a non-first fragment may wait for its first one; the slot is given back unless the tracker parks it.
        final boolean holdable = pkt.fragmentOffset > 0 && held.capacity > 0;
        final int slot = holdable ? held.hold(buf, offset, length, ingressIfIndex, nowNanos) : -1;
        final int action = fragments.onFragment(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, pkt.fragmentOffset,
            pkt.l4Length, pkt.moreFragments, slot, nowNanos, fragmentResult);
        if (slot >= 0 && action != FragmentTracker.PARKED)
        {
            held.unhold(slot);
        }
        dropListedHeld(action);
        switch (action)
        {
            case FragmentTracker.FIRST:
            {
                final Verdict v = status.isOk() ? p.connectionPath(buf, ingressIfIndex, nowNanos) :
                    forwarding.untracked(buf, Reason.of(status));
                final long handle = out.handleForFollowers(v);
                final int n = fragments.bind(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, handle, fragmentResult);
                if (n > 0)
                {
                    out.save();
                    releaseFollowing(0, n, handle, -1);
                    out.restore();
                }
                return v;
            }
            case FragmentTracker.FOLLOW:
                return follow(buf, fragmentResult.handle);
            case FragmentTracker.PARKED:
                if (held.heldCount == 1)
                {
                    nextHeldCheckNanos = nowNanos + fragmentTimeoutNanos;
                }
                return out.finish(Verdict.HOLD, Reason.NONE);
            case FragmentTracker.DROP:
                if (holdable && slot < 0 && fragmentResult.reason == TrackReason.FRAG_ORPHAN)
                {
                    return out.finish(Verdict.DROP, Reason.FRAG_HELD_FULL);
                }
                return out.finish(Verdict.DROP, Reason.ofFragment(fragmentResult.reason));
            default:
                return out.finish(Verdict.DROP, Reason.FRAG_ORPHAN);
        }
    }

    /**
     * {@link FragmentHandling#REASSEMBLE}: the fragment is held until its datagram is complete; the one that completes
     * it releases all of them, translated, in offset order (see {@link #releaseDatagram}). On overlap (and other
     * inconsistencies) the datagram's held fragments are dropped with this one.
     */
    private Verdict reassembleFragment(
        final MutableDirectBuffer buf, final int offset, final int length, final int ingressIfIndex, final long nowNanos)
    {
        final int slot = held.capacity > 0 ? held.hold(buf, offset, length, ingressIfIndex, nowNanos) : -1;
        final int action = fragments.onFragment(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, pkt.fragmentOffset,
            pkt.l4Length, pkt.moreFragments, slot, nowNanos, fragmentResult);
        if (slot >= 0 && action != FragmentTracker.PARKED && action != FragmentTracker.COMPLETE)
        {
            held.unhold(slot);
        }
        final int listed = fragmentResult.tokenCount;
        if (action != FragmentTracker.COMPLETE && listed > 0)
        {
            final Reason r = Reason.ofFragment(fragmentResult.listedReason);
            for (int i = 0; i < listed; i++)
            {
                dropHeld((int)fragmentResult.tokens[i], r);
            }
        }
        switch (action)
        {
            case FragmentTracker.PARKED:
                if (held.heldCount == 1)
                {
                    nextHeldCheckNanos = nowNanos + fragmentTimeoutNanos;
                }
                return out.finish(Verdict.HOLD, Reason.NONE);
            case FragmentTracker.COMPLETE:
                releaseDatagram(listed, fragmentResult.datagramLength, nowNanos);
                return out.finish(Verdict.HOLD, Reason.NONE);
            default:
                if (slot < 0 && held.capacity > 0 && fragmentResult.reason == TrackReason.FRAG_ORPHAN)
                {
                    return out.finish(Verdict.DROP, Reason.FRAG_HELD_FULL);
                }
                return out.finish(Verdict.DROP, Reason.ofFragment(fragmentResult.reason));
        }
    }

    /**
     * A complete datagram's fragments (held slots in offset order, the first at offset 0): the first is processed as
     * a packet (connection, NAT, ports and L4 checksum), the others get its connection's address rewrite; all are
     * released in that order. A datagram past 65535 bytes is dropped whole, as {@code ip_frag_reasm} does.
     */
    private void releaseDatagram(final int n, final int datagramLength, final long nowNanos)
    {
        out.save();
        final int first = (int)fragmentResult.tokens[0];
        final MutableDirectBuffer firstBuf = held.buffer(first);
        final int firstAt = held.offsets[first];
        // ip_frag_reasm: the ECN codepoints of all fragments combined (ip_frag_ecn_table) go into the head's TOS.
        int ecnSeen = 0;
        for (int i = 0; i < n; i++)
        {
            final int slot = (int)fragmentResult.tokens[i];
            ecnSeen |= 1 << (held.buffer(slot).getByte(held.offsets[slot] + Ipv4Header.TOS_OFFSET) & ECN_MASK);
        }
        final int ecn = FragmentTracker.reassembledEcn(ecnSeen);
        final ParseStatus status = PacketParser.parse(firstBuf, firstAt, held.lengths[first], pkt, verifyIpHeader,
            verifyL4);
        final Reason dropped = ecn < 0 ? Reason.FRAG_ECN_INVALID :
            pkt.ipHeaderLength + datagramLength > Ipv4Header.MAX_DATAGRAM_LENGTH ? Reason.FRAG_OVERSIZE : Reason.NONE;
        if (dropped != Reason.NONE)
        {
            for (int i = 0; i < n; i++)
            {
                dropHeld((int)fragmentResult.tokens[i], dropped);
            }
        }
        else
        {
            if (ecn > 0)
            {
                setHeaderByte(firstBuf, firstAt, Ipv4Header.TOS_OFFSET, pkt.tos | ecn);
                pkt.tos |= ecn;
            }
            out.egress = -1;
            out.reason = Reason.NONE;
            final long sctpBefore = sctpAddressesAndPorts(firstBuf, firstAt, status);
            final Verdict v = status.isOk() ? p.connectionPath(firstBuf, held.ingress(first), nowNanos) :
                forwarding.untracked(firstBuf, Reason.of(status));
            if (sctpBefore != NOT_SCTP && v == Verdict.FORWARD && sctpAddressesAndPorts(firstBuf, firstAt, status) !=
                sctpBefore)
            {
                sctpChecksumOverFragments(n, firstBuf, firstAt);
            }
            final long handle = out.handleForFollowers(v);
            held.release(first, v, out.egress, out.reason, v == Verdict.FORWARD || v == Verdict.INVALID ?
                pkt.totalLength : held.lengths[first]);
            counters.unhold();
            // ip_do_fragment gives every fragment the head's header: its TTL and TOS, whatever each one came with.
            final int headTtlTos = (firstBuf.getByte(firstAt + Ipv4Header.TTL_OFFSET) & 0xFF) << 8 |
                firstBuf.getByte(firstAt + Ipv4Header.TOS_OFFSET) & 0xFF;
            releaseFollowing(1, n, handle, headTtlTos);
        }
        out.restore();
    }

    /**
     * For the first fragment of a whole SCTP packet: a digest of its addresses and ports, to see whether NAT changed
     * them ({@link #NOT_SCTP} for anything else).
     */
    private static long sctpAddressesAndPorts(final MutableDirectBuffer buf, final int at, final ParseStatus status)
    {
        if (!status.isOk() || (buf.getByte(at + Ipv4Header.PROTOCOL_OFFSET) & 0xFF) != IpProtocol.SCTP)
        {
            return NOT_SCTP;
        }
        final int l4 = at + (buf.getByte(at) & 0x0F) * 4;
        final long addresses = (long)buf.getInt(at + Ipv4Header.SRC_ADDRESS_OFFSET) * 31 +
            buf.getInt(at + Ipv4Header.DST_ADDRESS_OFFSET);
        return (addresses * 31 + buf.getInt(l4 + SctpHeader.SRC_PORT_OFFSET)) & Long.MAX_VALUE;
    }

    /**
     * sctp_manip_pkt on a reassembled packet: its CRC32c over all fragments (in offset order, the first one's
     * rewritten ports included), stored in the first fragment.
     */
    private void sctpChecksumOverFragments(final int n, final MutableDirectBuffer firstBuf, final int firstAt)
    {
        final int ihl = (firstBuf.getByte(firstAt) & 0x0F) * 4;
        final int firstL4 = (firstBuf.getShort(firstAt + Ipv4Header.TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) &
            0xFFFF) - ihl;
        if (firstL4 < SctpHeader.LENGTH)
        {
            return;
        }
        int crc = SctpHeader.startChecksum(firstBuf, firstAt + ihl, firstL4);
        for (int i = 1; i < n; i++)
        {
            final int slot = (int)fragmentResult.tokens[i];
            final MutableDirectBuffer b = held.buffer(slot);
            final int at = held.offsets[slot];
            final int h = (b.getByte(at) & 0x0F) * 4;
            final int length = (b.getShort(at + Ipv4Header.TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF) - h;
            crc = SctpHeader.continueChecksum(crc, b, at + h, length);
        }
        SctpHeader.putChecksumRegister(firstBuf, firstAt + ihl, crc);
    }

    /**
     * Sets one byte of the IPv4 header at {@code at} (the TOS or the TTL), updating the header checksum with the
     * 16-bit word that holds it (RFC 1624).
     */
    private static void setHeaderByte(final MutableDirectBuffer buf, final int at, final int byteOffset, final int value)
    {
        final int wordAt = at + (byteOffset & ~1);
        final int oldWord = buf.getShort(wordAt, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buf.putByte(at + byteOffset, (byte)value);
        final int newWord = buf.getShort(wordAt, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int csumAt = at + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(csumAt, (short)Checksum.update16(buf.getShort(csumAt, ByteOrder.BIG_ENDIAN) & 0xFFFF, oldWord,
            newWord), ByteOrder.BIG_ENDIAN);
    }

    /**
     * Translates the held fragments listed in {@code fragmentResult.tokens[from, n)} (by {@link FragmentTracker#bind},
     * or after the first of a complete datagram), exactly as a fragment arriving after its first one
     * ({@link #follow}); the caller keeps the current packet's outcome ({@link PacketOutcome#save}).
     *
     * @param headTtlTos reassembly: the first fragment's TTL and TOS as sent ({@code ttl << 8 | tos}), given to each
     *                   fragment sent; -1 to leave each its own.
     */
    private void releaseFollowing(final int from, final int n, final long handle, final int headTtlTos)
    {
        for (int i = from; i < n; i++)
        {
            final int slot = (int)fragmentResult.tokens[i];
            final MutableDirectBuffer b = held.buffer(slot);
            out.egress = -1;
            out.reason = Reason.NONE;
            final ParseStatus st = PacketParser.parse(b, held.offsets[slot], held.lengths[slot], pkt, verifyIpHeader,
                verifyL4);
            final Verdict v = st.isL3Drop() ? out.finish(Verdict.DROP, Reason.of(st)) : follow(b, handle);
            final boolean sent = v == Verdict.FORWARD || v == Verdict.INVALID;
            if (sent && headTtlTos >= 0)
            {
                setHeaderByte(b, pkt.ipOffset, Ipv4Header.TTL_OFFSET, headTtlTos >>> 8);
                setHeaderByte(b, pkt.ipOffset, Ipv4Header.TOS_OFFSET, headTtlTos & 0xFF);
            }
            held.release(slot, v, out.egress, out.reason, sent ? pkt.totalLength : held.lengths[slot]);
            counters.unhold();
        }
    }

    /** Held fragments listed by {@link FragmentTracker#onFragment}: their datagram died or timed out. */
    private void dropListedHeld(final int action)
    {
        final int n = fragmentResult.tokenCount;
        if (n == 0)
        {
            return;
        }
        final int why = fragmentResult.reason;
        final Reason r = action == FragmentTracker.DROP &&
            (why == TrackReason.FRAG_OVERLAP || why == TrackReason.FRAG_CORRUPT || why == TrackReason.FRAG_TOO_MANY) ?
            Reason.FRAG_DATAGRAM_DROPPED : Reason.FRAG_ORPHAN;
        for (int i = 0; i < n; i++)
        {
            dropHeld((int)fragmentResult.tokens[i], r);
        }
    }

    private void expireHeldDatagrams(final long nowNanos)
    {
        fragments.expire(nowNanos, onHeldExpired);
        // Every held fragment's datagram started no later than the fragment was held, so it is gone by then.
        nextHeldCheckNanos = held.heldCount > 0 ? held.oldestHeldNanos() + fragmentTimeoutNanos : nowNanos;
    }

    private void dropExpiredHeld(final long token)
    {
        // Reassembly: the datagram did not complete in time (ipfrag_time); otherwise its first fragment never came.
        dropHeld((int)token, reassemble ? Reason.FRAG_TIMEOUT : Reason.FRAG_ORPHAN);
    }

    private void dropHeld(final int slot, final Reason why)
    {
        held.release(slot, Verdict.DROP, -1, why, held.lengths[slot]);
        counters.verdict(Verdict.DROP);
        counters.reason(why);
        counters.unhold();
    }

    /** A later fragment: the addresses its first fragment's connection rewrites, nothing above L3. */
    private Verdict follow(final MutableDirectBuffer buf, final long handle)
    {
        if (handle == PacketOutcome.HANDLE_DROPPED)
        {
            return out.finish(Verdict.DROP, Reason.FRAG_DATAGRAM_DROPPED);
        }
        if (handle == PacketOutcome.HANDLE_LOCAL)
        {
            return out.finish(Verdict.LOCAL, Reason.NONE);
        }
        if (handle < 0)
        {
            return forwarding.untracked(buf, Reason.NONE);
        }
        final int entry = FlowTable.entry(handle);
        final int dir = FlowTable.direction(handle);
        final int seq = table.readBeginAcquire(entry);
        final int ops = table.ops(entry, dir) & (Rewriter.OP_SRC_IP | Rewriter.OP_DST_IP);
        final int newSrc = table.newSrcIp(entry, dir);
        final int newDst = table.newDstIp(entry, dir);
        final int ipDelta = table.ipChecksumDelta(entry, dir);
        final int egressIf = table.egressIfIndex(entry, dir);
        if (!table.readValidate(entry, seq) || !table.isLive(entry))
        {
            return forwarding.untracked(buf, Reason.NONE);
        }
        counters.extra(Counters.FRAGMENTS_FOLLOWED);
        forwarding.rewrite.set(ops, newSrc, newDst, 0, 0, ipDelta, 0);
        return forwarding.forward(buf, handle, egressIf, false);
    }
}
