/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import io.natcore.packet.IpProtocol;

/**
 * One rule of the nat table, parsed and validated. Immutable after {@link IptablesSaveParser}
 * publishes it inside a {@link NatRuleSet}. The match fields are primitives so that
 * matching a packet allocates nothing.
 */
public final class NatRule
{
    /** What a rule does when it matches. */
    public enum Target
    {
        /** No {@code -j}: count and continue. */
        NONE,
        /** Stop, null binding. */
        ACCEPT,
        /** Resume the calling chain. */
        RETURN,
        /** {@code -j CHAIN}: call a user chain. */
        JUMP,
        /** {@code -g CHAIN}: continue in a user chain, which returns to this chain's caller. */
        GOTO,
        /** Destination NAT. */
        DNAT,
        /** Source NAT. */
        SNAT,
        /** Source NAT to the egress interface address. */
        MASQUERADE,
        /** Destination NAT to the ingress interface address. */
        REDIRECT,
        /** {@code NETMAP --to}: map the destination (PREROUTING, OUTPUT) or source (POSTROUTING, INPUT) prefix. */
        NETMAP,
        /** {@code MARK}: rewrite the packet mark, then continue. */
        MARK,
        /** {@code LOG}: count (and optionally report) the packet, then continue. */
        LOG
    }

    /** Port condition: which port of the packet it looks at. */
    static final int PORT_SRC = 1;
    static final int PORT_DST = 2;
    static final int PORT_EITHER = 3;

    // Set by the parser, then never written again.
    int index;
    int lineNumber;
    String chain;
    String text;
    String comment;

    int srcIp;
    int srcMask;
    boolean srcInvert;
    boolean hasSrc;
    int dstIp;
    int dstMask;
    boolean dstInvert;
    boolean hasDst;
    String inIface;
    boolean inInvert;
    String outIface;
    boolean outInvert;
    /** 0 = any. */
    int protocol;
    boolean protoInvert;
    /** -f: 1 = only non-first fragments (never a first packet), -1 = ! -f, 0 = absent. */
    int fragment;

    /** Port conditions, all must hold: kind, invert and ranges [lo, hi] per condition. */
    int[] portKind = new int[0];
    boolean[] portInvert = new boolean[0];
    int[][] portLo = new int[0][];
    int[][] portHi = new int[0][];

    boolean hasIcmp;
    /** 255 = any type. */
    int icmpType;
    int icmpCodeMin;
    int icmpCodeMax;
    boolean icmpInvert;

    /** -m addrtype: bits 1 << rtn type ({@link AddressTypes}); 0 = no condition. */
    int srcTypes;
    boolean srcTypesInvert;
    int dstTypes;
    boolean dstTypesInvert;
    /** --limit-iface-in / --limit-iface-out: 0 none, else {@link AddressTypes#LIMIT_IN} or LIMIT_OUT. */
    int typesLimit;

    /** -m statistic: 0 none, {@link #STAT_RANDOM}, {@link #STAT_NTH}. */
    int statMode;
    boolean statInvert;
    /** Random: matches when a 31-bit random value is below this (the kernel's lround(0x80000000 * p)). */
    long statProbability;
    /** Nth: --every minus one, and the counter's start (every - packet), as xt_statistic stores them. */
    int nthEvery;
    int nthStart;

    /** -m mark --mark value/mask. */
    boolean hasMark;
    int markValue;
    int markMask;
    boolean markInvert;

    /** -m conntrack --ctstate: bits of {@link ConntrackMatch}; 0 = no condition. */
    int ctStates;
    boolean ctStatesInvert;
    boolean hasCtOrigDst;
    int ctOrigDst;
    int ctOrigDstMask;
    boolean ctOrigDstInvert;
    boolean hasCtOrigDstPort;
    int ctOrigDstPortLo;
    int ctOrigDstPortHi;
    boolean ctOrigDstPortInvert;

