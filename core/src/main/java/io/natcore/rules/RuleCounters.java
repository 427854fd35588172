/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The only state nat rules share between threads: per rule, xt_statistic's nth counter and the packets a LOG rule
 * matched, in atomics as the kernel keeps them. Allocation-free after construction.
 */
final class RuleCounters
{
    /** Per rule: xt_statistic's nth counter (compare-and-set, as the kernel's atomic_cmpxchg loop). */
    private final AtomicIntegerArray nthCount;
    /** Per rule: packets a LOG rule matched (getAndIncrement: counts only, no ordering with anything else). */
    private final AtomicLongArray logCount;

    RuleCounters(final NatRule[] rules)
    {
        nthCount = new AtomicIntegerArray(rules.length);
        logCount = new AtomicLongArray(rules.length);
        for (int i = 0; i < rules.length; i++)
        {
            nthCount.set(i, rules[i].nthStart);
        }
    }

    /** {@code -m statistic --mode nth}: advances rule r's counter; @return true on every nth packet (invert applied). */
    boolean nth(final NatRule r)
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

    /** Counts a packet LOG rule i matched. */
    void log(final int i)
    {
        logCount.getAndIncrement(i);
    }

    /** @return packets LOG rule i matched so far (volatile read). */
    long logCount(final int i)
    {
        return logCount.get(i);
    }
}
