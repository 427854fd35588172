/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * What one packet's rewrite changes (VPP's {@code nat_6t_flow_t} rewrite half): the {@link Rewriter#ops} bitmask,
 * the new addresses and ports, and the precomputed IP header and L4 checksum deltas. Mutable with plain fields, one
 * instance per processor filled for each packet (no allocation per packet), read by
 * {@link Rewriter#apply(org.agrona.MutableDirectBuffer, int, int, int, boolean, int, NatRewrite)}.
 */
public final class NatRewrite
{
    /** {@link Rewriter#OP_SRC_IP} and the other OP_* bits. */
    public int ops;
    /** New source address (used with {@link Rewriter#OP_SRC_IP}). */
    public int newSrcIp;
    /** New destination address (used with {@link Rewriter#OP_DST_IP}). */
    public int newDstIp;
    /** New source port, or ICMP identifier. */
    public int newSrcPort;
    /** New destination port. */
    public int newDstPort;
    /** IP header checksum delta (a TTL decrement's delta may be combined in). */
    public int ipDelta;
    /** L4 checksum delta. */
    public int l4Delta;

    /**
     * @return this, filled.
     */
    public NatRewrite set(
        final int ops, final int newSrcIp, final int newDstIp, final int newSrcPort, final int newDstPort,
        final int ipDelta, final int l4Delta)
    {
        this.ops = ops;
        this.newSrcIp = newSrcIp;
        this.newDstIp = newDstIp;
        this.newSrcPort = newSrcPort;
        this.newDstPort = newDstPort;
        this.ipDelta = ipDelta;
        this.l4Delta = l4Delta;
        return this;
    }

    /**
     * The rewrite that turns a packet carrying {@code pkt} into one carrying {@code target}.
     *
     * @return this, filled.
     */
    public NatRewrite between(final NatTuple pkt, final NatTuple target)
    {
        return set(Rewriter.ops(pkt, target), target.srcIp, target.dstIp, target.srcPort, target.dstPort,
            Rewriter.ipDelta(pkt, target), Rewriter.l4Delta(pkt, target));
    }

    /** @return the destination after the rewrite of a packet addressed to {@code dstIp}. */
    public int destinationOf(final int dstIp)
    {
        return (ops & Rewriter.OP_DST_IP) != 0 ? newDstIp : dstIp;
    }
}
