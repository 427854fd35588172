/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.Collections;
import java.util.Map;

/**
 * The loaded rules: every table as text ({@link #table(String)}) and the nat table compiled for
 * evaluation on the first packet of a connection. Immutable and safe to share between threads;
 * evaluation allocates nothing (arrays of primitives, recursion bounded by the loop-free chain
 * graph) and writes only into the caller's {@link NatDecision}.
 * <p>
 * Semantics as the kernel's {@code ipt_do_table} on the nat table: rules run in order; the first
 * matching terminal rule (ACCEPT, DNAT, SNAT, MASQUERADE, REDIRECT) decides; {@code -j CHAIN}
 * calls a user chain, whose end or RETURN resumes the caller; {@code -g CHAIN} continues in a
 * user chain whose end returns to this chain's caller; the end of a built-in chain (or RETURN in
 * it) applies its policy, ACCEPT: no translation.
 * <p>
 * Interfaces: rules name interfaces ({@code -i eth0}, {@code -o eth+}); packets carry ifindexes.
 * {@link #bind(BoxConfig)} returns a rule set whose interface matches are precomputed per
 * ifindex from the box. An unbound set (as {@link IptablesSaveParser#parse} returns it) knows
 * no interface names: {@code -i eth0} never matches there, only {@code -i +} does.
 */
public final class NatRuleSet
{
    /** The nat table's built-in chains, in hook order. */
    public enum Hook
    {
        /** Before routing: DNAT, REDIRECT; {@code -i} is the ingress interface. */
        PREROUTING,
        /** Delivered locally: SNAT. */
        INPUT,
        /** Locally generated: DNAT, REDIRECT. */
        OUTPUT,
        /** After routing: SNAT, MASQUERADE; {@code -o} is the egress interface. */
        POSTROUTING
    }

    private static final int RESULT_CONTINUE = 0;
    private static final int RESULT_DONE = 1;
    private static final int NO_IF = -1;

    private final NatRule[] rules;
    private final String[] chainNames;
    private final int[][] chainRules;
    private final int[] targetChain;
    private final int[] hookChain;
    private final Map<String, SavedTable> tables;

    private final BoxConfig box;
    /**
     * Per chain, an index on the packet's destination address (null when the chain names fewer than two exact
     * {@code -d a.b.c.d/32} addresses): open-addressing keys, and per key the chain's rules in order less the
     * {@code /32} rules naming another address (which cannot match). {@link #dstOtherRules}: the rules for an
     * address no {@code /32} rule names. A rule left out cannot match, so the walk's result is the full walk's.
     */
    private final int[][] dstKeys;
    private final int[][][] dstRules;
    private final int[][] dstOtherRules;
    private final boolean[][] inMatch;
    private final boolean[] inOther;
    private final boolean[][] outMatch;
    private final boolean[] outOther;

    NatRuleSet(
        final NatRule[] rules,
        final String[] chainNames,
        final int[][] chainRules,
        final int[] targetChain,
        final int[] hookChain,
        final Map<String, SavedTable> tables,
        final BoxConfig box)
    {
        this(rules, chainNames, chainRules, targetChain, hookChain, tables, box, true);
    }

