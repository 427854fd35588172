/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;

import static io.natcore.track.TcpState.SYN_RECV;
import static io.natcore.track.TcpState.SYN_SENT;
import static io.natcore.track.TcpStateLayout.DIRECTION_LENGTH;
import static io.natcore.track.TcpStateLayout.FLAG_BE_LIBERAL;
import static io.natcore.track.TcpStateLayout.FLAG_DATA_UNACKNOWLEDGED;
import static io.natcore.track.TcpStateLayout.FLAG_MAXACK_SET;
import static io.natcore.track.TcpStateLayout.FLAG_SACK_PERM;
import static io.natcore.track.TcpStateLayout.FLAG_WINDOW_SCALE;
import static io.natcore.track.TcpStateLayout.LAST_ACK_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_END_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_LEN_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_WIN_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_END_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXACK_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXEND_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXWIN_OFFSET;
import static io.natcore.track.TcpStateLayout.getInt;
import static io.natcore.track.TcpStateLayout.getShort;
import static io.natcore.track.TcpStateLayout.putInt;
import static io.natcore.track.TcpStateLayout.putShort;
import static io.natcore.track.TcpTransitions.INDEX_ACK;

/**
 * The kernel's TCP window tracking ({@code tcp_in_window()} and {@code tcp_options()} in
 * {@code nf_conntrack_proto_tcp.c}) over the per-connection area ({@link TcpStateLayout}): one copy, used by both
 * of {@link TcpTracker}'s paths. The general path calls {@link #inWindow}; the fast path ({@link
 * TcpTracker#establishedAck}) calls {@link #windowFault} and {@link #updateWindows} directly, with the BITS word
 * loaded and stored once. Plain accesses: the caller holds the entry's write side.
 */
final class TcpWindow
{
    private static final int DIR_ORIGINAL = 0;
    private static final int DIR_REPLY = 1;
    private static final int MAXACKWINCONST = 66000;

    private TcpWindow()
    {
    }

    /** {@link #inWindow} result: in window (or liberal), the windows updated as the kernel does. */
    static final int WINDOW_ACCEPT = 0;
    /** {@link #inWindow} result: let through, nothing updated, the connection not refreshed. */
    static final int WINDOW_IGNORE = 1;
    /** {@link #inWindow} result: INVALID. */
    static final int WINDOW_INVALID = 2;

