/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.track.Timeouts;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Per connection, the engine's NEW/UPDATE sequence (state, timeout, ASSURED) over a kernel trace equals the kernel's
 * {@code conntrack-events.txt}, with the tolerances of {@link KernelEvents}. UDP's "replied and still active 2 s
 * after creation" compares jiffies in the kernel (4 ms ticks of unknown phase), so the replay also runs with the
 * threshold moved by +-5 ms; a connection passes when one of the runs matches.
 */
class KernelEventsReplayTest
{
    private static final List<String> KINDS = List.of("NEW", "UPDATE");

    @ParameterizedTest
    @ValueSource(strings = {
        "01-dnat-within-azure", "04-snat-masquerade", "09-icmp-errors-related", "11-many-flows", "13-lossy-links"
    })
    void eventSequencesEqualTheKernels(final String name) throws Exception
    {
        final KernelTrace trace = KernelTrace.load(name);
        final Map<String, List<KernelEvents.Step>> expected =
            KernelEvents.perConnection(trace.text("conntrack-events.txt"), KINDS);
        assertFalse(expected.isEmpty(), "no kernel events parsed");
        final List<Map<String, List<KernelEvents.Step>>> runs = new ArrayList<>();
        for (final long shift : new long[] {0, -5_000_000L, 5_000_000L})
        {
            runs.add(KernelEvents.perConnection(replay(trace, shift), KINDS));
        }
        final StringBuilder diff = new StringBuilder();
        for (final Map.Entry<String, List<KernelEvents.Step>> e : expected.entrySet())
        {
            boolean ok = false;
            for (final Map<String, List<KernelEvents.Step>> run : runs)
            {
                final List<KernelEvents.Step> mine = run.get(e.getKey());
                ok |= mine != null && KernelEvents.matches(e.getValue(), mine);
            }
            if (!ok)
            {
                diff.append(e.getKey()).append("\n  kernel ").append(e.getValue())
                    .append("\n  engine ").append(runs.get(0).get(e.getKey())).append('\n');
            }
        }
        for (final String key : runs.get(0).keySet())
        {
            if (!expected.containsKey(key))
            {
                diff.append(key).append(" only in the engine: ").append(runs.get(0).get(key)).append('\n');
            }
        }
        assertEquals("", diff.toString(), name);
    }

    private static String replay(final KernelTrace trace, final long udpStreamShift) throws Exception
    {
        final StringBuilder events = new StringBuilder();
        final Timeouts timeouts = new Timeouts();
        timeouts.udpStreamAfter(timeouts.udpStreamAfter() + udpStreamShift);
        try (NatEngine engine = new NatEngine(trace.config().timeouts(timeouts).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final KernelTrace.Frame f : trace.frames)
            {
                if (!f.sent)
                {
                    final byte[] copy = f.ip.clone();
                    p.process(new UnsafeBuffer(copy), 0, copy.length, 2, f.timeNanos);
                    engine.pollEvents(e -> events.append(timestamp(e.timestampNanos)).append(e).append('\n'),
                        Integer.MAX_VALUE);
                }
            }
        }
        return events.toString();
    }

    private static String timestamp(final long nanos)
    {
        return String.format("[%d.%09d]\t", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
}