    private NatRuleSet(
        final NatRule[] rules,
        final String[] chainNames,
        final int[][] chainRules,
        final int[] targetChain,
        final int[] hookChain,
        final Map<String, SavedTable> tables,
        final BoxConfig box,
        final boolean indexed)
    {
        this.rules = rules;
        this.chainNames = chainNames;
        this.chainRules = chainRules;
        this.targetChain = targetChain;
        this.hookChain = hookChain;
        this.tables = Collections.unmodifiableMap(tables);
        this.box = box;
        final int chains = chainRules.length;
        dstKeys = new int[chains][];
        dstRules = new int[chains][][];
        dstOtherRules = new int[chains][];
        if (indexed)
        {
            for (int c = 0; c < chains; c++)
            {
                indexDestinations(c);
            }
        }
        final int n = rules.length;
        inMatch = new boolean[n][];
        inOther = new boolean[n];
        outMatch = new boolean[n][];
        outOther = new boolean[n];
        final int maxIf = box == null ? -1 : box.maxIfIndex();
        for (int i = 0; i < n; i++)
        {
            final NatRule r = rules[i];
            if (r.inIface != null)
            {
                inMatch[i] = ifaceTable(r.inIface, r.inInvert, maxIf, box);
                inOther[i] = ifaceMatches(r.inIface, "") != r.inInvert;
            }
            if (r.outIface != null)
            {
                outMatch[i] = ifaceTable(r.outIface, r.outInvert, maxIf, box);
                outOther[i] = ifaceMatches(r.outIface, "") != r.outInvert;
            }
        }
    }

    private static boolean pinsDestination(final NatRule r)
    {
        return r.hasDst && !r.dstInvert && r.dstMask == -1;
    }

    private void indexDestinations(final int chain)
    {
        final int[] all = chainRules[chain];
        int pinned = 0;
        for (final int i : all)
        {
            pinned += pinsDestination(rules[i]) ? 1 : 0;
        }
        if (pinned < 2)
        {
            return;
        }
        int capacity = 4;
        while (capacity < pinned * 2)
        {
            capacity <<= 1;
        }
        final int[] keys = new int[capacity];
        final int[][] lists = new int[capacity][];
        for (final int i : all)
        {
            if (!pinsDestination(rules[i]))
            {
                continue;
            }
            final int address = rules[i].dstIp;
            int slot = hash(address) & (capacity - 1);
            while (lists[slot] != null && keys[slot] != address)
            {
                slot = (slot + 1) & (capacity - 1);
            }
            if (lists[slot] == null)
            {
                keys[slot] = address;
                lists[slot] = candidates(all, address, true);
            }
        }
        dstKeys[chain] = keys;
        dstRules[chain] = lists;
        dstOtherRules[chain] = candidates(all, 0, false);
    }

