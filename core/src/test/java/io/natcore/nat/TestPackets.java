/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import java.util.HexFormat;

/**
 * Test helper: packet bytes and an RFC 1071 checksum written independently of the code under test.
 */
public final class TestPackets
{
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
}
