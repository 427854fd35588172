/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Walks the nat table's chains for the first packet of a connection, as the kernel's {@code ipt_do_table}: rules
 * run in order; the first matching terminal rule (ACCEPT, DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP) decides;
 * {@code -j CHAIN} calls a user chain, whose end or RETURN resumes the caller; {@code -g CHAIN} continues in a
 * user chain whose end returns to this chain's caller; the end of a built-in chain (or RETURN in it) applies its
 * policy, ACCEPT: no translation.
 * <p>
 * Allocates nothing (arrays of primitives, recursion bounded by the loop-free chain graph); writes only into the
 * caller's {@link NatDecision} and the shared {@link RuleCounters}. All calls are to final classes.
 */
final class RuleEvaluator
{
    private static final int RESULT_CONTINUE = 0;
    private static final int RESULT_DONE = 1;
    /** evalChain's manip argument: which address NETMAP maps. */
    private static final int DST_MANIP = 0;
    private static final int SRC_MANIP = 1;

    private final NatRule[] rules;
    private final int[] targetChain;
    private final int[] hookChain;
    private final BoxConfig box;
    /** Rules with addrtype, statistic, mark or conntrack matches ({@link #contextHolds}). */
    private final boolean[] contextual;
    private final HeaderMatcher header;
    private final DestinationIndex index;
    private final RuleCounters counters;

    RuleEvaluator(
        final NatRule[] rules, final int[][] chainRules, final int[] targetChain, final int[] hookChain,
        final BoxConfig box, final boolean indexed)
    {
        this.rules = rules;
        this.targetChain = targetChain;
        this.hookChain = hookChain;
        this.box = box;
        contextual = new boolean[rules.length];
        for (int i = 0; i < rules.length; i++)
        {
            contextual[i] = rules[i].hasContextMatch();
        }
        header = new HeaderMatcher(rules, box, indexed);
        index = new DestinationIndex(rules, chainRules, indexed);
        counters = new RuleCounters(rules);
    }

    /** @return the per-rule counters (nth, LOG). */
    RuleCounters counters()
    {
        return counters;
    }

    /**
     * Evaluates a built-in chain. When bound to a box, MASQUERADE and REDIRECT decisions carry the address the box
     * gives ({@code mapIps} false and address 0 when it has none: the kernel drops such a packet).
     *
     * @return true when a translation was chosen.
     */
    boolean evaluate(final NatRuleSet.Hook hook, final RuleQuery q, final NatDecision out)
    {
        final boolean dstManip = hook == NatRuleSet.Hook.PREROUTING || hook == NatRuleSet.Hook.OUTPUT;
        begin(dstManip, q, out);
        evalChain(hookChain[hook.ordinal()], dstManip ? DST_MANIP : SRC_MANIP, q, out);
        if (dstManip)
        {
            out.ctDstNat = out.kind == NatDecision.Kind.DNAT || out.kind == NatDecision.Kind.REDIRECT;
        }
        if (box != null && out.kind == NatDecision.Kind.MASQUERADE && q.outIf >= 0)
        {
            final int nextHop = q.nextHopKnown ? q.nextHop : box.routes().lookupNextHop(q.dstIp);
            mapTo(box.masqueradeAddress(q.outIf, nextHop), out);
        }
        else if (box != null && out.kind == NatDecision.Kind.REDIRECT && q.inIf >= 0)
        {
            mapTo(box.redirectAddress(q.inIf), out);
        }
        return out.isTranslation();
    }

    /** The box's address for MASQUERADE/REDIRECT as a one-address range (none when 0). */
    private static void mapTo(final int address, final NatDecision out)
    {
        out.mapIps = address != 0;
        out.minIp = address;
        out.maxIp = address;
    }

    /**
     * Starts an evaluation: the decision is reset; PREROUTING/OUTPUT start a first packet (mark 0, original
     * destination = this one), POSTROUTING/INPUT take what the preceding evaluation carried, if any.
     */
    private static void begin(final boolean first, final RuleQuery q, final NatDecision out)
    {
        out.reset();
        if (first || !out.carried)
        {
            out.mark = 0;
            out.ctOrigDst = q.dstIp;
            out.ctOrigDstPort = q.dstPort;
            out.ctDstNat = false;
        }
        out.carried = first;
    }

