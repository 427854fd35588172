/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Packs an IPv4 5-tuple plus a 16-bit zone into the 16-byte key the {@link FlowTable} compares as two longs.
 * <pre>
 *   k0:  0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                     source IPv4 address (bits 63..32)         |
 *       +---------------------------------------------------------------+
 *       |                  destination IPv4 address (bits 31..0)        |
 *       +---------------------------------------------------------------+
 *   k1:
 *       +-------------------------------+-------------------------------+
 *       |   source port (63..48)        |   destination port (47..32)   |
 *       +---------------+---------------+-------------------------------+
 *       |   0 (31..24)  | proto (23..16)|          zone (15..0)         |
 *       +---------------+---------------+-------------------------------+
 * </pre>
 * ICMP queries carry their identifier in both port fields. Pure functions, no allocation.
 */
public final class FlowKey
{
    private FlowKey()
    {
    }

    /** First key word: source address in the high half, destination in the low half. */
    public static long k0(final int srcIp, final int dstIp)
    {
        return ((long)srcIp << 32) | (dstIp & 0xFFFF_FFFFL);
    }

    /** Second key word: ports (low 16 bits of each argument), protocol (low 8 bits) and zone (low 16 bits). */
    public static long k1(final int srcPort, final int dstPort, final int proto, final int zone)
    {
        return ((long)(srcPort & 0xFFFF) << 48) |
            ((long)(dstPort & 0xFFFF) << 32) |
            ((long)(proto & 0xFF) << 16) |
            (zone & 0xFFFF);
    }

    /** Source address of a k0 word. */
    public static int srcIp(final long k0)
    {
        return (int)(k0 >>> 32);
    }

    /** Destination address of a k0 word. */
    public static int dstIp(final long k0)
    {
        return (int)k0;
    }

    /** Source port (or ICMP id) of a k1 word, 0..65535. */
    public static int srcPort(final long k1)
    {
        return (int)(k1 >>> 48) & 0xFFFF;
    }

    /** Destination port (or ICMP id) of a k1 word, 0..65535. */
    public static int dstPort(final long k1)
    {
        return (int)(k1 >>> 32) & 0xFFFF;
    }

    /** IP protocol number of a k1 word, 0..255. */
    public static int protocol(final long k1)
    {
        return (int)(k1 >>> 16) & 0xFF;
    }

    /** Zone of a k1 word, 0..65535. */
    public static int zone(final long k1)
    {
        return (int)k1 & 0xFFFF;
    }

    /** k0 of the inverted tuple (source and destination swapped). */
    public static long invertK0(final long k0)
    {
        return (k0 >>> 32) | (k0 << 32);
    }

    /** k1 of the inverted tuple (ports swapped; protocol and zone kept). */
    public static long invertK1(final long k1)
    {
        final long ports = k1 >>> 32;
        final long swapped = ((ports & 0xFFFF) << 16) | (ports >>> 16);
        return (swapped << 32) | (k1 & 0xFFFF_FFFFL);
    }
}
