/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import java.nio.ByteOrder;

/**
 * Layout of the per-connection TCP tracking state {@link TcpTracker} keeps inside the engine's
 * entry (the kernel's {@code struct ip_ct_tcp}). {@link #LENGTH} bytes from a base offset, big
 * endian, written only by the thread that holds the entry's write side (plain accesses).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 ORIGINAL td_end (highest seq+len sent)        |  0
 *  +---------------------------------------------------------------+
 *  |                 ORIGINAL td_maxend (highest ack+win seen)     |  4
 *  +---------------------------------------------------------------+
 *  |                 ORIGINAL td_maxwin (largest window)           |  8
 *  +---------------------------------------------------------------+
 *  |                 ORIGINAL td_maxack (highest ack sent)         | 12
 *  +---------------------------------------------------------------+
 *  |                 REPLY td_end, td_maxend, td_maxwin, td_maxack | 16..31
 *  +---------------------------------------------------------------+
 *  |                 last_seq                                      | 32
 *  +---------------------------------------------------------------+
 *  |                 last_ack                                      | 36
 *  +---------------------------------------------------------------+
 *  |                 last_end                                      | 40
 *  +-------------------------------+---------------+---------------+
 *  |           last_win            |     state     |   last_dir    | 44
 *  +---------------+---------------+---------------+---------------+
 *  |  last_index   |   retrans     |  last_wscale  |  last_flags   | 48
 *  +---------------+---------------+---------------+---------------+
 *  |  ORIG scale   |  ORIG flags   |  REPLY scale  |  REPLY flags  | 52
 *  +---------------+---------------+---------------+---------------+
 * </pre>
 *
 * Per-direction flags are the kernel's {@code IP_CT_TCP_FLAG_*} bits ({@link #FLAG_WINDOW_SCALE} ...).
 * An all-zero area is the NONE state; {@link TcpTracker#newConnection} initialises it.
 */
public final class TcpStateLayout
{
    public static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    /** Size of one direction's block of four ints. */
    public static final int DIRECTION_LENGTH = 16;
    public static final int TD_END_OFFSET = 0;
    public static final int TD_MAXEND_OFFSET = 4;
    public static final int TD_MAXWIN_OFFSET = 8;
    public static final int TD_MAXACK_OFFSET = 12;
    public static final int LAST_SEQ_OFFSET = 32;
    public static final int LAST_ACK_OFFSET = 36;
    public static final int LAST_END_OFFSET = 40;
    public static final int LAST_WIN_OFFSET = 44;
    public static final int STATE_OFFSET = 46;
    public static final int LAST_DIR_OFFSET = 47;
    public static final int LAST_INDEX_OFFSET = 48;
    public static final int RETRANS_OFFSET = 49;
    public static final int LAST_WSCALE_OFFSET = 50;
    public static final int LAST_FLAGS_OFFSET = 51;
    /** Window scale of direction d is at {@code SCALE_OFFSET + 2 * d}. */
    public static final int SCALE_OFFSET = 52;
    /** Flags of direction d are at {@code FLAGS_OFFSET + 2 * d}. */
    public static final int FLAGS_OFFSET = 53;
    /** Total bytes, a multiple of 8. */
    public static final int LENGTH = 56;

    /** Both sides sent the window scale option. */
    public static final int FLAG_WINDOW_SCALE = 0x01;
    /** SACK permitted by this side. */
    public static final int FLAG_SACK_PERM = 0x02;
    /** This side sent the first FIN. */
    public static final int FLAG_CLOSE_INIT = 0x04;
    /** Window checks disabled for this side (picked-up connection). */
    public static final int FLAG_BE_LIBERAL = 0x08;
    /** This side has data the other side has not acknowledged yet. */
    public static final int FLAG_DATA_UNACKNOWLEDGED = 0x10;
    /** td_maxack is valid. */
    public static final int FLAG_MAXACK_SET = 0x20;
    /** last_flags: a challenge ACK may answer the SYN we let through in LAST_ACK. */
    public static final int FLAG_EXP_CHALLENGE_ACK = 0x40;
    /** last_flags: simultaneous open seen. */
    public static final int FLAG_SIMULTANEOUS_OPEN = 0x80;

    private TcpStateLayout()
    {
    }

    /**
     * @param direction 0 original, 1 reply.
     * @return offset of that direction's td_end, relative to the base.
     */
    public static int directionOffset(final int direction)
    {
        return direction * DIRECTION_LENGTH;
    }
}
