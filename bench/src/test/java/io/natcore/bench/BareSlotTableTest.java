/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark's floor table must answer as a map would, or its timings mean nothing. */
class BareSlotTableTest
{
    @Test
    void lookupsAndBurstsAgreeWithAMapThroughInsertsAndBackwardShiftRemovals()
    {
        final SplittableRandom rnd = new SplittableRandom(42);
        final BareSlotTable table = new BareSlotTable(4096);
        final Map<Long, Long> model = new HashMap<>();
        final long[] k0 = new long[32];
        final long[] k1 = new long[32];
        final long[] out = new long[32];
        for (int step = 0; step < 200_000; step++)
        {
            // Few distinct keys so runs collide, wrap and shift; k1 derived from k0 so a pair is one model key.
            final long a = rnd.nextInt(6000);
            final long key0 = a * 0x1_0001L;
            final long key1 = ~a;
            if (rnd.nextInt(3) == 0)
            {
                table.remove(key0, key1);
                model.remove(a);
            }
            else if (model.size() < 4096)
            {
                final boolean fresh = !model.containsKey(a);
                assertEquals(fresh, table.insert(key0, key1, step));
                model.putIfAbsent(a, (long)step);
            }
            final long probe = rnd.nextInt(6000);
            assertEquals(model.getOrDefault(probe, -1L), table.lookup(probe * 0x1_0001L, ~probe));
            if (step % 1000 == 0)
            {
                for (int i = 0; i < 32; i++)
                {
                    final long b = rnd.nextInt(6000);
                    k0[i] = b * 0x1_0001L;
                    k1[i] = ~b;
                }
                table.lookupBurst(k0, k1, 32, out);
                for (int i = 0; i < 32; i++)
                {
                    assertEquals(model.getOrDefault(~k1[i], -1L), out[i]);
                }
            }
        }
    }
}
