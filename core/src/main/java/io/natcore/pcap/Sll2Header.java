/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * LINUX_SLL2 pseudo header (link type 276), big-endian, 20 bytes before the packet.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |         Protocol Type         |           Reserved            |  0
 *  +-------------------------------+-------------------------------+
 *  |                        Interface Index                        |  4
 *  +-------------------------------+---------------+---------------+
 *  |          ARPHRD Type          |  Packet Type  | Address Length|  8
 *  +-------------------------------+---------------+---------------+
 *  |                  Link-layer Address (8 bytes)                 | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Packet type 4 (PACKET_OUTGOING) is a packet the capturing host sent.
 */
public final class Sll2Header
{
    /** Length of the header. */
    public static final int LENGTH = 20;
    /** Offset of the ethertype of the payload. */
    public static final int PROTOCOL_OFFSET = 0;
    /** Offset of the reserved field. */
    public static final int RESERVED_OFFSET = 2;
    /** Offset of the interface index. */
    public static final int IFINDEX_OFFSET = 4;
    /** Offset of the ARPHRD type. */
    public static final int ARPHRD_OFFSET = 8;
    /** Offset of the packet type. */
    public static final int PACKET_TYPE_OFFSET = 10;
    /** Offset of the address length. */
    public static final int ADDRESS_LENGTH_OFFSET = 11;
    /** Offset of the link-layer address. */
    public static final int ADDRESS_OFFSET = 12;

    /** Packet type: addressed to the host. */
    public static final int PACKET_HOST = 0;
    /** Packet type: sent by the host. */
    public static final int PACKET_OUTGOING = 4;
    /** ARPHRD_ETHER. */
    public static final int ARPHRD_ETHER = 1;

    private Sll2Header()
    {
    }
}
