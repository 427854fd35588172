/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The established path's shortcut (in-window TCP ACK, UDP datagram and ICMP query through the trackers' value forms,
 * applied without a TrackResult) must leave everything as the general path leaves it: two engines, one with the
 * shortcut and one without ({@link PacketProcessor#processGeneralTracking}), get the same packets at the same clock, and must
 * agree on every verdict, reason, egress and output byte, on every conntrack event (ASSURED, REPLY, ...) and on the
 * whole connection listing (state, flags, timeouts, counters) after every packet. Traffic: every kernel trace at its
 * own pace and stretched (UDP flows become streams, timeouts are crossed), the same with TCP sequence, ack, flag and
 * window fields scrambled, and seeded mid-stream TCP pickups (ASSURED set by a plain ACK).
 */
class EstablishedValueFormsTest
{
    private static final String[] TRACES = {
        "01-dnat-within-azure", "02-routed-without-nat", "03-dnat-from-onprem", "04-snat-masquerade",
        "05-reverse-dnat-to-onprem", "06-unadvertised-range", "07-udp-dnat-masquerade", "08-icmp-echo-address-dnat",
        "09-icmp-errors-related", "10-masquerade-port-clash", "11-many-flows", "12-udp-fragments", "13-lossy-links",
        "14-malformed-input"
    };

    @Test
    void shortcutAndGeneralPathAgreeOnTracesStretchedAndScrambled() throws Exception
    {
        final SplittableRandom rnd = new SplittableRandom(20261126);
        int packets = 0;
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
            for (final int stretch : new int[] {1, 40})
            {
                for (final boolean scramble : new boolean[] {false, true})
                {
                    try (Pair pair = new Pair(trace.config()))
                    {
                        final long t0 = received.get(0).timeNanos;
                        for (final KernelTrace.Frame f : received)
                        {
                            final byte[] b = f.ip.clone();
                            if (scramble && rnd.nextInt(3) == 0)
                            {
                                scrambleTcp(b, rnd);
                            }
                            pair.both(b, f.ifIndex, t0 + (f.timeNanos - t0) * stretch, name);
                            packets++;
                        }
                    }
                }
            }
        }
        assertTrue(packets > 10_000, packets + " packets");
    }

    @Test
    void shortcutAndGeneralPathAgreeOnMidStreamPickups() throws Exception
    {
        final SplittableRandom rnd = new SplittableRandom(7);
        try (Pair pair = new Pair(EngineFixture.config().capacity(4096)))
        {
            long now = 1_000_000_000L;
            for (int flow = 0; flow < 300; flow++)
            {
                final String client = "192.168.1." + (2 + rnd.nextInt(200));
                final String server = "203.0.113." + (1 + rnd.nextInt(250));
                final int sport = 1024 + rnd.nextInt(60000);
                int cseq = rnd.nextInt();
                int sseq = rnd.nextInt();
                byte[] replyTemplate = null;
                for (int step = 0; step < 12; step++)
                {
                    now += rnd.nextInt(3) == 0 ? 3_000_000_000L : 1_000_000L;
                    final boolean fromServer = replyTemplate != null && rnd.nextBoolean();
                    final int flags = rnd.nextInt(12) == 0 ? TestPackets.ACK | TestPackets.FIN : TestPackets.ACK | 0x08;
                    final int jitter = rnd.nextInt(6) == 0 ? rnd.nextInt(400_000) - 200_000 : 0;
                    final int payload = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(200);
                    final byte[] b;
                    if (fromServer)
                    {
                        // The reply goes to the address and port the client's packets were translated to.
                        b = tcp(TestPackets.dotted(TestPackets.u32(replyTemplate, 16)),
                            TestPackets.dotted(TestPackets.u32(replyTemplate, 12)),
                            TestPackets.u16(replyTemplate, 22), TestPackets.u16(replyTemplate, 20), flags,
                            sseq + jitter, cseq, payload, rnd);
                        sseq += payload;
                    }
                    else
                    {
                        b = tcp(client, server, sport, 443, flags, cseq + jitter, sseq, payload, rnd);
                        cseq += payload;
                    }
                    final byte[] out = pair.both(b, EngineFixture.ETH0, now, "flow " + flow + " step " + step);
                    if (!fromServer && replyTemplate == null && out != null)
                    {
                        replyTemplate = out;
                    }
                }
            }
            assertTrue(pair.events > 300, pair.events + " events");
        }
    }

    /** A TCP segment with a payload and, sometimes, NOP NOP timestamp or SACK options; checksums computed here. */
    private static byte[] tcp(final String src, final String dst, final int sport, final int dport, final int flags,
        final int seq, final int ack, final int payload, final SplittableRandom rnd)
    {
        final int options = rnd.nextInt(4) == 0 ? 12 : rnd.nextInt(8) == 0 ? 12 : 0;
        final boolean sack = options == 12 && rnd.nextBoolean();
        final byte[] h = TestPackets.tcp(src, dst, sport, dport, flags, seq, ack, 64);
        final byte[] b = new byte[h.length + options + payload];
        System.arraycopy(h, 0, b, 0, h.length);
        TestPackets.put16(b, 2, b.length);
        b[32] = (byte)((20 + options) / 4 << 4);
        if (options == 12)
        {
            if (sack)
            {
                b[40] = 1;
                b[41] = 1;
                b[42] = 5;
                b[43] = 10;
                TestPackets.put32(b, 44, ack);
                TestPackets.put32(b, 48, ack + rnd.nextInt(3000));
            }
            else
            {
                TestPackets.put32(b, 40, 0x0101080A);
                TestPackets.put32(b, 44, rnd.nextInt());
                TestPackets.put32(b, 48, rnd.nextInt());
            }
        }
        for (int i = 20 + 20 + options; i < b.length; i++)
        {
            b[i] = (byte)i;
        }
        b[10] = 0;
        b[11] = 0;
        TestPackets.fixIpChecksum(b, 0);
        b[36] = 0;
        b[37] = 0;
        TestPackets.fixL4Checksum(b, 0, b.length - 20);
        return b;
    }

    /** Scrambles sequence, ack, flags or window of a TCP packet and fixes its checksum (it stays acceptable). */
    private static void scrambleTcp(final byte[] b, final SplittableRandom rnd)
    {
        final int ihl = (b[0] & 0xF) * 4;
        if (ihl < 20 || b.length < ihl + 20 || b[9] != 6 || (TestPackets.u16(b, 6) & 0x3FFF) != 0 ||
            TestPackets.u16(b, 2) > b.length || TestPackets.u16(b, 2) < ihl + 20)
        {
            return;
        }
        final int l4 = ihl;
        switch (rnd.nextInt(4))
        {
            case 0 -> TestPackets.put32(b, l4 + 4, TestPackets.u32(b, l4 + 4) + rnd.nextInt(200_000) - 100_000);
            case 1 -> TestPackets.put32(b, l4 + 8, TestPackets.u32(b, l4 + 8) + rnd.nextInt(200_000) - 100_000);
            case 2 -> b[l4 + 13] = (byte)(rnd.nextBoolean() ? 0x10 : rnd.nextInt(256));
            default -> TestPackets.put16(b, l4 + 14, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(65536));
        }
        b[l4 + 16] = 0;
        b[l4 + 17] = 0;
        TestPackets.fixL4Checksum(b, 0, TestPackets.u16(b, 2) - ihl);
    }

    /** Two engines of one configuration, the second without the shortcut. */
    private static final class Pair implements AutoCloseable
    {
        final NatEngine withShortcut;
        final NatEngine general;
        final PacketProcessor a;
        final PacketProcessor b;
        final StringBuilder eventsA = new StringBuilder();
        final StringBuilder eventsB = new StringBuilder();
        int events;

        Pair(final NatEngineConfig.Builder config)
        {
            withShortcut = new NatEngine(config.build());
            general = new NatEngine(config.build());
            a = withShortcut.newProcessor();
            b = general.newProcessor();
        }

        /** @return the translated bytes when forwarded, else null. */
        byte[] both(final byte[] packet, final int ifIndex, final long now, final String what)
        {
            final byte[] pa = packet.clone();
            final byte[] pb = packet.clone();
            final Verdict va = a.process(new UnsafeBuffer(pa), 0, pa.length, ifIndex, now);
            final Verdict vb = b.processGeneralTracking(new UnsafeBuffer(pb), 0, pb.length, ifIndex, now);
            assertEquals(vb, va, what);
            assertEquals(b.reason(), a.reason(), what);
            assertEquals(b.egressIfIndex(), a.egressIfIndex(), what);
            assertTrue(Arrays.equals(pb, pa), what + ": bytes");
            eventsA.setLength(0);
            eventsB.setLength(0);
            events += withShortcut.pollEvents(e -> eventsA.append(e).append('\n'), 1000);
            general.pollEvents(e -> eventsB.append(e).append('\n'), 1000);
            assertEquals(eventsB.toString(), eventsA.toString(), what + ": events");
            final StringBuilder listA = new StringBuilder();
            final StringBuilder listB = new StringBuilder();
            withShortcut.dumpConntrack(listA, now);
            general.dumpConntrack(listB, now);
            assertEquals(listB.toString(), listA.toString(), what + ": conntrack listing");
            return va == Verdict.FORWARD ? pa : null;
        }

        @Override
        public void close()
        {
            withShortcut.close();
            general.close();
        }
    }
}
