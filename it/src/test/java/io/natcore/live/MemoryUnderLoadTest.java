/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live box's memory at a steady load (it/lab/faults/memory.sh): 2,000 UDP datagrams a second over 1,000 flows
 * through DNAT + MASQUERADE; the box's RSS, direct memory (NMT "Other": direct buffers), heap used and GC counts are
 * sampled twice. Between the samples: direct memory equal, no GC, heap used and RSS grow by less than
 * {@link #HEAP_SLACK_KB} and {@link #RSS_SLACK_KB}. CI samples at 20 s and 60 s; {@code -Dnatcore.live.memory.minutes=10}
 * samples at 1 and 10 minutes (the RELIABILITY.md figures).
 */
class MemoryUnderLoadTest
{
    /** The samples themselves (jcmd attach) and the JIT's last compilations may move RSS a little. */
    static final long RSS_SLACK_KB = 4096;
    /**
     * Heap used (GC.heap_info) counts a thread's whole TLAB as used as soon as the thread takes one, and the
     * attach listener that answers a sample's jcmd takes one: one TLAB (a few hundred kB here).
     */
    static final long HEAP_SLACK_KB = 1024;
    static final int RATE = 2000;

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("MemoryUnderLoadTest");
    }

    @Test
    void rssDirectMemoryAndHeapStayFlatAtASteadyLoad() throws Exception
    {
        final int minutes = Integer.getInteger("natcore.live.memory.minutes", 1);
        final int first = minutes <= 1 ? 20 : 60;
        final int last = minutes * 60;
        final FaultRun run = FaultRun.run("memory", "-XX:NativeMemoryTracking=summary", "",
            Map.of("MEM_SAMPLES", first + " " + last, "RATE", Integer.toString(RATE), "NOCAPTURE", "1"), last + 180);
        final Sample a = Sample.read(run, first);
        final Sample b = Sample.read(run, last);
        final String load = run.lab.read("loadgen.txt").trim();
        assertTrue(load.startsWith("sent "), "loadgen: " + load);
        final Map<String, Long> end = run.finalCounters();

        run.figure("load", load);
        run.figure("forwarded", end.get("verdict FORWARD") + ", ring drops " + FaultRun.workers(end, "ring drops (full)"));
        run.figure("samples s", first + " / " + last);
        run.figure("rss kB", a.rssKb + " / " + b.rssKb);
        run.figure("direct memory (NMT Other) kB", a.otherKb + " / " + b.otherKb);
        run.figure("NMT total committed kB", a.totalKb + " / " + b.totalKb);
        run.figure("heap used kB", a.heapUsedKb + " / " + b.heapUsedKb);
        run.figure("young / full GCs", a.youngGcs + "," + a.fullGcs + " / " + b.youngGcs + "," + b.fullGcs);
        run.report();

        assertEquals(a.otherKb, b.otherKb, "direct memory grew");
        assertEquals(a.youngGcs + a.fullGcs, b.youngGcs + b.fullGcs, "GC in steady state");
        assertTrue(b.heapUsedKb - a.heapUsedKb <= HEAP_SLACK_KB, "heap grew " + (b.heapUsedKb - a.heapUsedKb) + " kB");
        assertTrue(b.rssKb - a.rssKb <= RSS_SLACK_KB, "RSS grew " + (b.rssKb - a.rssKb) + " kB");
    }

    /** One memory sample the scenario took (mem-SECONDS.txt). */
    record Sample(long rssKb, long otherKb, long totalKb, long heapUsedKb, long youngGcs, long fullGcs)
    {
        static Sample read(final FaultRun run, final int seconds) throws IOException
        {
            final String text = run.lab.read("mem-" + seconds + ".txt");
            final String[] gc = jstat(text);
            return new Sample(
                number(text, "VmRSS:\\s+(\\d+) kB"),
                number(text, "Other \\(reserved=\\d+KB, committed=(\\d+)KB"),
                number(text, "Total: reserved=\\d+KB, committed=(\\d+)KB"),
                number(text, "heap\\s+total \\d+K, used (\\d+)K"),
                Long.parseLong(column(gc, "YGC")),
                Long.parseLong(column(gc, "FGC")));
        }

        private static long number(final String text, final String regex)
        {
            final Matcher m = Pattern.compile(regex).matcher(text);
            assertTrue(m.find(), "no '" + regex + "' in the memory sample: " + FaultRun.tail(text));
            return Long.parseLong(m.group(1));
        }

        /** @return jstat -gc's header and values lines. */
        private static String[] jstat(final String text)
        {
            final String[] lines = text.split("\n");
            for (int i = 0; i + 1 < lines.length; i++)
            {
                if (lines[i].trim().startsWith("S0C"))
                {
                    return new String[] {lines[i].trim(), lines[i + 1].trim()};
                }
            }
            throw new AssertionError("no jstat -gc output in the memory sample: " + FaultRun.tail(text));
        }

        private static String column(final String[] gc, final String name)
        {
            final String[] head = gc[0].split("\\s+");
            final String[] values = gc[1].split("\\s+");
            for (int i = 0; i < head.length; i++)
            {
                if (head[i].equals(name))
                {
                    return values[i];
                }
            }
            throw new AssertionError("no " + name + " column in jstat -gc: " + gc[0]);
        }
    }
}
