/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Off-heap layout of one connection: a 64-byte hot line (everything a packet of either direction reads, on one
 * cache line) and a 96-byte cold record (counters, identity, protocol scratch). Native byte order: these are
 * numeric fields, never wire bytes, and the atomic operations (CAS, acquire/release) are native-order.
 * <p>
 * Hot line, entry {@code e} at {@code e * HOT_LENGTH} in the hot region (64-byte aligned):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     SEQ (seqlock, odd = locked)               |  0
 *  +---------------------------------------------------------------+
 *  |                     STATUS (FlowStatus bits)                  |  4
 *  +---------------------------------------------------------------+
 *  |                     DEADLINE (nanos, long)                    |  8
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                ORIGINAL key k0, k1 (2 longs)                  | 16
 *  +                         ...                                   +
 *  +---------------------------------------------------------------+
 *  |                  REPLY key k0, k1 (2 longs)                   | 32
 *  +                         ...                                   +
 *  +-------------------------------+-------------------------------+
 *  |  ORIG IP csum delta (16)      |  ORIG L4 csum delta (16)      | 48
 *  +-------------------------------+-------------------------------+
 *  |  REPLY IP csum delta (16)     |  REPLY L4 csum delta (16)     | 52
 *  +-------------------------------+-------------------------------+
 *  |  ORIG egress ifindex (u16)    |  REPLY egress ifindex (u16)   | 56
 *  +---------------+---------------+---------------+---------------+
 *  |  ORIG ops     |  REPLY ops    |  STATE        |  reserved     | 60
 *  +---------------+---------------+---------------+---------------+
 * </pre>
 * There is no stored rewrite tuple: as in Linux NAT, a packet of one direction is rewritten to the inverse of the
 * other direction's tuple, and both tuples are on this line. So the new source of the original direction is the
 * reply tuple's destination, and so on ({@code FlowTable.newSrcIp(entry, dir)}). Both directions' match key,
 * rewrite target, checksum deltas, egress, ops and the shared state word and deadline cost one cache line.
 * <p>
 * Cold record, entry {@code e} at {@code e * COLD_LENGTH} in the cold region:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  ORIG packets (long)                                          |  0
 *  |  ORIG bytes (long)                                            |  8
 *  |  REPLY packets (long)                                         | 16
 *  |  REPLY bytes (long)                                           | 24
 *  |  CREATED (nanos, long)                                        | 32
 *  +-------------------------------+-------------------------------+
 *  |  CT_ID (int)                  |  MARK (int)                   | 40
 *  +-------------------------------+-------------------------------+
 *  |  SCRATCH: 48 bytes owned by the protocol tracker              | 48
 *  |  (TCP window tracking: per direction td_end, td_maxend,       |
 *  |   td_maxwin, td_scale, flags; last_dir/seq/ack/end/win, ...)  |
 *  +---------------------------------------------------------------+ 96
 * </pre>
 * Nothing on the packet path waits for a counter: {@code addCountersPlain} reads each counter only to add to it and
 * store it back, and no later load of the packet depends on that value, so the counters' miss overlaps the packet's
 * other work, which is why they may live in the cold record.
 */
public final class FlowEntryLayout
{
    /** Bytes of the hot line per entry. */
    public static final int HOT_LENGTH = 64;
    /** log2 of {@link #HOT_LENGTH}. */
    public static final int HOT_SHIFT = 6;
    /** Bytes of the cold record per entry. */
    public static final int COLD_LENGTH = 96;

    /** Seqlock word: even = stable, odd = a writer holds the entry. */
    public static final int SEQ_OFFSET = 0;
    /** Status flags ({@link FlowStatus}). */
    public static final int STATUS_OFFSET = 4;
    /** Deadline in nanos (same clock as the caller's {@code now}). */
    public static final int DEADLINE_OFFSET = 8;
    /** Original direction key, k0 then k1. Direction d's key is at {@code KEY_OFFSET + d * KEY_LENGTH}. */
    public static final int KEY_OFFSET = 16;
    /** Bytes of one key. */
    public static final int KEY_LENGTH = 16;
    /** IP header checksum delta of the original direction; direction d at {@code + d * 4}. */
    public static final int IP_DELTA_OFFSET = 48;
    /** L4 checksum delta of the original direction; direction d at {@code + d * 4}. */
    public static final int L4_DELTA_OFFSET = 50;
    /** Stride between the directions' delta pairs. */
    public static final int DELTA_STRIDE = 4;
    /** Egress ifindex (u16, 0xFFFF = none) of the original direction; direction d at {@code + d * 2}. */
    public static final int EGRESS_OFFSET = 56;
    /** Ops bitmask of the original direction; direction d at {@code + d}. */
    public static final int OPS_OFFSET = 60;
    /** Protocol state byte (owned by the tracker). */
    public static final int STATE_OFFSET = 62;
    /** Reserved byte. */
    public static final int RESERVED_OFFSET = 63;

    /** Packets of the original direction (cold); direction d at {@code + d * 16}. */
    public static final int PACKETS_OFFSET = 0;
    /** Bytes of the original direction (cold); direction d at {@code + d * 16}. */
    public static final int BYTES_OFFSET = 8;
    /** Stride between the directions' counters. */
    public static final int COUNTER_STRIDE = 16;
    /** Creation time in nanos (cold). */
    public static final int CREATED_OFFSET = 32;
    /** Conntrack id (cold). */
    public static final int CT_ID_OFFSET = 40;
    /** Connection mark (cold). */
    public static final int MARK_OFFSET = 44;
    /** Start of the protocol scratch area (cold). */
    public static final int SCRATCH_OFFSET = 48;
    /** Bytes of the protocol scratch area. */
    public static final int SCRATCH_LENGTH = 48;

    /**
     * Slot bytes in the index: {@code tag | ref+1} in one int, 0 = empty; ref+1 takes the low
     * {@code 32 - numberOfLeadingZeros(2 * capacity)} bits, the tag (top bits of the hash's high half) the rest.
     */
    public static final int SLOT_LENGTH = 4;

    private FlowEntryLayout()
    {
    }

    /** Offset of entry {@code e}'s hot line in the hot region. */
    public static int hotOffset(final int e)
    {
        return e << HOT_SHIFT;
    }

    /** Offset of entry {@code e}'s cold record in the cold region. */
    public static int coldOffset(final int e)
    {
        return e * COLD_LENGTH;
    }

    /** Offset of direction {@code dir}'s k0 within a hot line. */
    public static int keyOffset(final int dir)
    {
        return KEY_OFFSET + (dir << 4);
    }
}
