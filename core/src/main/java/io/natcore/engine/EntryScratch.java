/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.table.FlowTable;

/**
 * How the engine uses an entry's 48-byte protocol scratch record in the flow table
 * ({@code FlowEntryLayout.SCRATCH_OFFSET}), written under the entry's write lock:
 * <pre>
 *   TCP:   the TCP tracker's area (TcpStateLayout, 48 bytes)
 *   UDP:   the UDP tracker's area (8 bytes: stream timestamp)
 *   ICMP:  0                   1                   2                   3
 *          0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *         +---------------+---------------+-------------------------------+
 *         |  ICMP type    |  ICMP code    |          unused               |  0
 *         +---------------+---------------+-------------------------------+
 *          (type and code of the query that opened the connection)
 *   other: unused
 * </pre>
 */
final class EntryScratch
{
    /** ICMP type of the connection's first packet (ICMP entries only). */
    static final int ICMP_TYPE_OFFSET = 0;
    /** ICMP code of the connection's first packet (ICMP entries only). */
    static final int ICMP_CODE_OFFSET = 1;

    private EntryScratch()
    {
    }

    static int icmpType(final FlowTable table, final int entry, final int proto)
    {
        return proto == IpProtocol.ICMP ?
            table.scratchBuffer().getByte(table.scratchOffset(entry) + ICMP_TYPE_OFFSET) & 0xFF : 0;
    }

    static int icmpCode(final FlowTable table, final int entry, final int proto)
    {
        return proto == IpProtocol.ICMP ?
            table.scratchBuffer().getByte(table.scratchOffset(entry) + ICMP_CODE_OFFSET) & 0xFF : 0;
    }
}
