/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import net.openhft.chronicle.bytes.BytesStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.*;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The storage choice for the flow table, measured on the table's own access pattern: a slot read followed by a
 * dependent read of a 64-byte line (the lookup), and a CAS + release store pair (the entry seqlock), over Agrona
 * {@link UnsafeBuffer} and chronicle-bytes native {@link BytesStore}, in cache (1 MiB) and out of it (256 MiB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    BenchJvm.OPEN_LANG, BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_MISC,
    BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF, BenchJvm.EXPORT_NIO_CH,
    BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS, BenchJvm.EXPORT_MISC, BenchJvm.EXPORT_JAVAC_FILE })
public class FlowTableStorageBenchmark
{
    static final int BATCH = 32;
    static final int STREAM = 1 << 16;

    @Param({"1", "256"})
    int mebibytes;

    UnsafeBuffer agrona;
    BytesStore<?, Void> chronicle;
    int lines;
    long counter;
    final long[] pass = new long[BATCH];
    final int[] slotOffsets = new int[STREAM];
    int cursor;

    @Setup(Level.Trial)
    public void setUp()
    {
        final int bytes = mebibytes << 20;
        agrona = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        chronicle = BytesStore.nativeStoreWithFixedCapacity(bytes);
        lines = bytes / 64;
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < lines; i++)
        {
            final long v = rnd.nextInt(lines);
            agrona.putLong(i * 64, v);
            chronicle.writeLong(i * 64L, v);
        }
        for (int j = 0; j < STREAM; j++)
        {
            slotOffsets[j] = rnd.nextInt(lines) * 64;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        chronicle.releaseLast();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaDependentRead()
    {
        final UnsafeBuffer b = agrona;
        int c = cursor;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            final long v = b.getLongAcquire(slotOffsets[c]);
            acc += b.getLong(((int)v << 6) + 8);
            c = (c + 1) & (STREAM - 1);
        }
        cursor = c;
        return acc;
    }

    /**
     * Floor for a burst: {@code BATCH} loads of random cache lines with no dependency between them, so the core
     * overlaps as many misses as its miss buffers and page walkers allow. A lookup that costs two misses cannot,
     * per key, beat twice this; one that costs one miss, once this.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaIndependentRead()
    {
        // Line numbers from a counter through a multiply-xorshift mix (not the small offset stream, which would
        // revisit only 64 Ki lines): every load is to a random line of the whole region.
        final UnsafeBuffer b = agrona;
        final long n = lines;
        long c = counter;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            long z = (c++) * 0x9E37_79B9_7F4A_7C15L;
            z ^= z >>> 29;
            acc += b.getLong((int)(((z & 0xFFFF_FFFFL) * n) >>> 32) << 6);
        }
        counter = c;
        return acc;
    }

    /**
     * Floor for a burst whose lookups cost two dependent misses (slot, then the line it names): one pass loads
     * {@code BATCH} random lines, a second pass loads the line each names. Misses within a pass overlap; the
     * second pass waits for the first. Compare with {@link #agronaIndependentRead} (one miss per key).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaTwoPassRead()
    {
        final UnsafeBuffer b = agrona;
        final long[] v = pass;
        final long n = lines;
        long c = counter;
        for (int j = 0; j < BATCH; j++)
        {
            long z = (c++) * 0x9E37_79B9_7F4A_7C15L;
            z ^= z >>> 29;
            v[j] = b.getLong((int)(((z & 0xFFFF_FFFFL) * n) >>> 32) << 6); // a random line number (setUp)
        }
        counter = c;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            acc += b.getLong(((int)v[j] << 6) + 8);
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long chronicleDependentRead()
    {
        final BytesStore<?, Void> b = chronicle;
        int c = cursor;
        long acc = 0;
        for (int j = 0; j < BATCH; j++)
        {
            final long v = b.readVolatileLong(slotOffsets[c]);
            acc += b.readLong(((long)(int)v << 6) + 8);
            c = (c + 1) & (STREAM - 1);
        }
        cursor = c;
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaSeqlockWrite()
    {
        final UnsafeBuffer b = agrona;
        int c = cursor;
        for (int j = 0; j < BATCH; j++)
        {
            final int at = slotOffsets[c] & 0xFFC0 | 16;
            final int seq = b.getIntVolatile(at) & ~1;
            if (b.compareAndSetInt(at, seq, seq + 1))
            {
                b.putIntRelease(at, seq + 2);
            }
            c = (c + 1) & (STREAM - 1);
        }
        cursor = c;
        return c;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long chronicleSeqlockWrite()
    {
        final BytesStore<?, Void> b = chronicle;
        int c = cursor;
        for (int j = 0; j < BATCH; j++)
        {
            final long at = slotOffsets[c] & 0xFFC0 | 16;
            final int seq = b.readVolatileInt(at) & ~1;
            if (b.compareAndSwapInt(at, seq, seq + 1))
            {
                b.writeOrderedInt(at, seq + 2);
            }
            c = (c + 1) & (STREAM - 1);
        }
        cursor = c;
        return c;
    }
}
