/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * What a nat chain is asked about the first packet of a connection (as VPP's {@code nat_6t_flow_t}): a mutable
 * struct one caller allocates once and refills per packet, so evaluation takes one argument instead of ten ints.
 * Plain fields, confined to the caller's thread.
 * <p>
 * Fill with {@link #packet} (which also clears the interfaces and the next hop), then set {@link #inIf} for
 * PREROUTING/INPUT, {@link #outIf} for OUTPUT/POSTROUTING, or {@link #egress} when the route is looked up already.
 */
public final class RuleQuery
{
    /** An ifindex the hook does not have (no ingress at OUTPUT/POSTROUTING, no egress at PREROUTING/INPUT). */
    public static final int NO_IF = -1;

    /** IP protocol number. */
    public int proto;
    /** Source address. */
    public int srcIp;
    /** Destination address (after DNAT at POSTROUTING). */
    public int dstIp;
    /** Source port (ICMP query: the identifier; port matches ignore it for ICMP). */
    public int srcPort;
    /** Destination port. */
    public int dstPort;
    /** ICMP type (ICMP only). */
    public int icmpType;
    /** ICMP code (ICMP only). */
    public int icmpCode;
    /** Ingress ifindex, {@link #NO_IF} where the hook has none. */
    public int inIf = NO_IF;
    /** Egress ifindex, {@link #NO_IF} where the hook has none. */
    public int outIf = NO_IF;
    /** The route's next hop for {@link #dstIp} (0: no route); read only when {@link #nextHopKnown}. */
    public int nextHop;
    /** True when the caller looked the route up already: MASQUERADE then uses {@link #nextHop}, no second lookup. */
    public boolean nextHopKnown;

    /**
     * Sets the packet's header fields; clears the interfaces and the next hop.
     */
    public void packet(
        final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort,
        final int icmpType, final int icmpCode)
    {
        this.proto = proto;
        this.srcIp = srcIp;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.icmpType = icmpType;
        this.icmpCode = icmpCode;
        inIf = NO_IF;
        outIf = NO_IF;
        nextHop = 0;
        nextHopKnown = false;
    }

    /**
     * The route to {@link #dstIp}, looked up by the caller: a MASQUERADE decision then picks its address for this
     * next hop instead of looking the route up again.
     *
     * @param outIf   egress ifindex from the caller's route lookup.
     * @param nextHop that route's next hop, as {@link RouteTable#lookupNextHop} gives it (0: no route).
     */
    public void egress(final int outIf, final int nextHop)
    {
        this.outIf = outIf;
        this.nextHop = nextHop;
        nextHopKnown = true;
    }
}
