/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;

import static io.natcore.track.TcpState.ESTABLISHED;
import static io.natcore.track.TcpState.SYN_SENT;
import static io.natcore.track.TcpStateLayout.DIRECTION_LENGTH;
import static io.natcore.track.TcpStateLayout.FLAG_MAXACK_SET;
import static io.natcore.track.TcpStateLayout.LAST_ACK_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_END_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXACK_OFFSET;
import static io.natcore.track.TcpTransitions.INDEX_ACK;
import static io.natcore.track.TcpTransitions.INDEX_SYN;

/**
 * Whether a RST may close a connection ({@code nf_conntrack_proto_tcp.c}: RFC 5961 sequence checks against the
 * other side's max ACK, resets answering segments the tracker let through). Static; the caller holds the entry's
 * write side.
 */
final class TcpResetCheck
{
    private static final int DIR_REPLY = 1;

    // checkRst() result bits: 0 = go through the window check with the table's new state.
    static final int RST_CHECK_WINDOW = 0;
    static final int RST_SKIP_WINDOW = 1;
    static final int RST_KEEP_STATE = 2;
    static final int RST_INVALID = 4;

    /**
     * Kernel {@code nf_conntrack_tcp_packet}'s RST checks, for a RST the table takes to CLOSE.
     *
     * @return RST_* bits: skip the window check, keep the old state, or {@link #RST_INVALID}.
     */
    static int check(
        final boolean ignoreInvalidRst,
        final MutableDirectBuffer state,
        final int base,
        final TcpSegment seg,
        final int dir,
        final int oldState,
        final boolean seenReply,
        final boolean assured)
    {
        if (TcpState.canEarlyDrop(oldState))
        {
            // Closing: the tuple may be reused already, the window data is stale.
            return RST_SKIP_WINDOW;
        }
        final int lastIndex = TcpStateLayout.lastIndex(state, base);
        final int lastDir = TcpStateLayout.lastDir(state, base);
        final int lastEnd = TcpStateLayout.getInt(state, base + LAST_END_OFFSET);
        final int other = 1 - dir;
        final boolean established = oldState == ESTABLISHED && assured;
        if ((TcpStateLayout.flags(state, base, other) & FLAG_MAXACK_SET) != 0 && lastIndex != INDEX_SYN)
        {
            final int maxAck = TcpStateLayout.getInt(state, base + other * DIRECTION_LENGTH + TD_MAXACK_OFFSET);
            final int seq = seg.seq;
            if (seq == 0 && !established)
            {
                return RST_CHECK_WINDOW; // answer to a SYN we let through
            }
            if (TcpWindow.before(seq, maxAck) && !ignoreInvalidRst)
            {
                return RST_INVALID;
            }
            if (!established || seq == maxAck)
            {
                return RST_CHECK_WINDOW;
            }
            if (!(lastIndex == INDEX_ACK && lastDir == dir && seq == lastEnd))
            {
                // Not exactly at the expected sequence: keep the state, a challenge ACK may follow.
                return keepOrSkip(state, base, seg, dir, oldState, seenReply, assured, RST_KEEP_STATE);
            }
            return RST_CHECK_WINDOW; // RST right after our data ("part of a train")
        }
        return keepOrSkip(state, base, seg, dir, oldState, seenReply, assured, RST_CHECK_WINDOW);
    }

    private static int keepOrSkip(
        final MutableDirectBuffer state,
        final int base,
        final TcpSegment seg,
        final int dir,
        final int oldState,
        final boolean seenReply,
        final boolean assured,
        final int otherwise)
    {
        final int lastIndex = TcpStateLayout.lastIndex(state, base);
        final int lastDir = TcpStateLayout.lastDir(state, base);
        if (((seenReply && lastIndex == INDEX_SYN && lastDir != dir) || (!assured && lastIndex == INDEX_ACK)) &&
            seg.ack == TcpStateLayout.getInt(state, base + LAST_END_OFFSET))
        {
            // RST answering a SYN or ACK we let through unchecked: skip the window check.
            return otherwise | RST_SKIP_WINDOW;
        }
        if (oldState == SYN_SENT && lastIndex == INDEX_ACK && lastDir == DIR_REPLY &&
            seg.seq == TcpStateLayout.getInt(state, base + LAST_ACK_OFFSET))
        {
            return RST_SKIP_WINDOW; // reset answering a challenge ACK we let through
        }
        return otherwise;
    }

    private TcpResetCheck()
    {
    }
}