    /**
     * Kernel {@code tcp_in_window()}: set up a side not seen yet (or restarted by a SYN), check the segment against
     * both sides' windows ({@link #windowFault}), then {@link #updateWindows}. {@code out.reason} says why on a
     * result other than {@link #WINDOW_ACCEPT}.
     *
     * @param beLiberal {@code nf_conntrack_tcp_be_liberal}.
     * @return {@link #WINDOW_ACCEPT}, {@link #WINDOW_IGNORE} or {@link #WINDOW_INVALID}.
     */
    static int inWindow(
        final boolean beLiberal,
        final MutableDirectBuffer state,
        final int base,
        final int currentState,
        final TcpSegment seg,
        final int dir,
        final int index,
        final TrackResult out)
    {
        final int sender = base + dir * DIRECTION_LENGTH;
        final int receiver = base + (1 - dir) * DIRECTION_LENGTH;
        final boolean syn = seg.has(TcpSegment.SYN);
        final boolean hasAck = seg.has(TcpSegment.ACK);
        int seq = seg.seq;
        int ack = seg.ack;
        int sack = TcpStateLayout.has(state, base, 1 - dir, FLAG_SACK_PERM) ? seg.sack : seg.ack;
        int end = seg.end();
        int win = seg.window;

        if (getInt(state, sender + TD_MAXWIN_OFFSET) == 0)
        {
            if (syn)
            {
                initSender(state, base, dir, seg, end, win);
                if (!hasAck)
                {
                    return WINDOW_ACCEPT; // simultaneous open
                }
            }
            else
            {
                // Mid-connection: take what the packet tells.
                putInt(state, sender + TD_END_OFFSET, end);
                final int swin = win << TcpStateLayout.scale(state, base, dir);
                final int maxwin = swin == 0 ? 1 : swin;
                putInt(state, sender + TD_MAXWIN_OFFSET, maxwin);
                putInt(state, sender + TD_MAXEND_OFFSET, end + maxwin);
                if (getInt(state, receiver + TD_MAXWIN_OFFSET) == 0)
                {
                    putInt(state, receiver + TD_END_OFFSET, sack);
                    putInt(state, receiver + TD_MAXEND_OFFSET, sack);
                }
                else if (sack == getInt(state, receiver + TD_END_OFFSET) + 1)
                {
                    putInt(state, receiver + TD_END_OFFSET, sack); // reply to a keepalive
                }
            }
        }
        else if (syn && after(end, getInt(state, sender + TD_END_OFFSET)) &&
            (currentState == SYN_SENT || currentState == SYN_RECV))
        {
            // Re-initialised SYN (or SYN/ACK) with a higher sequence: start this side over.
            initSender(state, base, dir, seg, end, win);
            if (dir == DIR_REPLY && !hasAck)
            {
                return WINDOW_ACCEPT;
            }
        }

        if (!hasAck)
        {
            ack = sack = getInt(state, receiver + TD_END_OFFSET);
        }
        else if ((seg.flags & (TcpSegment.ACK | TcpSegment.RST)) == (TcpSegment.ACK | TcpSegment.RST) && ack == 0)
        {
            ack = sack = getInt(state, receiver + TD_END_OFFSET); // broken stacks: RST+ACK with ack 0
        }

        if (seg.has(TcpSegment.RST) && seq == 0 && currentState == SYN_SENT)
        {
            seq = end = getInt(state, sender + TD_END_OFFSET); // RST answering a SYN
        }

        final int senderEnd = getInt(state, sender + TD_END_OFFSET);
        final int senderMaxend = getInt(state, sender + TD_MAXEND_OFFSET);
        final int senderMaxwin = getInt(state, sender + TD_MAXWIN_OFFSET);
        final int receiverEnd = getInt(state, receiver + TD_END_OFFSET);
        final int receiverMaxwin = getInt(state, receiver + TD_MAXWIN_OFFSET);
        final int fault = windowFault(seq, sack, end, senderEnd, senderMaxend, senderMaxwin, receiverEnd, receiverMaxwin);
        if (fault != TrackReason.NONE)
        {
            final boolean liberal = beLiberal || TcpStateLayout.has(state, base, dir, FLAG_BE_LIBERAL);
            if (fault == TrackReason.TCP_SEQ_OVER)
            {
                final int overshot = end - senderMaxend + 1;
                final boolean ackOk = after(sack, receiverEnd - maxAckWindow(senderMaxwin) - 1);
                final boolean inRecvWin = receiverMaxwin != 0 && after(end, senderEnd - receiverMaxwin - 1);
                if (inRecvWin && ackOk && Integer.compareUnsigned(overshot, receiverMaxwin) <= 0 &&
                    before(sack, receiverEnd + 1))
                {
                    // Sender exceeded the window but is otherwise sane: track its data so the ACK fits.
                    putInt(state, sender + TD_END_OFFSET, end);
                    TcpStateLayout.flags(state, base, dir, TcpStateLayout.flags(state, base, dir) | FLAG_DATA_UNACKNOWLEDGED);
                    return storeInvalid(liberal, WINDOW_IGNORE, TrackReason.TCP_OVERSHOT, out);
                }
            }
            final boolean over = fault == TrackReason.TCP_SEQ_OVER || fault == TrackReason.TCP_ACK_OVER;
            return storeInvalid(liberal, over ? WINDOW_INVALID : WINDOW_IGNORE, fault, out);
        }
        final int bits = TcpStateLayout.bits(state, base);
        final int newBits = updateWindows(state, base, bits, dir, index, hasAck, seq, ack, sack, end,
            syn ? win : win << TcpStateLayout.scaleOf(bits, dir), win);
        if (newBits != bits)
        {
            TcpStateLayout.bits(state, base, newBits);
        }
        return WINDOW_ACCEPT;
    }

