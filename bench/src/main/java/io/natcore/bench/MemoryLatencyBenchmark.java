package io.natcore.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reference point for reading the translate numbers: the cost of one dependent load on this machine, by
 * chasing a random single-cycle permutation (Sattolo) over {@code footprintMiB} of memory. With 256 MiB every
 * step is a cache and TLB miss, as a random connection's table entry is at 1M connections; with 1 MiB the
 * chase stays in the last-level cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = { BenchJvm.HEAP, BenchJvm.HEAP_MAX })
public class MemoryLatencyBenchmark
{
    private static final int STEPS = 1024;

    /** Memory chased over. */
    @Param({ "1", "256" })
    public int footprintMiB;

    int[] next;
    int at;

    /** Build one random cycle through every element. */
    @Setup(Level.Trial)
    public void setup()
    {
        final int n = footprintMiB * (1 << 20) / Integer.BYTES;
        next = new int[n];
        for (int i = 0; i < n; i++)
        {
            next[i] = i;
        }
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = n - 1; i > 0; i--)
        {
            final int j = rnd.nextInt(i);
            final int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
    }

    /** @return where the chase ended (each step depends on the last). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int dependentLoad()
    {
        final int[] n = next;
        int i = at;
        for (int s = 0; s < STEPS; s++)
        {
            i = n[i];
        }
        at = i;
        return i;
    }
}
