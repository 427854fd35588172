/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Ethernet II header, the only link layer the dataplane speaks. MAC addresses travel as the low 48 bits of a
 * {@code long}, most significant byte first on the wire (00:11:22:33:44:55 == 0x001122334455L).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    destination MAC (6 bytes)                  |  0
 *  +-------------------------------+                               +
 *  |                               |    source MAC (6 bytes)       |  4
 *  +-------------------------------+-------------------------------+
 *  |                                                               |  8
 *  +-------------------------------+-------------------------------+
 *  |          ethertype            |  payload ...                     12
 *  +-------------------------------+
 * </pre>
 */
final class Ethernet
{
    static final int DST_OFFSET = 0;
    static final int SRC_OFFSET = 6;
    static final int TYPE_OFFSET = 12;
    static final int HEADER_LENGTH = 14;
    static final int TYPE_IPV4 = 0x0800;
    static final int TYPE_ARP = 0x0806;
    static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private Ethernet()
    {
    }

    static int type(final DirectBuffer frame, final int offset)
    {
        return frame.getShort(offset + TYPE_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Writes destination, source and ethertype. */
    static void write(final MutableDirectBuffer frame, final int offset, final long dst, final long src, final int type)
    {
        putMac(frame, offset + DST_OFFSET, dst);
        putMac(frame, offset + SRC_OFFSET, src);
        frame.putShort(offset + TYPE_OFFSET, (short)type, java.nio.ByteOrder.BIG_ENDIAN);
    }

    static void putMac(final MutableDirectBuffer buffer, final int offset, final long mac)
    {
        buffer.putShort(offset, (short)(mac >>> 32), java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 2, (int)mac, java.nio.ByteOrder.BIG_ENDIAN);
    }

    static long getMac(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32) |
            (buffer.getInt(offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    /** @return "aa:bb:cc:dd:ee:ff" (allocates: start-up and diagnostics only). */
    static String macText(final long mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            final int b = (int)(mac >>> (i * 8)) & 0xFF;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** Parses "aa:bb:cc:dd:ee:ff". @throws IllegalArgumentException when it is not a MAC. */
    static long parseMac(final String text)
    {
        final String[] parts = text.trim().split(":");
        if (parts.length != 6)
        {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long mac = 0;
        for (final String p : parts)
        {
            if (p.isEmpty() || p.length() > 2)
            {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            mac = (mac << 8) | Integer.parseInt(p, 16);
        }
        return mac;
    }
}
