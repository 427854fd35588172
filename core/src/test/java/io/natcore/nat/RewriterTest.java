/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.Checksum;
import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.natcore.packet.TestPackets.fixIpChecksum;
import static io.natcore.packet.TestPackets.fixL4Checksum;
import static io.natcore.packet.TestPackets.hex;
import static io.natcore.packet.TestPackets.put16;
import static io.natcore.packet.TestPackets.put32;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RewriterTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;

    /** Rewrite {@code in} from tuple {@code pkt} to {@code target}, decrementing the TTL, as the engine does. */
    private static byte[] rewrite(final byte[] in, final NatTuple pkt, final NatTuple target)
    {
        final byte[] b = in.clone();
        final UnsafeBuffer buf = new UnsafeBuffer(b);
        final int ihl = (b[0] & 0x0F) * 4;
        b[8]--;
        final NatRewrite rewrite = new NatRewrite().set(Rewriter.ops(pkt, target), target.srcIp, target.dstIp,
            target.srcPort, target.dstPort, Checksum.combine(Rewriter.ipDelta(pkt, target), Rewriter.TTL_DECREMENT_DELTA),
            Rewriter.l4Delta(pkt, target));
        Rewriter.apply(buf, 0, ihl, pkt.proto, true, -1, rewrite);
        return b;
    }

    private static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    @Test
    void masqueradedAndDnatedSynEqualsTheKernelsBytes()
    {
        // Trace 04: 192.168.1.5:35758 -> 172.16.2.65:80 leaves as 172.16.2.5:35758 -> 172.16.3.5:80.
        final byte[] in = hex("4500003c8c9640003f063f27c0a80105ac1002418bae0050450511a000000000a002faf0aef90000" +
            "020405b40402080a25082668000000000103030a");
        final byte[] kernel = hex("4500003c8c9640003e0652fbac100205ac1003058bae0050450511a000000000a002faf0c1cd0000" +
            "020405b40402080a25082668000000000103030a");
        final byte[] out = rewrite(in, new NatTuple().set(TCP, ip(192, 168, 1, 5), ip(172, 16, 2, 65), 35758, 80),
            new NatTuple().set(TCP, ip(172, 16, 2, 5), ip(172, 16, 3, 5), 35758, 80));
        assertEquals(hex(kernel), hex(out));
    }

    @Test
    void replySynAckIsUntranslatedToTheKernelsBytes()
    {
        final byte[] in = hex("4500003c000040003f06de91ac100305ac10020500508bae860c3dea450511a1a012fe8899240000" +
            "020405b40402080aa6e9ba1f250826680103030a");
        final byte[] kernel = hex("4500003c000040003e06ccbdac100241c0a8010500508bae860c3dea450511a1a012fe8886500000" +
            "020405b40402080aa6e9ba1f250826680103030a");
        final byte[] out = rewrite(in, new NatTuple().set(TCP, ip(172, 16, 3, 5), ip(172, 16, 2, 5), 80, 35758),
            new NatTuple().set(TCP, ip(172, 16, 2, 65), ip(192, 168, 1, 5), 80, 35758));
        assertEquals(hex(kernel), hex(out));
    }

    @Test
    void udpWithADestinationPortChangeEqualsTheKernelsBytes()
    {
        // Trace 09: 192.168.1.5:46000 -> 172.16.2.68:5000 leaves as 172.16.2.5:46000 -> 172.16.3.5:5001.
        final String payload = "78".repeat(100);
        final byte[] in = hex("45000080761740003f115554c0a80105ac100244b3b01388006c4054" + payload);
        final byte[] kernel = hex("45000080761740003e11692bac100205ac100305b3b01389006c532a" + payload);
        final byte[] out = rewrite(in, new NatTuple().set(UDP, ip(192, 168, 1, 5), ip(172, 16, 2, 68), 46000, 5000),
            new NatTuple().set(UDP, ip(172, 16, 2, 5), ip(172, 16, 3, 5), 46000, 5001));
        assertEquals(hex(kernel), hex(out));
    }

    @Test
    void icmpEchoWithAnAddressOnlyChangeEqualsTheKernelsBytes()
    {
        // Trace 08: the echo request's ICMP checksum does not cover addresses and stays as it is.
        final String rest = "0800320035910001e2b4076b00000000e37a040000000000101112131415161718191a1b1c1d1e1f" +
            "202122232425262728292a2b2c2d2e2f3031323334353637";
        final byte[] in = hex("45000054193240003f01b276c0a80105ac100243" + rest);
        final byte[] kernel = hex("45000054193240003e01c64cac100205ac100305" + rest);
        final byte[] out = rewrite(in, new NatTuple().set(ICMP, ip(192, 168, 1, 5), ip(172, 16, 2, 67), 0x3591, 0x3591),
            new NatTuple().set(ICMP, ip(172, 16, 2, 5), ip(172, 16, 3, 5), 0x3591, 0x3591));
        assertEquals(hex(kernel), hex(out));
    }

    @Test
    void icmpIdentifierChangeFixesTheIcmpChecksumLikeAFullRecompute()
    {
        final byte[] in = hex("45000054193240003f01b276c0a80105ac100243" +
            "0800320035910001e2b4076b00000000e37a040000000000101112131415161718191a1b1c1d1e1f" +
            "202122232425262728292a2b2c2d2e2f3031323334353637");
        final byte[] out = rewrite(in, new NatTuple().set(ICMP, ip(192, 168, 1, 5), ip(172, 16, 2, 67), 0x3591, 0x3591),
            new NatTuple().set(ICMP, ip(172, 16, 2, 5), ip(172, 16, 3, 5), 0xBEEF, 0xBEEF));
        final byte[] expected = in.clone();
        expected[8]--;
        put32(expected, 12, ip(172, 16, 2, 5));
        put32(expected, 16, ip(172, 16, 3, 5));
        put16(expected, 24, 0xBEEF);
        fixIpChecksum(expected, 0);
        put16(expected, 22, 0);
        put16(expected, 22, TestPackets.checksum(expected, 20, expected.length - 20, 0));
        assertEquals(hex(expected), hex(out));
    }

    @Test
    void udpWithoutChecksumKeepsZero()
    {
        final byte[] in = hex("45000030000100003f11c0bbc0a80105ac100241a0320035001c0000" + "79".repeat(20));
        fixIpChecksum(in, 0);
        final byte[] out = rewrite(in, new NatTuple().set(UDP, ip(192, 168, 1, 5), ip(172, 16, 2, 65), 41010, 53),
            new NatTuple().set(UDP, ip(172, 16, 2, 5), ip(172, 16, 3, 5), 41010, 5353));
        assertEquals(0, TestPackets.u16(out, 26));
        assertEquals(5353, TestPackets.u16(out, 22));
    }

    @Test
    void precomputedDeltasEqualAFullRecomputeForRandomTuples()
    {
        final Random random = new Random(1624);
        for (int i = 0; i < 2000; i++)
        {
            final boolean tcp = random.nextBoolean();
            final int payload = random.nextInt(64);
            final int l4Length = (tcp ? 20 : 8) + payload;
            final byte[] p = new byte[20 + l4Length];
            random.nextBytes(p);
            p[0] = 0x45;
            p[8] = (byte)(2 + random.nextInt(250));
            p[9] = (byte)(tcp ? TCP : UDP);
            put16(p, 2, p.length);
            put16(p, 6, 0);
            if (tcp)
            {
                p[32] = 0x50;
            }
            else
            {
                put16(p, 24, l4Length);
            }
            fixIpChecksum(p, 0);
            fixL4Checksum(p, 0, l4Length);
            final NatTuple pkt = new NatTuple().set(tcp ? TCP : UDP, TestPackets.u32(p, 12), TestPackets.u32(p, 16),
                TestPackets.u16(p, 20), TestPackets.u16(p, 22));
            final NatTuple target = new NatTuple().copyFrom(pkt);
            if (random.nextBoolean())
            {
                target.srcIp = random.nextInt();
                target.srcPort = random.nextInt(65536);
            }
            if (random.nextBoolean())
            {
                target.dstIp = random.nextInt();
                target.dstPort = random.nextInt(65536);
            }
            final byte[] out = rewrite(p, pkt, target);
            final byte[] expected = p.clone();
            expected[8]--;
            put32(expected, 12, target.srcIp);
            put32(expected, 16, target.dstIp);
            put16(expected, 20, target.srcPort);
            put16(expected, 22, target.dstPort);
            fixIpChecksum(expected, 0);
            fixL4Checksum(expected, 0, l4Length);
            assertEquals(hex(expected), hex(out), "case " + i);
        }
    }

    @Test
    void fieldsWhoseOpIsClearKeepTheirBytesWhateverTargetIsPassed()
    {
        final Random random = new Random(2026);
        for (int i = 0; i < 20_000; i++)
        {
            final int proto = random.nextBoolean() ? TCP : UDP;
            final byte[] p = new byte[20 + 20 + random.nextInt(40)];
            random.nextBytes(p);
            p[0] = 0x45;
            p[9] = (byte)proto;
            final int ops = random.nextInt(16);
            final int[] target = {random.nextInt(), random.nextInt(), random.nextInt(65536), random.nextInt(65536)};
            final byte[] out = p.clone();
            Rewriter.apply(new UnsafeBuffer(out), 0, 20, proto, true, -1,
                new NatRewrite().set(ops, target[0], target[1], target[2], target[3], 0, 0));
            // Independent expectation: each field is the target when its op bit is set, else the original bytes.
            final byte[] expected = p.clone();
            if ((ops & Rewriter.OP_SRC_IP) != 0)
            {
                put32(expected, 12, target[0]);
            }
            if ((ops & Rewriter.OP_DST_IP) != 0)
            {
                put32(expected, 16, target[1]);
            }
            if ((ops & Rewriter.OP_SRC_PORT) != 0)
            {
                put16(expected, 20, target[2]);
            }
            if ((ops & Rewriter.OP_DST_PORT) != 0)
            {
                put16(expected, 22, target[3]);
            }
            // The checksum fields are the deltas' business: compare everything else.
            for (final int at : new int[] {10, 11, 20 + (proto == TCP ? 16 : 6), 20 + (proto == TCP ? 17 : 7)})
            {
                expected[at] = out[at];
            }
            assertEquals(hex(expected), hex(out), "case " + i + " ops " + ops);
        }
    }

    private static int edgyInt(final Random random)
    {
        switch (random.nextInt(4))
        {
            case 0:
                return 0;
            case 1:
                return -1;
            default:
                return random.nextInt();
        }
    }

    private static int edgyPort(final Random random)
    {
        switch (random.nextInt(4))
        {
            case 0:
                return 0;
            case 1:
                return 0xFFFF;
            default:
                return random.nextInt(65536);
        }
    }

    @Test
    void reverseOpsAndDeltasRewriteEveryChecksumAsTheRecomputedReplyOnes()
    {
        final int[] protocols = {TCP, UDP, 136, 132, 33, 47, 50};
        final Random random = new Random(20261126);
        for (int i = 0; i < 20_000; i++)
        {
            final int proto = protocols[random.nextInt(protocols.length)];
            final NatTuple orig = new NatTuple().set(proto, edgyInt(random), edgyInt(random), edgyPort(random),
                edgyPort(random));
            final NatTuple tuple = new NatTuple().copyFrom(orig);
            if (random.nextBoolean())
            {
                tuple.srcIp = edgyInt(random);
            }
            if (random.nextBoolean())
            {
                tuple.dstIp = edgyInt(random);
            }
            if (random.nextBoolean())
            {
                tuple.srcPort = edgyPort(random);
            }
            if (random.nextBoolean())
            {
                tuple.dstPort = edgyPort(random);
            }
            final NatTuple replyPkt = new NatTuple().invertOf(tuple);
            final NatTuple replyTarget = new NatTuple().invertOf(orig);
            final String where = "case " + i + " proto " + proto;
            assertEquals(Rewriter.ops(replyPkt, replyTarget), Rewriter.reverseOps(Rewriter.ops(orig, tuple)), where);
            final int ipGeneral = Rewriter.ipDelta(replyPkt, replyTarget);
            final int ipDerived = Rewriter.reverseDelta(proto, Rewriter.ipDelta(orig, tuple), false);
            final int l4General = Rewriter.l4Delta(replyPkt, replyTarget);
            final int l4Derived = Rewriter.reverseDelta(proto, Rewriter.l4Delta(orig, tuple), true);
            if (l4General == 0)
            {
                assertEquals(0, l4Derived, where + ": no L4 delta");
            }
            for (int k = 0; k < 8; k++)
            {
                final int c = k == 0 ? 0 : k == 1 ? 0xFFFF : k == 2 ? 1 : random.nextInt(65536);
                assertEquals(Checksum.applyDelta(c, ipGeneral), Checksum.applyDelta(c, ipDerived), where);
                assertEquals(Checksum.applyDelta(c, Checksum.combine(ipGeneral, Rewriter.TTL_DECREMENT_DELTA)),
                    Checksum.applyDelta(c, Checksum.combine(ipDerived, Rewriter.TTL_DECREMENT_DELTA)), where);
                assertEquals(Checksum.applyDelta(c, l4General), Checksum.applyDelta(c, l4Derived), where);
                assertEquals(Checksum.applyDeltaUdp(c, l4General), Checksum.applyDeltaUdp(c, l4Derived), where);
            }
        }
    }

    @Test
    void theTwoZeroDeltasRewriteEveryChecksumAlike()
    {
        for (int c = 0; c <= 0xFFFF; c++)
        {
            assertEquals(Checksum.applyDelta(c, 0), Checksum.applyDelta(c, 0xFFFF), "checksum " + c);
            assertEquals(Checksum.applyDeltaUdp(c, 0), Checksum.applyDeltaUdp(c, 0xFFFF), "checksum " + c);
        }
        assertEquals(Checksum.combine(0, Rewriter.TTL_DECREMENT_DELTA),
            Checksum.combine(0xFFFF, Rewriter.TTL_DECREMENT_DELTA));
    }
}
