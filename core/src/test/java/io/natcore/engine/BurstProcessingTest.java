/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The burst call gives the same verdicts, egresses, reasons and bytes as one call per packet at the same clock, over
 * real traces (connections opened, used and closed within one burst).
 */
class BurstProcessingTest
{
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 32, 64})
    void aBurstEqualsOneCallPerPacket(final int burst) throws Exception
    {
        for (final String name : new String[] {"11-many-flows", "13-lossy-links", "14-malformed-input"})
        {
            final KernelTrace trace = KernelTrace.load(name);
            final List<byte[]> inputs = new ArrayList<>();
            final List<Long> times = new ArrayList<>();
            for (final KernelTrace.Frame f : trace.frames)
            {
                if (!f.sent)
                {
                    inputs.add(f.ip);
                    times.add(f.timeNanos);
                }
            }
            assertEquals(single(trace, inputs, times, burst), bursts(trace, inputs, times, burst), name);
        }
    }

    /** A burst carries one clock: the time of its last packet. */
    private static long burstTime(final List<Long> times, final int index, final int burst)
    {
        return times.get(Math.min(times.size() - 1, (index / burst) * burst + burst - 1));
    }

    private static String single(final KernelTrace trace, final List<byte[]> inputs, final List<Long> times,
        final int burst) throws Exception
    {
        final StringBuilder out = new StringBuilder();
        final StringBuilder releases = new StringBuilder();
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (int i = 0; i < inputs.size(); i++)
            {
                final byte[] b = inputs.get(i).clone();
                final Verdict v = p.process(new UnsafeBuffer(b), 0, b.length, 2, burstTime(times, i, burst));
                out.append(v).append(' ').append(p.egressIfIndex()).append(' ').append(p.reason()).append(' ')
                    .append(v == Verdict.HOLD ? "" : HexFormat.of().formatHex(b)).append('\n');
                released(p, releases);
            }
        }
        return out.append(releases).toString();
    }

    private static String bursts(final KernelTrace trace, final List<byte[]> inputs, final List<Long> times,
        final int burst) throws Exception
    {
        final StringBuilder out = new StringBuilder();
        final StringBuilder releases = new StringBuilder();
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final Verdict[] verdicts = new Verdict[burst];
            final int[] egresses = new int[burst];
            final Reason[] reasons = new Reason[burst];
            final MutableDirectBuffer[] bufs = new MutableDirectBuffer[burst];
            final int[] offsets = new int[burst];
            final int[] lengths = new int[burst];
            final int[] ingress = new int[burst];
            final byte[][] copies = new byte[burst][];
            for (int start = 0; start < inputs.size(); start += burst)
            {
                final int n = Math.min(burst, inputs.size() - start);
                for (int i = 0; i < n; i++)
                {
                    copies[i] = inputs.get(start + i).clone();
                    bufs[i] = new UnsafeBuffer(copies[i]);
                    lengths[i] = copies[i].length;
                    ingress[i] = 2;
                }
                p.processBurst(bufs, offsets, lengths, ingress, n, burstTime(times, start, burst), verdicts, egresses,
                    reasons);
                for (int i = 0; i < n; i++)
                {
                    out.append(verdicts[i]).append(' ').append(egresses[i]).append(' ').append(reasons[i]).append(' ')
                        .append(verdicts[i] == Verdict.HOLD ? "" : HexFormat.of().formatHex(copies[i])).append('\n');
                }
                released(p, releases);
            }
        }
        return out.append(releases).toString();
    }

    /** Held packets released by the last call, as they left (a held packet's bytes are final only then). */
    private static void released(final PacketProcessor p, final StringBuilder releases)
    {
        for (int i = 0; i < p.releasedCount(); i++)
        {
            final byte[] bytes = new byte[p.releasedLength(i)];
            p.releasedBuffer(i).getBytes(p.releasedOffset(i), bytes);
            releases.append(p.releasedVerdict(i)).append(' ').append(p.releasedEgress(i)).append(' ')
                .append(p.releasedReason(i)).append(' ').append(HexFormat.of().formatHex(bytes)).append('\n');
        }
    }
}
