/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * Checksums recomputed from scratch, for building expected packets in tests. Deliberately a
 * plain RFC 1071 loop, separate from the code under test.
 */
public final class TestChecksums
{
    private TestChecksums()
    {
    }

    static int u16(final byte[] b, final int off)
    {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    static void put16(final byte[] b, final int off, final int v)
    {
        b[off] = (byte)(v >> 8);
        b[off + 1] = (byte)v;
    }

    static int onesComplement(final byte[] b, final int from, final int to, final long initial)
    {
        long sum = initial;
        for (int i = from; i < to; i += 2)
        {
            sum += i + 1 < to ? u16(b, i) : (b[i] & 0xFF) << 8;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    /**
     * Recomputes the IPv4 header checksum in place.
     *
     * @param ip packet, IPv4 header at 0.
     */
    public static void fixIpHeader(final byte[] ip)
    {
        final int ihl = (ip[0] & 0x0F) * 4;
        put16(ip, 10, 0);
        put16(ip, 10, onesComplement(ip, 0, ihl, 0));
    }

    /**
     * Recomputes the TCP, UDP (unless zero) or ICMP checksum of an unfragmented packet in place.
     *
     * @param ip packet, IPv4 header at 0, trimmed to its total length.
     */
    public static void fixL4(final byte[] ip)
    {
        final int ihl = (ip[0] & 0x0F) * 4;
        final int proto = ip[9] & 0xFF;
        final int l4Length = ip.length - ihl;
        if (proto == 1)
        {
            put16(ip, ihl + 2, 0);
            put16(ip, ihl + 2, onesComplement(ip, ihl, ip.length, 0));
            return;
        }
        final int at = ihl + (proto == 6 ? 16 : 6);
        if (proto == 17 && u16(ip, at) == 0)
        {
            return;
        }
        final long pseudo = (long)u16(ip, 12) + u16(ip, 14) + u16(ip, 16) + u16(ip, 18) + proto + l4Length;
        put16(ip, at, 0);
        int c = onesComplement(ip, ihl, ip.length, pseudo);
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        put16(ip, at, c);
    }

    /**
     * @param ip packet, IPv4 header at 0.
     * @return true if its header checksum verifies.
     */
    public static boolean ipHeaderValid(final byte[] ip)
    {
        return onesComplement(ip, 0, (ip[0] & 0x0F) * 4, 0) == 0;
    }
}
