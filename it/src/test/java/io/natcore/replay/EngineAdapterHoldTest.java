/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Later fragments that reach the engine before their first one are held and handed back translated after it,
 * although the caller reuses one buffer for every record (as the replay loops do).
 */
class EngineAdapterHoldTest
{
    private static final String BOX = "ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\naddr eth0 172.16.2.5/24\n" +
        "route default via 172.16.2.1 dev eth0\nroute 172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.5\n";
    private static final String RULES = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        ":POSTROUTING ACCEPT [0:0]\n" +
        "-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.16.3.5:5353\n" +
        "COMMIT\n";

    @Test
    void heldFragmentsComeBackTranslatedInOffsetOrderOnceCompleteDespiteTheReusedBuffer() throws Exception
    {
        final ReplayEngine engine = EngineAdapter.create(RULES, BOX);
        final byte[][] frags = {fragment(0, true, 24), fragment(24, true, 24), fragment(48, false, 20)};
        final byte[] reused = new byte[128];
        final UnsafeBuffer work = new UnsafeBuffer(reused);
        final int[] order = {2, 1, 0};
        for (int k = 0; k < 3; k++)
        {
            final byte[] f = frags[order[k]];
            System.arraycopy(f, 0, reused, 0, f.length);
            assertFalse(engine.process(work, 0, f.length, 2, 1_000L + k));
            assertEquals("HOLD", engine.verdictName(engine.verdict()));
            assertEquals(k < 2 ? 0 : 3, engine.releasedCount());
        }
        for (int i = 0; i < 3; i++)
        {
            assertTrue(engine.releasedSent(i));
            assertEquals(2, engine.releasedEgress(i));
            final byte[] out = new byte[engine.releasedLength(i)];
            engine.releasedBuffer(i).getBytes(engine.releasedOffset(i), out);
            final byte[] expected = frags[i];
            assertEquals(expected.length, out.length);
            assertEquals(TestPackets.u16(expected, 6), TestPackets.u16(out, 6), "offset order, its own offset");
            assertEquals("172.16.3.5", dst(out));
            assertEquals(63, out[8] & 0xFF);
            assertTrue(TestPackets.ipHeaderValid(out));
        }
    }

    /** A fragment of UDP 192.168.1.5 -> 172.16.2.65:53 (IP id 0x2222): payload bytes [offset, offset + length). */
    private static byte[] fragment(final int offset, final boolean more, final int length)
    {
        final byte[] l4 = new byte[length];
        if (offset == 0)
        {
            TestPackets.put16(l4, 0, 40000);
            TestPackets.put16(l4, 2, 53);
            TestPackets.put16(l4, 4, 68);
        }
        return TestPackets.ipv4(17, TestPackets.ip(192, 168, 1, 5), TestPackets.ip(172, 16, 2, 65), 0x2222,
            (more ? 0x2000 : 0) | offset / 8, 64, l4);
    }

    private static String dst(final byte[] ip)
    {
        return (ip[16] & 0xFF) + "." + (ip[17] & 0xFF) + "." + (ip[18] & 0xFF) + "." + (ip[19] & 0xFF);
    }
}
