/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attacker controls source addresses and ports. Keys crafted so that an unkeyed xor hash sends them all to one
 * slot must, with the seeded hash, spread like random keys: probe lengths stay short.
 */
class FlowTableHashFloodTest
{
    private static final int N = 50_000;

    // Keys differ only in low-order bits (destination address low half, destination port). An unkeyed hash that
    // passes bits through unmixed (like a ^ b) maps them all to one home slot; see the second test.
    private static long k0(final int i)
    {
        return FlowKey.k0(0x0A000000 + (i >>> 16), 0x08080000 + (i & 0xFFFF));
    }

    private static long k1(final int i)
    {
        return FlowKey.k1(0x1000, i & 0xFFFF, 6, 0);
    }

    private static int[] probeStats(final FlowTable t)
    {
        for (int i = 0; i < N; i++)
        {
            final int e = t.insert(k0(i), k1(i), FlowKey.invertK0(k0(i)), FlowKey.invertK1(k1(i)));
            assertTrue(e >= 0, "insert " + i + " -> " + e);
        }
        int max = 0;
        long sum = 0;
        for (int i = 0; i < N; i++)
        {
            final int p = t.probeLength(k0(i), k1(i));
            max = Math.max(max, p);
            sum += p;
        }
        return new int[] {max, (int)(sum * 100 / N)};
    }

    @Test
    void seededHashKeepsProbeLengthsShortUnderCraftedKeys()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(N)))
        {
            final int[] stats = probeStats(t);
            // Linear probing at load 0.5: mean successful probe ~1.5; the longest run over 100k keys is a few dozen.
            assertTrue(stats[1] <= 200, "mean probe length x100: " + stats[1]);
            assertTrue(stats[0] <= 64, "max probe length: " + stats[0]);
            System.out.println("hash flood: max probe " + stats[0] + ", mean x100 " + stats[1]);
        }
    }

    @Test
    void craftedKeysDoCollideUnderAnUnkeyedHash()
    {
        // Shows the key set is a real flood: a hash without a secret puts every key in one run.
        final int n = 2000;
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(n).hasher((a, b) -> (a ^ b) & 0xFFFF_FFFFL)))
        {
            for (int i = 0; i < n; i++)
            {
                t.insert(k0(i), k1(i), FlowKey.invertK0(k0(i)), FlowKey.invertK1(k1(i)));
            }
            assertTrue(t.probeLength(k0(n - 1), k1(n - 1)) > n, "all keys share one run");
        }
    }
}
