/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.NatRewrite;
import io.natcore.nat.Rewriter;
import io.natcore.packet.Checksum;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.ParsedPacket;
import io.natcore.rules.NatDecision;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RuleQuery;
import io.natcore.table.FlowTable;
import org.agrona.MutableDirectBuffer;

/**
 * The last stage of every packet that leaves the box: the TTL check and decrement ({@code ip_forward}'s), the
 * rewrite a path left in {@link #rewrite}, and the egress route. The one place the engine checks or decrements a TTL
 * and looks a route up. Also the way out of a packet conntrack does not track ({@link #untracked}).
 * One per processor; allocation free.
 */
final class ForwardStage
{
    /** The rewrite of the packet in hand: filled by the path that found its connection, read by {@link #forward}. */
    final NatRewrite rewrite = new NatRewrite();

    private final NatEngine engine;
    private final ParsedPacket pkt;
    private final PacketOutcome out;
    private final boolean decrementTtl;
    private final boolean dropInvalid;
    /** {@link NatEngineConfig#trackLocalDelivery()}: when false, connections to the box are not in the table. */
    private final boolean trackLocalDelivery;
    /** Scratch for {@link #preroutesToTheBox}. */
    private final NatDecision toTheBox = new NatDecision();
    private final RuleQuery toTheBoxQuery = new RuleQuery();
    /**
     * Ingress interface of the packet in hand, {@link PacketProcessor#LOCAL_STACK} for the box's own; set by the
     * processor for each packet (a released fragment's own ingress included).
     */
    int ingress;

    ForwardStage(final NatEngine engine, final ParsedPacket pkt, final PacketOutcome out)
    {
        this.engine = engine;
        this.pkt = pkt;
        this.out = out;
        this.decrementTtl = engine.config.decrementTtl;
        this.dropInvalid = engine.config.dropInvalid;
        this.trackLocalDelivery = engine.config.trackLocalDelivery;
    }

    /**
     * Rewrite and send on with {@link #rewrite}: for a forwarded packet the TTL check and decrement, then the
     * precomputed rewrite; a packet for the box ({@code egressIf} {@link FlowTable#LOCAL_DELIVERY}) is
     * {@link Verdict#LOCAL}.
     *
     * @param connection the connection's table handle.
     * @param egressIf   the egress the connection keeps for this direction, {@link FlowTable#LOCAL_DELIVERY}, or -1
     *                   to route the new destination.
     * @param withL4     true when the packet holds its L4 header (unfragmented or first fragment).
     */
    Verdict forward(final MutableDirectBuffer buf, final long connection, final int egressIf, final boolean withL4)
    {
        final NatRewrite rw = rewrite;
        out.connection = connection;
        final int destination = rw.destinationOf(pkt.dstIp);
        final boolean forwarded = isForwarded(egressIf);
        if (forwarded && ttlExpires())
        {
            return timeExceeded(destination);
        }
        out.routedDestination = destination;
        final int ttlDelta = forwarded ? decrementTtl(buf) : 0;
        if (ttlDelta != 0)
        {
            rw.ipDelta = Checksum.combine(rw.ipDelta, ttlDelta);
        }
        if (rw.ops != 0 || ttlDelta != 0)
        {
            Rewriter.apply(buf, pkt.ipOffset, pkt.l4Offset, pkt.protocol, withL4, pkt.isFragment ? -1 : pkt.l4Length,
                rw);
        }
        if (egressIf == FlowTable.LOCAL_DELIVERY)
        {
            return out.finish(Verdict.LOCAL, Reason.NONE);
        }
        out.egress = egressIf >= 0 ? egressIf : egressTo(destination);
        return out.finish(Verdict.FORWARD, Reason.NONE);
    }

    /**
     * Whether the packet in hand is forwarded ({@code ip_forward}: TTL checked and decremented): not when the box
     * delivers it to itself ({@code egressIf} {@link FlowTable#LOCAL_DELIVERY}) nor when its own stack sent it.
     */
    boolean isForwarded(final int egressIf)
    {
        return egressIf != FlowTable.LOCAL_DELIVERY && ingress != PacketProcessor.LOCAL_STACK;
    }