    /**
     * Kernel {@code tcp_in_window()}'s four checks, in its order, on the values they read: the sequence not past
     * what the receiver allows, the ack not past what the receiver sent, the segment not entirely below the
     * receiver's window, the ack not too far behind.
     *
     * @return {@link TrackReason#NONE} when in window, else {@link TrackReason#TCP_SEQ_OVER},
     *     {@link TrackReason#TCP_ACK_OVER}, {@link TrackReason#TCP_SEQ_UNDER} or {@link TrackReason#TCP_ACK_UNDER}.
     */
    static int windowFault(
        final int seq,
        final int sack,
        final int end,
        final int senderEnd,
        final int senderMaxend,
        final int senderMaxwin,
        final int receiverEnd,
        final int receiverMaxwin)
    {
        if (!before(seq, senderMaxend + 1))
        {
            return TrackReason.TCP_SEQ_OVER;
        }
        if (!before(sack, receiverEnd + 1))
        {
            return TrackReason.TCP_ACK_OVER;
        }
        if (!(receiverMaxwin == 0 || after(end, senderEnd - receiverMaxwin - 1)))
        {
            return TrackReason.TCP_SEQ_UNDER;
        }
        if (!after(sack, receiverEnd - maxAckWindow(senderMaxwin) - 1))
        {
            return TrackReason.TCP_ACK_UNDER;
        }
        return TrackReason.NONE;
    }

    /** How far behind the receiver's end an ack may be: the sender's largest window, at least MAXACKWINCONST. */
    private static int maxAckWindow(final int senderMaxwin)
    {
        return Integer.compareUnsigned(senderMaxwin, MAXACKWINCONST) > 0 ? senderMaxwin : MAXACKWINCONST;
    }

    // Kernel nf_tcp_store_invalid(): liberal senders pass a failed check as a plain accept, without
    // the window update that in-window packets get.
    private static int storeInvalid(final boolean liberal, final int verdict, final int reason, final TrackResult out)
    {
        if (liberal)
        {
            return WINDOW_ACCEPT;
        }
        out.reason = reason;
        return verdict;
    }

