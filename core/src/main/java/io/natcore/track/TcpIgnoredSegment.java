/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;

import static io.natcore.track.TcpState.LAST_ACK;
import static io.natcore.track.TcpState.SYN_SENT;
import static io.natcore.track.TcpStateLayout.DIRECTION_LENGTH;
import static io.natcore.track.TcpStateLayout.FLAG_BE_LIBERAL;
import static io.natcore.track.TcpStateLayout.FLAG_EXP_CHALLENGE_ACK;
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
import static io.natcore.track.TcpTransitions.INDEX_ACK;
import static io.natcore.track.TcpTransitions.INDEX_SYN;

/**
 * Segments the TCP tracker ignores ({@code nf_conntrack_proto_tcp.c}'s sIG handling): what it remembers of them and
 * the resynchronisation when the peer answers one. Static; the caller holds the entry's write side.
 */
final class TcpIgnoredSegment
{
    private static final int DIR_ORIGINAL = 0;
    private static final int DIR_REPLY = 1;

    private TcpIgnoredSegment()
    {
    }

    /**
     * The segment is ignored (table sIG, or a SYN on a connection the table keeps): remember it as the last one seen,
     * a SYN's options in case the server answers it ({@link #resync}), and accept it without refresh or change.
     *
     * @return {@code out.verdict}.
     */
    static int ignore(
        final MutableDirectBuffer state,
        final int base,
        final TcpSegment seg,
        final int dir,
        final int index,
        final int oldState,
        final TrackResult out)
    {
        TcpStateLayout.lastIndex(state, base, index);
        TcpStateLayout.lastDir(state, base, dir);
        final int end = seg.end();
        TcpStateLayout.putInt(state, base + LAST_END_OFFSET, end);
        TcpStateLayout.putShort(state, base + LAST_LEN_OFFSET, end - seg.seq);
        TcpStateLayout.putShort(state, base + LAST_WIN_OFFSET, seg.window);
        if (index == INDEX_SYN && dir == DIR_ORIGINAL)
        {
            // Remember the SYN's options in case the server answers it (see resyncFromIgnoredSyn).
            int lastFlags = 0;
            int lastScale = -1;
            if (seg.optionsLength > 0)
            {
                if (seg.windowScale >= 0)
                {
                    lastFlags |= FLAG_WINDOW_SCALE;
                    lastScale = seg.windowScale;
                }
                if (seg.sackPermitted)
                {
                    lastFlags |= FLAG_SACK_PERM;
                }
            }
            if (oldState == LAST_ACK)
            {
                lastFlags |= FLAG_EXP_CHALLENGE_ACK;
            }
            TcpStateLayout.lastWscale(state, base, lastScale);
            TcpStateLayout.lastFlags(state, base, lastFlags);
        }
        if (oldState == SYN_SENT && index == INDEX_ACK && dir == DIR_REPLY)
        {
            TcpStateLayout.putInt(state, base + LAST_ACK_OFFSET, seg.ack); // possible challenge ACK to our SYN
        }
        out.reason = TrackReason.TCP_IGNORED;
        return out.verdict;
    }

    /**
     * A SYN/ACK answered a SYN the tracker ignored: take the ignored SYN's sequence, window and options as the
     * sender's, and reset the other direction (kernel: client and server are in sync, conntrack is not).
     */
    static void resync(final MutableDirectBuffer state, final int base, final int dir)
    {
        final int lastDir = TcpStateLayout.lastDir(state, base);
        final int d = base + lastDir * DIRECTION_LENGTH;
        final int lastEnd = TcpStateLayout.getInt(state, base + LAST_END_OFFSET);
        final int lastWin = TcpStateLayout.getShort(state, base + LAST_WIN_OFFSET);
        TcpStateLayout.putInt(state, d + TD_END_OFFSET, lastEnd);
        TcpStateLayout.putInt(state, d + TD_MAXEND_OFFSET, lastEnd);
        TcpStateLayout.putInt(state, d + TD_MAXWIN_OFFSET, lastWin == 0 ? 1 : lastWin);
        final int lastScale = TcpStateLayout.lastWscale(state, base);
        final int lastFlags = TcpStateLayout.lastFlags(state, base) & ~FLAG_EXP_CHALLENGE_ACK;
        TcpStateLayout.lastFlags(state, base, lastFlags);
        // seen[last_dir].flags = last_flags, td_scale = last_wscale (the flags' high bits are last_flags-only)
        TcpStateLayout.flags(state, base, lastDir, lastFlags & (FLAG_WINDOW_SCALE | FLAG_SACK_PERM));
        TcpStateLayout.scale(state, base, lastDir, lastScale < 0 ? 0 : lastScale);
        // nf_ct_tcp_state_reset(seen[dir])
        final int s = base + dir * DIRECTION_LENGTH;
        TcpStateLayout.putInt(state, s + TD_END_OFFSET, 0);
        TcpStateLayout.putInt(state, s + TD_MAXEND_OFFSET, 0);
        TcpStateLayout.putInt(state, s + TD_MAXWIN_OFFSET, 0);
        TcpStateLayout.putInt(state, s + TD_MAXACK_OFFSET, 0);
        TcpStateLayout.flags(state, base, dir, TcpStateLayout.flags(state, base, dir) & FLAG_BE_LIBERAL);
    }
}
