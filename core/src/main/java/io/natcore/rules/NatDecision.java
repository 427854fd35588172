/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Outcome of evaluating a nat chain for the first packet of a connection: a mutable holder that
 * one thread reuses for every packet (plain fields, no synchronisation).
 * <p>
 * {@link Kind#NONE} and {@link Kind#ACCEPT} both mean a null binding: addresses stay, ports may
 * still move on a clash. The address and port range mirror the kernel's
 * {@code nf_nat_range2}: {@link #mapIps} tells whether an address range was given at all (a DNAT
 * with {@code --to-destination :8080} keeps the address).
 */
public final class NatDecision
{
    /** What the matching rule asked for. */
    public enum Kind
    {
        /** No terminal rule matched: the built-in chain's policy (ACCEPT) applies. */
        NONE,
        /** An explicit {@code -j ACCEPT}: stop evaluating, no translation. */
        ACCEPT,
        /** Destination NAT to {@code minIp..maxIp} / {@code minPort..maxPort}. */
        DNAT,
        /** Source NAT to {@code minIp..maxIp} / {@code minPort..maxPort}. */
        SNAT,
        /** Source NAT to the egress interface's address; ports from {@code --to-ports} if given. */
        MASQUERADE,
        /** Destination NAT to the ingress interface's primary address; ports from {@code --to-ports}. */
        REDIRECT
    }

    /**
     * The query {@link NatRuleSet}'s convenience overloads build into: one per decision, so they allocate nothing
     * and stay confined to the decision's thread.
     */
    final RuleQuery query = new RuleQuery();

    /** Outcome kind. */
    public Kind kind = Kind.NONE;
    /** True when an address range is given (DNAT/SNAT, or MASQUERADE/REDIRECT filled from the box). */
    public boolean mapIps;
    /** Lowest address of the range (network order value); 0 when none. */
    public int minIp;
    /** Highest address of the range; equal to {@link #minIp} for a single address. */
    public int maxIp;
    /** True when a port range was given ({@code :p[-q]} or {@code --to-ports}). */
    public boolean hasPortRange;
    /** Lowest port of the range. */
    public int minPort;
    /** Highest port of the range. */
    public int maxPort;
    /** {@code --random}: randomise the port choice. */
    public boolean random;
    /** {@code --random-fully}: fully random port choice (PRNG for every allocation). */
    public boolean randomFully;
    /** {@code --persistent}: same address for a client on every connection. */
    public boolean persistent;
    /** Index of the matching rule in {@link NatRuleSet#rule(int)}, -1 when the policy applied. */
    public int ruleIndex = -1;

    // The packet as the rules see it beyond its headers. A PREROUTING (or OUTPUT) evaluation starts a connection's
    // first packet: mark 0, original destination = the packet's; the POSTROUTING (or INPUT) evaluation that follows
    // on the same holder carries them on (the kernel's skb->mark and the conntrack entry). Not cleared by reset().

    /** The packet mark: read by {@code -m mark}, rewritten by {@code -j MARK}. */
    public int mark;
    /** The connection's original destination address and port ({@code -m conntrack --ctorigdst/--ctorigdstport}). */
    public int ctOrigDst;
    public int ctOrigDstPort;
    /** Whether PREROUTING changed the destination (conntrack status DNAT); the engine sets it from its binding. */
    public boolean ctDstNat;
    /** True between a PREROUTING/OUTPUT evaluation and the POSTROUTING/INPUT one that consumes its packet state. */
    boolean carried;

    /**
     * Steering of {@code -m statistic --mode random} (set by the caller, e.g. to follow a recorded run): when true,
     * the k-th random statistic match consulted in an evaluation matches iff bit k of {@link #statisticForced} is
     * set (k from 0, bits beyond 63 clear) instead of drawing a random number.
     */
    public boolean statisticSteered;
    /** The forced outcomes, see {@link #statisticSteered}. */
    public long statisticForced;
    /** Out: random statistic matches consulted by the last evaluation. */
    public int statisticConsulted;
    /**
     * State of the random source of {@code -m statistic --mode random} (splitmix64, advanced by each draw): seed it
     * for repeatable runs; the engine keeps one per engine, seeded from its seed. Not cleared by reset().
     */
    public long statisticRandom = new java.util.SplittableRandom().nextLong();

    /**
     * Resets to "no rule matched".
     *
     * @return this.
     */
    public NatDecision reset()
    {
        kind = Kind.NONE;
        mapIps = false;
        minIp = 0;
        maxIp = 0;
        hasPortRange = false;
        minPort = 0;
        maxPort = 0;
        random = false;
        randomFully = false;
        persistent = false;
        ruleIndex = -1;
        statisticConsulted = 0;
        return this;
    }

    /**
     * @return true when the decision translates something (DNAT, SNAT, MASQUERADE, REDIRECT).
     */
    public boolean isTranslation()
    {
        return kind != Kind.NONE && kind != Kind.ACCEPT;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(kind.name());
        if (mapIps)
        {
            sb.append(' ').append(Ipv4Text.format(minIp));
            if (maxIp != minIp)
            {
                sb.append('-').append(Ipv4Text.format(maxIp));
            }
        }
        if (hasPortRange)
        {
            sb.append(':').append(minPort);
            if (maxPort != minPort)
            {
                sb.append('-').append(maxPort);
            }
        }
        if (random)
        {
            sb.append(" random");
        }
        if (randomFully)
        {
            sb.append(" random-fully");
        }
        if (persistent)
        {
            sb.append(" persistent");
        }
        return sb.append(" rule=").append(ruleIndex).toString();
    }
}
