/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live packet loop allocates nothing per packet: over more than a million packets forwarded by the dataplane
 * in the lab (64-byte UDP, 1000 flows, DNAT + MASQUERADE, it/lab/bench/zero-allocation.sh), the worker thread's
 * allocated heap bytes ({@code ThreadMXBean.getThreadAllocatedBytes}, published in the counters file) stay flat.
 * Skipped with the reason where the lab cannot run.
 */
class LiveZeroAllocationTest
{
    /** What one allocation per million packets would already exceed: the loop must not allocate per packet. */
    static final long MAX_BYTES = 16 * 1024;
    static final long MIN_PACKETS = 1_000_000;

    @Test
    void theWorkerAllocatesNothingOverAMillionForwardedPackets() throws Exception
    {
        final String missing = LabEnvironment.missing();
        if (missing != null)
        {
            System.out.println("LiveZeroAllocationTest skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "lab unavailable: " + missing);
        final Path out = LabEnvironment.MODULE.resolve("target/live-lab/zero-allocation");
        final LabRun run = LabRun.natcore(LabEnvironment.LAB.resolve("bench/zero-allocation.sh"), out, "",
            Map.of("BENCH_JAR", LabEnvironment.DATAPLANE_JAR.toString(), "NOCAPTURE", "1",
                "STAT_DIR", out.resolve("natcore").toString()));
        assertEquals(0, run.exitCode, "lab.sh failed: " + run.read("lab.log"));
        final String alloc = run.read("alloc.txt");
        final long[] before = figures(alloc, "before ");
        final long[] after = figures(alloc, "after ");
        final long packets = after[0] - before[0];
        final long bytes = after[1] - before[1];
        System.out.println("LiveZeroAllocationTest: " + packets + " packets forwarded, worker allocated " + bytes +
            " bytes (" + alloc.replace('\n', ';') + ")");
        assertTrue(packets >= MIN_PACKETS, "only " + packets + " packets forwarded: " + alloc);
        assertTrue(bytes <= MAX_BYTES, bytes + " bytes allocated over " + packets + " packets: " + alloc);
    }

    private static long[] figures(final String text, final String prefix)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(prefix))
            {
                final String[] w = line.trim().split("\\s+");
                return new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])};
            }
        }
        throw new AssertionError("no '" + prefix + "' line in alloc.txt: " + text);
    }
}