    /**
     * Kernel {@code tcp_in_window()} after the checks passed: widen the windows, advance the ends, note the max ack,
     * the unacknowledged data and (for an ACK) the retransmission count. One copy for both paths: the BITS word is
     * passed in and the updated word returned, so the caller stores it once.
     *
     * @param win       the segment's window, scaled (a SYN's is not).
     * @param rawWindow the window as carried (last_win).
     * @return the updated BITS word (not yet stored).
     */
    static int updateWindows(
        final MutableDirectBuffer state,
        final int base,
        final int bits,
        final int dir,
        final int index,
        final boolean hasAck,
        final int seq,
        final int ack,
        final int sack,
        final int end,
        final int win,
        final int rawWindow)
    {
        final int sender = base + dir * DIRECTION_LENGTH;
        final int receiver = base + (1 - dir) * DIRECTION_LENGTH;
        int newBits = bits;
        final int swin = win + (sack - ack);
        if (Integer.compareUnsigned(getInt(state, sender + TD_MAXWIN_OFFSET), swin) < 0)
        {
            putInt(state, sender + TD_MAXWIN_OFFSET, swin);
        }
        if (after(end, getInt(state, sender + TD_END_OFFSET)))
        {
            putInt(state, sender + TD_END_OFFSET, end);
            newBits |= TcpStateLayout.flagBit(dir, FLAG_DATA_UNACKNOWLEDGED);
        }
        if (hasAck)
        {
            final int maxAckBit = TcpStateLayout.flagBit(dir, FLAG_MAXACK_SET);
            if ((newBits & maxAckBit) == 0)
            {
                putInt(state, sender + TD_MAXACK_OFFSET, ack);
                newBits |= maxAckBit;
            }
            else if (after(ack, getInt(state, sender + TD_MAXACK_OFFSET)))
            {
                putInt(state, sender + TD_MAXACK_OFFSET, ack);
            }
        }
        final int receiverMaxwin = getInt(state, receiver + TD_MAXWIN_OFFSET);
        final int senderMaxend = getInt(state, sender + TD_MAXEND_OFFSET);
        if (receiverMaxwin != 0 && after(end, senderMaxend))
        {
            putInt(state, receiver + TD_MAXWIN_OFFSET, receiverMaxwin + (end - senderMaxend));
        }
        if (after(sack + win, getInt(state, receiver + TD_MAXEND_OFFSET) - 1))
        {
            putInt(state, receiver + TD_MAXEND_OFFSET, sack + win + (win == 0 ? 1 : 0));
        }
        if (ack == getInt(state, receiver + TD_END_OFFSET))
        {
            newBits &= ~TcpStateLayout.flagBit(1 - dir, FLAG_DATA_UNACKNOWLEDGED);
        }
        if (index == INDEX_ACK)
        {
            // last_seq == seq and last_end == end, with last_seq kept as last_end - last_len
            final int len = end - seq;
            if (TcpStateLayout.lastDirOf(bits) == dir &&
                getInt(state, base + LAST_END_OFFSET) == end &&
                (len & ~0xFFFF) == 0 && getShort(state, base + LAST_LEN_OFFSET) == len &&
                getInt(state, base + LAST_ACK_OFFSET) == ack &&
                getShort(state, base + LAST_WIN_OFFSET) == rawWindow)
            {
                newBits = TcpStateLayout.withRetrans(newBits, TcpStateLayout.retransOf(newBits) + 1);
            }
            else
            {
                putShort(state, base + LAST_LEN_OFFSET, len);
                putInt(state, base + LAST_ACK_OFFSET, ack);
                putInt(state, base + LAST_END_OFFSET, end);
                putShort(state, base + LAST_WIN_OFFSET, rawWindow);
                newBits = TcpStateLayout.withRetrans(newBits, 0);
            }
        }
        return newBits;
    }

    private static void initSender(
        final MutableDirectBuffer state, final int base, final int dir, final TcpSegment seg, final int end, final int win)
    {
        final int sender = base + dir * DIRECTION_LENGTH;
        putInt(state, sender + TD_END_OFFSET, end);
        putInt(state, sender + TD_MAXEND_OFFSET, end);
        putInt(state, sender + TD_MAXWIN_OFFSET, win == 0 ? 1 : win);
        applyOptions(state, base, dir, seg);
        // RFC 1323: scaling only when both sides offered it; decided when the reply side answers.
        if (dir == DIR_REPLY &&
            !((TcpStateLayout.flags(state, base, dir) & FLAG_WINDOW_SCALE) != 0 && (TcpStateLayout.flags(state, base, 1 - dir) & FLAG_WINDOW_SCALE) != 0))
        {
            TcpStateLayout.scale(state, base, dir, 0);
            TcpStateLayout.scale(state, base, 1 - dir, 0);
        }
    }

    /** Kernel tcp_options(): with options present, reset scale and flags (but BE_LIBERAL) then apply. */
    static void applyOptions(final MutableDirectBuffer state, final int base, final int dir, final TcpSegment seg)
    {
        if (seg.optionsLength == 0)
        {
            return;
        }
        int flags = TcpStateLayout.flags(state, base, dir) & FLAG_BE_LIBERAL;
        int scale = 0;
        if (seg.sackPermitted)
        {
            flags |= FLAG_SACK_PERM;
        }
        if (seg.windowScale >= 0)
        {
            scale = seg.windowScale;
            flags |= FLAG_WINDOW_SCALE;
        }
        TcpStateLayout.flags(state, base, dir, flags);
        TcpStateLayout.scale(state, base, dir, scale);
    }

    /** Sequence-space comparison: a before b (kernel {@code before()}). */
    static boolean before(final int a, final int b)
    {
        return a - b < 0;
    }

    /** Sequence-space comparison: a after b (kernel {@code after()}). */
    static boolean after(final int a, final int b)
    {
        return b - a < 0;
    }
}
