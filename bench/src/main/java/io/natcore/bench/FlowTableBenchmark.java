/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import io.natcore.table.FlowKey;

import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Flow table against ConcurrentHashMap, Chronicle Map and JCTools NonBlockingHashMapLong, each storing every
 * connection under both tuples. Lookups walk a pre-generated random stream (sequential arrays, so the key fetch
 * itself is not a cache miss); scores are per lookup / per insert+remove pair ({@code @OperationsPerInvocation}).
 * Peers in their best honest configuration: CHM with a reused mutable two-long lookup key and pre-boxed values;
 * Chronicle Map sized up front with reused chronicle-values key and value flyweights; NonBlockingHashMapLong on a
 * 64-bit hash of the key with pre-boxed values. Setup prints bytes per connection for each subject.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms4g", "-Xmx4g",
    BenchJvm.OPEN_LANG, BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_MISC,
    BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF, BenchJvm.EXPORT_NIO_CH,
    BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS, BenchJvm.EXPORT_MISC, BenchJvm.EXPORT_JAVAC_FILE,
    BenchJvm.BOUNDS_CHECKS_OFF })
public class FlowTableBenchmark
{
    static final int BATCH = 32;
    static final int STREAM = 1 << 20;
    static final int STREAM_MASK = STREAM - 1;
    static final int POOL = 4096;

    /** {@code bareTable} is the calibration design ({@link BareSlotTable}): a floor, run it on request. */
    @Param({"flowtable", "concurrentHashMap", "chronicleMap", "nonBlockingHashMapLong"})
    String impl;

    @Param({"10000", "1000000"})
    int entries;

    FlowTableBenchSubject subject;
    final long[] hitK0 = new long[STREAM];
    final long[] hitK1 = new long[STREAM];
    final long[] missK0 = new long[STREAM];
    final long[] missK1 = new long[STREAM];

    static long o0(final int c)
    {
        return FlowKey.k0(0x0A000000 + c, 0x5DB8D800 + (c % 1000));
    }

    static long o1(final int c)
    {
        return FlowKey.k1(1024 + (c % 60000), 443, 6, 0);
    }

    static long r0(final int c)
    {
        return FlowKey.k0(0x5DB8D800 + (c % 1000), 0xCB007100 + (c >>> 16));
    }

