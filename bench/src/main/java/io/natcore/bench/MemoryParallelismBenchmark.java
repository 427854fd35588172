/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The machine's floor for burst lookups: what reading random cache lines costs when 32 of them are independent
 * (their addresses known up front), so their misses can overlap as far as the core lets them. No table can look a
 * key up in bursts faster than the lines it must read cost here.
 * <ul>
 * <li>{@link #oneLineBurst32}: one random 64-byte line per lookup in {@code footprintMiB} of direct memory: the
 * floor of any design whose lookup reads one line (a key-carrying index such as the calibration table, 128 MiB at
 * a million connections; or 64 MiB at a 0.75 load factor with 24-byte slots).</li>
 * <li>{@link #slotThenLineBurst32}: the flow table's shape at a million connections: a random 4-byte slot in a
 * 21 MiB index, whose value names a random 64-byte line in a 64 MiB entry region (read only after the slot,
 * as the table reads the hot line after the slot). All slots of a burst first, then all lines.</li>
 * <li>{@link #keyLineThenLineBurst32}: the packet path's shape with a key-carrying index instead (24-byte slots at a
 * 0.75 load factor, 64 MiB at a million connections): a random line of a 64 MiB index names a random line of the
 * same 64 MiB entry region, which the packet still needs (rewrite targets, state, deadline).</li>
 * </ul>
 * The region addresses come from a sequential stream (as the benchmarks' keys do), so only the table lines miss.
 * Direct memory comes from {@code malloc}, so {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1} puts it on 2 MiB
 * pages, as it does the flow table's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = { BenchJvm.HEAP, BenchJvm.HEAP_MAX }, jvmArgsAppend = BenchJvm.BOUNDS_CHECKS_OFF)
public class MemoryParallelismBenchmark
{
    private static final int BURST = 32;
    private static final int STREAM = 1 << 20;
    private static final int LINE = 64;
    /** The flow table's index at a million connections (4-byte slots, load factor 0.375). */
    private static final int INDEX_MIB = 21;
    /** The flow table's hot region at a million connections (64-byte lines). */
    private static final int ENTRY_MIB = 64;
    /** A key-carrying index at a million connections (two 24-byte slots per connection, load factor 0.75). */
    private static final int KEY_INDEX_MIB = 64;

    /** Region of {@link #oneLineBurst32}. */
    @Param({ "64", "128" })
    public int footprintMiB;

    private UnsafeBuffer lines;
    private UnsafeBuffer index;
    private UnsafeBuffer entries;
    private UnsafeBuffer keyIndex;
    /** Byte offsets of random lines in {@link #lines}. */
    private int[] lineAt;
    /** Byte offsets of random slots in {@link #index}. */
    private int[] slotAt;
    /** Byte offsets of random lines in {@link #keyIndex}. */
    private int[] keyLineAt;
    private final int[] lineOfSlot = new int[BURST];
    private int cursor;

    /** Allocate, pre-touch and fill the regions; draw the address streams. */
    @Setup(Level.Trial)
    public void setup()
    {
        final SplittableRandom rnd = new SplittableRandom(11);
        lines = region(footprintMiB);
        index = region(INDEX_MIB);
        entries = region(ENTRY_MIB);
        keyIndex = region(KEY_INDEX_MIB);
        final int lineCount = footprintMiB * (1 << 20) / LINE;
        final int entryCount = ENTRY_MIB * (1 << 20) / LINE;
        final int slotCount = INDEX_MIB * (1 << 20) / Integer.BYTES;
        for (int s = 0; s < slotCount; s++)
        {
            index.putInt(s * Integer.BYTES, rnd.nextInt(entryCount));
        }
        final int keyLineCount = KEY_INDEX_MIB * (1 << 20) / LINE;
        for (int l = 0; l < keyLineCount; l++)
        {
            keyIndex.putInt(l * LINE, rnd.nextInt(entryCount));
        }
        lineAt = new int[STREAM];
        slotAt = new int[STREAM];
        keyLineAt = new int[STREAM];
        for (int i = 0; i < STREAM; i++)
        {
            lineAt[i] = rnd.nextInt(lineCount) * LINE;
            slotAt[i] = rnd.nextInt(slotCount) * Integer.BYTES;
            keyLineAt[i] = rnd.nextInt(keyLineCount) * LINE;
        }
    }

    private static UnsafeBuffer region(final int mib)
    {
        final UnsafeBuffer b = new UnsafeBuffer(BufferUtil.allocateDirectAligned(mib << 20, LINE));
        for (int at = 0; at < b.capacity(); at += 4096)
        {
            b.putLong(at, at); // pre-touch every page
        }
        return b;
    }

    /** @return the sum of 32 random lines' first words. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long oneLineBurst32()
    {
        final int c = cursor;
        cursor = (c + BURST) & (STREAM - 1);
        final int[] at = lineAt;
        final UnsafeBuffer l = lines;
        long sum = 0;
        for (int i = 0; i < BURST; i++)
        {
            sum += l.getLong(at[c + i]);
        }
        return sum;
    }

    /** @return the sum of 32 entry lines, each named by a random 4-byte slot read first. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long slotThenLineBurst32()
    {
        return indexThenLine(index, slotAt);
    }

    /** @return the sum of 32 entry lines, each named by a random key-carrying index line read first. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long keyLineThenLineBurst32()
    {
        return indexThenLine(keyIndex, keyLineAt);
    }

    private long indexThenLine(final UnsafeBuffer ix, final int[] at)
    {
        final int c = cursor;
        cursor = (c + BURST) & (STREAM - 1);
        final int[] named = lineOfSlot;
        for (int i = 0; i < BURST; i++)
        {
            named[i] = ix.getInt(at[c + i]);
        }
        final UnsafeBuffer e = entries;
        long sum = 0;
        for (int i = 0; i < BURST; i++)
        {
            sum += e.getLong(named[i] * LINE);
        }
        return sum;
    }
}