    /** The chain's rules in order, less the /32 rules naming an address other than {@code address} (or any). */
    private int[] candidates(final int[] all, final int address, final boolean named)
    {
        int count = 0;
        final int[] out = new int[all.length];
        for (final int i : all)
        {
            final NatRule r = rules[i];
            if (!pinsDestination(r) || (named && r.dstIp == address))
            {
                out[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private static int hash(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The rules of a chain a packet to {@code dst} can match, in order. */
    private int[] rulesFor(final int chain, final int dst)
    {
        final int[] keys = dstKeys[chain];
        if (keys == null)
        {
            return chainRules[chain];
        }
        final int[][] lists = dstRules[chain];
        final int mask = keys.length - 1;
        int slot = hash(dst) & mask;
        int[] list;
        while ((list = lists[slot]) != null)
        {
            if (keys[slot] == dst)
            {
                return list;
            }
            slot = (slot + 1) & mask;
        }
        return dstOtherRules[chain];
    }

    /** The same rules evaluated by walking every rule of a chain (the general path the index must agree with). */
    NatRuleSet withoutIndex()
    {
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, box, false);
    }

    private static boolean[] ifaceTable(final String pattern, final boolean invert, final int maxIf, final BoxConfig box)
    {
        final boolean[] table = new boolean[maxIf + 1];
        for (int index = 0; index <= maxIf; index++)
        {
            final String name = box.ifName(index);
            table[index] = ifaceMatches(pattern, name == null ? "" : name) != invert;
        }
        return table;
    }

    /** iptables interface match: exact, or prefix when the pattern ends in '+'. */
    static boolean ifaceMatches(final String pattern, final String name)
    {
        if (pattern.endsWith("+"))
        {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(name);
    }

    /**
     * @param box the interfaces the rules' {@code -i}/{@code -o} names refer to.
     * @return a rule set with the same rules whose interface matches use the box's ifindexes;
     *     MASQUERADE and REDIRECT decisions then carry the address the box gives.
     */
    public NatRuleSet bind(final BoxConfig box)
    {
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, box);
    }

    /** @return the box bound by {@link #bind(BoxConfig)}, or null. */
    public BoxConfig box()
    {
        return box;
    }

    /**
     * Evaluates PREROUTING for the first packet of a connection, ICMP code taken as 0.
     *
     * @see #prerouting(int, int, int, int, int, int, int, int, NatDecision)
     */
    public boolean prerouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int inIf, final NatDecision out)
    {
        return evaluate(Hook.PREROUTING, proto, src, dst, sport, dport, icmpType, 0, inIf, NO_IF, out);
    }

    /**
     * Evaluates PREROUTING (DNAT/REDIRECT) for the first packet of a connection. No allocation.
     *
     * @param proto    IP protocol number.
     * @param src      source address.
     * @param dst      destination address.
     * @param sport    source port (ICMP query: the identifier; ignored by port matches).
     * @param dport    destination port.
     * @param icmpType ICMP type (ICMP only).
     * @param icmpCode ICMP code (ICMP only).
     * @param inIf     ingress ifindex.
     * @param out      receives the decision (reset first).
     * @return true when a translation was chosen ({@link NatDecision#isTranslation()}).
     */
    public boolean prerouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final NatDecision out)
    {
        return evaluate(Hook.PREROUTING, proto, src, dst, sport, dport, icmpType, icmpCode, inIf, NO_IF, out);
    }

    /**
     * Evaluates POSTROUTING, ICMP code taken as 0.
     *
     * @see #postrouting(int, int, int, int, int, int, int, int, NatDecision)
     */
    public boolean postrouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int outIf, final NatDecision out)
    {
        return evaluate(Hook.POSTROUTING, proto, src, dst, sport, dport, icmpType, 0, NO_IF, outIf, out);
    }

    /**
     * Evaluates POSTROUTING (SNAT/MASQUERADE) for the first packet of a connection, after DNAT
     * and routing. No allocation. When bound to a box, a MASQUERADE decision carries the address
     * {@link BoxConfig#masqueradeAddress} picks for the route to dst ({@code mapIps} false and
     * address 0 when the box has none: the kernel drops such a packet).
     *
     * @param proto    IP protocol number.
     * @param src      source address.
     * @param dst      destination address after DNAT.
     * @param sport    source port.
     * @param dport    destination port after DNAT.
     * @param icmpType ICMP type (ICMP only).
     * @param icmpCode ICMP code (ICMP only).
     * @param outIf    egress ifindex from the route lookup.
     * @param out      receives the decision (reset first).
     * @return true when a translation was chosen.
     */
    public boolean postrouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int outIf, final NatDecision out)
    {
        return evaluate(Hook.POSTROUTING, proto, src, dst, sport, dport, icmpType, icmpCode, NO_IF, outIf, out);
    }

