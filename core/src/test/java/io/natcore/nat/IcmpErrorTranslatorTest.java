/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.natcore.packet.TestPackets.fixIpChecksum;
import static io.natcore.packet.TestPackets.fixL4Checksum;
import static io.natcore.packet.TestPackets.hex;
import static io.natcore.packet.TestPackets.put16;
import static io.natcore.packet.TestPackets.put32;
import static io.natcore.packet.TestPackets.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IcmpErrorTranslatorTest
{
    private static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static final int CLIENT = ip(192, 168, 1, 5);
    private static final int VIP = ip(172, 16, 2, 68);
    private static final int BOX = ip(172, 16, 2, 5);
    private static final int SERVER = ip(172, 16, 3, 5);
    private static final int ROUTER = ip(10, 9, 8, 7);

    /** Reply-direction ops of a DNAT + MASQUERADE connection: both addresses (and ports) change. */
    private static final int REPLY_OPS = Rewriter.OP_SRC_IP | Rewriter.OP_DST_IP | Rewriter.OP_SRC_PORT;

    @Test
    void portUnreachableAboutADnatedMasqueradedUdpFlowEqualsTheKernelsBytes()
    {
        // Trace 09: the server's port unreachable about 172.16.2.5:46000 -> 172.16.3.5:5001 reaches the client as
        // an error from the public address about 192.168.1.5:46000 -> 172.16.2.68:5000.
        final String payload = "78".repeat(100);
        final byte[] in = hex("45c0009c6b5200003f01b224ac100305ac10020503035aa500000000" +
            "45000080761740003d116a2bac100205ac100305b3b01389006c532a" + payload);
        final byte[] kernel = hex("45c0009c6b5200003e01a04dac100244c0a8010503036d7c00000000" +
            "45000080761740003d115754c0a80105ac100244b3b01388006c4054" + payload);
        final byte[] out = in.clone();
        out[8]--;
        IcmpErrorTranslator.translate(new UnsafeBuffer(out), 0, 20, out.length - 20, 28, 48, out.length - 48,
            REPLY_OPS, VIP, CLIENT, new NatTuple().set(17, CLIENT, VIP, 46000, 5000), Rewriter.TTL_DECREMENT_DELTA);
        assertEquals(hex(kernel), hex(out));
    }

    /**
     * A time exceeded from a router beyond the box about a TCP segment, quoting {@code quoted} bytes of it: the
     * translation must equal rebuilding the error from the client's original segment.
     */
    private static void checkTcpQuote(final int quoted, final Random random)
    {
        final int segmentLength = 20 + 40;
        // The client's segment as the client sent it, then as the box forwarded it (masqueraded and DNATed).
        final byte[] sent = new byte[20 + segmentLength];
        random.nextBytes(sent);
        sent[0] = 0x45;
        sent[9] = 6;
        put16(sent, 2, sent.length);
        put16(sent, 6, 0);
        put32(sent, 12, CLIENT);
        put32(sent, 16, VIP);
        put16(sent, 20, 40001);
        put16(sent, 22, 5000);
        sent[32] = 0x50;
        fixIpChecksum(sent, 0);
        fixL4Checksum(sent, 0, segmentLength);
        final byte[] forwarded = sent.clone();
        put32(forwarded, 12, BOX);
        put32(forwarded, 16, SERVER);
        put16(forwarded, 22, 5001);
        fixIpChecksum(forwarded, 0);
        fixL4Checksum(forwarded, 0, segmentLength);

        final byte[] error = icmpError(ROUTER, BOX, forwarded, quoted);
        final byte[] expected = icmpError(ROUTER, CLIENT, sent, quoted);
        if (quoted < 20)
        {
            // Fewer than 20 bytes of TCP quoted: the kernel changes the ports but cannot reach the checksum.
            System.arraycopy(forwarded, 36, expected, 28 + 16, Math.min(2, quoted - 16 > 0 ? quoted - 16 : 0));
        }
        TestPackets.fixIcmpChecksum(expected, 0);
        error[8]--;
        expected[8]--;
        fixIpChecksum(expected, 0);
        IcmpErrorTranslator.translate(new UnsafeBuffer(error), 0, 20, error.length - 20, 28, 48, quoted,
            Rewriter.OP_DST_IP | Rewriter.OP_DST_PORT, VIP, CLIENT,
            new NatTuple().set(6, CLIENT, VIP, 40001, 5000), Rewriter.TTL_DECREMENT_DELTA);
        assertEquals(hex(expected), hex(error), "quoted " + quoted);
    }

    private static byte[] icmpError(final int src, final int dst, final byte[] datagram, final int l4Quoted)
    {
        final byte[] e = TestPackets.ipv4(1, src, dst, 64, 0, 0, new byte[0], 8 + 20 + l4Quoted);
        e[20] = 11;
        System.arraycopy(datagram, 0, e, 28, 20 + l4Quoted);
        TestPackets.fixIcmpChecksum(e, 0);
        return e;
    }

    @Test
    void aQuoteWithTheWholeTcpHeaderGetsItsTcpChecksumFixed()
    {
        final Random random = new Random(792);
        for (int i = 0; i < 200; i++)
        {
            checkTcpQuote(20 + random.nextInt(41), random);
        }
    }

    @Test
    void aQuoteOfEightTcpBytesGetsPortsButNoChecksumChange()
    {
        final Random random = new Random(793);
        for (int i = 0; i < 50; i++)
        {
            checkTcpQuote(8, random);
        }
    }

    @Test
    void anEchoRequestQuoteGetsItsIdentifierAndIcmpChecksumBack()
    {
        // The box forwarded 172.16.2.5 -> 172.16.3.5 echo id 0xBEEF (the client used 0x3591); an error about it.
        final byte[] echo = hex("45000054193240003e01c64cac100205ac100305" + "0800320035910001" + "00".repeat(56));
        put16(echo, 24, 0xBEEF);
        put16(echo, 22, 0);
        put16(echo, 22, TestPackets.checksum(echo, 20, echo.length - 20, 0));
        fixIpChecksum(echo, 0);
        final byte[] error = icmpError(ROUTER, BOX, echo, 8);
        error[8]--;
        IcmpErrorTranslator.translate(new UnsafeBuffer(error), 0, 20, error.length - 20, 28, 48, 8,
            Rewriter.OP_DST_IP | Rewriter.OP_DST_PORT, VIP, CLIENT,
            new NatTuple().set(1, CLIENT, VIP, 0x3591, 0x3591), Rewriter.TTL_DECREMENT_DELTA);
        assertEquals(0x3591, u16(error, 52));
        // Whole message checksums: outer IP, ICMP, quoted IP all verify.
        assertEquals(0xFFFF, TestPackets.sum(error, 0, 20, 0));
        assertEquals(0xFFFF, TestPackets.sum(error, 20, error.length - 20, 0));
        assertEquals(0xFFFF, TestPackets.sum(error, 28, 20, 0));
        // The quoted ICMP header's checksum matches the client's echo header (id 0x3591) over those 8 bytes.
        final byte[] original = echo.clone();
        put16(original, 24, 0x3591);
        put16(original, 22, 0);
        put16(original, 22, TestPackets.checksum(original, 20, original.length - 20, 0));
        assertEquals(u16(original, 22), u16(error, 50));
    }
}
