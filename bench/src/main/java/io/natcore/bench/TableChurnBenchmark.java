/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Table churn as the new-connection path drives it: one insert with a deadline per operation, and every 32
 * operations {@code expire(now, 64)} (the engine's default of 2 entries per packet), so the table stays at a steady
 * live size. {@code shape} is {@code capacity:live}. Score = ns per connection (its insert plus its share of expiry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-Dagrona.disable.bounds.checks=true",
    BenchJvm.OPEN_LANG, BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_MISC,
    BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF, BenchJvm.EXPORT_NIO_CH,
    BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS, BenchJvm.EXPORT_MISC, BenchJvm.EXPORT_JAVAC_FILE })
public class TableChurnBenchmark
{
    @Param({"65536:30000", "1048576:400000"})
    public String shape;
    FlowTable t;
    long i;
    long now;
    int live;
    int countdown;

    /** Spreads a counter into key words (splitmix64 finaliser). */
    static long mix(final long v)
    {
        long z = v;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Fill to the steady size: three rounds of the live count. */
    @Setup(Level.Trial)
    public void setup()
    {
        final String[] p = shape.split(":");
        t = new FlowTable(new FlowTableConfig().capacity(Integer.parseInt(p[0])).seed(3));
        live = Integer.parseInt(p[1]);
        for (int k = 0; k < 3 * live; k++)
        {
            op();
        }
    }

    private int op()
    {
        final long n = i++;
        now += 1000;
        final int e = t.insert(mix(4 * n), mix(4 * n + 1), mix(4 * n + 2), mix(4 * n + 3));
        if (e >= 0)
        {
            t.putDeadlineRelease(e, now + 1000L * (live - 64));
        }
        if (--countdown <= 0)
        {
            countdown = 32;
            t.expire(now, 64, null);
        }
        return e;
    }

    /** @return the insert's result. */
    @Benchmark
    public int churn()
    {
        return op();
    }

    /** Prints the table's pressure counters (early drops and refusals must stay 0 for a fair figure). */
    @TearDown(Level.Trial)
    public void down()
    {
        System.out.println("size " + t.size() + " earlyDrops " + t.earlyDrops() + " full " + t.fullRefusals());
        t.close();
    }
}
