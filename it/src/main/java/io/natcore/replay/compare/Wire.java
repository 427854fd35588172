/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

/**
 * Byte-level helpers for the comparator: big-endian reads and writes, the RFC 1071 sum,
 * address formatting. Written independently of {@code io.natcore.packet} on purpose, so the
 * comparator does not share a bug with the engine it judges.
 */
public final class Wire
{
    /** IPv4 protocol number of ICMP. */
    public static final int ICMP = 1;
    /** IPv4 protocol number of TCP. */
    public static final int TCP = 6;
    /** IPv4 protocol number of UDP. */
    public static final int UDP = 17;

    private Wire()
    {
    }

    /**
     * @param b   bytes.
     * @param off offset.
     * @return the unsigned byte.
     */
    public static int u8(final byte[] b, final int off)
    {
        return b[off] & 0xFF;
    }

    /**
     * @param b   bytes.
     * @param off offset.
     * @return the big-endian unsigned 16-bit value.
     */
    public static int u16(final byte[] b, final int off)
    {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    /**
     * @param b   bytes.
     * @param off offset.
     * @return the big-endian 32-bit value.
     */
    public static int u32(final byte[] b, final int off)
    {
        return u16(b, off) << 16 | u16(b, off + 2);
    }

    /**
     * @param b     bytes.
     * @param off   offset.
     * @param value 16-bit value to store big-endian.
     */
    public static void put16(final byte[] b, final int off, final int value)
    {
        b[off] = (byte)(value >>> 8);
        b[off + 1] = (byte)value;
    }

    /**
     * One's complement sum (RFC 1071) of {@code [from, to)} as 16-bit big-endian words counted
     * from {@code from}, an odd last byte padded with zero. Not folded to 16 bits.
     *
     * @param b    bytes.
     * @param from first byte.
     * @param to   end (exclusive).
     * @return the 32-bit accumulator.
     */
    public static long sum(final byte[] b, final int from, final int to)
    {
        long s = 0;
        int i = from;
        for (; i + 1 < to; i += 2)
        {
            s += u16(b, i);
        }
        if (i < to)
        {
            s += (b[i] & 0xFF) << 8;
        }
        return s;
    }

    /**
     * @param s an accumulator from {@link #sum}.
     * @return it folded to 16 bits with end-around carry.
     */
    public static int fold(final long s)
    {
        long x = s;
        while ((x >>> 16) != 0)
        {
            x = (x & 0xFFFF) + (x >>> 16);
        }
        return (int)x;
    }

    /**
     * @param b     packet bytes.
     * @param ipOff start of the IPv4 header.
     * @param ihl   header length in bytes.
     * @return true if the header checksum verifies.
     */
    public static boolean ipHeaderChecksumValid(final byte[] b, final int ipOff, final int ihl)
    {
        return fold(sum(b, ipOff, ipOff + ihl)) == 0xFFFF;
    }

    /**
     * Sum of the TCP/UDP pseudo header for an L4 length.
     *
     * @param b        packet bytes.
     * @param ipOff    start of the IPv4 header.
     * @param proto    protocol number.
     * @param l4Length bytes of the L4 header and payload.
     * @return the accumulator.
     */
    public static long pseudoHeaderSum(final byte[] b, final int ipOff, final int proto, final int l4Length)
    {
        return sum(b, ipOff + 12, ipOff + 20) + proto + l4Length;
    }

    /**
     * @param ip IPv4 address as an int in network order value.
     * @return dotted quad.
     */
    public static String ip(final int ip)
    {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    /**
     * @param b   bytes.
     * @param off first byte.
     * @param len count.
     * @return lower-case hex.
     */
    public static String hex(final byte[] b, final int off, final int len)
    {
        final StringBuilder sb = new StringBuilder(len * 2);
        for (int i = off; i < off + len && i < b.length; i++)
        {
            sb.append(Character.forDigit(b[i] >> 4 & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return sb.toString();
    }
}
