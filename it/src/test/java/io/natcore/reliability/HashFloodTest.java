/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import io.natcore.table.SeededFlowHasher;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash flooding against the table's real keyed hash: an attacker who knows a seed finds, by brute force, 1200
 * TCP tuples whose keys all land on one home slot under that seed. Inserted into a table running with that seed
 * they make one probe run over 1200 slots long (the control: the crafting works). Inserted into a table with its own
 * random seed (the default), the same tuples spread out and the longest probe stays short.
 */
class HashFloodTest
{
    private static final int CAPACITY = 4096;
    private static final int FLOOD = 1200;
    private static final long ATTACKER_SEED = 0x6E6174636F7265L;
    /** Longest probe accepted with the random seed (load here is 2 * 1200 / 16384 = 0.15; typical max is < 8). */
    static final int MAX_PROBE = 24;

    @Test
    void tuplesCraftedToCollideUnderAKnownSeedStaySpreadUnderTheTablesRandomSeed()
    {
        final int slots = new FlowTableConfig().capacity(CAPACITY).slotCount();
        final long[][] keys = craft(new SeededFlowHasher(ATTACKER_SEED), slots, FLOOD);

        final int victimMax;
        try (FlowTable victim = new FlowTable(new FlowTableConfig().capacity(CAPACITY).seed(ATTACKER_SEED)))
        {
            victimMax = insertAll(victim, keys);
        }
        assertTrue(victimMax > FLOOD / 2, "control: under the attacker's seed the crafted tuples pile up (max probe " +
            victimMax + ")");

        int worst = 0;
        long seedsTried = 0;
        for (int run = 0; run < 5; run++)
        {
            try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(CAPACITY)))
            {
                seedsTried++;
                final int max = insertAll(table, keys);
                worst = Math.max(worst, max);
                assertTrue(max <= MAX_PROBE, "random seed " + Long.toHexString(table.seed()) + ": max probe " + max);
            }
        }
        System.out.printf("HashFloodTest: %d crafted tuples, slots=%d: max probe %d under the attacker's seed, " +
            "%d over %d random seeds (bound %d)%n", FLOOD, slots, victimMax, worst, seedsTried, MAX_PROBE);
    }

    /** Inserts every crafted connection and returns the longest probe over both tuples of each. */
    static int insertAll(final FlowTable table, final long[][] keys)
    {
        for (final long[] k : keys)
        {
            final int e = table.insert(k[0], k[1], FlowKey.invertK0(k[0]), FlowKey.invertK1(k[1]));
            assertTrue(e >= 0, "inserted: " + e);
        }
        int max = 0;
        for (final long[] k : keys)
        {
            max = Math.max(max, table.probeLength(k[0], k[1]));
            max = Math.max(max, table.probeLength(FlowKey.invertK0(k[0]), FlowKey.invertK1(k[1])));
            assertTrue(table.lookup(k[0], k[1]) != FlowTable.MISS);
        }
        return max;
    }

    /**
     * Brute force: TCP SYN tuples (varying source address and port, fixed destination) whose original key's home
     * slot under {@code hasher} is slot 0 of a {@code slots}-slot index.
     */
    static long[][] craft(final SeededFlowHasher hasher, final int slots, final int count)
    {
        final long[][] out = new long[count][];
        int found = 0;
        final int dst = 0xAC100305;
        for (long i = 0; found < count; i++)
        {
            final int src = 0x0B000000 + (int)(i >>> 16);
            final int sport = (int)(i & 0xFFFF);
            final long k0 = FlowKey.k0(src, dst);
            final long k1 = FlowKey.k1(sport, 80, 6, 0);
            if (home(hasher.hash(k0, k1), slots) == 0)
            {
                out[found++] = new long[] { k0, k1 };
            }
        }
        return out;
    }

    static int home(final long h, final int slots)
    {
        return (int)(((h & 0xFFFF_FFFFL) * slots) >>> 32);
    }
}
