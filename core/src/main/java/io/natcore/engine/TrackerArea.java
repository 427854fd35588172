/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Per-connection protocol state kept by the engine beside the flow table, indexed by the table's entry number:
 * the tracker's area (the TCP tracker needs 56 bytes, more than the table's scratch record holds) plus the ICMP
 * type and code of the original direction. Guarded by the entry's write lock in the table.
 * <pre>
 *   entry e at e * 64:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          TRACKER area (TcpStateLayout / UdpTracker), 56 bytes |  0
 *  |                              ...                              |
 *  +---------------+---------------+-------------------------------+
 *  |  ICMP type    |  ICMP code    |          reserved             | 56
 *  +---------------+---------------+-------------------------------+
 *  |                          reserved                             | 60
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class TrackerArea
{
    /** Bytes per entry. */
    static final int LENGTH = 64;
    /** Tracker state at the entry's base. */
    static final int TRACKER_OFFSET = 0;
    /** ICMP type of the connection's first packet. */
    static final int ICMP_TYPE_OFFSET = 56;
    /** ICMP code of the connection's first packet. */
    static final int ICMP_CODE_OFFSET = 57;

    final UnsafeBuffer buffer;

    TrackerArea(final int capacity)
    {
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * LENGTH + BitUtil.CACHE_LINE_LENGTH)
            .alignedSlice(BitUtil.CACHE_LINE_LENGTH));
    }

    /** @return offset of an entry's area. */
    static int base(final int entry)
    {
        return entry * LENGTH;
    }
}
