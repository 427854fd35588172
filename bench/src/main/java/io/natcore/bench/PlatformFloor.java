/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The latency gate's control experiment: the tail the machine adds to any short piece of work. Times a fixed,
 * memory-free spin of about the packet path's median length, sampled exactly as the gate samples packets (same
 * threads, same sample count, one {@link System#nanoTime()} pair per sample). Timer ticks, hypervisor exits and the
 * scheduler land in these samples as they land in the packets'; nothing of the engine does. When the floor's
 * p99.99 is above the gate's threshold, no change to the code can make the gate pass on that machine.
 */
final class PlatformFloor
{
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);
    /** Keeps the spin's result alive. */
    private static volatile long sink;

    private PlatformFloor()
    {
    }

    /**
     * @param threads          threads spinning at once.
     * @param samplesPerThread samples each thread records.
     * @param targetNanos      the median sample length to aim for (the gate's measured p50).
     * @return all threads' samples merged.
     * @throws Exception when a thread fails.
     */
    static Histogram measure(final int threads, final long samplesPerThread, final long targetNanos) throws Exception
    {
        final int spins = calibrate(targetNanos);
        final Histogram[] histograms = new Histogram[threads];
        final Throwable[] failures = new Throwable[threads];
        final CyclicBarrier start = new CyclicBarrier(threads);
        final Thread[] runners = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            histograms[t] = new Histogram(HIGHEST, 3);
            runners[t] = new Thread(() ->
            {
                try
                {
                    start.await();
                    record(histograms[id], samplesPerThread, spins);
                }
                catch (final Throwable ex)
                {
                    failures[id] = ex;
                }
            }, "platform-floor-" + t);
            runners[t].start();
        }
        final Histogram all = new Histogram(HIGHEST, 3);
        for (int t = 0; t < threads; t++)
        {
            runners[t].join();
            if (failures[t] != null)
            {
                throw new IllegalStateException("floor thread failed", failures[t]);
            }
            all.add(histograms[t]);
        }
        return all;
    }

    private static void record(final Histogram h, final long samples, final int spins)
    {
        long acc = 0;
        for (long i = 0; i < samples; i++)
        {
            final long t0 = System.nanoTime();
            acc += spin(spins, i);
            final long t1 = System.nanoTime();
            h.recordValue(Math.min(Math.max(0, t1 - t0), HIGHEST));
        }
        sink = acc;
    }

    /** A dependent xorshift chain: fixed work, no memory traffic, not foldable by the JIT. */
    static long spin(final int n, final long seed)
    {
        long x = seed | 1;
        for (int i = 0; i < n; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Spin count whose median timed sample (timer pair included) is closest to {@code targetNanos}. */
    static int calibrate(final long targetNanos)
    {
        for (int warm = 0; warm < 10; warm++)
        {
            medianSample(64); // compile record() and spin() before any median counts
        }
        int spins = 1;
        for (int round = 0; round < 24; round++)
        {
            final long median = medianSample(spins);
            if (median >= targetNanos)
            {
                break;
            }
            spins = median <= 0 ? spins * 2 : (int)Math.min(1 << 20, Math.max(spins + 1, spins * targetNanos / median));
        }
        return spins;
    }

    private static long medianSample(final int spins)
    {
        final Histogram h = new Histogram(HIGHEST, 3);
        record(h, 200_000, spins);
        return h.getValueAtPercentile(50);
    }
}
