/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.IcmpErrorTranslator;
import io.natcore.nat.NatTuple;
import io.natcore.nat.Rewriter;
import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.MutableDirectBuffer;

/**
 * ICMP errors (destination unreachable, source quench, redirect, time exceeded, parameter problem): the quoted
 * datagram names the connection (its tuple inverted is the tuple of the direction the error travels). RELATED to a
 * connection: translated ({@link IcmpErrorTranslator}) and sent where that direction goes (forwarded, delivered to
 * the box, or sent by the box's own stack), never refreshing nor ending the connection. About no known connection:
 * delivered locally when addressed to the box, else untracked.
 */
final class IcmpErrorPath
{
    private final PacketProcessor p;
    private final FlowTable table;
    private final ParsedPacket pkt;
    private final PacketOutcome out;
    private final ForwardStage forwarding;
    private final NatTuple innerTarget = new NatTuple();

    IcmpErrorPath(final PacketProcessor p)
    {
        this.p = p;
        this.table = p.table;
        this.pkt = p.pkt;
        this.out = p.outcome;
        this.forwarding = p.forwarding;
    }

    Verdict process(final MutableDirectBuffer buf, final long now)
    {
        final int proto = pkt.innerProtocol;
        final int innerSport = pkt.innerHasPorts ? pkt.innerSrcPort : 0;
        final int innerDport = pkt.innerHasPorts ? pkt.innerDstPort : 0;
        // The quoted packet travelled the other way: its inverse is the error's own direction tuple.
        final long k0 = FlowKey.k0(pkt.innerDstIp, pkt.innerSrcIp);
        final long k1 = FlowKey.k1(innerDport, innerSport, proto, p.zone);
        final long handle = table.lookup(k0, k1);
        if (handle == FlowTable.MISS)
        {
            return forwarding.untracked(buf, Reason.ICMP_ERROR_UNRELATED);
        }
        final int entry = FlowTable.entry(handle);
        final int dir = FlowTable.direction(handle);
        final int seq = table.readBeginAcquire(entry);
        final int ops = table.ops(entry, dir);
        final int newSrcIp = table.newSrcIp(entry, dir);
        final int newDstIp = table.newDstIp(entry, dir);
        final int egress = table.egressIfIndex(entry, dir);
        final long otherK0 = table.keyK0(entry, dir ^ 1);
        final long otherK1 = table.keyK1(entry, dir ^ 1);
        final long deadline = table.deadlineOpaque(entry);
        if (!table.readValidate(entry, seq) || !table.matches(entry, dir, k0, k1) || deadline <= now)
        {
            return forwarding.untracked(buf, Reason.ICMP_ERROR_UNRELATED);
        }
        final int destination = (ops & Rewriter.OP_DST_IP) != 0 ? newDstIp : pkt.dstIp;
        final boolean forwarded = forwarding.isForwarded(egress);
        if (forwarded && forwarding.ttlExpires())
        {
            return forwarding.timeExceeded(destination);
        }
        innerTarget.set(proto, FlowKey.srcIp(otherK0), FlowKey.dstIp(otherK0),
            FlowKey.srcPort(otherK1), FlowKey.dstPort(otherK1));
        final int extraDelta = forwarded ? forwarding.decrementTtl(buf) : 0;
        IcmpErrorTranslator.translate(buf, pkt.ipOffset, pkt.l4Offset, pkt.l4Length, pkt.innerIpOffset,
            pkt.innerL4Offset, pkt.innerL4Available, ops, newSrcIp, newDstIp, innerTarget, extraDelta);
        p.counters.extra(Counters.ICMP_ERRORS_TRANSLATED);
        out.connection = handle;
        out.routedDestination = destination;
        if (egress == FlowTable.LOCAL_DELIVERY)
        {
            return out.finish(Verdict.LOCAL, Reason.NONE);
        }
        out.egress = egress >= 0 ? egress : forwarding.egressTo(destination);
        return out.finish(Verdict.FORWARD, Reason.NONE);
    }
}
