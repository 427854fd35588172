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
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.track.FragmentResult;
import io.natcore.track.FragmentTracker;
import io.natcore.track.TrackReason;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The per-packet entry points, one per thread (not thread safe; all state is reused, nothing allocates after
 * warm-up). The packet is rewritten in place; the verdict says what to do with it, {@link #egressIfIndex()} where
 * to send it and {@link #reason()} why it was not simply forwarded.
 * <p>
 * Two entry points, as the kernel's two places where conntrack first sees a packet: {@link #process} for a packet
 * the box received (PREROUTING; then FORWARD and POSTROUTING, or INPUT when it is for the box itself) and
 * {@link #processOutput} for one the box's own stack sends (OUTPUT, then POSTROUTING). Both share one connection
 * table: a connection to the box is tracked like a forwarded one, and the box's answers, sent through
 * {@link #processOutput}, are translated back by its reply tuple.
 * <p>
 * The path, in order: parse ({@link PacketParser}) -> fragments follow their first fragment -> ICMP errors go to
 * {@link IcmpErrorPath} -> lookup -> hit: {@link EstablishedPath} (track, rewrite with precomputed deltas) /
 * miss: {@link NewConnectionPath} (rules, route, bind, insert, track) -> TTL (forwarded packets only) -> rewrite ->
 * verdict.
 */
public final class PacketProcessor
{
    /** Packets a burst call looks up together ({@link #processBurst}); longer bursts are taken in chunks. */
    public static final int MAX_BURST = BurstScratch.MAX_BURST;
    /** {@link #tracked} argument: no handle known yet, look the packet up. */
    static final long LOOK_UP = FlowTable.MISS - 1;
    /** Fragment handle of a datagram whose first fragment went untracked (forwarded untranslated). */
    static final long HANDLE_UNTRACKED = -2;
    /** Fragment handle of a datagram whose first fragment was dropped. */
    static final long HANDLE_DROPPED = -3;
    /** Fragment handle of an untracked datagram delivered locally. */
    static final long HANDLE_LOCAL = -4;
    /**
     * The ingress of a packet the box's own stack sent ({@link #processOutput}): interface index 0, which names no
     * interface in Linux (a locally generated packet has no input device).
     */
    static final int LOCAL_STACK = 0;

    final NatEngine engine;
    final FlowTable table;
    final Counters counters = new Counters();
    final ParsedPacket pkt = new ParsedPacket();
    final FragmentTracker fragments;
    final FragmentResult fragmentResult;
    final EstablishedPath established;
    final NewConnectionPath newConnection;
    final IcmpErrorPath icmpErrors;
    final BurstScratch burst = new BurstScratch();
    /** Non-first fragments waiting for their first fragment ({@link Verdict#HOLD}); token = slot. */
    final HeldFragments held;
    /** Bound once here so the tracker's expiry callback allocates nothing per call. */
    private final FragmentTracker.ExpiryHandler onHeldExpired = this::dropExpiredHeld;
    private final long fragmentTimeoutNanos;
    /** When a held fragment's datagram has surely timed out (held time + timeout of the oldest held one). */
    private long nextHeldCheckNanos;
    private int outLength;
    final boolean decrementTtl;
    final boolean verifyIpHeader;
    final boolean verifyL4;
    /** {@link FragmentHandling#REASSEMBLE}: fragments wait for their whole datagram. */
    private final boolean reassemble;
    final boolean dropInvalid;
    final int expiryWork;
    final int zone;

    /** Non-first fragments held per datagram before its first fragment arrives. */
    static final int MAX_HELD_PER_DATAGRAM = 8;
    /** Reassembly: fragments one datagram may have (a 65535-byte datagram in 1500-byte frames has 45). */
    static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;
    /** {@link #sctpAddressesAndPorts} of a packet that is not a whole SCTP one. */
    private static final long NOT_SCTP = -1;
    /** ECN codepoint bits of the TOS byte (RFC 3168). */
    private static final int ECN_MASK = 3;

    /** Packets between two expiry steps of this processor. */
    static final int EXPIRY_BATCH = 32;

    int egress;
    /** Destination the last packet was routed to (after DNAT): with FORWARD and TIME_EXCEEDED. */
    int routedDestination;
    /** Ingress interface of the packet in hand, {@link #LOCAL_STACK} for the box's own. */
    private int ingress;
    Reason reason = Reason.NONE;
    private int expiryCountdown = 1;
    /** Table handle of the connection the last packet belonged to, or a HANDLE_* marker. */
    long lastHandle;

    PacketProcessor(final NatEngine engine)
    {
        this.engine = engine;
        this.table = engine.table;
        this.decrementTtl = engine.config.decrementTtl;
        this.verifyIpHeader = engine.config.checksumVerification.ipHeader();
        this.verifyL4 = engine.config.checksumVerification.l4();
        this.dropInvalid = engine.config.dropInvalid;
        this.expiryWork = engine.config.expiryWorkPerPacket;
        this.zone = engine.zone;
        this.held = new HeldFragments(engine.config.fragmentsHeld);
        this.fragmentTimeoutNanos = engine.timeouts.fragment();
        this.reassemble = engine.config.fragmentHandling == FragmentHandling.REASSEMBLE;
        // Reassembly: every fragment of a datagram is held, each may open a run of its own (out of order).
        final int perDatagram = reassemble ? Math.min(held.capacity, MAX_FRAGMENTS_PER_DATAGRAM) :
            held.capacity > 0 ? MAX_HELD_PER_DATAGRAM : 0;
        this.fragments = new FragmentTracker(engine.config.fragmentCapacity, reassemble ? Math.max(1, perDatagram) : 8,
            perDatagram, fragmentTimeoutNanos, engine.config.seed, reassemble);
        this.fragmentResult = fragments.newResult();
        this.established = new EstablishedPath(this);
        this.newConnection = new NewConnectionPath(this);
        this.icmpErrors = new IcmpErrorPath(this);
    }

    /**
     * Process one IPv4 packet the box received, in place: PREROUTING, then FORWARD and POSTROUTING, or INPUT when it
     * is addressed to the box itself (after DNAT or REDIRECT). A packet for the box is tracked like any other and
     * its verdict is {@link Verdict#LOCAL}: translated (PREROUTING's DNAT/REDIRECT, the nat INPUT chain's SNAT, or a
     * connection's reply tuple), not forwarded, TTL untouched.
     *
     * @param buf            buffer holding the packet.
     * @param offset         offset of the IPv4 header.
     * @param length         bytes from offset (may exceed the IP total length: padding is ignored).
     * @param ingressIfIndex interface the packet arrived on (an index of the box, above 0).
     * @param nowNanos       current time on the caller's clock (monotonic, nanoseconds).
     * @return the verdict; see {@link #egressIfIndex()} and {@link #reason()}. Afterwards, packets held earlier
     *     ({@link Verdict#HOLD}) may be handed back: see {@link #releasedCount()}.
     */
    public Verdict process(
        final MutableDirectBuffer buf, final int offset, final int length, final int ingressIfIndex, final long nowNanos)
    {
        held.recycle();
        return process(buf, offset, length, ingressIfIndex, nowNanos, LOOK_UP, 0, 0);
    }

    /**
     * Process one IPv4 packet the box's own stack sends, in place: the nat OUTPUT chain (DNAT, REDIRECT to
     * 127.0.0.1), routing, POSTROUTING (SNAT, MASQUERADE), as the kernel's {@code NF_INET_LOCAL_OUT} and
     * {@code NF_INET_POST_ROUTING} hooks; or, for the box's answer on a connection it received, the translation back
     * by that connection's reply tuple. The TTL is the stack's (nothing is forwarded).
     *
     * @param buf      buffer holding the packet.
     * @param offset   offset of the IPv4 header.
     * @param length   bytes from offset.
     * @param nowNanos current time on the caller's clock (monotonic, nanoseconds).
     * @return {@link Verdict#FORWARD} (send it out of {@link #egressIfIndex()}), {@link Verdict#LOCAL} (addressed to
     *     the box itself: loop it back), {@link Verdict#INVALID} (untracked, sent untranslated when routed),
     *     {@link Verdict#DROP} or {@link Verdict#HOLD} (a fragment, as for {@link #process}).
     */
    public Verdict processOutput(final MutableDirectBuffer buf, final int offset, final int length, final long nowNanos)
    {
        held.recycle();
        return process(buf, offset, length, LOCAL_STACK, nowNanos, LOOK_UP, 0, 0);
    }

    /**
     * {@link #process} with the result of an earlier lookup (burst): used when the packet's key, once fully
     * parsed, equals {@code knownK0}/{@code knownK1}; otherwise the packet is looked up here.
     */
    Verdict process(
        final MutableDirectBuffer buf,
        final int offset,
        final int length,
        final int ingressIfIndex,
        final long nowNanos,
        final long knownHandle,
        final long knownK0,
        final long knownK1)
    {
        egress = -1;
        ingress = ingressIfIndex;
        reason = Reason.NONE;
        lastHandle = HANDLE_UNTRACKED;
        expireSome(nowNanos);
        if (held.heldCount > 0 && nowNanos - nextHeldCheckNanos >= 0)
        {
            expireHeldDatagrams(nowNanos);
        }

        final ParseStatus status = PacketParser.parse(buf, offset, length, pkt, verifyIpHeader, verifyL4);
        outLength = pkt.totalLength;
        if (status.isL3Drop())
        {
            return finish(Verdict.DROP, Reason.of(status));
        }
        if (pkt.isFragment)
        {
            return fragment(buf, offset, length, ingressIfIndex, nowNanos, status);
        }
        if (!status.isOk())
        {
            return untracked(buf, Reason.of(status));
        }
        return tracked(buf, ingressIfIndex, nowNanos, knownHandle, knownK0, knownK1);
    }

    /**
     * Process a burst: every packet is parsed and looked up first (one {@link FlowTable#lookupBurst} for all of
     * them), then handled in order. Same results as calling {@link #process} for each packet in order.
     *
     * @param bufs     packet buffers.
     * @param offsets  IPv4 header offsets.
     * @param lengths  byte counts.
     * @param ingress  ingress interfaces.
     * @param n        packets (looked up {@link #MAX_BURST} at a time).
     * @param nowNanos current time.
     * @param verdicts receives each verdict.
     * @param egresses receives each egress interface (or -1).
     * @param reasons  receives each reason (may be null).
     *                 A {@link Verdict#HOLD} packet is handed back later; those released during the burst are
     *                 listed by {@link #releasedCount()} after it.
     */
    public void processBurst(
        final MutableDirectBuffer[] bufs,
        final int[] offsets,
        final int[] lengths,
        final int[] ingress,
        final int n,
        final long nowNanos,
        final Verdict[] verdicts,
        final int[] egresses,
        final Reason[] reasons)
    {
        held.recycle();
        burst.run(this, bufs, offsets, lengths, ingress, n, nowNanos, verdicts, egresses, reasons);
    }

    /**
     * Incremental expiry driven by traffic: every {@link #EXPIRY_BATCH} packets, reap up to that many times the
     * configured per-packet work. Batching keeps the shared "one expirer at a time" flag off most packets.
     */
    private void expireSome(final long nowNanos)
    {
        if (expiryWork > 0 && --expiryCountdown <= 0)
        {
            expiryCountdown = EXPIRY_BATCH;
            engine.expire(nowNanos, expiryWork * EXPIRY_BATCH);
        }
    }

    /**
     * @return after FORWARD or TIME_EXCEEDED, the destination the packet was routed to, after DNAT. A router's
     *     ICMP time exceeded about a DNATed packet comes from the address its sender dialled (the kernel's
     *     {@code nf_nat_icmp_reply_translation} rewrites the error's source to it), else from the box.
     */
    public int routedDestination()
    {
        return routedDestination;
    }

    /** @return egress interface of the last FORWARD / INVALID verdict, -1 otherwise. */
    public int egressIfIndex()
    {
        return egress;
    }

    /**
     * @return bytes to transmit from the packet's offset after FORWARD / INVALID: the IP total length (Linux trims
     *     link-layer padding and trailing garbage to it, {@code ip_rcv_core}).
     */
    public int outputLength()
    {
        return outLength;
    }

    /**
     * Drops held fragments whose datagram timed out (for idle periods: {@link #process} does this too). Frees the
     * slots of the previous release list first, like {@link #process}.
     *
     * @param nowNanos current time on the caller's clock.
     */
    public void expireHeld(final long nowNanos)
    {
        held.recycle();
        if (held.heldCount > 0 && nowNanos - nextHeldCheckNanos >= 0)
        {
            expireHeldDatagrams(nowNanos);
        }
    }

    /**
     * @return packets handed back by the last {@link #process} / {@link #processBurst} / {@link #expireHeld} call:
     *     earlier {@link Verdict#HOLD} packets, now translated in place (their first fragment was processed) or
     *     dropped (datagram timed out or died). Valid until the next call of those methods; the buffer region of
     *     each may be reused once drained.
     */
    public int releasedCount()
    {
        return held.releasedCount;
    }

    /** @return buffer of released packet {@code i} (the one passed when it was held). */
    public MutableDirectBuffer releasedBuffer(final int i)
    {
        return held.relBuffers[i];
    }

    /** @return offset of released packet {@code i}'s IPv4 header. */
    public int releasedOffset(final int i)
    {
        return held.relOffsets[i];
    }

    /** @return bytes to transmit from {@link #releasedOffset} (the IP total length; the held length when dropped). */
    public int releasedLength(final int i)
    {
        return held.relLengths[i];
    }

    /** @return verdict of released packet {@code i} (never {@link Verdict#HOLD}). */
    public Verdict releasedVerdict(final int i)
    {
        return held.relVerdicts[i];
    }

    /** @return egress interface of released packet {@code i} (FORWARD / INVALID), else -1. */
    public int releasedEgress(final int i)
    {
        return held.relEgresses[i];
    }

    /** @return why released packet {@code i} was not simply forwarded. */
    public Reason releasedReason(final int i)
    {
        return held.relReasons[i];
    }

    /** @return ingress interface released packet {@code i} arrived on. */
    public int releasedIngress(final int i)
    {
        return held.relIngress[i];
    }

    /** @return why the last packet was not simply forwarded ({@link Reason#NONE} when it was). */
    public Reason reason()
    {
        return reason;
    }

    /**
     * A parsed, non-fragment (or first-fragment) packet: lookup, then the established or new connection path.
     *
     * @param knownHandle a handle found by a burst lookup, or {@link #LOOK_UP} to look up here.
     * @param knownK0     key the burst looked up (the handle is used only when the packet's key equals it).
     * @param knownK1     second key word.
     */
    Verdict tracked(
        final MutableDirectBuffer buf,
        final int ingressIfIndex,
        final long nowNanos,
        final long knownHandle,
        final long knownK0,
        final long knownK1)
    {
        ingress = ingressIfIndex; // a released fragment's own ingress, not the current packet's
        // One branch on the protocol for the error check and both ports (as srcPort() / dstPort()).
        final int protocol = pkt.protocol;
        final int srcPort;
        final int dstPort;
        if (protocol == IpProtocol.ICMP)
        {
            if (pkt.isIcmpError)
            {
                return icmpErrors.process(buf, nowNanos);
            }
            srcPort = pkt.icmpId;
            dstPort = srcPort;
        }
        else if (pkt.hasPorts)
        {
            srcPort = pkt.srcPort;
            dstPort = pkt.dstPort;
        }
        else
        {
            srcPort = 0;
            dstPort = 0;
        }
        final long k0 = FlowKey.k0(pkt.srcIp, pkt.dstIp);
        final long k1 = FlowKey.k1(srcPort, dstPort, protocol, zone);
        long handle = knownHandle != LOOK_UP && k0 == knownK0 && k1 == knownK1 ? knownHandle :
            table.lookupTouchingCold(k0, k1);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            final Verdict v = handle == FlowTable.MISS ?
                newConnection.process(buf, ingressIfIndex, nowNanos, k0, k1) :
                established.process(buf, handle, k0, k1, nowNanos);
            if (v != null)
            {
                return v;
            }
            // The entry was stale, expired or reopened: look again.
            handle = table.lookup(k0, k1);
        }
        return finish(Verdict.DROP, Reason.INSERT_CLASH);
    }

    int srcPort()
    {
        if (pkt.protocol == IpProtocol.ICMP)
        {
            return pkt.icmpId;
        }
        return pkt.hasPorts ? pkt.srcPort : 0;
    }

    int dstPort()
    {
        if (pkt.protocol == IpProtocol.ICMP)
        {
            return pkt.icmpId;
        }
        return pkt.hasPorts ? pkt.dstPort : 0;
    }

    private Verdict fragment(
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
                final Verdict v = status.isOk() ? tracked(buf, ingressIfIndex, nowNanos, LOOK_UP, 0, 0) :
                    untracked(buf, Reason.of(status));
                final long handle = v == Verdict.DROP || v == Verdict.TIME_EXCEEDED ? HANDLE_DROPPED : lastHandle;
                final int n = fragments.bind(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, handle, fragmentResult);
                if (n > 0)
                {
                    releaseFollowing(0, n, handle, -1);
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
                return finish(Verdict.HOLD, Reason.NONE);
            case FragmentTracker.DROP:
                if (holdable && slot < 0 && fragmentResult.reason == TrackReason.FRAG_ORPHAN)
                {
                    return finish(Verdict.DROP, Reason.FRAG_HELD_FULL);
                }
                return finish(Verdict.DROP, fragmentReason(fragmentResult.reason));
            default:
                return finish(Verdict.DROP, Reason.FRAG_ORPHAN);
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
            final Reason r = fragmentReason(fragmentResult.listedReason);
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
                return finish(Verdict.HOLD, Reason.NONE);
            case FragmentTracker.COMPLETE:
                releaseDatagram(listed, fragmentResult.datagramLength, nowNanos);
                return finish(Verdict.HOLD, Reason.NONE);
            default:
                if (slot < 0 && held.capacity > 0 && fragmentResult.reason == TrackReason.FRAG_ORPHAN)
                {
                    return finish(Verdict.DROP, Reason.FRAG_HELD_FULL);
                }
                return finish(Verdict.DROP, fragmentReason(fragmentResult.reason));
        }
    }

    /**
     * A complete datagram's fragments (held slots in offset order, the first at offset 0): the first is processed as
     * a packet (connection, NAT, ports and L4 checksum), the others get its connection's address rewrite; all are
     * released in that order. A datagram past 65535 bytes is dropped whole, as {@code ip_frag_reasm} does.
     */
    private void releaseDatagram(final int n, final int datagramLength, final long nowNanos)
    {
        final int savedEgress = egress;
        final Reason savedReason = reason;
        final long savedHandle = lastHandle;
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
                setTos(firstBuf, firstAt, pkt.tos | ecn);
                pkt.tos |= ecn;
            }
            egress = -1;
            reason = Reason.NONE;
            final long sctpBefore = sctpAddressesAndPorts(firstBuf, firstAt, status);
            final Verdict v = status.isOk() ? tracked(firstBuf, held.ingress(first), nowNanos, LOOK_UP, 0, 0) :
                untracked(firstBuf, Reason.of(status));
            if (sctpBefore != NOT_SCTP && v == Verdict.FORWARD && sctpAddressesAndPorts(firstBuf, firstAt, status) !=
                sctpBefore)
            {
                sctpChecksumOverFragments(n, firstBuf, firstAt);
            }
            final long handle = v == Verdict.DROP || v == Verdict.TIME_EXCEEDED ? HANDLE_DROPPED : lastHandle;
            held.release(first, v, egress, reason, v == Verdict.FORWARD || v == Verdict.INVALID ?
                pkt.totalLength : held.lengths[first]);
            counters.unhold();
            // ip_do_fragment gives every fragment the head's header: its TTL and TOS, whatever each one came with.
            final int headTtlTos = (firstBuf.getByte(firstAt + Ipv4Header.TTL_OFFSET) & 0xFF) << 8 |
                firstBuf.getByte(firstAt + Ipv4Header.TOS_OFFSET) & 0xFF;
            releaseFollowing(1, n, handle, headTtlTos);
        }
        egress = savedEgress;
        reason = savedReason;
        lastHandle = savedHandle;
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

    /** Sets the TOS byte of the IPv4 header at {@code at}, updating its checksum (the word: version, IHL, TOS). */
    private static void setTos(final MutableDirectBuffer buf, final int at, final int tos)
    {
        final int oldWord = buf.getShort(at + Ipv4Header.VERSION_IHL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = (oldWord & 0xFF00) | (tos & 0xFF);
        buf.putByte(at + Ipv4Header.TOS_OFFSET, (byte)tos);
        final int csumAt = at + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(csumAt, (short)Checksum.update16(buf.getShort(csumAt, ByteOrder.BIG_ENDIAN) & 0xFFFF, oldWord,
            newWord), ByteOrder.BIG_ENDIAN);
    }

    /** Sets the TTL byte of the IPv4 header at {@code at}, updating its checksum (the word: TTL, protocol). */
    private static void setTtl(final MutableDirectBuffer buf, final int at, final int ttl)
    {
        final int oldWord = buf.getShort(at + Ipv4Header.TTL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = (ttl & 0xFF) << 8 | (oldWord & 0xFF);
        buf.putByte(at + Ipv4Header.TTL_OFFSET, (byte)ttl);
        final int csumAt = at + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(csumAt, (short)Checksum.update16(buf.getShort(csumAt, ByteOrder.BIG_ENDIAN) & 0xFFFF, oldWord,
            newWord), ByteOrder.BIG_ENDIAN);
    }

    /**
     * Translates the held fragments listed in {@code fragmentResult.tokens[from, n)} (by {@link FragmentTracker#bind},
     * or after the first of a complete datagram), exactly as a fragment arriving after its first one
     * ({@link #follow}); the current packet's verdict state is kept.
     *
     * @param headTtlTos reassembly: the first fragment's TTL and TOS as sent ({@code ttl << 8 | tos}), given to each
     *                   fragment sent; -1 to leave each its own.
     */
    private void releaseFollowing(final int from, final int n, final long handle, final int headTtlTos)
    {
        final int savedEgress = egress;
        final Reason savedReason = reason;
        final long savedHandle = lastHandle;
        for (int i = from; i < n; i++)
        {
            final int slot = (int)fragmentResult.tokens[i];
            final MutableDirectBuffer b = held.buffer(slot);
            egress = -1;
            reason = Reason.NONE;
            final ParseStatus st = PacketParser.parse(b, held.offsets[slot], held.lengths[slot], pkt, verifyIpHeader,
                verifyL4);
            final Verdict v = st.isL3Drop() ? finish(Verdict.DROP, Reason.of(st)) : follow(b, handle);
            final boolean sent = v == Verdict.FORWARD || v == Verdict.INVALID;
            if (sent && headTtlTos >= 0)
            {
                setTtl(b, pkt.ipOffset, headTtlTos >>> 8);
                setTos(b, pkt.ipOffset, headTtlTos & 0xFF);
            }
            held.release(slot, v, egress, reason, sent ? pkt.totalLength : held.lengths[slot]);
            counters.unhold();
        }
        egress = savedEgress;
        reason = savedReason;
        lastHandle = savedHandle;
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
        if (handle == HANDLE_DROPPED)
        {
            return finish(Verdict.DROP, Reason.FRAG_DATAGRAM_DROPPED);
        }
        if (handle == HANDLE_LOCAL)
        {
            return finish(Verdict.LOCAL, Reason.NONE);
        }
        if (handle < 0)
        {
            return untracked(buf, Reason.NONE);
        }
        final int entry = FlowTable.entry(handle);
        final int dir = FlowTable.direction(handle);
        final int seq = table.readBeginAcquire(entry);
        final int ops = table.ops(entry, dir) & (Rewriter.OP_SRC_IP | Rewriter.OP_DST_IP);
        final int newSrc = table.newSrcIp(entry, dir);
        final int newDst = table.newDstIp(entry, dir);
        final int ipDelta = table.ipChecksumDelta(entry, dir);
        final int out = table.egressIfIndex(entry, dir);
        if (!table.readValidate(entry, seq) || !table.isLive(entry))
        {
            return untracked(buf, Reason.NONE);
        }
        counters.extra(Counters.FRAGMENTS_FOLLOWED);
        lastHandle = handle;
        return forward(buf, ops, newSrc, newDst, 0, 0, ipDelta, 0, out, false);
    }

    /**
     * Rewrite and send on: for a forwarded packet the TTL check and decrement, then the precomputed rewrite; a packet
     * for the box ({@code egressIf} {@link FlowTable#LOCAL_DELIVERY}) is {@link Verdict#LOCAL}. Allocation free.
     */
    Verdict forward(
        final MutableDirectBuffer buf,
        final int ops,
        final int newSrcIp,
        final int newDstIp,
        final int newSrcPort,
        final int newDstPort,
        final int ipDelta,
        final int l4Delta,
        final int egressIf,
        final boolean withL4)
    {
        routedDestination = newDstIpOf(ops, newDstIp);
        final boolean forwarded = isForwarded(egressIf);
        if (forwarded && pkt.ttl <= 1)
        {
            return finish(Verdict.TIME_EXCEEDED, Reason.TTL_EXPIRED);
        }
        final boolean ttl = forwarded && decrementTtl;
        int delta = ipDelta;
        if (ttl)
        {
            buf.putByte(pkt.ipOffset + Ipv4Header.TTL_OFFSET, (byte)(pkt.ttl - 1));
            delta = Checksum.combine(delta, Rewriter.TTL_DECREMENT_DELTA);
        }
        if (ops != 0 || ttl)
        {
            Rewriter.apply(buf, pkt.ipOffset, pkt.l4Offset, pkt.protocol, withL4, pkt.isFragment ? -1 : pkt.l4Length,
                ops, newSrcIp, newDstIp, newSrcPort, newDstPort, delta, l4Delta);
        }
        if (egressIf == FlowTable.LOCAL_DELIVERY)
        {
            return finish(Verdict.LOCAL, Reason.NONE);
        }
        egress = egressIf >= 0 ? egressIf : engine.routes.lookupEgress(newDstIpOf(ops, newDstIp));
        return finish(Verdict.FORWARD, Reason.NONE);
    }

    /**
     * Whether the packet in hand is forwarded ({@code ip_forward}: TTL checked and decremented): not when the box
     * delivers it to itself ({@code egressIf} {@link FlowTable#LOCAL_DELIVERY}) nor when its own stack sent it.
     */
    boolean isForwarded(final int egressIf)
    {
        return egressIf != FlowTable.LOCAL_DELIVERY && ingress != LOCAL_STACK;
    }

    private int newDstIpOf(final int ops, final int newDstIp)
    {
        return (ops & Rewriter.OP_DST_IP) != 0 ? newDstIp : pkt.dstIp;
    }

    /**
     * A packet conntrack does not track (INVALID): untranslated, delivered locally when addressed to the box,
     * else sent on as it is (Linux) or dropped ({@code dropInvalid}); only a forwarded one has its TTL checked.
     */
    Verdict untracked(final MutableDirectBuffer buf, final Reason why)
    {
        lastHandle = HANDLE_UNTRACKED;
        if (engine.box.isLocalAddress(pkt.dstIp))
        {
            lastHandle = HANDLE_LOCAL;
            return finish(Verdict.LOCAL, why);
        }
        if (dropInvalid)
        {
            return finish(Verdict.DROP, why);
        }
        final int out = engine.routes.lookupEgress(pkt.dstIp);
        if (out < 0)
        {
            return finish(Verdict.DROP, Reason.NO_ROUTE);
        }
        final boolean forwarded = isForwarded(out);
        if (forwarded && pkt.ttl <= 1)
        {
            return finish(Verdict.TIME_EXCEEDED, Reason.TTL_EXPIRED);
        }
        if (forwarded && decrementTtl)
        {
            Rewriter.decrementTtl(buf, pkt.ipOffset);
        }
        egress = out;
        return finish(Verdict.INVALID, why);
    }

    Verdict finish(final Verdict verdict, final Reason why)
    {
        reason = why;
        if (verdict != Verdict.FORWARD && verdict != Verdict.INVALID)
        {
            egress = -1;
        }
        counters.verdict(verdict);
        if (why != Reason.NONE)
        {
            counters.reason(why);
        }
        return verdict;
    }

    static Reason trackReason(final int trackReason)
    {
        switch (trackReason)
        {
            case TrackReason.TCP_INVALID_NEW:
            case TrackReason.TCP_PICKUP_DISABLED:
                return Reason.TCP_INVALID_NEW;
            case TrackReason.TCP_INVALID_TRANSITION:
                return Reason.TCP_INVALID_TRANSITION;
            case TrackReason.TCP_SEQ_OVER:
            case TrackReason.TCP_ACK_OVER:
                return Reason.TCP_OUT_OF_WINDOW;
            case TrackReason.TCP_INVALID_RST:
                return Reason.TCP_INVALID_RST;
            case TrackReason.TCP_TRUNCATED:
                return Reason.L4_TRUNCATED;
            case TrackReason.TCP_BAD_FLAGS:
                return Reason.TCP_BAD_FLAGS;
            case TrackReason.ICMP_INVALID_NEW:
                return Reason.ICMP_INVALID_NEW;
            case TrackReason.ICMP_UNKNOWN_TYPE:
                return Reason.ICMP_BAD_TYPE;
            default:
                return Reason.TRACK_INVALID;
        }
    }

    static Reason fragmentReason(final int trackReason)
    {
        switch (trackReason)
        {
            case TrackReason.FRAG_OVERLAP: return Reason.FRAG_OVERLAP;
            case TrackReason.FRAG_DUPLICATE: return Reason.FRAG_DUPLICATE;
            case TrackReason.FRAG_CORRUPT: return Reason.FRAG_CORRUPT;
            case TrackReason.FRAG_TABLE_FULL: return Reason.FRAG_TABLE_FULL;
            case TrackReason.FRAG_DATAGRAM_DROPPED: return Reason.FRAG_DATAGRAM_DROPPED;
            case TrackReason.FRAG_TOO_MANY: return Reason.FRAG_TOO_MANY;
            case TrackReason.FRAG_TIMEOUT: return Reason.FRAG_TIMEOUT;
            case TrackReason.FRAG_OVERSIZE: return Reason.FRAG_OVERSIZE;
            default: return Reason.FRAG_ORPHAN;
        }
    }
}
