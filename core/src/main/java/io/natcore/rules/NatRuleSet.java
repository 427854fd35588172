/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The loaded rules: every table as text ({@link #table(String)}) and the nat table compiled for
 * evaluation on the first packet of a connection. Safe to share between threads: the rules are
 * immutable; the only shared state is per-rule counters ({@code -m statistic --mode nth}, LOG), kept
 * in atomics as the kernel keeps them. Evaluation allocates nothing (arrays of primitives, recursion
 * bounded by the loop-free chain graph) and otherwise writes only into the caller's
 * {@link NatDecision}, which also carries the packet's mark and conntrack view from PREROUTING to
 * POSTROUTING and the random source of {@code -m statistic --mode random}.
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
    private final List<LoadWarning> warnings;
    /** Rules with addrtype, statistic, mark or conntrack matches ({@link #contextHolds}). */
    private final boolean[] contextual;
    /** Per rule: xt_statistic's nth counter (compare-and-set, as the kernel's atomic_cmpxchg loop). */
    private final AtomicIntegerArray nthCount;
    /** Per rule: packets a LOG rule matched (getAndIncrement: counts only, no ordering with anything else). */
    private final AtomicLongArray logCount;
    private final boolean hasRandomStatistic;

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
    /**
     * Every rule's match fields packed in one cache line ({@link #STRIDE} ints per rule): a walk reads one line per
     * rule instead of the rule object, its port arrays and its interface tables (objects scattered over the heap,
     * out of cache by the next connection). Rules with more than one port condition, a multiport list, an ICMP
     * match, {@code -f}, or more than 64 interfaces are flagged {@link #F_GENERAL} and matched by the objects.
     * Null for {@link #withoutIndex}.
     */
    private final int[] packed;
    private static final int STRIDE = 16;
    private static final int P_FLAGS = 0;
    private static final int P_SRC = 1;
    private static final int P_SRC_MASK = 2;
    private static final int P_DST = 3;
    private static final int P_DST_MASK = 4;
    private static final int P_PROTO = 5;
    private static final int P_PORT_LO = 6;
    private static final int P_PORT_HI = 7;
    private static final int P_IN_BITS = 8;  // 2 ints: interfaces 0-31, 32-63
    private static final int P_OUT_BITS = 10; // 2 ints
    private static final int P_IN_LENGTH = 12;
    private static final int P_OUT_LENGTH = 13;
    private static final int F_GENERAL = 1;
    private static final int F_SRC = 1 << 1;
    private static final int F_SRC_INVERT = 1 << 2;
    private static final int F_DST = 1 << 3;
    private static final int F_DST_INVERT = 1 << 4;
    private static final int F_PROTO_INVERT = 1 << 5;
    private static final int F_PORT = 1 << 6;
    private static final int F_PORT_SRC = 1 << 7;
    private static final int F_PORT_DST = 1 << 8;
    private static final int F_PORT_INVERT = 1 << 9;
    private static final int F_IN = 1 << 10;
    private static final int F_IN_OTHER = 1 << 11;
    private static final int F_OUT = 1 << 12;
    private static final int F_OUT_OTHER = 1 << 13;

    NatRuleSet(
        final NatRule[] rules,
        final String[] chainNames,
        final int[][] chainRules,
        final int[] targetChain,
        final int[] hookChain,
        final Map<String, SavedTable> tables,
        final List<LoadWarning> warnings,
        final BoxConfig box)
    {
        this(rules, chainNames, chainRules, targetChain, hookChain, tables, warnings, box, true);
    }

    private NatRuleSet(
        final NatRule[] rules,
        final String[] chainNames,
        final int[][] chainRules,
        final int[] targetChain,
        final int[] hookChain,
        final Map<String, SavedTable> tables,
        final List<LoadWarning> warnings,
        final BoxConfig box,
        final boolean indexed)
    {
        this.rules = rules;
        this.chainNames = chainNames;
        this.chainRules = chainRules;
        this.targetChain = targetChain;
        this.hookChain = hookChain;
        this.tables = Collections.unmodifiableMap(tables);
        this.warnings = Collections.unmodifiableList(warnings);
        this.box = box;
        contextual = new boolean[rules.length];
        nthCount = new AtomicIntegerArray(rules.length);
        logCount = new AtomicLongArray(rules.length);
        boolean random = false;
        for (int i = 0; i < rules.length; i++)
        {
            contextual[i] = rules[i].hasContextMatch();
            nthCount.set(i, rules[i].nthStart);
            random |= rules[i].statMode == NatRule.STAT_RANDOM;
        }
        hasRandomStatistic = random;
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
        packed = indexed ? pack() : null;
    }

    private int[] pack()
    {
        final int[] m = new int[rules.length * STRIDE];
        for (int i = 0; i < rules.length; i++)
        {
            final NatRule r = rules[i];
            final int b = i * STRIDE;
            int f = 0;
            if (r.fragment == 1 || r.hasIcmp || r.portKind.length > 1 ||
                (r.portKind.length == 1 && r.portLo[0].length != 1) ||
                (inMatch[i] != null && inMatch[i].length > 64) || (outMatch[i] != null && outMatch[i].length > 64))
            {
                m[b + P_FLAGS] = F_GENERAL;
                continue;
            }
            f |= r.hasSrc ? F_SRC : 0;
            f |= r.srcInvert ? F_SRC_INVERT : 0;
            f |= r.hasDst ? F_DST : 0;
            f |= r.dstInvert ? F_DST_INVERT : 0;
            f |= r.protoInvert ? F_PROTO_INVERT : 0;
            m[b + P_SRC] = r.srcIp;
            m[b + P_SRC_MASK] = r.srcMask;
            m[b + P_DST] = r.dstIp;
            m[b + P_DST_MASK] = r.dstMask;
            m[b + P_PROTO] = r.protocol;
            if (r.portKind.length == 1)
            {
                f |= F_PORT;
                f |= (r.portKind[0] & NatRule.PORT_SRC) != 0 ? F_PORT_SRC : 0;
                f |= (r.portKind[0] & NatRule.PORT_DST) != 0 ? F_PORT_DST : 0;
                f |= r.portInvert[0] ? F_PORT_INVERT : 0;
                m[b + P_PORT_LO] = r.portLo[0][0];
                m[b + P_PORT_HI] = r.portHi[0][0];
            }
            if (inMatch[i] != null)
            {
                f |= F_IN | (inOther[i] ? F_IN_OTHER : 0);
                packInterfaces(inMatch[i], m, b + P_IN_BITS, b + P_IN_LENGTH);
            }
            if (outMatch[i] != null)
            {
                f |= F_OUT | (outOther[i] ? F_OUT_OTHER : 0);
                packInterfaces(outMatch[i], m, b + P_OUT_BITS, b + P_OUT_LENGTH);
            }
            m[b + P_FLAGS] = f;
        }
        return m;
    }

    private static void packInterfaces(final boolean[] table, final int[] m, final int bitsAt, final int lengthAt)
    {
        for (int index = 0; index < table.length; index++)
        {
            if (table[index])
            {
                m[bitsAt + (index >>> 5)] |= 1 << (index & 31);
            }
        }
        m[lengthAt] = table.length;
    }

    /** Rule i's matches, the header ones first ({@link #headerMatches}), then the contextual ones. */
    private boolean matches(
        final int i, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final int outIf, final NatDecision out)
    {
        return headerMatches(i, proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf)
            && (!contextual[i] || contextHolds(rules[i], src, dst, inIf, outIf, out));
    }

    /**
     * addrtype, mark, conntrack, then statistic (last, so that its counter and random draws see only packets the
     * rule's other matches let through). No allocation.
     */
    private boolean contextHolds(
        final NatRule r, final int src, final int dst, final int inIf, final int outIf, final NatDecision out)
    {
        if (r.srcTypes != 0 || r.dstTypes != 0)
        {
            final int dev = r.typesLimit == AddressTypes.LIMIT_IN ? inIf : r.typesLimit == AddressTypes.LIMIT_OUT ? outIf : -1;
            if (r.srcTypes != 0 && (((r.srcTypes >>> addressType(src, dev)) & 1) != 0) == r.srcTypesInvert)
            {
                return false;
            }
            if (r.dstTypes != 0 && (((r.dstTypes >>> addressType(dst, dev)) & 1) != 0) == r.dstTypesInvert)
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
            final int i = r.index;
            int old;
            int next;
            do
            {
                old = nthCount.get(i); // volatile read, then CAS: the kernel's atomic_read / atomic_cmpxchg
                next = old == r.nthEvery ? 0 : old + 1;
            }
            while (!nthCount.compareAndSet(i, old, next));
            return (next == 0) != r.statInvert;
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

    /** @return true when a rule has {@code -m statistic --mode random}: its choices can be steered. */
    public boolean hasRandomStatistic()
    {
        return hasRandomStatistic;
    }

    /** @param index rule index. @return packets the LOG rule matched so far. */
    public long logCount(final int index)
    {
        return logCount.get(index);
    }

    /** @return what loading found that natcore does not enforce (filter tables, policies), in line order. */
    public List<LoadWarning> loadWarnings()
    {
        return warnings;
    }

    /** {@link NatRule#matchesPacket} and both interface matches of rule i, from {@link #packed} where it can. */
    private boolean headerMatches(
        final int i, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final int outIf)
    {
        final int[] m = packed;
        if (m == null || (m[i * STRIDE + P_FLAGS] & F_GENERAL) != 0)
        {
            return rules[i].matchesPacket(proto, src, dst, sport, dport, icmpType, icmpCode)
                && ifaceHolds(inMatch[i], inOther[i], inIf) && ifaceHolds(outMatch[i], outOther[i], outIf);
        }
        final int b = i * STRIDE;
        final int f = m[b + P_FLAGS];
        if ((f & F_SRC) != 0 && (((src & m[b + P_SRC_MASK]) == m[b + P_SRC]) == ((f & F_SRC_INVERT) != 0)))
        {
            return false;
        }
        if ((f & F_DST) != 0 && (((dst & m[b + P_DST_MASK]) == m[b + P_DST]) == ((f & F_DST_INVERT) != 0)))
        {
            return false;
        }
        final int protocol = m[b + P_PROTO];
        if (protocol != 0 && ((proto == protocol) == ((f & F_PROTO_INVERT) != 0)))
        {
            return false;
        }
        if ((f & F_PORT) != 0)
        {
            if (!NatRule.hasPorts(proto))
            {
                return false;
            }
            final int lo = m[b + P_PORT_LO];
            final int hi = m[b + P_PORT_HI];
            final boolean hit = ((f & F_PORT_SRC) != 0 && sport >= lo && sport <= hi)
                || ((f & F_PORT_DST) != 0 && dport >= lo && dport <= hi);
            if (hit == ((f & F_PORT_INVERT) != 0))
            {
                return false;
            }
        }
        return ((f & F_IN) == 0 || packedIfaceHolds(m, b + P_IN_BITS, m[b + P_IN_LENGTH], (f & F_IN_OTHER) != 0, inIf))
            && ((f & F_OUT) == 0 ||
            packedIfaceHolds(m, b + P_OUT_BITS, m[b + P_OUT_LENGTH], (f & F_OUT_OTHER) != 0, outIf));
    }

    private static boolean packedIfaceHolds(
        final int[] m, final int bitsAt, final int length, final boolean other, final int ifIndex)
    {
        if (ifIndex < 0 || ifIndex >= length)
        {
            return other;
        }
        return ((m[bitsAt + (ifIndex >>> 5)] >>> (ifIndex & 31)) & 1) != 0;
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
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, warnings, box, false);
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
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, warnings, box);
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
        begin(Hook.POSTROUTING, dst, dport, out);
        evalChain(hookChain[Hook.POSTROUTING.ordinal()], SRC_MANIP, proto, src, dst, sport, dport, icmpType, icmpCode,
            NO_IF, outIf, out);
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
        begin(hook, dst, dport, out);
        evalChain(hookChain[hook.ordinal()], hook == Hook.PREROUTING || hook == Hook.OUTPUT ? DST_MANIP : SRC_MANIP,
            proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf, out);
        if (hook == Hook.PREROUTING || hook == Hook.OUTPUT)
        {
            out.ctDstNat = out.kind == NatDecision.Kind.DNAT || out.kind == NatDecision.Kind.REDIRECT;
        }
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

    /**
     * Starts an evaluation: the decision is reset; PREROUTING/OUTPUT start a first packet (mark 0, original
     * destination = this one), POSTROUTING/INPUT take what the preceding evaluation carried, if any.
     */
    private static void begin(final Hook hook, final int dst, final int dport, final NatDecision out)
    {
        out.reset();
        final boolean first = hook == Hook.PREROUTING || hook == Hook.OUTPUT;
        if (first || !out.carried)
        {
            out.mark = 0;
            out.ctOrigDst = dst;
            out.ctOrigDstPort = dport;
            out.ctDstNat = false;
        }
        out.carried = first;
    }

    /** evalChain's manip argument: which address NETMAP maps. */
    private static final int DST_MANIP = 0;
    private static final int SRC_MANIP = 1;

    private int evalChain(
        final int chain, final int manip, final int proto, final int src, final int dst, final int sport,
        final int dport, final int icmpType, final int icmpCode, final int inIf, final int outIf, final NatDecision out)
    {
        final int[] ruleIndexes = rulesFor(chain, dst);
        for (int k = 0; k < ruleIndexes.length; k++)
        {
            final int i = ruleIndexes[k];
            if (!matches(i, proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf, out))
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
                    logCount.getAndIncrement(i);
                    continue;
                case RETURN:
                    return RESULT_CONTINUE;
                case JUMP:
                    if (evalChain(targetChain[i], manip, proto, src, dst, sport, dport, icmpType, icmpCode, inIf, outIf,
                        out) == RESULT_DONE)
                    {
                        return RESULT_DONE;
                    }
                    continue;
                case GOTO:
                    // The goto target's end returns to our caller: this chain ends with it.
                    return evalChain(targetChain[i], manip, proto, src, dst, sport, dport, icmpType, icmpCode, inIf,
                        outIf, out);
                case ACCEPT:
                    out.kind = NatDecision.Kind.ACCEPT;
                    out.ruleIndex = i;
                    return RESULT_DONE;
                case NETMAP:
                    netmap(r, manip == DST_MANIP ? dst : src, manip == DST_MANIP, out);
                    return RESULT_DONE;
                default:
                    decide(r, out);
                    return RESULT_DONE;
            }
        }
        return RESULT_CONTINUE;
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
