/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replays the kernel traces whose every packet is deterministic (no random ports, no reassembly timing) through
 * the engine and requires the packets it forwards to equal, byte for byte, the packets the kernel sent (less the
 * ICMP errors the kernel router originates itself), as a multiset: the capture orders packets the kernel sent
 * microseconds apart by CPU, not by arrival.
 */
class KernelTraceReplayTest
{
    private static final int ETH0 = 2;

    @ParameterizedTest
    @ValueSource(strings = {
        "01-dnat-within-azure", "02-routed-without-nat", "03-dnat-from-onprem", "04-snat-masquerade",
        "05-reverse-dnat-to-onprem", "06-unadvertised-range", "08-icmp-echo-address-dnat",
        "09-icmp-errors-related", "11-many-flows", "13-lossy-links", "14-malformed-input", "12-udp-fragments"
    })
    void forwardedPacketsEqualTheKernels(final String name) throws Exception
    {
        final KernelTrace trace = KernelTrace.load(name);
        final List<String> expected = new ArrayList<>();
        final List<String> actual = new ArrayList<>();
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final KernelTrace.Frame f : trace.frames)
            {
                if (f.sent)
                {
                    if (!isRouterOriginated(f.ip))
                    {
                        expected.add(HexFormat.of().formatHex(f.ip));
                    }
                    continue;
                }
                final byte[] copy = f.ip.clone();
                final Verdict v = p.process(new UnsafeBuffer(copy), 0, copy.length, ETH0, f.timeNanos);
                if (v == Verdict.FORWARD || v == Verdict.INVALID)
                {
                    actual.add(HexFormat.of().formatHex(copy, 0, p.outputLength()));
                }
                // Fragments held until their datagram completed come out now, in offset order.
                for (int i = 0; i < p.releasedCount(); i++)
                {
                    final Verdict rv = p.releasedVerdict(i);
                    if (rv == Verdict.FORWARD || rv == Verdict.INVALID)
                    {
                        final byte[] out = new byte[p.releasedLength(i)];
                        p.releasedBuffer(i).getBytes(p.releasedOffset(i), out);
                        actual.add(HexFormat.of().formatHex(out));
                    }
                }
            }
        }
        // The capture may list two packets sent microseconds apart in either order: compare sorted as well.
        final List<String> sortedExpected = new ArrayList<>(expected);
        final List<String> sortedActual = new ArrayList<>(actual);
        sortedExpected.sort(null);
        sortedActual.sort(null);
        assertEquals("", firstDifference(sortedExpected, sortedActual));
    }

    static String firstDifference(final List<String> expected, final List<String> actual)
    {
        final int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++)
        {
            if (!expected.get(i).equals(actual.get(i)))
            {
                return "packet " + i + " of " + expected.size() + " (engine emitted " + actual.size() + ")\nkernel " +
                    expected.get(i) + "\nengine " + actual.get(i) +
                    (i + 1 < n ? "\nnext kernel " + expected.get(i + 1) + "\nnext engine " + actual.get(i + 1) : "");
            }
        }
        if (expected.size() != actual.size())
        {
            return "kernel sent " + expected.size() + ", engine emitted " + actual.size() + "; first extra: " +
                (expected.size() > n ? "kernel " + expected.get(n) : "engine " + actual.get(n));
        }
        return "";
    }

    /** ICMP errors the box originates itself (time exceeded, parameter problem), with a fresh TTL. */
    static boolean isRouterOriginated(final byte[] ip)
    {
        final int ttl = ip[8] & 0xFF;
        final int proto = ip[9] & 0xFF;
        final int ihl = (ip[0] & 0x0F) * 4;
        final int type = ip.length > ihl ? ip[ihl] & 0xFF : -1;
        // A forwarded packet has lost a hop; the router's own errors leave with a fresh TTL (and may carry the
        // public address of a DNATed connection as their source).
        return proto == 1 && ttl == 64 && (type == 3 || type == 11 || type == 12);
    }
}
