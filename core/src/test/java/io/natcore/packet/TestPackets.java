/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Test fixture: IPv4 packets (TCP, UDP, ICMP) built byte by byte with an RFC 1071 checksum written independently of
 * the code under test, so expected values never come from it. The one packet builder of core's tests: byte arrays
 * addressed by dotted strings, and {@link ByteBuffer} forms between {@link #SRC} and {@link #DST} for the parser's
 * tests.
 */
public final class TestPackets
{
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    /** Source of the {@link ByteBuffer} forms: 192.168.1.5. */
    public static final int SRC = 0xC0A80105;
    /** Destination of the {@link ByteBuffer} forms: 172.16.2.65. */
    public static final int DST = 0xAC100241;

    private TestPackets()
    {
    }

    public static byte[] hex(final String s)
    {
        return HexFormat.of().parseHex(s);
    }

    public static String hex(final byte[] b)
    {
        return HexFormat.of().formatHex(b);
    }

    public static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    public static int u32(final byte[] b, final int at)
    {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    public static void put16(final byte[] b, final int at, final int v)
    {
        b[at] = (byte)(v >>> 8);
        b[at + 1] = (byte)v;
    }

    public static void put32(final byte[] b, final int at, final int v)
    {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    /** Plain 32-bit accumulation of 16-bit words, folded at the end. */
    public static int sum(final byte[] b, final int from, final int length, final long initial)
    {
        long s = initial;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = b[from + i] & 0xFF;
            final int lo = i + 1 < length ? b[from + i + 1] & 0xFF : 0;
            s += hi << 8 | lo;
        }
        while (s >>> 16 != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    /** Checksum to write: complement of the sum, with the checksum field's bytes counted as they are. */
    public static int checksum(final byte[] b, final int from, final int length, final long initial)
    {
        return ~sum(b, from, length, initial) & 0xFFFF;
    }

    /** Recompute the IPv4 header checksum of the header at {@code ip}. */
    public static void fixIpChecksum(final byte[] b, final int ip)
    {
        final int ihl = (b[ip] & 0x0F) * 4;
        put16(b, ip + 10, 0);
        put16(b, ip + 10, checksum(b, ip, ihl, 0));
    }

    public static long pseudo(final int src, final int dst, final int proto, final int length)
    {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + proto + length;
    }

    /** Recompute the TCP/UDP checksum (field at +16 / +6) of a whole segment. */
    public static void fixL4Checksum(final byte[] b, final int ip, final int segmentLength)
    {
        final int ihl = (b[ip] & 0x0F) * 4;
        final int proto = b[ip + 9] & 0xFF;
        final int l4 = ip + ihl;
        final int at = l4 + (proto == 6 ? 16 : 6);
        put16(b, at, 0);
        int c = checksum(b, l4, segmentLength, pseudo(u32(b, ip + 12), u32(b, ip + 16), proto, segmentLength));
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        put16(b, at, c);
    }

    /** @return the one's-complement sum of two 16-bit sums, folded. */
    public static int add16(final int a, final int b)
    {
        final int s = a + b;
        return (s & 0xFFFF) + (s >>> 16);
    }

    /** @return the pseudo-header sum, folded to 16 bits. */
    public static int pseudoSum(final int src, final int dst, final int proto, final int length)
    {
        return sum(new byte[0], 0, 0, pseudo(src, dst, proto, length));
    }

    // ---------------------------------------------------------------- byte arrays

    public static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 |
            Integer.parseInt(p[3]);
    }

    public static String dotted(final int ip)
    {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    /**
     * An IPv4 header (options given raw, a multiple of 4 bytes) followed by {@code l4Length} zero bytes, total length
     * and header checksum filled.
     */
    public static byte[] ipv4(
        final int proto, final int src, final int dst, final int ttl, final int id, final int flagsFragment,
        final byte[] options, final int l4Length)
    {
        final int hl = 20 + options.length;
        final byte[] b = new byte[hl + l4Length];
        b[0] = (byte)(0x40 | hl >> 2);
        put16(b, 2, b.length);
        put16(b, 4, id);
        put16(b, 6, flagsFragment);
        b[8] = (byte)ttl;
        b[9] = (byte)proto;
        put32(b, 12, src);
        put32(b, 16, dst);
        System.arraycopy(options, 0, b, 20, options.length);
        fixIpChecksum(b, 0);
        return b;
    }

    /** An IPv4 header without options, id 0x1234, DF set. */
    public static byte[] ipv4(final int proto, final String src, final String dst, final int ttl, final int l4Length)
    {
        return ipv4(proto, ip(src), ip(dst), ttl, 0x1234, 0x4000, new byte[0], l4Length);
    }

    public static byte[] tcp(final String src, final String dst, final int sport, final int dport, final int flags,
        final int seq, final int ack, final int ttl)
    {
        final byte[] b = ipv4(6, src, dst, ttl, 20);
        put16(b, 20, sport);
        put16(b, 22, dport);
        put32(b, 24, seq);
        put32(b, 28, ack);
        b[32] = 0x50;
        b[33] = (byte)flags;
        put16(b, 34, 64240);
        fixL4Checksum(b, 0, 20);
        return b;
    }

    public static byte[] udp(final String src, final String dst, final int sport, final int dport, final int ttl,
        final int payload)
    {
        final byte[] b = ipv4(17, src, dst, ttl, 8 + payload);
        put16(b, 20, sport);
        put16(b, 22, dport);
        put16(b, 24, 8 + payload);
        for (int i = 0; i < payload; i++)
        {
            b[28 + i] = (byte)('a' + i % 26);
        }
        fixL4Checksum(b, 0, 8 + payload);
        return b;
    }

    /** An ICMP error (type, code) from src to dst quoting the first 28 bytes of {@code about}. */
    public static byte[] icmpError(final String src, final String dst, final int type, final int code,
        final byte[] about)
    {
        final byte[] b = ipv4(1, src, dst, 64, 8 + 28);
        b[20] = (byte)type;
        b[21] = (byte)code;
        System.arraycopy(about, 0, b, 28, 28);
        fixIcmpChecksum(b, 0);
        return b;
    }

    /** Recompute the ICMP checksum of the whole ICMP message after the header at {@code ip}. */
    public static void fixIcmpChecksum(final byte[] b, final int ip)
    {
        final int l4 = ip + (b[ip] & 0x0F) * 4;
        put16(b, l4 + 2, 0);
        put16(b, l4 + 2, checksum(b, l4, b.length - l4, 0));
    }

    public static String src(final byte[] b)
    {
        return dotted(u32(b, 12));
    }

    public static String dst(final byte[] b)
    {
        return dotted(u32(b, 16));
    }

    // ---------------------------------------------------------------- ByteBuffer forms (SRC -> DST)

    /** IPv4 header from {@link #SRC} to {@link #DST}, options given raw (length multiple of 4). */
    public static ByteBuffer ipv4(
        final int protocol, final int l4Length, final byte[] options, final int ttl, final int id, final int flagsFrag)
    {
        return ByteBuffer.wrap(ipv4(protocol, SRC, DST, ttl, id, flagsFrag, options, l4Length));
    }

    /** Recompute the IPv4 header checksum of the packet in {@code b}. */
    public static void fixIp(final ByteBuffer b)
    {
        final byte[] a = b.array();
        final int hl = Math.min(hl(b), a.length);
        put16(a, 10, 0);
        put16(a, 10, checksum(a, 0, hl, 0));
    }

    public static int hl(final ByteBuffer b)
    {
        return (b.get(0) & 0xF) << 2;
    }

    /** Recompute the TCP/UDP checksum (at {@code checksumOffset} in the L4 header) over the IP payload. */
    public static void fixL4(final ByteBuffer b, final int checksumOffset)
    {
        final int hl = hl(b);
        final int len = b.capacity() - hl;
        final int proto = b.get(9) & 0xFF;
        final byte[] a = b.array();
        put16(a, hl + checksumOffset, 0);
        int c = checksum(a, hl, len, pseudo(u32(a, 12), u32(a, 16), proto, len));
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        put16(a, hl + checksumOffset, c);
    }

    public static void fixIcmp(final ByteBuffer b)
    {
        fixIcmpChecksum(b.array(), 0);
    }

    /** A TCP segment: 20-byte header + options + payload, checksum filled. */
    public static ByteBuffer tcp(final int sport, final int dport, final int flags, final byte[] options,
        final int payload)
    {
        final int thl = 20 + options.length;
        final ByteBuffer b = ipv4(6, thl + payload, new byte[0], 64, 1, 0);
        final int o = 20;
        b.putShort(o, (short)sport);
        b.putShort(o + 2, (short)dport);
        b.putInt(o + 4, 1000);
        b.putInt(o + 8, 0);
        b.put(o + 12, (byte)((thl >> 2) << 4));
        b.put(o + 13, (byte)flags);
        b.putShort(o + 14, (short)8192);
        b.put(o + 20, options);
        for (int i = 0; i < payload; i++)
        {
            b.put(o + thl + i, (byte)('a' + i % 26));
        }
        fixL4(b, 16);
        return b;
    }

    public static ByteBuffer udp(final int sport, final int dport, final int payload)
    {
        final ByteBuffer b = ipv4(17, 8 + payload, new byte[0], 64, 1, 0);
        b.putShort(20, (short)sport);
        b.putShort(22, (short)dport);
        b.putShort(24, (short)(8 + payload));
        for (int i = 0; i < payload; i++)
        {
            b.put(28 + i, (byte)'x');
        }
        fixL4(b, 6);
        return b;
    }

    /** ICMP error (type/code) quoting an inner datagram's first bytes. */
    public static ByteBuffer icmpError(final int type, final int code, final byte[] quote)
    {
        final ByteBuffer b = ipv4(1, 8 + quote.length, new byte[0], 64, 7, 0);
        b.put(20, (byte)type);
        b.put(21, (byte)code);
        b.put(28, quote);
        fixIcmp(b);
        return b;
    }

    public static ByteBuffer icmpEcho(final int type, final int id, final int seq, final int payload)
    {
        final ByteBuffer b = ipv4(1, 8 + payload, new byte[0], 64, 7, 0);
        b.put(20, (byte)type);
        b.putShort(24, (short)id);
        b.putShort(26, (short)seq);
        fixIcmp(b);
        return b;
    }

    public static byte[] copy(final ByteBuffer b, final int length)
    {
        final byte[] out = new byte[length];
        System.arraycopy(b.array(), 0, out, 0, Math.min(length, b.capacity()));
        return out;
    }
}
