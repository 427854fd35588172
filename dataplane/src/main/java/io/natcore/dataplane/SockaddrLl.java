/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code struct sockaddr_ll} (linux/if_packet.h) as a packet socket's {@code bind(2)} takes it: family, protocol,
 * interface; the hardware fields stay zero.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |   sll_family (AF_PACKET)      |  sll_protocol (network order) |  0
 *  +-------------------------------+-------------------------------+
 *  |                          sll_ifindex                          |  4
 *  +-------------------------------+---------------+---------------+
 *  |   sll_hatype                  | sll_pkttype   | sll_halen     |  8
 *  +-------------------------------+---------------+---------------+
 *  |                     sll_addr (8 bytes)                        | 12
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SockaddrLl
{
    static final int FAMILY_OFFSET = 0;
    static final int PROTOCOL_OFFSET = 2;
    static final int IFINDEX_OFFSET = 4;
    /** {@code sizeof(struct sockaddr_ll)}. */
    static final int LENGTH = 20;

    private SockaddrLl()
    {
    }

    /**
     * Binds packet socket {@code fd} to an interface, writing the address into {@code scratch} (direct, at least
     * {@link #LENGTH} bytes, at offset 0).
     *
     * @param protocolBe the protocol in network byte order ({@link LibC#ETH_P_ALL_BE}), 0 to receive nothing.
     * @return bind's result: 0, or -1 with errno set.
     */
    static int bind(final int fd, final UnsafeBuffer scratch, final int protocolBe, final int ifIndex)
    {
        scratch.setMemory(0, LENGTH, (byte)0);
        scratch.putShort(FAMILY_OFFSET, (short)LibC.AF_PACKET);
        scratch.putShort(PROTOCOL_OFFSET, (short)protocolBe);
        scratch.putInt(IFINDEX_OFFSET, ifIndex);
        return LibC.bind(fd, scratch.addressOffset(), LENGTH);
    }
}