    /**
     * {@link #postrouting(int, int, int, int, int, int, int, int, NatDecision)} with the route to dst already
     * looked up by the caller: a MASQUERADE decision then picks its address for {@code nextHop} instead of looking
     * the route up again.
     *
     * @param nextHop the route's next hop for dst, as {@link RouteTable#lookupNextHop} gives it (0: no route).
     * @see #postrouting(int, int, int, int, int, int, int, int, NatDecision)
     */
    public boolean postrouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int outIf, final int nextHop, final NatDecision out)
    {
        out.reset();
        evalChain(hookChain[Hook.POSTROUTING.ordinal()], proto, src, dst, sport, dport, icmpType, icmpCode, NO_IF, outIf,
            out);
        if (box != null && out.kind == NatDecision.Kind.MASQUERADE && outIf >= 0)
        {
            masquerade(outIf, nextHop, out);
        }
        return out.isTranslation();
    }

    private void masquerade(final int outIf, final int nextHop, final NatDecision out)
    {
        final int address = box.masqueradeAddress(outIf, nextHop);
        out.mapIps = address != 0;
        out.minIp = address;
        out.maxIp = address;
    }

    /**
     * Evaluates any nat chain. No allocation.
     *
     * @param hook  which built-in chain.
     * @param proto IP protocol number.
     * @param src   source address.
     * @param dst   destination address.
     * @param sport source port.
     * @param dport destination port.
     * @param icmpType ICMP type.
     * @param icmpCode ICMP code.
     * @param inIf  ingress ifindex, -1 where the hook has none (OUTPUT, POSTROUTING).
     * @param outIf egress ifindex, -1 where the hook has none (PREROUTING, INPUT).
     * @param out   receives the decision (reset first).
     * @return true when a translation was chosen.
     */
    public boolean evaluate(
        final Hook hook, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final int outIf, final NatDecision out)
    {
        out.reset();
        evalChain(hookChain[hook.ordinal()], proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf, out);
        if (box != null && out.kind == NatDecision.Kind.MASQUERADE && outIf >= 0)
        {
            masquerade(outIf, box.routes().lookupNextHop(dst), out);
        }
        else if (box != null && out.kind == NatDecision.Kind.REDIRECT && inIf >= 0)
        {
            final int address = box.redirectAddress(inIf);
            out.mapIps = address != 0;
            out.minIp = address;
            out.maxIp = address;
        }
        return out.isTranslation();
    }

    private int evalChain(
        final int chain, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final int outIf, final NatDecision out)
    {
        final int[] ruleIndexes = rulesFor(chain, dst);
        for (int k = 0; k < ruleIndexes.length; k++)
        {
            final int i = ruleIndexes[k];
            final NatRule r = rules[i];
            // Header fields first: they reject most rules from the rule's own fields, before the interface tables.
            if (!r.matchesPacket(proto, src, dst, sport, dport, icmpType, icmpCode)
                || !ifaceHolds(inMatch[i], inOther[i], inIf) || !ifaceHolds(outMatch[i], outOther[i], outIf))
            {
                continue;
            }
            switch (r.target)
            {
                case NONE:
                    continue;
                case RETURN:
                    return RESULT_CONTINUE;
                case JUMP:
                    if (evalChain(targetChain[i], proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf, out)
                        == RESULT_DONE)
                    {
                        return RESULT_DONE;
                    }
                    continue;
                case GOTO:
                    // The goto target's end returns to our caller: this chain ends with it.
                    return evalChain(targetChain[i], proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf, out);
                case ACCEPT:
                    out.kind = NatDecision.Kind.ACCEPT;
                    out.ruleIndex = i;
                    return RESULT_DONE;
                default:
                    decide(r, out);
                    return RESULT_DONE;
            }
        }
        return RESULT_CONTINUE;
    }

    private static boolean ifaceHolds(final boolean[] table, final boolean other, final int ifIndex)
    {
        if (table == null)
        {
            return true;
        }
        return ifIndex >= 0 && ifIndex < table.length ? table[ifIndex] : other;
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

    /** @return number of nat rules. */
    public int ruleCount()
    {
        return rules.length;
    }

    /** @param index rule index (as in {@link NatDecision#ruleIndex}). @return the nat rule. */
    public NatRule rule(final int index)
    {
        return rules[index];
    }

    /** @return number of nat chains (built-in and user). */
    public int chainCount()
    {
        return chainNames.length;
    }

    /** @param chain chain index. @return its name. */
    public String chainName(final int chain)
    {
        return chainNames[chain];
    }

    /**
     * @param name table name ("nat", "filter", "mangle", "raw", "security").
     * @return the table as loaded, or null when the text had no such block.
     */
    public SavedTable table(final String name)
    {
        return tables.get(name);
    }
}
