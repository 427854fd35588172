/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * LINUX_SLL pseudo header (link type 113), big-endian, 16 bytes before the packet.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Packet Type          |          ARPHRD Type          |  0
 *  +-------------------------------+-------------------------------+
 *  |        Address Length         |                               |  4
 *  +-------------------------------+                               |
 *  |                  Link-layer Address (8 bytes)                 |
 *  |                               +-------------------------------+
 *  |                               |         Protocol Type         | 12
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class SllHeader
{
    /** Length of the header. */
    public static final int LENGTH = 16;
    /** Offset of the packet type (16 bits). */
    public static final int PACKET_TYPE_OFFSET = 0;
    /** Offset of the ARPHRD type. */
    public static final int ARPHRD_OFFSET = 2;
    /** Offset of the address length. */
    public static final int ADDRESS_LENGTH_OFFSET = 4;
    /** Offset of the link-layer address. */
    public static final int ADDRESS_OFFSET = 6;
    /** Offset of the ethertype of the payload. */
    public static final int PROTOCOL_OFFSET = 14;

    private SllHeader()
    {
    }
}
