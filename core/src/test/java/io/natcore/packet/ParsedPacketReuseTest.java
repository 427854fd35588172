/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

import io.natcore.pcap.TestCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser skips resetting field groups it did not write last time: a reused holder must still end up with
 * exactly the fields a fresh holder gets, whatever packet came before (ICMP errors, TCP, UDP, cut, mutated).
 */
class ParsedPacketReuseTest
{
    @Test
    void aReusedHolderEqualsAFreshOneAfterAnyPreviousPacket() throws Exception
    {
        final List<byte[]> seeds = TestCaptures.ipv4PacketsUnder(CapturedPacketsTest.TRACES, CapturedPacketsTest.CORPUS);
        final byte[] tcp = TestPackets.copy(TestPackets.tcp(1000, 80, 0x02, new byte[] {2, 4, 5, (byte)0xB4, 3, 3, 7, 0}, 0), 48);
        seeds.add(tcp);
        seeds.add(TestPackets.copy(TestPackets.icmpError(3, 3, java.util.Arrays.copyOf(tcp, 28)), 56));
        seeds.add(TestPackets.copy(TestPackets.icmpEcho(8, 77, 1, 16), 44));
        seeds.add(TestPackets.copy(TestPackets.udp(53, 5353, 12), 40));
        assertTrue(seeds.size() > 100, "trace packets found");

        final Field[] fields = publicInstanceFields();
        final SplittableRandom rnd = new SplittableRandom(11);
        final ParsedPacket reused = new ParsedPacket();
        int icmpErrors = 0;
        for (int n = 0; n < 100_000; n++)
        {
            final byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            final int length = rnd.nextInt(4) == 0 ? rnd.nextInt(seed.length + 1) : seed.length;
            final byte[] d = java.util.Arrays.copyOf(seed, length);
            if (length > 0 && rnd.nextInt(3) == 0)
            {
                d[rnd.nextInt(Math.min(length, 64))] = (byte)rnd.nextInt(256);
            }
            final boolean verify = rnd.nextBoolean();
            final UnsafeBuffer b = new UnsafeBuffer(d);
            final ParsedPacket fresh = new ParsedPacket();
            PacketParser.parse(b, 0, length, fresh, true, verify);
            PacketParser.parse(b, 0, length, reused, true, verify);
            icmpErrors += fresh.isIcmpError ? 1 : 0;
            for (final Field f : fields)
            {
                assertEquals(f.get(fresh), f.get(reused), "case " + n + " field " + f.getName());
            }
        }
        assertTrue(icmpErrors > 100, "ICMP errors in the stream: " + icmpErrors);
    }

    private static Field[] publicInstanceFields()
    {
        final List<Field> out = new ArrayList<>();
        for (final Field f : ParsedPacket.class.getFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                out.add(f);
            }
        }
        return out.toArray(new Field[0]);
    }
}
