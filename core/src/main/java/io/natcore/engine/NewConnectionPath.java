/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.DrawHints;
import io.natcore.nat.DrawRefusal;
import io.natcore.nat.NatRange;
import io.natcore.nat.NatRewrite;
import io.natcore.nat.NatTuple;
import io.natcore.nat.PortAllocator;
import io.natcore.nat.Rewriter;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.ParsedPacket;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.NatDecision;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RuleQuery;
import io.natcore.table.FlowEntryLayout;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.track.IcmpTracker;
import io.natcore.track.TcpSegment;
import io.natcore.track.TcpState;
import io.natcore.track.TcpStateLayout;
import io.natcore.track.TrackResult;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Slow path: the first packet of a connection, as the kernel's PREROUTING (or OUTPUT) / routing / POSTROUTING (or
 * INPUT) / confirm:
 * <ol>
 * <li>may this packet open a connection (TCP {@code tcp_new}, ICMP queries only)? else INVALID;</li>
 * <li>the destination manip's rules: PREROUTING (DNAT, REDIRECT to the ingress interface's address) with the
 *     ingress interface, or for a packet of the box's own stack OUTPUT (DNAT, REDIRECT to 127.0.0.1) with the
 *     egress its original destination routes to; port choice for the destination;</li>
 * <li>route on the translated destination: one of the box's addresses is delivered to the box (LOCAL), no route
 *     DROP, a forwarded packet's TTL;</li>
 * <li>the source manip's rules: the nat INPUT chain (SNAT) for a packet delivered to the box, else POSTROUTING
 *     (SNAT, MASQUERADE with the box's address for the egress); without a rule, a null binding, which still moves
 *     the source port when the reply tuple is taken, as the kernel does;</li>
 * <li>insert both tuples, precompute both directions' rewrites and where each goes, run the tracker, publish NEW;</li>
 * <li>rewrite, and forward, send or deliver.</li>
 * </ol>
 * Port choice and insertion run under the engine's bind lock. No allocation after warm-up.
 */
final class NewConnectionPath
{
    private final PacketProcessor p;
    private final NatEngine engine;
    private final FlowTable table;
    private final ParsedPacket pkt;
    private final PacketOutcome out;
    private final ForwardStage forwarding;
    private final TcpSegment segment = new TcpSegment();
    private final TrackResult result = new TrackResult();
    private final NatDecision decision = new NatDecision();
    /** The packet as the nat chains see it, refilled per evaluation. */
    private final RuleQuery query = new RuleQuery();
    private final NatRange range = new NatRange();
    private final NatTuple orig = new NatTuple();
    private final NatTuple tuple = new NatTuple();
    private final NatTuple chosen = new NatTuple();
    private final NatTuple replyPkt = new NatTuple();
    private final NatTuple replyTarget = new NatTuple();
    /** The kernel's recorded draw for this connection ({@link #draw}), when there is one. */
    private final NatTuple drawn = new NatTuple();
    private final UnsafeBuffer tcpScratch = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH]);
    /** The new entry's scratch area while the first packet is tracked (see {@link #trackFirst}). */
    private final UnsafeBuffer firstScratch = new UnsafeBuffer(new byte[FlowEntryLayout.SCRATCH_LENGTH]);

    /** {@link #bindSourceAndInsert} result: the source port search found nothing free. */
    private static final int NAT_EXHAUSTED = Integer.MIN_VALUE;

    /** Where the original direction goes: an interface, or {@link FlowTable#LOCAL_DELIVERY}. */
    private int egressIf;
    /** The connection's first packet came from the box's own stack ({@link PacketProcessor#processOutput}). */
    private boolean ownPacket;
    /** OUTPUT's {@code -o}: the interface the box's packet was routed to before any DNAT. */
    private int outputIf;
    private boolean tcpSyn;
    /** The recorded draw of the connection being bound, or {@link DrawHints#NONE}. */
    private int draw;
    /** {@link NatEngineConfig#trackLocalDelivery()}. */
    private final boolean trackLocalDelivery;

    NewConnectionPath(final PacketProcessor p)
    {
        this.p = p;
        this.engine = p.engine;
        this.table = p.table;
        this.pkt = p.pkt;
        this.out = p.outcome;
        this.forwarding = p.forwarding;
        this.trackLocalDelivery = p.engine.config.trackLocalDelivery;
    }

    /**
     * @return the verdict, or null when another thread created the connection meanwhile (look up again).
     */
    Verdict process(final MutableDirectBuffer buf, final int inIf, final long now, final long k0, final long k1)
    {
        final int proto = pkt.protocol;
        if (proto == IpProtocol.TCP)
        {
            if (!segment.readFrom(buf, pkt.l4Offset, pkt.l4Length))
            {
                return forwarding.untracked(buf, Reason.L4_TRUNCATED);
            }
            if (!engine.tcp.newConnection(tcpScratch, 0, segment, result))
            {
                return forwarding.untracked(buf, Reason.ofTrack(result.reason));
            }
        }
        else if (proto == IpProtocol.ICMP && !IcmpTracker.isQuery(pkt.icmpType))
        {
            return forwarding.untracked(buf, IcmpTracker.isUnknown(pkt.icmpType) ? Reason.ICMP_BAD_TYPE : Reason.ICMP_INVALID_NEW);
        }
        orig.set(proto, pkt.srcIp, pkt.dstIp, pkt.keySrcPort(), pkt.keyDstPort());

        final int entry;
        synchronized (engine.bindLock)
        {
            engine.beginBind(now, p.counters);
            final Verdict refused = bind(inIf, now);
            if (refused != null)
            {
                return refused;
            }
            entry = bindSourceAndInsert(k0, k1);
            if (entry == NAT_EXHAUSTED)
            {
                return out.finish(Verdict.DROP, Reason.NAT_EXHAUSTED);
            }
            if (tuple.srcPort != orig.srcPort)
            {
                p.counters.extra(Counters.PORT_REMAPPED);
            }
            if (entry >= 0)
            {
                // Under bindLock, one writer at a time: a release store is enough for the burst revalidation
                // (it reads the count volatile; a lookup racing this insert is caught by the insert's clash check).
                engine.incrementInsertionsRelease();
                if ((tuple.srcIp != orig.srcIp || tuple.srcPort != orig.srcPort) &&
                    engine.mustRecordMapping(range.mapIps && range.minIp == range.maxIp, tuple.srcPort == orig.srcPort))
                {
                    engine.recordSourceMapping(proto, orig.srcIp, orig.srcPort, entry);
                }
            }
        }
        if (entry == FlowTable.CLASH_ORIG)
        {
            return null;
        }
        if (entry == FlowTable.CLASH_REPLY)
        {
            return out.finish(Verdict.DROP, Reason.INSERT_CLASH);
        }
        if (entry < 0)
        {
            return out.finish(Verdict.DROP, Reason.TABLE_FULL);
        }
        return confirm(buf, entry, now);
    }

    /**
     * Source port choice and insertion (under the bind lock). The tuple the port choice would try first is
     * inserted straight away: the insert's own clash check stands in for the choice's lookup of its reply. Only
     * when that reply is taken (held, or expired and not reaped yet) does the full choice run (it reaps expired
     * holders and searches), then the insert; so the tuple chosen is the one {@link PortAllocator#choose} gives.
     *
     * @return the entry (locked), {@link FlowTable#CLASH_ORIG}, {@link FlowTable#CLASH_REPLY}, {@link FlowTable#FULL}
     *     or {@link #NAT_EXHAUSTED}; {@link #tuple} holds the bound tuple.
     */
    private int bindSourceAndInsert(final long k0, final long k1)
    {
        final PortAllocator allocator = engine.allocator;
        DrawRefusal refusal = null;
        if (draw != DrawHints.NONE)
        {
            refusal = allocator.sourceDraw(tuple, range, tcpSyn, engine.oracle, drawn, chosen);
            if (refusal == null)
            {
                engine.drawHints.taken(draw);
                tuple.copyFrom(chosen);
                return insert(k0, k1, tuple);
            }
        }
        final int entry = bindSourceAndInsertUnsteered(allocator, k0, k1);
        if (refusal != null)
        {
            engine.drawHints.refused(draw, refusal, entry == NAT_EXHAUSTED ? orig : tuple);
        }
        return entry;
    }

    private int bindSourceAndInsertUnsteered(final PortAllocator allocator, final long k0, final long k1)
    {
        if (allocator.sourceCandidate(tuple, range, engine.oracle, chosen) &&
            !engine.isReserved(chosen.proto, chosen.srcIp, chosen.srcPort))
        {
            final int entry = insert(k0, k1, chosen);
            if (entry != FlowTable.CLASH_REPLY)
            {
                tuple.copyFrom(chosen);
                return entry;
            }
        }
        if (!allocator.choose(tuple, range, PortAllocator.MANIP_SRC, tcpSyn, engine.oracle, chosen))
        {
            return NAT_EXHAUSTED;
        }
        tuple.copyFrom(chosen);
        return insert(k0, k1, tuple);
    }

    private int insert(final long k0, final long k1, final NatTuple t)
    {
        // Reply tuple key: the inverse of t, built directly. The NAT status bits go in with the insert (no CAS later).
        return table.insertAndLock(k0, k1, FlowKey.k0(t.dstIp, t.srcIp),
            FlowKey.k1(t.dstPort, t.srcPort, t.proto, p.zone), natStatus(orig, t));
    }

    /** Status bits of a connection bound from {@code o} to {@code t}: both bindings done, which manips apply. */
    static int natStatus(final NatTuple o, final NatTuple t)
    {
        int status = FlowStatus.SRC_NAT_DONE | FlowStatus.DST_NAT_DONE;
        if (t.srcIp != o.srcIp || t.srcPort != o.srcPort)
        {
            status |= FlowStatus.SRC_NAT;
        }
        if (t.dstIp != o.dstIp || t.dstPort != o.dstPort)
        {
            status |= FlowStatus.DST_NAT;
        }
        return status;
    }

    /**
     * Rules, routing and the destination port choice; leaves {@link #tuple} (after DNAT) and {@link #range} (the
     * source manip's range) for {@link #bindSourceAndInsert}.
     *
     * @return null when bound, else the refusal verdict.
     */
    private Verdict bind(final int inIf, final long now)
    {
        final NatEngine.TableOracle oracle = engine.oracle;
        oracle.now = now;
        oracle.mappingFound = false;
        oracle.counters = p.counters;
        oracle.newTcpEnd = segment.end();
        tcpSyn = orig.proto == IpProtocol.TCP && (segment.flags & TcpSegment.SYN) != 0;
        tuple.copyFrom(orig);
        final DrawHints hints = engine.drawHints;
        draw = hints == null ? DrawHints.NONE : hints.find(orig);
        if (draw != DrawHints.NONE)
        {
            hints.copyTo(draw, drawn);
        }

        ownPacket = inIf == PacketProcessor.LOCAL_STACK;
        outputIf = ownPacket ? routeOf(orig.dstIp) : -1;

        final boolean translated = draw != DrawHints.NONE && engine.rules.hasRandomStatistic()
            ? steeredDestinationRules(inIf) : destinationRules(inIf);
        if (translated)
        {
            if (decision.kind == NatDecision.Kind.DNAT || decision.kind == NatDecision.Kind.REDIRECT)
            {
                fillRange(decision);
                if (decision.kind == NatDecision.Kind.REDIRECT && !decision.mapIps)
                {
                    range.address(ownPacket ? BoxConfig.LOCAL_OUT_REDIRECT_ADDRESS : engine.box.redirectAddress(inIf));
                }
                final DrawRefusal refusal = draw == DrawHints.NONE ? null :
                    engine.allocator.destinationDraw(tuple, range, drawn, chosen);
                if (draw == DrawHints.NONE || refusal != null)
                {
                    if (refusal != null)
                    {
                        engine.drawHints.refused(draw, refusal, tuple);
                        draw = DrawHints.NONE;
                    }
                    // A taken tuple here is not fatal: the source step moves the source port.
                    engine.allocator.chooseDestination(tuple, range, tcpSyn, oracle, chosen);
                }
                tuple.copyFrom(chosen);
            }
        }
        // The conntrack status POSTROUTING's -m conntrack sees; the mark and original destination carry on too.
        decision.ctDstNat = tuple.dstIp != orig.dstIp || tuple.dstPort != orig.dstPort;

        if (engine.box.isLocalAddress(tuple.dstIp))
        {
            if (!ownPacket && !trackLocalDelivery)
            {
                // The host's stack answers it outside the engine: nothing to track or translate.
                out.connection = PacketOutcome.HANDLE_LOCAL;
                return out.finish(Verdict.LOCAL, Reason.NONE);
            }
            // For the box itself (also after DNAT or REDIRECT): the nat INPUT chain, or for the box's packet to its
            // own address POSTROUTING on the loopback device.
            egressIf = FlowTable.LOCAL_DELIVERY;
            return ownPacket ? sourceRules(NatRuleSet.Hook.POSTROUTING, -1, engine.box.loopbackIfIndex(), tuple.dstIp) :
                sourceRules(NatRuleSet.Hook.INPUT, inIf, -1, 0);
        }
        final int route = forwarding.route(tuple.dstIp);
        egressIf = engine.routes.egressOf(route);
        if (egressIf < 0)
        {
            return out.finish(Verdict.DROP, Reason.NO_ROUTE);
        }
        if (!ownPacket && forwarding.ttlExpires())
        {
            return forwarding.timeExceeded(tuple.dstIp);
        }
        return sourceRules(NatRuleSet.Hook.POSTROUTING, -1, egressIf, engine.routes.nextHopOf(route, tuple.dstIp));
    }

    /** The egress a destination routes to: the loopback device for the box's own addresses, -1 for none. */
    private int routeOf(final int dstIp)
    {
        return engine.box.isLocalAddress(dstIp) ? engine.box.loopbackIfIndex() : forwarding.egressTo(dstIp);
    }

    /**
     * The source manip's chain (POSTROUTING, or INPUT for a packet delivered to the box) into {@link #range}: SNAT or
     * MASQUERADE, else a null binding (kernel {@code nf_nat_alloc_null_binding}: same address, port kept unless its
     * reply is taken).
     *
     * @return null when bound, else the refusal verdict.
     */
    private Verdict sourceRules(final NatRuleSet.Hook hook, final int inIf, final int outIf, final int nextHop)
    {
        range.reset();
        query.packet(tuple.proto, tuple.srcIp, tuple.dstIp, tuple.srcPort, tuple.dstPort, pkt.icmpType, pkt.icmpCode);
        if (hook == NatRuleSet.Hook.INPUT)
        {
            query.inIf = inIf;
        }
        else
        {
            query.egress(outIf, nextHop);
        }
        final boolean translated = engine.rules.evaluate(hook, query, decision);
        if (translated && (decision.kind == NatDecision.Kind.SNAT || decision.kind == NatDecision.Kind.MASQUERADE))
        {
            if (decision.kind == NatDecision.Kind.MASQUERADE && (!decision.mapIps || decision.minIp == 0))
            {
                return out.finish(Verdict.DROP, Reason.MASQUERADE_NO_ADDRESS);
            }
            fillRange(decision);
        }
        else
        {
            range.address(tuple.srcIp);
        }
        return null;
    }

    /**
     * The destination manip's chain: PREROUTING for a received packet, OUTPUT (with {@link #outputIf}) for one of the
     * box's own. Under the bind lock: the statistic's random source is the engine's (one sequence per engine and seed).
     */
    private boolean destinationRules(final int inIf)
    {
        decision.statisticRandom = engine.statisticRandom;
        query.packet(orig.proto, orig.srcIp, orig.dstIp, orig.srcPort, orig.dstPort, pkt.icmpType, pkt.icmpCode);
        final NatRuleSet.Hook hook;
        if (ownPacket)
        {
            hook = NatRuleSet.Hook.OUTPUT;
            query.outIf = outputIf;
        }
        else
        {
            hook = NatRuleSet.Hook.PREROUTING;
            query.inIf = inIf;
        }
        final boolean translated = engine.rules.evaluate(hook, query, decision);
        engine.statisticRandom = decision.statisticRandom;
        return translated;
    }

    /**
     * {@link #destinationRules} with the {@code -m statistic --mode random} outcomes that lead where the kernel's recorded draw went:
     * outcome sets are tried in order (bit k = the k-th random match consulted) until the decision's destination
     * range holds the recorded destination. When none does, the draw is refused ({@link DrawRefusal#STATISTIC}) and
     * the random source decides.
     */
    private boolean steeredDestinationRules(final int inIf)
    {
        decision.statisticSteered = true;
        try
        {
            int mostConsulted = 0;
            for (long outcomes = 0; outcomes < STEERED_OUTCOMES; outcomes++)
            {
                if (outcomes > 0 && mostConsulted < 63 && outcomes >= 1L << mostConsulted)
                {
                    break; // every later set repeats an earlier one on the outcomes a walk can consult
                }
                decision.statisticForced = outcomes;
                final boolean translated = destinationRules(inIf);
                mostConsulted = Math.max(mostConsulted, decision.statisticConsulted);
                if ((outcomes >>> Math.min(decision.statisticConsulted, 63)) != 0)
                {
                    continue; // differs from an earlier set only in outcomes this walk never consulted
                }
                if (reachesDrawnDestination(translated))
                {
                    return translated;
                }
            }
        }
        finally
        {
            decision.statisticSteered = false;
        }
        engine.drawHints.refused(draw, DrawRefusal.STATISTIC, orig);
        draw = DrawHints.NONE;
        return destinationRules(inIf);
    }

    /** Outcome sets {@link #steeredDestinationRules} tries at most: 2^12, enough for 12 random matches on one path. */
    private static final long STEERED_OUTCOMES = 1L << 12;

    private boolean reachesDrawnDestination(final boolean translated)
    {
        final NatDecision d = decision;
        if (!translated || (d.kind != NatDecision.Kind.DNAT && d.kind != NatDecision.Kind.REDIRECT))
        {
            return drawn.dstIp == orig.dstIp && drawn.dstPort == orig.dstPort;
        }
        final boolean address = d.mapIps
            ? Integer.compareUnsigned(drawn.dstIp, d.minIp) >= 0 && Integer.compareUnsigned(drawn.dstIp, d.maxIp) <= 0
            : d.kind == NatDecision.Kind.REDIRECT || drawn.dstIp == orig.dstIp;
        final boolean port = d.hasPortRange
            ? drawn.dstPort >= d.minPort && drawn.dstPort <= d.maxPort : drawn.dstPort == orig.dstPort;
        return address && port;
    }

    private void fillRange(final NatDecision d)
    {
        range.reset();
        if (d.mapIps)
        {
            range.addresses(d.minIp, d.maxIp);
        }
        if (d.hasPortRange)
        {
            range.ports(d.minPort, d.maxPort);
        }
        range.random = d.random;
        range.randomFully = d.randomFully;
        range.persistent = d.persistent;
    }

    /**
     * The entry is inserted and write-locked: fill it, track the first packet, publish NEW, then forward.
     */
    private Verdict confirm(final MutableDirectBuffer buf, final int entry, final long now)
    {
        // The NAT status bits were written by the insert (see insert); only ASSURED, known after tracking, is
        // set with a CAS below.
        final NatRewrite rewrite = forwarding.rewrite.between(orig, tuple);
        final int ops = rewrite.ops;
        final int ipDelta = rewrite.ipDelta;
        final int l4Delta = rewrite.l4Delta;
        table.putOps(entry, FlowTable.DIR_ORIGINAL, ops);
        table.putIpChecksumDelta(entry, FlowTable.DIR_ORIGINAL, ipDelta);
        table.putL4ChecksumDelta(entry, FlowTable.DIR_ORIGINAL, l4Delta);
        table.putEgressIfIndex(entry, FlowTable.DIR_ORIGINAL, egressIf);

        final int proto = orig.proto;
        if (proto == IpProtocol.ICMP)
        {
            // The ICMP identifier is both "ports" of the tuple: computed, not derived.
            replyPkt.invertOf(tuple);
            replyTarget.invertOf(orig);
            table.putOps(entry, FlowTable.DIR_REPLY, Rewriter.ops(replyPkt, replyTarget));
            table.putL4ChecksumDelta(entry, FlowTable.DIR_REPLY, Rewriter.l4Delta(replyPkt, replyTarget));
        }
        else
        {
            table.putOps(entry, FlowTable.DIR_REPLY, Rewriter.reverseOps(ops));
            table.putL4ChecksumDelta(entry, FlowTable.DIR_REPLY, Rewriter.reverseDelta(proto, l4Delta, true));
        }
        table.putIpChecksumDelta(entry, FlowTable.DIR_REPLY, Rewriter.reverseDelta(proto, ipDelta, false));
        // Replies go back to the original source: the box itself when it opened the connection.
        final int replyEgress = ownPacket && engine.box.isLocalAddress(orig.srcIp) ? FlowTable.LOCAL_DELIVERY :
            forwarding.egressTo(orig.srcIp);
        table.putEgressIfIndex(entry, FlowTable.DIR_REPLY, replyEgress < 0 ? FlowTable.NO_IFINDEX : replyEgress);
        table.putCreatedNanos(entry, now);

        final int base = table.scratchOffset(entry);
        trackFirst(base, now);
        if (result.verdict != TrackResult.ACCEPT)
        {
            table.remove(entry); // under the entry's lock, as every remover
            table.endWrite(entry);
            return forwarding.untracked(buf, Reason.ofTrack(result.reason));
        }
        table.putDeadlineOpaque(entry, now + result.timeoutNanos);
        if (result.setAssured)
        {
            table.orStatusVolatile(entry, FlowStatus.ASSURED);
        }
        table.putStatePlain(entry, result.newState);
        table.addCountersPlain(entry, FlowTable.DIR_ORIGINAL, pkt.totalLength);
        engine.publish(ConntrackEventType.NEW, entry, now, p.counters);
        p.counters.extra(Counters.CONNECTIONS_CREATED);
        table.endWrite(entry);

        return forwarding.forward(buf, (long)entry << 1, egressIf, !pkt.isFragment || pkt.isFirstFragment);
    }

    /**
     * The tracker's first packet, run on a private copy of the scratch area (TCP: the state {@code tcp_new} just
     * built), then copied into the entry only when accepted: the entry's cold record was just zeroed by the insert
     * and its lines are probably still on their way from memory, so reading it back here would wait for them;
     * stores alone do not.
     */
    private void trackFirst(final int base, final long now)
    {
        final UnsafeBuffer area;
        switch (orig.proto)
        {
            case IpProtocol.TCP:
                area = tcpScratch;
                engine.tcp.packet(area, 0, TcpState.NONE, segment, FlowTable.DIR_ORIGINAL, false, false, Long.MAX_VALUE,
                    result);
                break;
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
                area = zeroedFirstScratch();
                engine.udp.packet(area, 0, true, false, false, now, result);
                break;
            case IpProtocol.ICMP:
                area = zeroedFirstScratch();
                area.putByte(EntryScratch.ICMP_TYPE_OFFSET, (byte)pkt.icmpType);
                area.putByte(EntryScratch.ICMP_CODE_OFFSET, (byte)pkt.icmpCode);
                engine.icmp.packet(pkt.icmpType, result);
                break;
            case IpProtocol.GRE:
                area = zeroedFirstScratch();
                engine.gre.packet(false, false, result);
                break;
            default:
                area = zeroedFirstScratch();
                engine.generic.packet(result);
                break;
        }
        if (result.verdict == TrackResult.ACCEPT)
        {
            table.scratchBuffer().putBytes(base, area, 0, area.capacity());
        }
    }

    private UnsafeBuffer zeroedFirstScratch()
    {
        firstScratch.setMemory(0, FlowEntryLayout.SCRATCH_LENGTH, (byte)0);
        return firstScratch;
    }
}