    private int evalChain(final int chain, final int manip, final RuleQuery q, final NatDecision out)
    {
        final int[] ruleIndexes = index.rulesFor(chain, q.dstIp);
        for (int k = 0; k < ruleIndexes.length; k++)
        {
            final int i = ruleIndexes[k];
            if (!header.matches(i, q) || (contextual[i] && !contextHolds(rules[i], q, out)))
            {
                continue;
            }
            final NatRule r = rules[i];
            switch (r.target)
            {
                case NONE:
                    continue;
                case MARK:
                    out.mark = (out.mark & ~r.markClear) ^ r.markXor;
                    continue;
                case LOG:
                    counters.log(i);
                    continue;
                case RETURN:
                    return RESULT_CONTINUE;
                case JUMP:
                    if (evalChain(targetChain[i], manip, q, out) == RESULT_DONE)
                    {
                        return RESULT_DONE;
                    }
                    continue;
                case GOTO:
                    // The goto target's end returns to our caller: this chain ends with it.
                    return evalChain(targetChain[i], manip, q, out);
                case ACCEPT:
                    out.kind = NatDecision.Kind.ACCEPT;
                    out.ruleIndex = i;
                    return RESULT_DONE;
                case NETMAP:
                    netmap(r, manip == DST_MANIP ? q.dstIp : q.srcIp, manip == DST_MANIP, out);
                    return RESULT_DONE;
                default:
                    decide(r, out);
                    return RESULT_DONE;
            }
        }
        return RESULT_CONTINUE;
    }

    /**
     * addrtype, mark, conntrack, then statistic (last, so that its counter and random draws see only packets the
     * rule's other matches let through). No allocation.
     */
    private boolean contextHolds(final NatRule r, final RuleQuery q, final NatDecision out)
    {
        if (r.srcTypes != 0 || r.dstTypes != 0)
        {
            final int dev = r.typesLimit == AddressTypes.LIMIT_IN ? q.inIf
                : r.typesLimit == AddressTypes.LIMIT_OUT ? q.outIf : RuleQuery.NO_IF;
            if (r.srcTypes != 0 && (((r.srcTypes >>> addressType(q.srcIp, dev)) & 1) != 0) == r.srcTypesInvert)
            {
                return false;
            }
            if (r.dstTypes != 0 && (((r.dstTypes >>> addressType(q.dstIp, dev)) & 1) != 0) == r.dstTypesInvert)
            {
                return false;
            }
        }
        if (r.hasMark && (((out.mark & r.markMask) == r.markValue) == r.markInvert))
        {
            return false;
        }
        if (r.ctStates != 0 &&
            (((ConntrackMatch.firstPacketStates(out.ctDstNat) & r.ctStates) != 0) == r.ctStatesInvert))
        {
            return false;
        }
        if (r.hasCtOrigDst && (((out.ctOrigDst & r.ctOrigDstMask) == r.ctOrigDst) == r.ctOrigDstInvert))
        {
            return false;
        }
        if (r.hasCtOrigDstPort &&
            ((out.ctOrigDstPort >= r.ctOrigDstPortLo && out.ctOrigDstPort <= r.ctOrigDstPortHi) == r.ctOrigDstPortInvert))
        {
            return false;
        }
        if (r.statMode == NatRule.STAT_RANDOM)
        {
            final boolean hit;
            if (out.statisticSteered)
            {
                final int k = out.statisticConsulted;
                hit = k < 64 && ((out.statisticForced >>> k) & 1) != 0;
            }
            else
            {
                hit = (nextRandom(out) & 0x7FFFFFFF) < r.statProbability;
            }
            out.statisticConsulted++;
            return hit != r.statInvert;
        }
        if (r.statMode == NatRule.STAT_NTH)
        {
            return counters.nth(r);
        }
        return true;
    }

    private int addressType(final int ip, final int dev)
    {
        return box != null ? box.addressType(ip, dev) : BoxConfig.generalAddressType(ip);
    }

    /** splitmix64 on the decision's own state: the holder belongs to one thread, so plain fields suffice. */
    private static long nextRandom(final NatDecision out)
    {
        long z = out.statisticRandom += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** xt_NETMAP: the rule's prefix replaces the address's network part; a one-address range, ports kept. */
    private static void netmap(final NatRule r, final int address, final boolean destination, final NatDecision out)
    {
        out.kind = destination ? NatDecision.Kind.DNAT : NatDecision.Kind.SNAT;
        out.mapIps = true;
        out.minIp = (address & ~r.netmapMask) | (r.netmapIp & r.netmapMask);
        out.maxIp = out.minIp;
        out.ruleIndex = r.index;
    }

    private static void decide(final NatRule r, final NatDecision out)
    {
        switch (r.target)
        {
            case DNAT:
                out.kind = NatDecision.Kind.DNAT;
                break;
            case SNAT:
                out.kind = NatDecision.Kind.SNAT;
                break;
            case MASQUERADE:
                out.kind = NatDecision.Kind.MASQUERADE;
                break;
            default:
                out.kind = NatDecision.Kind.REDIRECT;
                break;
        }
        out.mapIps = r.mapIps;
        out.minIp = r.minIp;
        out.maxIp = r.maxIp;
        out.hasPortRange = r.hasPortRange;
        out.minPort = r.minPort;
        out.maxPort = r.maxPort;
        out.random = r.random;
        out.randomFully = r.randomFully;
        out.persistent = r.persistent;
        out.ruleIndex = r.index;
    }
}
