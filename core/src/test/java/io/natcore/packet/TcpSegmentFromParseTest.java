/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

import io.natcore.pcap.TestCaptures;
import io.natcore.track.TcpSegment;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpSegment#readParsed} takes the fixed header from the parse and walks only the options: it must give
 * exactly what {@link TcpSegment#readFrom} (the header read again from the bytes) gives, and find a SACK block's
 * right edge that a hand-built segment carries.
 */
class TcpSegmentFromParseTest
{
    private static final int ACK = 0x1000_0000;

    @Test
    void segmentFromTheParseEqualsTheSegmentReadFromTheBytes() throws Exception
    {
        final List<byte[]> tcp = new ArrayList<>();
        for (final Path dir : new Path[] {CapturedPacketsTest.TRACES, CapturedPacketsTest.CORPUS})
        {
            for (final Path file : TestCaptures.files(dir, ".pcap"))
            {
                for (final TestCaptures.Frame f : TestCaptures.readUpToCut(file))
                {
                    if (f.isIpv4() && f.ipLength() > 40 && f.data()[f.ipOffset() + 9] == 6)
                    {
                        final byte[] ip = new byte[f.ipLength()];
                        System.arraycopy(f.data(), f.ipOffset(), ip, 0, ip.length);
                        tcp.add(ip);
                    }
                }
            }
        }
        assertTrue(tcp.size() > 100, "TCP packets found: " + tcp.size());

        final SplittableRandom rnd = new SplittableRandom(7);
        final ParsedPacket pkt = new ParsedPacket();
        final TcpSegment fromParse = new TcpSegment();
        final TcpSegment fromBytes = new TcpSegment();
        int compared = 0;
        int withOptions = 0;
        for (int n = 0; n < 50_000; n++)
        {
            final byte[] d = tcp.get(rnd.nextInt(tcp.size())).clone();
            final int hl = (d[0] & 0xF) << 2;
            final int doff = ((d[hl + 12] >> 4) & 0xF) << 2;
            final int span = Math.min(doff, d.length - hl) - 20;
            if (n % 2 == 1 && span > 0)
            {
                // Scramble the option area (kinds, lengths, SACK edges); the parse never checks options.
                for (int k = 0; k < 1 + rnd.nextInt(4); k++)
                {
                    final int at = hl + 20 + rnd.nextInt(span);
                    d[at] = (byte)(rnd.nextInt(3) == 0 ? 5 : rnd.nextInt(3) == 0 ? 8 + rnd.nextInt(30) : rnd.nextInt(256));
                }
            }
            final UnsafeBuffer b = new UnsafeBuffer(d);
            if (PacketParser.parse(b, 0, d.length, pkt, true, false) != ParseStatus.OK || pkt.isFragment)
            {
                continue;
            }
            assertTrue(fromParse.readParsed(b, pkt), "case " + n);
            assertTrue(fromBytes.readFrom(b, pkt.l4Offset, pkt.l4Length), "case " + n);
            assertSame(fromBytes, fromParse, "case " + n);
            compared++;
            withOptions += fromBytes.optionsLength > 0 ? 1 : 0;
        }
        assertTrue(compared > 10_000 && withOptions > 1_000, compared + " compared, " + withOptions + " with options");
    }

    @Test
    void sackBlockRightEdgeIsReadFromTheOptions()
    {
        // NOP NOP SACK(10): left = ACK + 100, right = ACK + 500.
        final byte[] options = {1, 1, 5, 10, 0x10, 0, 0, 100, 0x10, 0, 1, (byte)0xF4};
        final TcpSegment s = segment(options);
        assertEquals(ACK, s.ack);
        assertEquals(ACK + 500, s.sack);
        assertEquals(-1, s.windowScale);
        assertFalse(s.sackPermitted);
        assertEquals(12, s.optionsLength);
        assertEquals(5, s.payloadLength);
    }

    @Test
    void timestampOnlyOptionsLeaveSackAtTheAck()
    {
        final byte[] options = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
        final TcpSegment s = segment(options);
        assertEquals(ACK, s.sack);
        assertEquals(-1, s.windowScale);
        assertFalse(s.sackPermitted);
        assertEquals(12, s.optionsLength);
    }

    @Test
    void synOptionsAreRead()
    {
        // MSS 1460, SACK-permitted, window scale 7 (NOP first), EOL.
        final byte[] options = {2, 4, 5, (byte)0xB4, 4, 2, 1, 3, 3, 7, 0, 0};
        final TcpSegment s = segment(options);
        assertEquals(7, s.windowScale);
        assertTrue(s.sackPermitted);
    }

    private static TcpSegment segment(final byte[] options)
    {
        final ByteBuffer bb = TestPackets.tcp(40000, 443, 0x10, options, 5);
        bb.putInt(20 + 8, ACK);
        TestPackets.fixL4(bb, 16);
        final byte[] d = TestPackets.copy(bb, bb.capacity());
        final ParsedPacket pkt = new ParsedPacket();
        assertEquals(ParseStatus.OK, PacketParser.parse(new UnsafeBuffer(d), 0, d.length, pkt));
        final TcpSegment s = new TcpSegment();
        assertTrue(s.readParsed(new UnsafeBuffer(d), pkt));
        assertEquals(1000, s.seq);
        assertEquals(0x10, s.flags);
        assertEquals(8192, s.window);
        return s;
    }

    private static void assertSame(final TcpSegment expected, final TcpSegment actual, final String what)
    {
        assertEquals(expected.flags, actual.flags, what + " flags");
        assertEquals(expected.seq, actual.seq, what + " seq");
        assertEquals(expected.ack, actual.ack, what + " ack");
        assertEquals(expected.window, actual.window, what + " window");
        assertEquals(expected.payloadLength, actual.payloadLength, what + " payload");
        assertEquals(expected.optionsLength, actual.optionsLength, what + " options");
        assertEquals(expected.windowScale, actual.windowScale, what + " wscale");
        assertEquals(expected.sackPermitted, actual.sackPermitted, what + " sackPerm");
        assertEquals(expected.sack, actual.sack, what + " sack");
    }
}
