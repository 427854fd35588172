/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * ARP for IPv4 over Ethernet (RFC 826), after the Ethernet header.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |     hardware type (1)         |     protocol type (0x0800)    |  0
 *  +---------------+---------------+-------------------------------+
 *  |  hlen (6)     |  plen (4)     |     operation (1 req, 2 rep)  |  4
 *  +---------------+---------------+-------------------------------+
 *  |                 sender MAC (6 bytes)                          |  8
 *  +-------------------------------+-------------------------------+
 *  |                               |     sender IP                 | 12
 *  +-------------------------------+-------------------------------+
 *  |                               |     target MAC (6 bytes)      | 16
 *  +-------------------------------+-------------------------------+
 *  |                                                               | 20
 *  +---------------------------------------------------------------+
 *  |                     target IP                                 | 24
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class Arp
{
    static final int HTYPE_OFFSET = 0;
    static final int PTYPE_OFFSET = 2;
    static final int HLEN_OFFSET = 4;
    static final int PLEN_OFFSET = 5;
    static final int OP_OFFSET = 6;
    static final int SENDER_MAC_OFFSET = 8;
    static final int SENDER_IP_OFFSET = 14;
    static final int TARGET_MAC_OFFSET = 18;
    static final int TARGET_IP_OFFSET = 24;
    static final int LENGTH = 28;
    static final int HTYPE_ETHERNET = 1;
    static final int OP_REQUEST = 1;
    static final int OP_REPLY = 2;
    /** Ethernet's minimum frame without FCS: an ARP frame is padded to it. */
    static final int MIN_FRAME = 60;

    private Arp()
    {
    }

    /** @return true for a well-formed IPv4-over-Ethernet ARP packet of {@code length} bytes at {@code offset}. */
    static boolean isIpv4OverEthernet(final DirectBuffer b, final int offset, final int length)
    {
        return length >= LENGTH &&
            (b.getShort(offset + HTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF) == HTYPE_ETHERNET &&
            (b.getShort(offset + PTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF) == Ethernet.TYPE_IPV4 &&
            b.getByte(offset + HLEN_OFFSET) == 6 && b.getByte(offset + PLEN_OFFSET) == 4;
    }

    static int op(final DirectBuffer b, final int offset)
    {
        return b.getShort(offset + OP_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    static long senderMac(final DirectBuffer b, final int offset)
    {
        return Ethernet.getMac(b, offset + SENDER_MAC_OFFSET);
    }

    static int senderIp(final DirectBuffer b, final int offset)
    {
        return b.getInt(offset + SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    static int targetIp(final DirectBuffer b, final int offset)
    {
        return b.getInt(offset + TARGET_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Writes a broadcast who-has request, Ethernet header included, padded to {@link #MIN_FRAME}.
     *
     * @return the frame's length.
     */
    static int writeRequest(
        final MutableDirectBuffer frame, final int offset, final long ourMac, final int ourIp, final int targetIp)
    {
        Ethernet.write(frame, offset, Ethernet.BROADCAST, ourMac, Ethernet.TYPE_ARP);
        final int a = offset + Ethernet.HEADER_LENGTH;
        frame.putShort(a + HTYPE_OFFSET, (short)HTYPE_ETHERNET, ByteOrder.BIG_ENDIAN);
        frame.putShort(a + PTYPE_OFFSET, (short)Ethernet.TYPE_IPV4, ByteOrder.BIG_ENDIAN);
        frame.putByte(a + HLEN_OFFSET, (byte)6);
        frame.putByte(a + PLEN_OFFSET, (byte)4);
        frame.putShort(a + OP_OFFSET, (short)OP_REQUEST, ByteOrder.BIG_ENDIAN);
        Ethernet.putMac(frame, a + SENDER_MAC_OFFSET, ourMac);
        frame.putInt(a + SENDER_IP_OFFSET, ourIp, ByteOrder.BIG_ENDIAN);
        Ethernet.putMac(frame, a + TARGET_MAC_OFFSET, 0);
        frame.putInt(a + TARGET_IP_OFFSET, targetIp, ByteOrder.BIG_ENDIAN);
        final int end = a + LENGTH;
        frame.setMemory(end, offset + MIN_FRAME - end, (byte)0);
        return MIN_FRAME;
    }
}