    /**
     * A packet conntrack does not track (INVALID): untranslated, delivered locally when addressed to the box,
     * else sent on as it is (Linux) or dropped ({@code dropInvalid}); only a forwarded one has its TTL checked.
     */
    Verdict untracked(final MutableDirectBuffer buf, final Reason why)
    {
        out.connection = PacketOutcome.HANDLE_UNTRACKED;
        if (engine.box.isLocalAddress(pkt.dstIp) ||
            (!trackLocalDelivery && why == Reason.TCP_INVALID_NEW && preroutesToTheBox()))
        {
            out.connection = PacketOutcome.HANDLE_LOCAL;
            return out.finish(Verdict.LOCAL, why);
        }
        if (dropInvalid)
        {
            return out.finish(Verdict.DROP, why);
        }
        final int egressIf = egressTo(pkt.dstIp);
        if (egressIf < 0)
        {
            return out.finish(Verdict.DROP, Reason.NO_ROUTE);
        }
        final boolean forwarded = isForwarded(egressIf);
        if (forwarded && ttlExpires())
        {
            return timeExceeded(pkt.dstIp);
        }
        final int ttlDelta = forwarded ? decrementTtl(buf) : 0;
        if (ttlDelta != 0)
        {
            Rewriter.applyIpDelta(buf, pkt.ipOffset, ttlDelta);
        }
        out.egress = egressIf;
        return out.finish(Verdict.INVALID, why);
    }

    /** @return true when forwarding would take the packet's TTL to 0 ({@code ip_forward}: time exceeded). */
    boolean ttlExpires()
    {
        return pkt.ttl <= 1;
    }

    /** TIME_EXCEEDED for a packet routed to {@code destination} (after DNAT: the error's source, see the processor). */
    Verdict timeExceeded(final int destination)
    {
        out.routedDestination = destination;
        return out.finish(Verdict.TIME_EXCEEDED, Reason.TTL_EXPIRED);
    }

    /**
     * Writes the decremented TTL ({@code ip_decrease_ttl}) when the box decrements it.
     *
     * @return the IP header checksum delta the caller folds in, 0 when the TTL was left alone.
     */
    int decrementTtl(final MutableDirectBuffer buf)
    {
        if (!decrementTtl)
        {
            return 0;
        }
        buf.putByte(pkt.ipOffset + Ipv4Header.TTL_OFFSET, (byte)(pkt.ttl - 1));
        return Rewriter.TTL_DECREMENT_DELTA;
    }

    /** @return the egress interface of the route to {@code destination}, or -1 (no route). */
    int egressTo(final int destination)
    {
        return engine.routes.lookupEgress(destination);
    }

    /**
     * @return the route to {@code destination} for a caller that needs its next hop too (a new connection's
     *     MASQUERADE): {@link io.natcore.rules.RouteTable#egressOf} and {@code nextHopOf} read it.
     */
    int route(final int destination)
    {
        return engine.routes.lookup(destination);
    }

    /**
     * Would PREROUTING send this packet to the box itself (REDIRECT, or DNAT to one of its addresses)? Asked only
     * without local tracking ({@code trackLocalDelivery(false)}): the engine then keeps no state for the connections
     * the box's own stack serves, while the kernel tracks them, so a TCP segment that cannot open a connection (a
     * FIN, a reset) addressed so is one of theirs and goes to the box rather than on, untranslated.
     */
    private boolean preroutesToTheBox()
    {
        toTheBoxQuery.packet(pkt.protocol, pkt.srcIp, pkt.dstIp, pkt.keySrcPort(), pkt.keyDstPort(), 0, 0);
        toTheBoxQuery.inIf = ingress;
        if (!engine.rules.evaluate(NatRuleSet.Hook.PREROUTING, toTheBoxQuery, toTheBox))
        {
            return false;
        }
        return toTheBox.kind == NatDecision.Kind.REDIRECT ||
            (toTheBox.kind == NatDecision.Kind.DNAT && toTheBox.mapIps && engine.box.isLocalAddress(toTheBox.minIp));
    }
}
