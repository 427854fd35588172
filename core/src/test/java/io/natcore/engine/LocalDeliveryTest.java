/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.FIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traffic addressed to the box itself, against trace 19-to-the-box: the kernel delivers it locally (after a DNAT
 * to one of the box's addresses, a REDIRECT, or with no rule at all), tracks it, and sends the box's answers with
 * the source the client dialled. Which connections the kernel delivered to itself, and the tuple its stack answered
 * from, are read from its conntrack events (the reply tuple comes from a box address), not from the engine; what
 * the stack sent is the kernel's packet with that reply tuple's source, checksums summed from scratch.
 */
class LocalDeliveryTest
{
    private static final int ETH0 = 2;
    private static final String BOX = "172.16.2.5";
    private static final Pattern NEW = Pattern.compile("\\[NEW] (tcp|icmp) .*");
    private static final Pattern TUPLE = Pattern.compile(
        "src=(\\S+) dst=(\\S+) (?:sport=(\\d+) dport=(\\d+)|type=\\d+ code=\\d+ id=(\\d+))");

    /** Original tuple's key -> the reply tuple's source ("address:port") of each connection the box answered. */
    private static Map<String, String> localConnections(final KernelTrace trace) throws Exception
    {
        final Map<String, String> local = new HashMap<>();
        final Matcher line = NEW.matcher(trace.text("conntrack-events.txt"));
        while (line.find())
        {
            final Matcher t = TUPLE.matcher(line.group());
            assertTrue(t.find());
            final String orig = t.group(5) != null ? key(t.group(1), t.group(2), t.group(5), t.group(5)) :
                key(t.group(1), t.group(2), t.group(3), t.group(4));
            assertTrue(t.find());
            if (t.group(1).equals(BOX))
            {
                local.put(orig, t.group(1) + ":" + (t.group(5) != null ? t.group(5) : t.group(3)));
            }
        }
        return local;
    }

    @Test
    void theBoxTracksWhatItDeliversToItselfAndItsAnswersLeaveAsTheKernelsDid() throws Exception
    {
        final KernelTrace trace = KernelTrace.load("19-to-the-box");
        final Map<String, String> local = localConnections(trace);
        assertEquals(6, local.size(), local.toString());

        final StringBuilder wrong = new StringBuilder();
        int localPackets = 0;
        int answers = 0;
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final KernelTrace.Frame f : trace.frames)
            {
                final byte[] kernel = Arrays.copyOf(f.ip, TestPackets.u16(f.ip, 2));
                if (f.sent)
                {
                    final String answered = local.get(inverseKey(kernel));
                    if (answered == null)
                    {
                        continue; // the forward of a received packet
                    }
                    answers++;
                    final byte[] stack = asTheStackSentIt(kernel, answered);
                    final Verdict v = p.processOutput(new UnsafeBuffer(stack), 0, stack.length, f.timeNanos);
                    if (v != Verdict.FORWARD || p.egressIfIndex() != ETH0 || !Arrays.equals(kernel, stack))
                    {
                        wrong.append("answer ").append(inverseKey(kernel)).append(": ").append(v).append(" (")
                            .append(p.reason()).append(") ").append(TestPackets.hex(stack)).append('\n');
                    }
                    continue;
                }
                final boolean toTheBox = local.containsKey(key(f.ip));
                localPackets += toTheBox ? 1 : 0;
                final byte[] copy = f.ip.clone();
                final Verdict v = p.process(new UnsafeBuffer(copy), 0, copy.length, ETH0, f.timeNanos);
                if (v != (toTheBox ? Verdict.LOCAL : Verdict.FORWARD))
                {
                    wrong.append(key(f.ip)).append(" flags ").append(f.ip[20 + 13] & 0x3F).append(": ").append(v)
                        .append(" (").append(p.reason()).append(")\n");
                }
            }
            assertEquals(23, localPackets);
            assertEquals(20, answers);
            assertEquals("", wrong.toString());
            // The reset from the closed port 9 ended its connection at once (the kernel's DESTROY ... CLOSE).
            final StringBuilder table = new StringBuilder();
            engine.dumpConntrack(table, trace.frames.get(trace.frames.size() - 1).timeNanos);
            assertFalse(table.toString().contains("dport=9 "), table.toString());
            assertTrue(table.toString().contains("sport=47002 dport=8 src=172.16.2.5 dst=192.168.1.5 sport=7007"),
                table.toString());
        }
    }

    @Test
    void aFinThatOpensNothingToAnAddressDnatedToTheBoxIsForwardedUntranslated() throws Exception
    {
        final KernelTrace trace = KernelTrace.load("19-to-the-box");
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            // No connection behind it: conntrack's INVALID verdict stands, no DNAT applies, and 172.16.2.70 is not
            // the box's address: routed on, untranslated.
            final byte[] fin = TestPackets.tcp("192.168.1.5", "172.16.2.70", 47099, 7007, FIN | ACK, 5, 6, 64);
            assertEquals(Verdict.INVALID, p.process(new UnsafeBuffer(fin), 0, fin.length, ETH0, 1));
            assertEquals(Reason.TCP_INVALID_NEW, p.reason());
            assertEquals("172.16.2.70", TestPackets.dst(fin));
            assertEquals(ETH0, p.egressIfIndex());
        }
    }

    /** The kernel's packet with the source the box's stack sent it from ("address:port"), checksums recomputed. */
    private static byte[] asTheStackSentIt(final byte[] kernel, final String source)
    {
        final byte[] b = kernel.clone();
        final int colon = source.indexOf(':');
        TestPackets.put32(b, 12, TestPackets.ip(source.substring(0, colon)));
        TestPackets.fixIpChecksum(b, 0);
        if (b[9] == 6)
        {
            TestPackets.put16(b, 20, Integer.parseInt(source.substring(colon + 1)));
            TestPackets.fixL4Checksum(b, 0, b.length - 20);
        }
        return b;
    }

    private static String inverseKey(final byte[] ip)
    {
        final String k = key(ip);
        final int gt = k.indexOf('>');
        return k.substring(gt + 1) + ">" + k.substring(0, gt);
    }

    private static String key(final String src, final String dst, final String sport, final String dport)
    {
        return src + ":" + sport + ">" + dst + ":" + dport;
    }

    private static String key(final byte[] ip)
    {
        final int l4 = (ip[0] & 0x0F) * 4;
        final String src = TestPackets.dotted(TestPackets.u32(ip, 12));
        final String dst = TestPackets.dotted(TestPackets.u32(ip, 16));
        if (ip[9] == 1)
        {
            final String id = Integer.toString(TestPackets.u16(ip, l4 + 4));
            return key(src, dst, id, id);
        }
        return key(src, dst, Integer.toString(TestPackets.u16(ip, l4)), Integer.toString(TestPackets.u16(ip, l4 + 2)));
    }
}
