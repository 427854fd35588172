/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural invariants of a quiescent {@link FlowTable}: every live entry is found by a lookup of each of its two
 * tuples (as itself, in the right direction), no tuple is held by two live entries, the walk's count equals the size
 * counter, and the counters add up: {@code inserts - removes - earlyDrops == size}. Test code.
 */
final class TableInvariants
{
    private TableInvariants()
    {
    }

    /** @return the violations found (empty when the table is sound). */
    static List<String> check(final FlowTable table)
    {
        final List<String> problems = new ArrayList<>();
        final Set<String> tuples = new HashSet<>();
        final long[] live = new long[1];
        int cursor = 0;
        while (cursor != FlowTable.END)
        {
            cursor = table.forEachLive(cursor, 4096, (t, e) ->
            {
                live[0]++;
                for (int dir = 0; dir < 2; dir++)
                {
                    final long k0 = t.keyK0(e, dir);
                    final long k1 = t.keyK1(e, dir);
                    if (!tuples.add(k0 + "/" + k1))
                    {
                        problems.add("tuple held twice: entry " + e + " dir " + dir);
                    }
                    final long h = t.lookup(k0, k1);
                    if (h != (((long)e << 1) | dir))
                    {
                        problems.add("entry " + e + " dir " + dir + " looked up as " + h);
                    }
                }
            });
        }
        if (live[0] != table.size())
        {
            problems.add("walk found " + live[0] + " live entries, size counter says " + table.size());
        }
        if (table.inserts() - table.removes() - table.earlyDrops() != table.size())
        {
            problems.add("inserts " + table.inserts() + " - removes " + table.removes() + " - early drops " +
                table.earlyDrops() + " != size " + table.size());
        }
        return problems;
    }
}
