/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

/**
 * Layout of a TPACKET_V2 ring frame ({@code struct tpacket2_hdr}, {@code <linux/if_packet.h>}) and its status
 * protocol. A frame starts with this 32-byte header; an RX frame's packet starts at {@link #MAC_OFFSET}'s value, a
 * TX frame's packet at {@link #TX_DATA_OFFSET}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      tp_status (owner bits)                   |  0
 *  +---------------------------------------------------------------+
 *  |                      tp_len (bytes on the wire)               |  4
 *  +---------------------------------------------------------------+
 *  |                      tp_snaplen (bytes in the frame)          |  8
 *  +-------------------------------+-------------------------------+
 *  |      tp_mac (link header)     |     tp_net (network header)   | 12
 *  +-------------------------------+-------------------------------+
 *  |                      tp_sec                                   | 16
 *  +---------------------------------------------------------------+
 *  |                      tp_nsec                                  | 20
 *  +-------------------------------+-------------------------------+
 *  |          tp_vlan_tci          |          tp_vlan_tpid         | 24
 *  +-------------------------------+-------------------------------+
 *  |                      padding                                  | 28
 *  +---------------------------------------------------------------+
 *  |  struct sockaddr_ll (RX: family, protocol, ifindex, hatype,   | 32
 *  |  pkttype at 42, halen, addr)                                  |
 * </pre>
 * Ownership: the kernel hands an RX frame over by setting {@link #TP_STATUS_USER}; the user hands it back by
 * writing {@link #TP_STATUS_KERNEL} (release). A TX frame is free when its status is
 * {@link #TP_STATUS_AVAILABLE}; the user fills it and writes {@link #TP_STATUS_SEND_REQUEST} (release), then
 * {@code send()} makes the kernel transmit every requested frame.
 */
final class Tpacket2
{
    static final int STATUS_OFFSET = 0;
    static final int LEN_OFFSET = 4;
    static final int SNAPLEN_OFFSET = 8;
    static final int MAC_OFFSET = 12;
    static final int NET_OFFSET = 14;
    /** {@code TPACKET_ALIGN(sizeof(struct tpacket2_hdr))}: where the RX frame's {@code sockaddr_ll} starts. */
    static final int HEADER_LENGTH = 32;
    /** {@code sockaddr_ll.sll_pkttype} inside an RX frame. */
    static final int PKTTYPE_OFFSET = HEADER_LENGTH + 10;
    /** {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)}: a TX frame's packet (no PACKET_TX_HAS_OFF). */
    static final int TX_DATA_OFFSET = HEADER_LENGTH;

    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_LOSING = 1 << 2;
    /** The packet's L4 checksum is partial (offload on a local sender): it must be completed before use. */
    static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    static final int TP_STATUS_AVAILABLE = 0;
    static final int TP_STATUS_SEND_REQUEST = 1;
    static final int TP_STATUS_SENDING = 2;
    static final int TP_STATUS_WRONG_FORMAT = 4;

    /** {@code sll_pkttype}: addressed to this host. */
    static final int PACKET_HOST = 0;
    static final int PACKET_BROADCAST = 1;

    private Tpacket2()
    {
    }
}
