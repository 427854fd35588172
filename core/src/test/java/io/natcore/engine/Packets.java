/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.TestPackets;

/**
 * Test helper: IPv4 packets with checksums computed independently of the code under test.
 */
final class Packets
{
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private Packets()
    {
    }

    static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 |
            Integer.parseInt(p[3]);
    }

    private static byte[] ipv4(final int proto, final String src, final String dst, final int ttl, final int l4Length)
    {
        final byte[] b = new byte[20 + l4Length];
        b[0] = 0x45;
        TestPackets.put16(b, 2, b.length);
        TestPackets.put16(b, 4, 0x1234);
        b[6] = 0x40;
        b[8] = (byte)ttl;
        b[9] = (byte)proto;
        TestPackets.put32(b, 12, ip(src));
        TestPackets.put32(b, 16, ip(dst));
        TestPackets.fixIpChecksum(b, 0);
        return b;
    }

    static byte[] tcp(final String src, final String dst, final int sport, final int dport, final int flags,
        final int seq, final int ack, final int ttl)
    {
        final byte[] b = ipv4(6, src, dst, ttl, 20);
        TestPackets.put16(b, 20, sport);
        TestPackets.put16(b, 22, dport);
        TestPackets.put32(b, 24, seq);
        TestPackets.put32(b, 28, ack);
        b[32] = 0x50;
        b[33] = (byte)flags;
        TestPackets.put16(b, 34, 64240);
        TestPackets.fixL4Checksum(b, 0, 20);
        return b;
    }

    static byte[] udp(final String src, final String dst, final int sport, final int dport, final int ttl,
        final int payload)
    {
        final byte[] b = ipv4(17, src, dst, ttl, 8 + payload);
        TestPackets.put16(b, 20, sport);
        TestPackets.put16(b, 22, dport);
        TestPackets.put16(b, 24, 8 + payload);
        for (int i = 0; i < payload; i++)
        {
            b[28 + i] = (byte)('a' + i % 26);
        }
        TestPackets.fixL4Checksum(b, 0, 8 + payload);
        return b;
    }

    /** An ICMP error (type, code) from src to dst quoting the first 28 bytes of {@code about}. */
    static byte[] icmpError(final String src, final String dst, final int type, final int code, final byte[] about)
    {
        final byte[] b = ipv4(1, src, dst, 64, 8 + 28);
        b[20] = (byte)type;
        b[21] = (byte)code;
        System.arraycopy(about, 0, b, 28, 28);
        TestPackets.put16(b, 22, TestPackets.checksum(b, 20, b.length - 20, 0));
        return b;
    }

    static String src(final byte[] b)
    {
        return dotted(TestPackets.u32(b, 12));
    }

    static String dst(final byte[] b)
    {
        return dotted(TestPackets.u32(b, 16));
    }

    static String dotted(final int ip)
    {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }
}
