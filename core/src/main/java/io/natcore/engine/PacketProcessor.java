/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.MutableDirectBuffer;

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
 * The path, in order: parse ({@link PacketParser}) -> fragments to {@link FragmentPath} (later ones follow their
 * first) -> ICMP errors to {@link IcmpErrorPath} -> lookup -> miss: {@link NewConnectionPath} (rules, route, bind,
 * insert, track) / hit: {@link EstablishedPath} (track) -> {@link ForwardStage} (TTL, rewrite, route) -> verdict
 * ({@link PacketOutcome#finish}). Input flows through {@link ParsedPacket}, output through {@link PacketOutcome}.
 */
public final class PacketProcessor
{
    /** Packets a burst call looks up together ({@link #processBurst}); longer bursts are taken in chunks. */
    public static final int MAX_BURST = BurstScratch.MAX_BURST;
    /** {@link #connectionPath} argument: no lookup done yet (the burst's), look the packet up. */
    static final long NOT_LOOKED_UP = FlowTable.MISS - 1;
    /** Packets between two expiry steps of this processor. */
    static final int EXPIRY_BATCH = 32;
    /** Attempts at a connection whose entry turned stale, expired or reopened under us before giving up. */
    private static final int LOOKUP_ATTEMPTS = 4;
    /**
     * The ingress of a packet the box's own stack sent ({@link #processOutput}): interface index 0, which names no
     * interface in Linux (a locally generated packet has no input device).
     */
    static final int LOCAL_STACK = 0;

    final NatEngine engine;
    final FlowTable table;
    final Counters counters = new Counters();
    final ParsedPacket pkt = new ParsedPacket();
    final PacketOutcome outcome = new PacketOutcome(counters);
    final ForwardStage forwarding;
    final FragmentPath fragmentPath;
    final EstablishedPath established;
    final NewConnectionPath newConnection;
    final IcmpErrorPath icmpErrors;
    final BurstScratch burst = new BurstScratch();
    /** The fragment path's held fragments (released ones are read through this processor). */
    private final HeldFragments held;
    private final boolean verifyIpHeader;
    private final boolean verifyL4;
    private final int expiryWork;
    final int zone;
    private int expiryCountdown = 1;
    private int outLength;

    PacketProcessor(final NatEngine engine)
    {
        this.engine = engine;
        this.table = engine.table;
        this.verifyIpHeader = engine.config.checksumVerification.ipHeader();
        this.verifyL4 = engine.config.checksumVerification.l4();
        this.expiryWork = engine.config.expiryWorkPerPacket;
        this.zone = engine.zone;
        this.forwarding = new ForwardStage(engine, pkt, outcome);
        this.fragmentPath = new FragmentPath(this, engine);
        this.held = fragmentPath.held;
        this.established = new EstablishedPath(this);
        this.newConnection = new NewConnectionPath(this);
        this.icmpErrors = new IcmpErrorPath(this);
    }

    /**
     * Process one IPv4 packet the box received, in place: PREROUTING, then FORWARD and POSTROUTING, or INPUT when it
     * is addressed to the box itself (after DNAT or REDIRECT). A packet for the box is tracked like any other and
     * its verdict is {@link Verdict#LOCAL}: translated (PREROUTING's DNAT/REDIRECT, the nat INPUT chain's SNAT, or a
     * connection's reply tuple), not forwarded, TTL untouched (untracked with
     * {@link NatEngineConfig.Builder#trackLocalDelivery} false).
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
        return process(buf, offset, length, ingressIfIndex, nowNanos, NOT_LOOKED_UP, 0, 0, true);
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
        return process(buf, offset, length, LOCAL_STACK, nowNanos, NOT_LOOKED_UP, 0, 0, true);
    }

    /**
     * {@link #process} with the trackers' general paths only (no value forms on the established path): for the test
     * that holds the two against each other.
     */
    Verdict processGeneralTracking(
        final MutableDirectBuffer buf, final int offset, final int length, final int ingressIfIndex, final long nowNanos)
    {
        held.recycle();
        return process(buf, offset, length, ingressIfIndex, nowNanos, NOT_LOOKED_UP, 0, 0, false);
    }

    /**
     * {@link #process} with the result of an earlier lookup (burst): used when the packet's key, once fully
     * parsed, equals {@code knownK0}/{@code knownK1}; otherwise the packet is looked up here.
     *
     * @param trackerShortcuts true: the established path's value forms (false only in {@link #processGeneralTracking}).
     */
    Verdict process(
        final MutableDirectBuffer buf,
        final int offset,
        final int length,
        final int ingressIfIndex,
        final long nowNanos,
        final long knownHandle,
        final long knownK0,
        final long knownK1,
        final boolean trackerShortcuts)
    {
        outcome.begin();
        forwarding.ingress = ingressIfIndex;
        expireSome(nowNanos);
        fragmentPath.expireHeld(nowNanos);

        final ParseStatus status = PacketParser.parse(buf, offset, length, pkt, verifyIpHeader, verifyL4);
        outLength = pkt.totalLength;
        if (status.isL3Drop())
        {
            return outcome.finish(Verdict.DROP, Reason.of(status));
        }
        if (pkt.isFragment)
        {
            return fragmentPath.process(buf, offset, length, ingressIfIndex, nowNanos, status);
        }
        if (!status.isOk())
        {
            return forwarding.untracked(buf, Reason.of(status));
        }
        return connectionPath(buf, ingressIfIndex, nowNanos, knownHandle, knownK0, knownK1, trackerShortcuts);
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
        return outcome.routedDestination;
    }

    /** @return egress interface of the last FORWARD / INVALID verdict, -1 otherwise. */
    public int egressIfIndex()
    {
        return outcome.egress;
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
        fragmentPath.expireHeld(nowNanos);
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
        return outcome.reason;
    }

    /**
     * A parsed, non-fragment (or first-fragment) packet, not looked up yet: {@link #connectionPath(MutableDirectBuffer,
     * int, long, long, long, long, boolean)} with a lookup.
     */
    Verdict connectionPath(final MutableDirectBuffer buf, final int ingressIfIndex, final long nowNanos)
    {
        return connectionPath(buf, ingressIfIndex, nowNanos, NOT_LOOKED_UP, 0, 0, true);
    }

    /**
     * A parsed, non-fragment (or first-fragment) packet: ICMP errors to their path; else lookup, then the new
     * connection path (miss) or the established path (hit), each ending in {@link ForwardStage} or a refusal.
     *
     * @param knownHandle a handle found by a burst lookup, or {@link #NOT_LOOKED_UP} to look up here.
     * @param knownK0     key the burst looked up (the handle is used only when the packet's key equals it).
     * @param knownK1     second key word.
     * @param trackerShortcuts the established path's value forms (false only to test them against the general path).
     */
    Verdict connectionPath(
        final MutableDirectBuffer buf,
        final int ingressIfIndex,
        final long nowNanos,
        final long knownHandle,
        final long knownK0,
        final long knownK1,
        final boolean trackerShortcuts)
    {
        forwarding.ingress = ingressIfIndex; // a released fragment's own ingress, not the current packet's
        // One branch on the protocol for the error check and both ports (as ParsedPacket.keySrcPort / keyDstPort).
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
        long handle = knownHandle != NOT_LOOKED_UP && k0 == knownK0 && k1 == knownK1 ? knownHandle :
            table.lookupTouchingCold(k0, k1);
        for (int attempt = 0; attempt < LOOKUP_ATTEMPTS; attempt++)
        {
            final Verdict v = handle == FlowTable.MISS ?
                newConnection.process(buf, ingressIfIndex, nowNanos, k0, k1) :
                established.process(buf, handle, k0, k1, nowNanos, trackerShortcuts);
            if (v != null)
            {
                return v;
            }
            // The entry was stale, expired or reopened: look again.
            handle = table.lookup(k0, k1);
        }
        return outcome.finish(Verdict.DROP, Reason.INSERT_CLASH);
    }
}
