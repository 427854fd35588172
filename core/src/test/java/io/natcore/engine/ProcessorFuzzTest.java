/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input never throws out of the engine: every received packet of every trace, mutated (bit flips, cut short,
 * bytes past the end, header fields scrambled), gets a verdict; a forwarded packet always leaves with a valid IPv4
 * header checksum and never grows.
 */
class ProcessorFuzzTest
{
    private static final String[] TRACES = {
        "01-dnat-within-azure", "04-snat-masquerade", "08-icmp-echo-address-dnat", "09-icmp-errors-related",
        "10-masquerade-port-clash", "12-udp-fragments", "13-lossy-links", "14-malformed-input"
    };

    @Test
    void mutatedTracePacketsAlwaysGetAVerdict() throws Exception
    {
        final Random random = new Random(20261126);
        for (final String name : TRACES)
        {
            final KernelTrace trace = KernelTrace.load(name);
            final List<KernelTrace.Frame> received = new ArrayList<>();
            for (final KernelTrace.Frame f : trace.frames)
            {
                if (!f.sent)
                {
                    received.add(f);
                }
            }
            try (NatEngine engine = new NatEngine(trace.config().capacity(256).build()))
            {
                final PacketProcessor p = engine.newProcessor();
                long now = received.get(0).timeNanos;
                long packets = 0;
                for (int round = 0; round < 20; round++)
                {
                    for (final KernelTrace.Frame f : received)
                    {
                        final byte[] b = mutate(f.ip, random);
                        final int length = Math.max(0, Math.min(b.length, f.ip.length + random.nextInt(9) - 4));
                        now += random.nextInt(3_000_000);
                        final Verdict v = p.process(new UnsafeBuffer(b), 0, length, 2, now);
                        packets++;
                        // A refusal says why; a plain forward or local delivery has no reason to give.
                        assertEquals(v == Verdict.DROP, v == Verdict.DROP && p.reason() != Reason.NONE,
                            name + " " + v + " " + p.reason());
                        if (v == Verdict.FORWARD || v == Verdict.INVALID)
                        {
                            final int ihl = (b[0] & 0x0F) * 4;
                            assertEquals(0xFFFF, TestPackets.sum(b, 0, ihl, 0), name + " " + v + " " + p.reason());
                            assertTrue(p.outputLength() <= length);
                        }
                    }
                    engine.pollEvents(e -> { }, Integer.MAX_VALUE);
                }
                // Every packet got one verdict, counted once.
                long counted = 0;
                for (final Verdict v : Verdict.values())
                {
                    counted += engine.counter(v);
                }
                assertEquals(packets, counted, name);
            }
        }
    }

    private static byte[] mutate(final byte[] in, final Random random)
    {
        final byte[] b = new byte[in.length + 8];
        System.arraycopy(in, 0, b, 0, in.length);
        switch (random.nextInt(6))
        {
            case 0:
                return b; // unchanged: keeps connections alive so mutations hit established flows too
            case 1:
                for (int i = random.nextInt(4); i >= 0; i--)
                {
                    b[random.nextInt(in.length)] ^= (byte)(1 << random.nextInt(8));
                }
                return b;
            case 2:
                // Scramble one header byte, then repair the IP checksum so the packet gets past L3.
                b[random.nextInt(Math.min(in.length, 60))] = (byte)random.nextInt(256);
                if ((b[0] & 0xF0) == 0x40 && (b[0] & 0x0F) >= 5 && (b[0] & 0x0F) * 4 <= in.length)
                {
                    TestPackets.fixIpChecksum(b, 0);
                }
                return b;
            case 3:
                TestPackets.put16(b, 2, random.nextInt(in.length + 16));
                TestPackets.fixIpChecksum(b, 0);
                return b;
            case 4:
                b[8] = (byte)random.nextInt(3);
                TestPackets.fixIpChecksum(b, 0);
                return b;
            default:
                if (in.length > 28)
                {
                    // Scramble the quoted datagram of an ICMP error, or the transport header.
                    b[20 + random.nextInt(in.length - 20)] = (byte)random.nextInt(256);
                }
                return b;
        }
    }
}