    Target target = Target.NONE;
    /** MARK: new mark = (mark & ~markClear) ^ markXor (the kernel's xt_MARK v2). */
    int markClear;
    int markXor;
    /** NETMAP --to prefix and mask. */
    int netmapIp;
    int netmapMask;
    /** LOG --log-prefix, or null. */
    String logPrefix;
    String targetChain;
    boolean mapIps;
    int minIp;
    int maxIp;
    boolean hasPortRange;
    int minPort;
    int maxPort;
    boolean random;
    boolean randomFully;
    boolean persistent;

    NatRule()
    {
    }

    /** @return index in {@link NatRuleSet#rule(int)} (nat table order). */
    public int index()
    {
        return index;
    }

    /** @return 1-based line number in the loaded text. */
    public int lineNumber()
    {
        return lineNumber;
    }

    /** @return the chain the rule belongs to. */
    public String chain()
    {
        return chain;
    }

    /** @return the rule line as written. */
    public String text()
    {
        return text;
    }

    /** @return the {@code -m comment} text, or null. */
    public String comment()
    {
        return comment;
    }

    /** @return the target. */
    public Target target()
    {
        return target;
    }

    /** @return the user chain of a JUMP or GOTO, else null. */
    public String targetChain()
    {
        return targetChain;
    }

    /**
     * Matches everything but the interfaces (checked by the bound rule set). No allocation.
     */
    boolean matchesPacket(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode)
    {
        if (hasSrc && (((src & srcMask) == srcIp) == srcInvert))
        {
            return false;
        }
        if (hasDst && (((dst & dstMask) == dstIp) == dstInvert))
        {
            return false;
        }
        if (protocol != 0 && ((proto == protocol) == protoInvert))
        {
            return false;
        }
        if (fragment == 1)
        {
            // -f matches non-first fragments only; rules run for first packets only.
            return false;
        }
        final int[] kinds = portKind;
        if (kinds.length != 0)
        {
            if (!hasPorts(proto))
            {
                return false;
            }
            for (int c = 0; c < kinds.length; c++)
            {
                if (!portConditionHolds(c, sport, dport))
                {
                    return false;
                }
            }
        }
        if (hasIcmp)
        {
            if (proto != IpProtocol.ICMP)
            {
                return false;
            }
            final boolean hit = this.icmpType == 255
                || (icmpType == this.icmpType && icmpCode >= icmpCodeMin && icmpCode <= icmpCodeMax);
            if (hit == icmpInvert)
            {
                return false;
            }
        }
        return true;
    }

    private boolean portConditionHolds(final int c, final int sport, final int dport)
    {
        final int[] lo = portLo[c];
        final int[] hi = portHi[c];
        final int kind = portKind[c];
        boolean hit = false;
        for (int r = 0; r < lo.length; r++)
        {
            if (((kind & PORT_SRC) != 0 && sport >= lo[r] && sport <= hi[r])
                || ((kind & PORT_DST) != 0 && dport >= lo[r] && dport <= hi[r]))
            {
                hit = true;
                break;
            }
        }
        return hit != portInvert[c];
    }

    /** Statistic mode: random. */
    static final int STAT_RANDOM = 1;
    /** Statistic mode: every n-th packet. */
    static final int STAT_NTH = 2;

    /**
     * @return true when the rule has a match that needs more than the packet's addresses, ports and interfaces
     *     (addrtype, statistic, mark, conntrack): {@link NatRuleSet} evaluates those with the box and the decision.
     */
    boolean hasContextMatch()
    {
        return srcTypes != 0 || dstTypes != 0 || statMode != 0 || hasMark || ctStates != 0 || hasCtOrigDst
            || hasCtOrigDstPort;
    }

    /** Protocols whose headers carry ports that the tcp/udp/multiport matches read. */
    static boolean hasPorts(final int proto)
    {
        return IpProtocol.hasPortHeader(proto);
    }

    @Override
    public String toString()
    {
        return "line " + lineNumber + ": " + text;
    }
}
