/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.FIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traffic addressed to the box itself, against trace 19-to-the-box: the kernel delivers it locally (after a DNAT
 * to one of the box's addresses, a REDIRECT, or with no rule at all) and forwards nothing of it. Which connections
 * the kernel delivered to itself is read from its conntrack events (the reply comes from the box's address), not
 * from the engine.
 */
class LocalDeliveryTest
{
    private static final int ETH0 = 2;
    private static final String BOX = "172.16.2.5";
    private static final Pattern NEW = Pattern.compile(
        "\\[NEW] (tcp|icmp) .*?src=(\\S+) dst=(\\S+) (?:sport=(\\d+) dport=(\\d+)|type=\\d+ code=\\d+ id=(\\d+))" +
        ".*? src=(\\S+) dst=");

    @Test
    void everyPacketOfAConnectionTheKernelDeliveredToItselfIsLocalAndTheRestIsForwarded() throws Exception
    {
        final KernelTrace trace = KernelTrace.load("19-to-the-box");
        final Set<String> local = new HashSet<>();
        final Matcher m = NEW.matcher(trace.text("conntrack-events.txt"));
        while (m.find())
        {
            if (m.group(7).equals(BOX))
            {
                local.add(m.group(6) != null ? key(m.group(2), m.group(3), m.group(6), m.group(6)) :
                    key(m.group(2), m.group(3), m.group(4), m.group(5)));
            }
        }
        assertEquals(6, local.size(), local.toString());

        final StringBuilder wrong = new StringBuilder();
        int localPackets = 0;
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final KernelTrace.Frame f : trace.frames)
            {
                if (f.sent)
                {
                    continue;
                }
                final boolean toTheBox = local.contains(key(f.ip));
                localPackets += toTheBox ? 1 : 0;
                final byte[] copy = f.ip.clone();
                final Verdict v = p.process(new UnsafeBuffer(copy), 0, copy.length, ETH0, f.timeNanos);
                if (v != (toTheBox ? Verdict.LOCAL : Verdict.FORWARD))
                {
                    wrong.append(key(f.ip)).append(" flags ").append(f.ip[20 + 13] & 0x3F).append(": ").append(v)
                        .append(" (").append(p.reason()).append(")\n");
                }
            }
        }
        assertEquals(23, localPackets);
        assertEquals("", wrong.toString());
    }

    @Test
    void aFinThatOpensNothingToAnAddressDnatedElsewhereStaysUntranslated() throws Exception
    {
        final KernelTrace trace = KernelTrace.load("19-to-the-box");
        try (NatEngine engine = new NatEngine(trace.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            // 172.16.2.65:7 is DNATed to 172.16.3.5, not to the box: conntrack's INVALID verdict stands.
            final byte[] fin = TestPackets.tcp("192.168.1.5", "172.16.2.65", 47099, 7, FIN | ACK, 5, 6, 64);
            assertEquals(Verdict.INVALID, p.process(new UnsafeBuffer(fin), 0, fin.length, ETH0, 1));
            assertEquals(Reason.TCP_INVALID_NEW, p.reason());
            assertEquals("172.16.2.65", TestPackets.dst(fin));
            assertTrue(p.egressIfIndex() >= 0);
        }
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
