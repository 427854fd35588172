/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The loaded rules: every table as text ({@link #table(String)}) and the nat table compiled for
 * evaluation on the first packet of a connection ({@link #evaluate(Hook, RuleQuery, NatDecision)}). Safe to share
 * between threads: the rules are immutable; the only shared state is the per-rule counters ({@link RuleCounters}).
 * Evaluation ({@link RuleEvaluator}: the kernel's {@code ipt_do_table} on the nat table) allocates nothing and
 * otherwise writes only into the caller's {@link NatDecision}, which also carries the packet's mark and conntrack
 * view from PREROUTING to POSTROUTING and the random source of {@code -m statistic --mode random}.
 * <p>
 * Interfaces: rules name interfaces ({@code -i eth0}, {@code -o eth+}); packets carry ifindexes.
 * {@link #bind(BoxConfig)} returns a rule set whose interface matches are precomputed per
 * ifindex from the box ({@link HeaderMatcher}). An unbound set (as {@link IptablesSaveParser#parse} returns it)
 * knows no interface names: {@code -i eth0} never matches there, only {@code -i +} does.
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

    private final NatRule[] rules;
    private final String[] chainNames;
    private final int[][] chainRules;
    private final int[] targetChain;
    private final int[] hookChain;
    private final Map<String, SavedTable> tables;
    private final List<LoadWarning> warnings;
    private final BoxConfig box;
    private final boolean hasRandomStatistic;
    private final RuleEvaluator evaluator;

    /** @param indexed false: walk every rule of a chain, no packed matches ({@link #withoutIndex}). */
    NatRuleSet(
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
        boolean random = false;
        for (final NatRule r : rules)
        {
            random |= r.statMode == NatRule.STAT_RANDOM;
        }
        hasRandomStatistic = random;
        evaluator = new RuleEvaluator(rules, chainRules, targetChain, hookChain, box, indexed);
    }

    /** @return true when a rule has {@code -m statistic --mode random}: its choices can be steered. */
    public boolean hasRandomStatistic()
    {
        return hasRandomStatistic;
    }

    /** @param index rule index. @return packets the LOG rule matched so far. */
    public long logCount(final int index)
    {
        return evaluator.counters().logCount(index);
    }

    /** @return what loading found that natcore does not enforce (filter tables, policies), in line order. */
    public List<LoadWarning> loadWarnings()
    {
        return warnings;
    }

    /** The same rules evaluated by walking every rule of a chain (the general path the index must agree with). */
    NatRuleSet withoutIndex()
    {
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, warnings, box, false);
    }

    /**
     * @param box the interfaces the rules' {@code -i}/{@code -o} names refer to.
     * @return a rule set with the same rules whose interface matches use the box's ifindexes;
     *     MASQUERADE and REDIRECT decisions then carry the address the box gives.
     */
    public NatRuleSet bind(final BoxConfig box)
    {
        return new NatRuleSet(rules, chainNames, chainRules, targetChain, hookChain, tables, warnings, box, true);
    }

    /** @return the box bound by {@link #bind(BoxConfig)}, or null. */
    public BoxConfig box()
    {
        return box;
    }

    /**
     * Evaluates a nat chain for the first packet of a connection. No allocation. PREROUTING/OUTPUT start the
     * packet's mark and conntrack view afresh; POSTROUTING/INPUT take what the preceding evaluation on the same
     * decision carried. When bound to a box, a MASQUERADE decision carries the address
     * {@link BoxConfig#masqueradeAddress} picks for the route to the destination (the query's next hop when
     * {@link RuleQuery#nextHopKnown}), a REDIRECT one the ingress interface's address ({@code mapIps} false and
     * address 0 when the box has none: the kernel drops such a packet).
     *
     * @param hook  which built-in chain.
     * @param query the packet, filled by the caller (a struct it reuses).
     * @param out   receives the decision (reset first).
     * @return true when a translation was chosen ({@link NatDecision#isTranslation()}).
     */
    public boolean evaluate(final Hook hook, final RuleQuery query, final NatDecision out)
    {
        return evaluator.evaluate(hook, query, out);
    }

    /**
     * Convenience wrapper of {@link #evaluate(Hook, RuleQuery, NatDecision)} for tests and tools: builds the query
     * into the decision's own reused {@link NatDecision#query} (no allocation). The fast path fills its own query.
     *
     * @param hook     which built-in chain.
     * @param proto    IP protocol number.
     * @param src      source address.
     * @param dst      destination address.
     * @param sport    source port (ICMP query: the identifier; ignored by port matches).
     * @param dport    destination port.
     * @param icmpType ICMP type (ICMP only).
     * @param icmpCode ICMP code (ICMP only).
     * @param inIf     ingress ifindex, -1 where the hook has none (OUTPUT, POSTROUTING).
     * @param outIf    egress ifindex, -1 where the hook has none (PREROUTING, INPUT).
     * @param out      receives the decision (reset first).
     * @return true when a translation was chosen.
     */
    public boolean evaluate(
        final Hook hook, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode, final int inIf, final int outIf, final NatDecision out)
    {
        final RuleQuery q = out.query;
        q.packet(proto, src, dst, sport, dport, icmpType, icmpCode);
        q.inIf = inIf;
        q.outIf = outIf;
        return evaluator.evaluate(hook, q, out);
    }

    /**
     * Convenience wrapper: PREROUTING (DNAT/REDIRECT), ICMP code 0, no egress.
     *
     * @see #evaluate(Hook, int, int, int, int, int, int, int, int, int, NatDecision)
     */
    public boolean prerouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int inIf, final NatDecision out)
    {
        return evaluate(Hook.PREROUTING, proto, src, dst, sport, dport, icmpType, 0, inIf, RuleQuery.NO_IF, out);
    }

    /**
     * Convenience wrapper: POSTROUTING (SNAT/MASQUERADE, after DNAT and routing: dst and dport are the translated
     * ones), ICMP code 0, no ingress; a MASQUERADE decision looks the route to dst up.
     *
     * @see #evaluate(Hook, int, int, int, int, int, int, int, int, int, NatDecision)
     */
    public boolean postrouting(
        final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int outIf, final NatDecision out)
    {
        return evaluate(Hook.POSTROUTING, proto, src, dst, sport, dport, icmpType, 0, RuleQuery.NO_IF, outIf, out);
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
