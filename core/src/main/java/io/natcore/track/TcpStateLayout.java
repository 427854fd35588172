/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of the per-connection TCP tracking data {@link TcpTracker} keeps in the engine's entry
 * scratch area (the kernel's {@code struct ip_ct_tcp} minus the state, which the entry's own state
 * byte holds): {@link #LENGTH} = 48 bytes from a base offset, native byte order like the flow table
 * (numbers, never wire bytes). Written only by the thread holding the entry's write side (plain
 * accesses). An all-zero area is a blank connection.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            ORIGINAL td_end (highest seq + len sent)           |  0
 *  +---------------------------------------------------------------+
 *  |            ORIGINAL td_maxend (highest ack + window seen)     |  4
 *  +---------------------------------------------------------------+
 *  |            ORIGINAL td_maxwin (largest window)                |  8
 *  +---------------------------------------------------------------+
 *  |            ORIGINAL td_maxack (highest ack sent)              | 12
 *  +---------------------------------------------------------------+
 *  |            REPLY td_end, td_maxend, td_maxwin, td_maxack      | 16..31
 *  +---------------------------------------------------------------+
 *  |            last_ack                                           | 32
 *  +---------------------------------------------------------------+
 *  |            last_end                                           | 36
 *  +-------------------------------+-------------------------------+
 *  |            last_win           |   last_len (last_end-last_seq)| 40
 *  +-------------------------------+-------------------------------+
 *  |                         BITS (see below)                      | 44
 *  +---------------------------------------------------------------+
 *
 *  BITS, from bit 0:  0-3 ORIG wscale code | 4-8 ORIG flags | 9-12 REPLY wscale code | 13-17 REPLY flags
 *                     18-21 last_wscale code | 22-24 last_flags | 25 last_dir | 26-28 last_index | 29-31 retrans
 *  wscale code: 0 = no window scale option, 1 + scale otherwise (scale 0..14)
 *  flags (5 bits): SACK_PERM 1, CLOSE_INIT 2, BE_LIBERAL 4, DATA_UNACKNOWLEDGED 8, MAXACK_SET 16
 *  last_flags (3 bits): SACK_PERM 1, EXP_CHALLENGE_ACK 2, SIMULTANEOUS_OPEN 4
 *  retrans saturates at 7 (the kernel's u8 counter is only ever compared with max_retrans, default 3)
 * </pre>
 *
 * The kernel keeps {@code last_seq}; {@code last_len} holds {@code last_end - last_seq} instead
 * (below 2^16 for any IPv4 segment), which is what lets the area fit 48 bytes.
 * {@link TcpTracker} converts to and from the kernel's {@code IP_CT_TCP_FLAG_*} values
 * ({@link #FLAG_WINDOW_SCALE} ...), which is what the accessors here speak.
 */
public final class TcpStateLayout
{
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Size of one direction's block of four ints. */
    public static final int DIRECTION_LENGTH = 16;
    public static final int TD_END_OFFSET = 0;
    public static final int TD_MAXEND_OFFSET = 4;
    public static final int TD_MAXWIN_OFFSET = 8;
    public static final int TD_MAXACK_OFFSET = 12;
    public static final int LAST_ACK_OFFSET = 32;
    public static final int LAST_END_OFFSET = 36;
    public static final int LAST_WIN_OFFSET = 40;
    public static final int LAST_LEN_OFFSET = 42;
    public static final int BITS_OFFSET = 44;
    /** Total bytes. */
    public static final int LENGTH = 48;
    /**
     * Optional state byte just past the area, for callers that keep the {@link TcpState} with it and
     * use the {@link TcpTracker} overloads without a state parameter (they then need
     * {@link #LENGTH_WITH_STATE} bytes). Callers that keep the state in their entry use 48 bytes.
     */
    public static final int STATE_OFFSET = 48;
    /** Bytes needed by callers that keep the state in the area. */
    public static final int LENGTH_WITH_STATE = 49;

    /** Kernel IP_CT_TCP_FLAG_WINDOW_SCALE: this side sent the window scale option. */
    public static final int FLAG_WINDOW_SCALE = 0x01;
    /** Kernel IP_CT_TCP_FLAG_SACK_PERM. */
    public static final int FLAG_SACK_PERM = 0x02;
    /** Kernel IP_CT_TCP_FLAG_CLOSE_INIT: this side sent the first FIN. */
    public static final int FLAG_CLOSE_INIT = 0x04;
    /** Kernel IP_CT_TCP_FLAG_BE_LIBERAL: window checks off for this side (picked-up connection). */
    public static final int FLAG_BE_LIBERAL = 0x08;
    /** Kernel IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED. */
    public static final int FLAG_DATA_UNACKNOWLEDGED = 0x10;
    /** Kernel IP_CT_TCP_FLAG_MAXACK_SET: td_maxack is valid. */
    public static final int FLAG_MAXACK_SET = 0x20;
    /** Kernel IP_CT_EXP_CHALLENGE_ACK (last_flags only). */
    public static final int FLAG_EXP_CHALLENGE_ACK = 0x40;
    /** Kernel IP_CT_TCP_SIMULTANEOUS_OPEN (last_flags only). */
    public static final int FLAG_SIMULTANEOUS_OPEN = 0x80;

    /** Largest value {@link #retrans} holds. */
    public static final int RETRANS_MAX = 7;

    private static final int DIR_BITS_SHIFT = 9;
    private static final int LAST_WSCALE_SHIFT = 18;
    private static final int LAST_FLAGS_SHIFT = 22;
    private static final int LAST_DIR_SHIFT = 25;
    private static final int LAST_INDEX_SHIFT = 26;
    private static final int RETRANS_SHIFT = 29;

    private TcpStateLayout()
    {
    }

    /** @return offset of a direction's block relative to the base. */
    public static int directionOffset(final int direction)
    {
        return direction * DIRECTION_LENGTH;
    }

    public static int bits(final DirectBuffer b, final int base)
    {
        return b.getInt(base + BITS_OFFSET, ORDER);
    }

    static void bits(final MutableDirectBuffer b, final int base, final int value)
    {
        b.putInt(base + BITS_OFFSET, value, ORDER);
    }

    // Word-level views of BITS, for a caller that loads the word once and stores it once.

    /** @return direction {@code dir}'s window scale held in a BITS word (0 when none). */
    static int scaleOf(final int bits, final int dir)
    {
        final int code = (bits >>> (dir * DIR_BITS_SHIFT)) & 0xF;
        return code == 0 ? 0 : code - 1;
    }

    /** @return last_dir of a BITS word. */
    static int lastDirOf(final int bits)
    {
        return (bits >>> LAST_DIR_SHIFT) & 0x1;
    }

    /** @return retrans of a BITS word. */
    static int retransOf(final int bits)
    {
        return (bits >>> RETRANS_SHIFT) & 0x7;
    }

    /** @return the BITS word with retrans set (saturating at {@link #RETRANS_MAX}). */
    static int withRetrans(final int bits, final int retrans)
    {
        return (bits & ~(0x7 << RETRANS_SHIFT)) | (Math.min(retrans, RETRANS_MAX) << RETRANS_SHIFT);
    }

    /** @return the BITS word with last_index and last_dir set. */
    static int withLastIndexAndDir(final int bits, final int index, final int dir)
    {
        return (bits & ~((0x7 << LAST_INDEX_SHIFT) | (0x1 << LAST_DIR_SHIFT))) |
            ((index & 0x7) << LAST_INDEX_SHIFT) | ((dir & 0x1) << LAST_DIR_SHIFT);
    }

    private static int field(final DirectBuffer b, final int base, final int shift, final int mask)
    {
        return (bits(b, base) >>> shift) & mask;
    }

    private static void field(final MutableDirectBuffer b, final int base, final int shift, final int mask, final int v)
    {
        final int old = bits(b, base);
        final int updated = (old & ~(mask << shift)) | ((v & mask) << shift);
        if (updated != old)
        {
            bits(b, base, updated); // most packets re-store what is there: skip the store and its forwarding
        }
    }

    /** @return the kernel-style flags of one direction (WINDOW_SCALE ... MAXACK_SET). */
    public static int flags(final DirectBuffer b, final int base, final int dir)
    {
        final int shift = dir * DIR_BITS_SHIFT;
        final int code = field(b, base, shift, 0xF);
        final int packed = field(b, base, shift + 4, 0x1F);
        return (code != 0 ? FLAG_WINDOW_SCALE : 0) | (packed << 1);
    }

    /** Sets the kernel-style flags of one direction; clearing WINDOW_SCALE also clears the scale. */
    public static void flags(final MutableDirectBuffer b, final int base, final int dir, final int flags)
    {
        final int shift = dir * DIR_BITS_SHIFT;
        final int old = bits(b, base);
        int updated = (old & ~(0x1F << (shift + 4))) | (((flags >>> 1) & 0x1F) << (shift + 4));
        if ((flags & FLAG_WINDOW_SCALE) == 0)
        {
            updated &= ~(0xF << shift);
        }
        else if (((old >>> shift) & 0xF) == 0)
        {
            updated |= 1 << shift;
        }
        if (updated != old)
        {
            bits(b, base, updated); // one read-modify-write of the word, none when nothing changes
        }
    }

    /**
     * @param flag one of FLAG_SACK_PERM ... FLAG_MAXACK_SET (not WINDOW_SCALE).
     * @return true when either direction's flags hold {@code flag} (one load: {@code (flags(0) | flags(1)) & flag}).
     */
    public static boolean eitherDirectionHas(final DirectBuffer b, final int base, final int flag)
    {
        final int packed = (flag >>> 1) & 0x1F;
        return (bits(b, base) & ((packed << 4) | (packed << (DIR_BITS_SHIFT + 4)))) != 0;
    }

    /**
     * @param flag one of FLAG_SACK_PERM ... FLAG_MAXACK_SET (not WINDOW_SCALE).
     * @return true when direction {@code dir}'s flags hold {@code flag} (one load: {@code flags(dir) & flag}).
     */
    public static boolean has(final DirectBuffer b, final int base, final int dir, final int flag)
    {
        return (bits(b, base) & flagBit(dir, flag)) != 0;
    }

    /**
     * Sets or clears one flag of a direction ({@code flags(dir, flags(dir) | flag)} or {@code & ~flag}) with one
     * read-modify-write, none when it already is so.
     *
     * @param flag one of FLAG_SACK_PERM ... FLAG_MAXACK_SET (not WINDOW_SCALE).
     */
    public static void flag(final MutableDirectBuffer b, final int base, final int dir, final int flag, final boolean on)
    {
        final int bit = flagBit(dir, flag);
        final int old = bits(b, base);
        final int updated = on ? old | bit : old & ~bit;
        if (updated != old)
        {
            bits(b, base, updated);
        }
    }

    /** @return the BITS word bit of one direction's flag (FLAG_SACK_PERM ... FLAG_MAXACK_SET). */
    static int flagBit(final int dir, final int flag)
    {
        return ((flag >>> 1) & 0x1F) << (dir * DIR_BITS_SHIFT + 4);
    }

    /** Sets last_index and last_dir with one read-modify-write. */
    public static void lastIndexAndDir(final MutableDirectBuffer b, final int base, final int index, final int dir)
    {
        final int mask = (0x7 << LAST_INDEX_SHIFT) | (0x1 << LAST_DIR_SHIFT);
        final int old = bits(b, base);
        final int updated = (old & ~mask) | ((index & 0x7) << LAST_INDEX_SHIFT) | ((dir & 0x1) << LAST_DIR_SHIFT);
        if (updated != old)
        {
            bits(b, base, updated);
        }
    }

    /** @return the window scale of one direction (0 when none). */
    public static int scale(final DirectBuffer b, final int base, final int dir)
    {
        final int code = field(b, base, dir * DIR_BITS_SHIFT, 0xF);
        return code == 0 ? 0 : code - 1;
    }

    /** Sets the window scale of one direction; without the WINDOW_SCALE flag only 0 can be held. */
    public static void scale(final MutableDirectBuffer b, final int base, final int dir, final int scale)
    {
        final int shift = dir * DIR_BITS_SHIFT;
        if (field(b, base, shift, 0xF) != 0)
        {
            field(b, base, shift, 0xF, Math.min(scale, 14) + 1);
        }
    }

    /** @return scale from the last ignored SYN's options, -1 when it had none. */
    public static int lastWscale(final DirectBuffer b, final int base)
    {
        return field(b, base, LAST_WSCALE_SHIFT, 0xF) - 1;
    }

    public static void lastWscale(final MutableDirectBuffer b, final int base, final int scaleOrMinusOne)
    {
        field(b, base, LAST_WSCALE_SHIFT, 0xF, scaleOrMinusOne < 0 ? 0 : Math.min(scaleOrMinusOne, 14) + 1);
    }

    /** @return kernel-style last_flags (WINDOW_SCALE, SACK_PERM, EXP_CHALLENGE_ACK, SIMULTANEOUS_OPEN). */
    public static int lastFlags(final DirectBuffer b, final int base)
    {
        final int p = field(b, base, LAST_FLAGS_SHIFT, 0x7);
        return (field(b, base, LAST_WSCALE_SHIFT, 0xF) != 0 ? FLAG_WINDOW_SCALE : 0) |
            ((p & 1) != 0 ? FLAG_SACK_PERM : 0) |
            ((p & 2) != 0 ? FLAG_EXP_CHALLENGE_ACK : 0) |
            ((p & 4) != 0 ? FLAG_SIMULTANEOUS_OPEN : 0);
    }

    /** Sets last_flags; WINDOW_SCALE is carried by {@link #lastWscale} and ignored here unless cleared. */
    public static void lastFlags(final MutableDirectBuffer b, final int base, final int flags)
    {
        final int p = ((flags & FLAG_SACK_PERM) != 0 ? 1 : 0) |
            ((flags & FLAG_EXP_CHALLENGE_ACK) != 0 ? 2 : 0) |
            ((flags & FLAG_SIMULTANEOUS_OPEN) != 0 ? 4 : 0);
        field(b, base, LAST_FLAGS_SHIFT, 0x7, p);
        if ((flags & FLAG_WINDOW_SCALE) == 0)
        {
            field(b, base, LAST_WSCALE_SHIFT, 0xF, 0);
        }
    }

    public static int lastDir(final DirectBuffer b, final int base)
    {
        return field(b, base, LAST_DIR_SHIFT, 0x1);
    }

    public static void lastDir(final MutableDirectBuffer b, final int base, final int dir)
    {
        field(b, base, LAST_DIR_SHIFT, 0x1, dir);
    }

    public static int lastIndex(final DirectBuffer b, final int base)
    {
        return field(b, base, LAST_INDEX_SHIFT, 0x7);
    }

    public static void lastIndex(final MutableDirectBuffer b, final int base, final int index)
    {
        field(b, base, LAST_INDEX_SHIFT, 0x7, index);
    }

    public static int retrans(final DirectBuffer b, final int base)
    {
        return field(b, base, RETRANS_SHIFT, 0x7);
    }

    public static void retrans(final MutableDirectBuffer b, final int base, final int retrans)
    {
        field(b, base, RETRANS_SHIFT, 0x7, Math.min(retrans, RETRANS_MAX));
    }

    public static int getInt(final DirectBuffer b, final int index)
    {
        return b.getInt(index, ORDER);
    }

    public static void putInt(final MutableDirectBuffer b, final int index, final int value)
    {
        b.putInt(index, value, ORDER);
    }

    public static int getShort(final DirectBuffer b, final int index)
    {
        return b.getShort(index, ORDER) & 0xFFFF;
    }

    public static void putShort(final MutableDirectBuffer b, final int index, final int value)
    {
        b.putShort(index, (short)value, ORDER);
    }

    /** @return one direction's td_end, td_maxend, td_maxwin or td_maxack (pass the *_OFFSET constant). */
    public static int directionInt(final MutableDirectBuffer b, final int base, final int dir, final int fieldOffset)
    {
        return getInt(b, base + dir * DIRECTION_LENGTH + fieldOffset);
    }
}
