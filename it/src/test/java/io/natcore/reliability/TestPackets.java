/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import org.agrona.DirectBuffer;

/**
 * Builds and reads plain IPv4 TCP and UDP packets for the engine-level reliability tests, with checksums from this test
 * package's own RFC 1071 sum ({@link PacketMutator#repairChecksums}), not the engine's. Test code.
 */
final class TestPackets
{
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private TestPackets()
    {
    }

    /** A 40-byte (or longer, with payload) TCP segment, TTL 64, window 65535, valid checksums. */
    static byte[] tcp(
        final int src, final int dst, final int sport, final int dport, final int flags, final int seq, final int ack,
        final int payload)
    {
        final byte[] b = new byte[40 + payload];
        b[0] = 0x45;
        PacketMutator.put16(b, 2, b.length);
        PacketMutator.put16(b, 4, seq & 0xFFFF);
        PacketMutator.put16(b, 6, 0x4000); // DF
        b[8] = 64;
        b[9] = 6;
        PacketMutator.put32(b, 12, src);
        PacketMutator.put32(b, 16, dst);
        PacketMutator.put16(b, 20, sport);
        PacketMutator.put16(b, 22, dport);
        PacketMutator.put32(b, 24, seq);
        PacketMutator.put32(b, 28, ack);
        b[32] = 0x50;
        b[33] = (byte)flags;
        PacketMutator.put16(b, 34, 65535);
        for (int i = 40; i < b.length; i++)
        {
            b[i] = (byte)i;
        }
        PacketMutator.repairChecksums(b, b.length);
        return b;
    }

    /** An IPv4/UDP datagram with {@code payload} bytes, TTL 64, valid checksums. */
    static byte[] udp(final int src, final int dst, final int sport, final int dport, final int payload)
    {
        final byte[] b = new byte[28 + payload];
        b[0] = 0x45;
        PacketMutator.put16(b, 2, b.length);
        b[8] = 64;
        b[9] = 17;
        PacketMutator.put32(b, 12, src);
        PacketMutator.put32(b, 16, dst);
        PacketMutator.put16(b, 20, sport);
        PacketMutator.put16(b, 22, dport);
        PacketMutator.put16(b, 24, 8 + payload);
        for (int i = 28; i < b.length; i++)
        {
            b[i] = (byte)(i * 7);
        }
        PacketMutator.repairChecksums(b, b.length);
        return b;
    }

    /** The packet at {@code [offset, offset+length)} of {@code buf} as bytes. */
    static byte[] copy(final DirectBuffer buf, final int offset, final int length)
    {
        final byte[] b = new byte[length];
        buf.getBytes(offset, b);
        return b;
    }

    /** True when both the IP header and L4 checksums of {@code b} are right (recomputed here and compared). */
    static boolean checksumsValid(final byte[] b)
    {
        final byte[] again = b.clone();
        PacketMutator.repairChecksums(again, again.length);
        return java.util.Arrays.equals(b, again);
    }

    static int srcIp(final byte[] b)
    {
        return PacketMutator.get32(b, 12);
    }

    static int dstIp(final byte[] b)
    {
        return PacketMutator.get32(b, 16);
    }

    static int srcPort(final byte[] b)
    {
        return PacketMutator.get16(b, 20);
    }

    static int dstPort(final byte[] b)
    {
        return PacketMutator.get16(b, 22);
    }

    static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