    static long r1(final int c)
    {
        return FlowKey.k1(443, c & 0xFFFF, 6, 0);
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final long heapBefore = usedHeap();
        subject = FlowTableBenchSubject.create(impl, entries);
        final Object ctx = subject.newContext();
        for (int c = 0; c < entries; c++)
        {
            subject.put(ctx, o0(c), o1(c), r0(c), r1(c), c);
        }
        final long heapAfter = usedHeap();
        final long off = subject.offHeapBytes();
        final long bytes = off >= 0 ? off + Math.max(0, heapAfter - heapBefore) : heapAfter - heapBefore;
        // Every subject is sized for entries + POOL_SLACK connections up front; divide by that capacity.
        final int sized = entries + FlowTableBenchSubject.POOL_SLACK;
        System.out.printf("%n[flow-table-memory] impl=%s entries=%d sizedFor=%d bytes=%d perLiveConnection=%.1f" +
            " perSizedConnection=%.1f (offHeap=%d)%n", impl, entries, sized, bytes, (double)bytes / entries,
            (double)bytes / sized, off);
        final SplittableRandom rnd = new SplittableRandom(7);
        for (int j = 0; j < STREAM; j++)
        {
            final int c = rnd.nextInt(entries);
            final boolean reply = rnd.nextBoolean();
            hitK0[j] = reply ? r0(c) : o0(c);
            hitK1[j] = reply ? r1(c) : o1(c);
            final int m = entries + FlowTableBenchSubject.POOL_SLACK + rnd.nextInt(entries);
            missK0[j] = o0(m);
            missK1[j] = o1(m) ^ 0x00FF_0000L; // protocol never inserted: a guaranteed miss
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        subject.close();
    }

    private static long usedHeap()
    {
        final Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Per-thread cursor, reused objects and insert pool. */
    @State(Scope.Thread)
    public static class Worker
    {
        Object ctx;
        int cursor;
        int poolBase;
        int poolNext;
        int writes;
        long lastToken = -1;
        int lastId;
        final long[] k0 = new long[BATCH];
        final long[] k1 = new long[BATCH];
        final long[] out = new long[BATCH];

        @Setup(Level.Trial)
        public void setUp(final FlowTableBenchmark b, final ThreadParams tp)
        {
            ctx = b.subject.newContext();
            cursor = (tp.getThreadIndex() * 104_729) & STREAM_MASK;
            poolBase = b.entries + tp.getThreadIndex() * POOL;
        }

        int nextPoolId()
        {
            final int id = poolBase + poolNext;
            poolNext = (poolNext + 1) & (POOL - 1);
            return id;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupHit(final Worker w)
    {
        return lookups(w, hitK0, hitK1);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public long lookupHit_2t(final Worker w)
    {
        return lookups(w, hitK0, hitK1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupMiss(final Worker w)
    {
        return lookups(w, missK0, missK1);
    }

    private long lookups(final Worker w, final long[] k0, final long[] k1)
    {
        final FlowTableBenchSubject s = subject;
        final Object ctx = w.ctx;
        int c = w.cursor;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            acc += s.lookup(ctx, k0[c], k1[c]);
            c = (c + 1) & STREAM_MASK;
        }
        w.cursor = c;
        return acc;
    }

    /** Hash-all-then-probe burst for the flow table (and the bare floor); peers have no burst API and loop over the same batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupBurst(final Worker w)
    {
        final int c = w.cursor;
        final long[] k0 = w.k0;
        final long[] k1 = w.k1;
        final long[] out = w.out;
        System.arraycopy(hitK0, c, k0, 0, BATCH); // STREAM is a multiple of BATCH and cursors stay aligned
        System.arraycopy(hitK1, c, k1, 0, BATCH);
        w.cursor = (c + BATCH) & STREAM_MASK;
        long acc = 0;
        if (subject instanceof FlowTableBenchSubject.Table)
        {
            ((FlowTableBenchSubject.Table)subject).table.lookupBurst(k0, k1, BATCH, out);
            for (int j = 0; j < BATCH; j++)
            {
                acc += out[j];
            }
        }
        else if (subject instanceof FlowTableBenchSubject.Bare)
        {
            ((FlowTableBenchSubject.Bare)subject).table.lookupBurst(k0, k1, BATCH, out);
            for (int j = 0; j < BATCH; j++)
            {
                acc += out[j];
            }
        }
        else
        {
            for (int j = 0; j < BATCH; j++)
            {
                acc += subject.lookup(w.ctx, k0[j], k1[j]);
            }
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long insertRemove(final Worker w)
    {
        return insertRemoves(w);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public long insertRemove_2t(final Worker w)
    {
        return insertRemoves(w);
    }

    private long insertRemoves(final Worker w)
    {
        final FlowTableBenchSubject s = subject;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            final int id = w.nextPoolId();
            final long t = s.insert(w.ctx, o0(id), o1(id), r0(id), r1(id), id);
            if (t >= 0)
            {
                s.remove(w.ctx, t, o0(id), o1(id), r0(id), r1(id));
            }
            acc += t;
        }
        return acc;
    }

    /** 90% lookup hits, 10% writes (alternating insert of a new connection and removal of it). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mixed(final Worker w)
    {
        return mixedOps(w);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public long mixed_2t(final Worker w)
    {
        return mixedOps(w);
    }

    private long mixedOps(final Worker w)
    {
        final FlowTableBenchSubject s = subject;
        final Object ctx = w.ctx;
        int c = w.cursor;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            if (++w.writes == 10)
            {
                w.writes = 0;
                if (w.lastToken < 0)
                {
                    final int id = w.nextPoolId();
                    w.lastToken = s.insert(ctx, o0(id), o1(id), r0(id), r1(id), id);
                    w.lastId = id;
                    acc += w.lastToken;
                }
                else
                {
                    final int id = w.lastId;
                    s.remove(ctx, w.lastToken, o0(id), o1(id), r0(id), r1(id));
                    w.lastToken = -1;
                }
            }
            else
            {
                acc += s.lookup(ctx, hitK0[c], hitK1[c]);
                c = (c + 1) & STREAM_MASK;
            }
        }
        w.cursor = c;
        return acc;
    }

}
