package io.natcore.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Smoke test: the chase is one cycle through every element, so no step can be served by a short loop. */
class MemoryLatencyBenchmarkTest
{
    @Test
    void permutationIsASingleCycleThroughEveryElement()
    {
        final MemoryLatencyBenchmark b = new MemoryLatencyBenchmark();
        b.footprintMiB = 1;
        b.setup();
        final int n = b.next.length;
        int i = 0;
        for (int s = 1; s < n; s++)
        {
            i = b.next[i];
            assertNotEquals(0, i, "cycle closed early at step " + s);
        }
        assertEquals(0, b.next[i]);
        b.dependentLoad();
    }
}
