/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code *table ... COMMIT} block as loaded: chain declarations with their policies and the
 * rule lines in order. Kept for every table (nat, filter, mangle, raw, security); only the nat
 * table is compiled for evaluation, by {@link NatRuleSet}.
 */
public final class SavedTable
{
    private final String name;
    private final Map<String, String> policies;
    private final List<String> ruleChains;
    private final List<String> ruleTexts;
    private final List<Integer> ruleLines;

    SavedTable(final String name, final Map<String, String> policies, final List<String> ruleChains,
        final List<String> ruleTexts, final List<Integer> ruleLines)
    {
        this.name = name;
        this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        this.ruleChains = Collections.unmodifiableList(new ArrayList<>(ruleChains));
        this.ruleTexts = Collections.unmodifiableList(new ArrayList<>(ruleTexts));
        this.ruleLines = Collections.unmodifiableList(new ArrayList<>(ruleLines));
    }

    /** @return table name, e.g. "nat". */
    public String name()
    {
        return name;
    }

    /** @return chain name to policy ("ACCEPT", "DROP", or "-" for a user chain), in declaration order. */
    public Map<String, String> chainPolicies()
    {
        return policies;
    }

    /** @return number of rules. */
    public int ruleCount()
    {
        return ruleTexts.size();
    }

    /** @param i rule index in the table. @return the chain it was appended to. */
    public String ruleChain(final int i)
    {
        return ruleChains.get(i);
    }

    /** @param i rule index in the table. @return the rule line as written. */
    public String ruleText(final int i)
    {
        return ruleTexts.get(i);
    }

    /** @param i rule index in the table. @return its 1-based line number. */
    public int ruleLine(final int i)
    {
        return ruleLines.get(i);
    }
}
