/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;

import static io.natcore.track.TcpState.CLOSE;
import static io.natcore.track.TcpState.ESTABLISHED;
import static io.natcore.track.TcpState.FIN_WAIT;
import static io.natcore.track.TcpState.IGNORE;
import static io.natcore.track.TcpState.LAST_ACK;
import static io.natcore.track.TcpState.MAX;
import static io.natcore.track.TcpState.NONE;
import static io.natcore.track.TcpState.SYN_RECV;
import static io.natcore.track.TcpState.SYN_SENT;
import static io.natcore.track.TcpState.SYN_SENT2;
import static io.natcore.track.TcpState.TIME_WAIT;
import static io.natcore.track.TcpStateLayout.DIRECTION_LENGTH;
import static io.natcore.track.TcpStateLayout.FLAG_BE_LIBERAL;
import static io.natcore.track.TcpStateLayout.FLAG_CLOSE_INIT;
import static io.natcore.track.TcpStateLayout.FLAG_DATA_UNACKNOWLEDGED;
import static io.natcore.track.TcpStateLayout.FLAG_EXP_CHALLENGE_ACK;
import static io.natcore.track.TcpStateLayout.FLAG_SACK_PERM;
import static io.natcore.track.TcpStateLayout.FLAG_SIMULTANEOUS_OPEN;
import static io.natcore.track.TcpStateLayout.LAST_END_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_WIN_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_END_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXEND_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXWIN_OFFSET;
import static io.natcore.track.TcpTransitions.INDEX_ACK;
import static io.natcore.track.TcpTransitions.INDEX_FIN;
import static io.natcore.track.TcpTransitions.INDEX_NONE;
import static io.natcore.track.TcpTransitions.INDEX_RST;
import static io.natcore.track.TcpTransitions.INDEX_SYN;
import static io.natcore.track.TcpTransitions.INDEX_SYNACK;

/**
 * The Linux TCP connection tracker ({@code nf_conntrack_proto_tcp.c}, 6.x): the segment's way through the
 * transition table ({@link TcpTransitions}), the RST checks ({@link TcpResetCheck}), ignored segments
 * ({@link TcpIgnoredSegment}) and the window check ({@link TcpWindow}); reopen of closed connections, timeouts and
 * the ASSURED rule here. Stateless and immutable after construction (share one instance between threads);
 * the per-connection state lives in the caller's buffer ({@link TcpStateLayout}, {@link TcpStateLayout#LENGTH}
 * bytes at a base offset). The caller must hold the entry's write side while calling (plain accesses):
 * the kernel holds {@code ct->lock} here. Never allocates, never throws on packet input.
 *
 * <p>Per packet the engine does what the kernel's {@code tcp_error()} does first (header cut short:
 * {@link TcpSegment#readFrom} false; bad checksum; {@link io.natcore.packet.TcpHeader#validFlags} false: all INVALID, untracked);
 * for the first packet of a flow {@link #newConnection} (false: INVALID, no connection); then
 * {@link #packet} (for the first packet with dir 0, seenReply and assured false) and applies the
 * {@link TrackResult} as its Javadoc says.
 */
public final class TcpTracker
{
    private static final int DIR_ORIGINAL = 0;
    private static final int DIR_REPLY = 1;
    private static final long UNACK_LOWER_GUARD_NANOS = 120_000_000_000L;

    private final Timeouts timeouts;
    private final boolean beLiberal;
    private final boolean loose;
    private final int maxRetrans;
    private final boolean ignoreInvalidRst;

    /**
     * Linux defaults: window tracking on, pickup on ({@code tcp_loose=1}), 3 retransmissions,
     * invalid RSTs rejected.
     *
     * @param timeouts timeouts to use.
     */
    public TcpTracker(final Timeouts timeouts)
    {
        this(timeouts, false, true, 3, false);
    }

    /**
     * @param timeouts         timeouts to use.
     * @param beLiberal        {@code nf_conntrack_tcp_be_liberal}: accept out-of-window packets.
     * @param loose            {@code nf_conntrack_tcp_loose}: pick up connections mid-stream.
     * @param maxRetrans       {@code nf_conntrack_tcp_max_retrans}: retransmissions before the short timeout (at most 7).
     * @param ignoreInvalidRst {@code nf_conntrack_tcp_ignore_invalid_rst}.
     */
    public TcpTracker(
        final Timeouts timeouts,
        final boolean beLiberal,
        final boolean loose,
        final int maxRetrans,
        final boolean ignoreInvalidRst)
    {
        this.timeouts = timeouts;
        this.beLiberal = beLiberal;
        this.loose = loose;
        // The area counts to 7 (TcpStateLayout); the kernel default is 3.
        this.maxRetrans = Math.min(maxRetrans, TcpStateLayout.RETRANS_MAX);
        this.ignoreInvalidRst = ignoreInvalidRst;
    }

    /**
     * Kernel {@code tcp_new}: may this first packet (original direction) create a connection? When it
     * may, initialises the state area (a SYN: window from the SYN; anything else that the table lets
     * out of NONE, i.e. a plain ACK, with {@code tcp_loose}: mid-stream pickup with liberal windows).
     * When it returns false the packet is INVALID and no entry must be created; {@code out.reason}
     * says why.
     *
     * @param state buffer holding the entry's TCP area.
     * @param base  offset of the area.
     * @param seg   the segment.
     * @param out   receives the reason when false.
     * @return true when a connection may be created.
     */
    public boolean newConnection(final MutableDirectBuffer state, final int base, final TcpSegment seg, final TrackResult out)
    {
        out.clear();
        final int newState = TcpTransitions.next(DIR_ORIGINAL, TcpTransitions.index(seg.flags), NONE);
        if (newState >= MAX)
        {
            out.verdict = TrackResult.INVALID;
            out.reason = TrackReason.TCP_INVALID_NEW;
            return false;
        }
        if (newState != SYN_SENT && !loose)
        {
            out.verdict = TrackResult.INVALID;
            out.reason = TrackReason.TCP_PICKUP_DISABLED;
            return false;
        }
        state.setMemory(base, TcpStateLayout.LENGTH, (byte)0);
        final int end = seg.end();
        final int maxwin = seg.window == 0 ? 1 : seg.window;
        TcpStateLayout.putInt(state, base + TD_END_OFFSET, end);
        TcpStateLayout.putInt(state, base + TD_MAXWIN_OFFSET, maxwin);
        if (newState == SYN_SENT)
        {
            TcpStateLayout.putInt(state, base + TD_MAXEND_OFFSET, end);
            TcpWindow.applyOptions(state, base, DIR_ORIGINAL, seg);
        }
        else
        {
            TcpStateLayout.putInt(state, base + TD_MAXEND_OFFSET, end + maxwin);
            // Pickup: assume SACK and check windows liberally, scaling being unknown.
            TcpStateLayout.flags(state, base, DIR_ORIGINAL, FLAG_SACK_PERM | FLAG_BE_LIBERAL);
            TcpStateLayout.flags(state, base, DIR_REPLY, FLAG_SACK_PERM | FLAG_BE_LIBERAL);
        }
        TcpStateLayout.lastIndex(state, base, INDEX_NONE);
        return true;
    }

    /**
     * Kernel {@code nf_conntrack_tcp_packet} after the error and new checks: one segment of a known
     * (or just created) connection.
     *
     * @param state          buffer holding the entry's TCP area.
     * @param base           offset of the area.
     * @param tcpState       the connection's current {@link TcpState} (kept by the entry, not in the area).
     * @param seg            the segment.
     * @param dir            0 original, 1 reply.
     * @param seenReply      entry's SEEN_REPLY status bit before this packet.
     * @param assured        entry's ASSURED status bit before this packet.
     * @param remainingNanos time until the entry's current deadline (used only to lower it on invalid FIN/RST).
     * @param out            receives the decision.
     * @return {@code out.verdict}.
     */
    public int packet(
        final MutableDirectBuffer state,
        final int base,
        final int tcpState,
        final TcpSegment seg,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final long remainingNanos,
        final TrackResult out)
    {
        if (tcpState == ESTABLISHED && (dir & ~1) == 0 &&
            (seg.flags & (TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST | TcpSegment.ACK)) == TcpSegment.ACK &&
            establishedAck(state, base, seg, dir, seenReply, assured, out))
        {
            return out.verdict; // fast path: an in-window plain ACK of an established connection
        }
        return generalPacket(state, base, tcpState, seg, dir, seenReply, assured, remainingNanos, out);
    }

    /**
     * The slow path of {@link #packet}: every segment, the kernel's function step by step. Package-private so
     * tests can hold the fast path ({@link #establishedAck}) against it.
     */
    int generalPacket(
        final MutableDirectBuffer state,
        final int base,
        final int tcpState,
        final TcpSegment seg,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final long remainingNanos,
        final TrackResult out)
    {
        out.clear();
        int oldState = tcpState;
        if (oldState < 0 || oldState >= MAX || (dir & ~1) != 0)
        {
            // Corrupt area or bad direction: never index out of the table.
            out.verdict = TrackResult.INVALID;
            out.reason = TrackReason.TCP_INVALID_TRANSITION;
            return out.verdict;
        }
        final int index = TcpTransitions.index(seg.flags);
        int newState = TcpTransitions.next(dir, index, oldState);
        out.oldState = oldState;
        out.newState = oldState;
        boolean skipWindow = false;

        switch (newState)
        {
            case SYN_SENT:
                if (oldState < TIME_WAIT)
                {
                    break;
                }
                if (((TcpStateLayout.flags(state, base, dir) | TcpStateLayout.flags(state, base, 1 - dir)) & FLAG_CLOSE_INIT) != 0 ||
                    (TcpStateLayout.lastDir(state, base) == dir && TcpStateLayout.lastIndex(state, base) == INDEX_RST))
                {
                    // Reopen of a closed or aborted connection: kill it and look the packet up again.
                    out.verdict = TrackResult.REPEAT;
                    out.reason = TrackReason.TCP_REOPEN;
                    return out.verdict;
                }
                return TcpIgnoredSegment.ignore(state, base, seg, dir, index, oldState, out);
            case IGNORE:
                if (index == INDEX_SYNACK &&
                    TcpStateLayout.lastIndex(state, base) == INDEX_SYN &&
                    TcpStateLayout.lastDir(state, base) != dir &&
                    seg.ack == TcpStateLayout.getInt(state, base + LAST_END_OFFSET))
                {
                    // This SYN/ACK answers a SYN we ignored: client and server are in sync, we are not.
                    oldState = SYN_SENT;
                    newState = SYN_RECV;
                    TcpIgnoredSegment.resync(state, base, dir);
                    break;
                }
                return TcpIgnoredSegment.ignore(state, base, seg, dir, index, oldState, out);
            case MAX:
                out.verdict = TrackResult.INVALID;
                out.reason = TrackReason.TCP_INVALID_TRANSITION;
                return out.verdict;
            case TIME_WAIT:
                if (oldState == LAST_ACK &&
                    index == INDEX_ACK &&
                    TcpStateLayout.lastDir(state, base) != dir &&
                    TcpStateLayout.lastIndex(state, base) == INDEX_SYN &&
                    (TcpStateLayout.lastFlags(state, base) & FLAG_EXP_CHALLENGE_ACK) != 0)
                {
                    // RFC 5961 challenge ACK answering a SYN: not the last ACK of the close.
                    TcpStateLayout.lastFlags(state, base, TcpStateLayout.lastFlags(state, base) & ~FLAG_EXP_CHALLENGE_ACK);
                    out.reason = TrackReason.TCP_CHALLENGE_ACK;
                    return out.verdict;
                }
                break;
            case SYN_SENT2:
                TcpStateLayout.lastFlags(state, base, TcpStateLayout.lastFlags(state, base) | FLAG_SIMULTANEOUS_OPEN);
                break;
            case SYN_RECV:
                if (dir == DIR_REPLY && index == INDEX_ACK && (TcpStateLayout.lastFlags(state, base) & FLAG_SIMULTANEOUS_OPEN) != 0)
                {
                    newState = ESTABLISHED;
                }
                break;
            case CLOSE:
                if (index != INDEX_RST)
                {
                    break;
                }
                final int rst = TcpResetCheck.check(ignoreInvalidRst, state, base, seg, dir, oldState, seenReply, assured);
                if (rst == TcpResetCheck.RST_INVALID)
                {
                    out.verdict = TrackResult.INVALID;
                    out.reason = TrackReason.TCP_INVALID_RST;
                    return out.verdict;
                }
                if ((rst & TcpResetCheck.RST_KEEP_STATE) != 0)
                {
                    newState = oldState;
                }
                skipWindow = (rst & TcpResetCheck.RST_SKIP_WINDOW) != 0;
                break;
            default:
                break;
        }

        if (!skipWindow)
        {
            final int window = TcpWindow.inWindow(beLiberal, state, base, tcpState, seg, dir, index, out);
            if (window != TcpWindow.WINDOW_ACCEPT)
            {
                if (window == TcpWindow.WINDOW_IGNORE)
                {
                    return out.verdict; // accepted, not refreshed, state unchanged
                }
                out.verdict = TrackResult.INVALID;
                lowerTimeoutOnInvalid(state, base, dir, index, assured, remainingNanos, out);
                return out.verdict;
            }
        }

        // From here the packet is in window.
        TcpStateLayout.lastIndexAndDir(state, base, index, dir);
        if (oldState != newState && newState == FIN_WAIT)
        {
            TcpStateLayout.flags(state, base, dir, TcpStateLayout.flags(state, base, dir) | FLAG_CLOSE_INIT);
        }
        out.oldState = oldState;
        out.newState = newState;

        if (newState != oldState)
        {
            out.events |= TrackResult.EVENT_PROTOINFO;
        }

        if (!seenReply)
        {
            if (seg.has(TcpSegment.RST))
            {
                // Only a RST came back: not a connection worth keeping.
                out.destroy = true;
                out.reason = TrackReason.TCP_RST_UNREPLIED;
                return out.verdict;
            }
            if (index == INDEX_SYN && oldState == SYN_SENT)
            {
                return out.verdict; // a retransmitted SYN does not renew the timeout
            }
        }
        else if (!assured && (oldState == SYN_RECV || oldState == ESTABLISHED) && newState == ESTABLISHED)
        {
            out.setAssured = true;
            out.events |= TrackResult.EVENT_ASSURED;
        }
        out.refresh = true;
        out.timeoutNanos = timeout(newState, index, TcpStateLayout.bits(state, base),
            TcpStateLayout.getShort(state, base + LAST_WIN_OFFSET), seenReply);
        return out.verdict;
    }

    /**
     * Kernel {@code nf_conntrack_tcp_packet}'s timeout choice for a segment in window: the state's timeout, shortened
     * after too many retransmissions, by an RST that kept ESTABLISHED, by data not yet acknowledged, by a zero
     * window, and while no reply was seen (a connection picked up mid-stream).
     *
     * @param bits    the area's BITS word after this segment (retrans, both directions' flags).
     * @param lastWin the last window seen (this segment's, for a plain ACK).
     */
    private long timeout(final int newState, final int index, final int bits, final int lastWin, final boolean seenReply)
    {
        final long stateTimeout = timeouts.tcp(newState);
        long timeout;
        if (TcpStateLayout.retransOf(bits) >= maxRetrans && stateTimeout > timeouts.tcpMaxRetrans())
        {
            timeout = timeouts.tcpMaxRetrans();
        }
        else if (index == INDEX_RST && newState == ESTABLISHED && stateTimeout > timeouts.tcpUnacknowledged())
        {
            timeout = timeouts.tcpUnacknowledged();
        }
        else if ((bits & UNACKNOWLEDGED_BITS) != 0 && stateTimeout > timeouts.tcpUnacknowledged())
        {
            timeout = timeouts.tcpUnacknowledged();
        }
        else if (lastWin == 0 && stateTimeout > timeouts.tcpMaxRetrans())
        {
            timeout = timeouts.tcpMaxRetrans();
        }
        else
        {
            timeout = stateTimeout;
        }
        if (!seenReply && newState == ESTABLISHED && timeout > timeouts.tcpUnacknowledged())
        {
            timeout = timeouts.tcpUnacknowledged(); // picked up mid-stream, nothing seen back yet
        }
        return timeout;
    }

    /** BITS word bits of both directions' FLAG_DATA_UNACKNOWLEDGED. */
    private static final int UNACKNOWLEDGED_BITS = TcpStateLayout.flagBit(0, FLAG_DATA_UNACKNOWLEDGED) |
        TcpStateLayout.flagBit(1, FLAG_DATA_UNACKNOWLEDGED);

    /**
     * The common case of {@link #packet}, with the BITS word loaded and stored once: a plain ACK (no SYN, FIN or
     * RST) of an ESTABLISHED connection whose sender's window is known and that passes all four window checks.
     * It does what the general path does for that case (the ACK row keeps ESTABLISHED in both directions,
     * {@code inWindow} accepts, {@code updateWindows}, the retransmission check, then the timeout choice), and
     * nothing at all when the segment is anything else, so the general path then starts from the same state.
     *
     * @return false when the general path must handle the segment (nothing was written).
     */
    boolean establishedAck(
        final MutableDirectBuffer state,
        final int base,
        final TcpSegment seg,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final TrackResult out)
    {
        final long timeout = inWindowAck(state, base, dir, seg.seq, seg.ack, seg.sack, seg.window, seg.payloadLength,
            seenReply);
        if (timeout < 0)
        {
            return false;
        }
        out.clear();
        out.oldState = ESTABLISHED;
        out.newState = ESTABLISHED;
        if (seenReply && !assured)
        {
            out.setAssured = true;
            out.events |= TrackResult.EVENT_ASSURED;
        }
        out.refresh = true;
        out.timeoutNanos = timeout;
        return true;
    }

    /**
     * {@link #packet} for a segment the caller knows is a plain ACK (ACK set; SYN, FIN and RST clear) of a connection
     * in ESTABLISHED, with the segment's facts as values: the engine's established path calls it straight from the
     * parse, with no {@link TcpSegment} and no {@link TrackResult}. When it returns a timeout, the general path would
     * have returned ACCEPT, ESTABLISHED -> ESTABLISHED, refresh with that timeout, no destroy, and
     * {@code setAssured} (with {@link TrackResult#EVENT_ASSURED} as its only event) exactly when
     * {@code seenReply && !assured}; the area is left as the general path leaves it.
     *
     * @param state         buffer holding the entry's TCP area.
     * @param base          offset of the area.
     * @param dir           0 original, 1 reply.
     * @param seq           sequence number.
     * @param ack           acknowledgment number.
     * @param sack          highest SACK right edge of the segment, {@code ack} when it carries no SACK block.
     * @param window        window as carried (unscaled).
     * @param payloadLength TCP payload bytes.
     * @param seenReply     entry's SEEN_REPLY status bit before this packet.
     * @return the new timeout in nanos, or -1 when the general path must handle the segment (nothing was written).
     */
    public long establishedAck(
        final MutableDirectBuffer state,
        final int base,
        final int dir,
        final int seq,
        final int ack,
        final int sack,
        final int window,
        final int payloadLength,
        final boolean seenReply)
    {
        return (dir & ~1) == 0 ?
            inWindowAck(state, base, dir, seq, ack, sack, window, payloadLength, seenReply) : -1;
    }

    /** The body of {@link #establishedAck}: the timeout, or -1 (nothing written). */
    private long inWindowAck(
        final MutableDirectBuffer state,
        final int base,
        final int dir,
        final int seq,
        final int ack,
        final int segSack,
        final int window,
        final int payloadLength,
        final boolean seenReply)
    {
        final int sender = base + dir * DIRECTION_LENGTH;
        final int receiver = base + (1 - dir) * DIRECTION_LENGTH;
        final int senderMaxwin = TcpStateLayout.getInt(state, sender + TD_MAXWIN_OFFSET);
        if (senderMaxwin == 0)
        {
            return -1; // mid-stream pickup of this side: the general path initialises it
        }
        final int bits = TcpStateLayout.bits(state, base);
        final int sack = (bits & TcpStateLayout.flagBit(1 - dir, FLAG_SACK_PERM)) != 0 ? segSack : ack;
        final int end = seq + payloadLength;
        if (TcpWindow.windowFault(seq, sack, end, TcpStateLayout.getInt(state, sender + TD_END_OFFSET), TcpStateLayout.getInt(state, sender + TD_MAXEND_OFFSET),
            senderMaxwin, TcpStateLayout.getInt(state, receiver + TD_END_OFFSET), TcpStateLayout.getInt(state, receiver + TD_MAXWIN_OFFSET)) !=
            TrackReason.NONE)
        {
            return -1; // out of window: overshoot, liberal and invalid cases are the general path's
        }
        final int newBits = TcpStateLayout.withLastIndexAndDir(
            TcpWindow.updateWindows(state, base, bits, dir, INDEX_ACK, true, seq, ack, sack, end,
                window << TcpStateLayout.scaleOf(bits, dir), window),
            INDEX_ACK, dir);
        if (newBits != bits)
        {
            TcpStateLayout.bits(state, base, newBits); // BITS stored once
        }
        // in window, ESTABLISHED kept: last_win is this segment's window now
        return timeout(ESTABLISHED, INDEX_ACK, newBits, window, seenReply);
    }

    /**
     * As {@link #packet(MutableDirectBuffer, int, int, TcpSegment, int, boolean, boolean, long, TrackResult)}
     * with the state kept in the area's optional byte ({@link TcpStateLayout#STATE_OFFSET}; the area
     * then needs {@link TcpStateLayout#LENGTH_WITH_STATE} bytes, zero meaning NONE). The new state is
     * written back.
     */
    public int packet(
        final MutableDirectBuffer state,
        final int base,
        final TcpSegment seg,
        final int dir,
        final boolean seenReply,
        final boolean assured,
        final long remainingNanos,
        final TrackResult out)
    {
        packet(state, base, state(state, base), seg, dir, seenReply, assured, remainingNanos, out);
        state.putByte(base + TcpStateLayout.STATE_OFFSET, (byte)out.newState);
        return out.verdict;
    }

    /**
     * @param state buffer holding an area with the optional state byte.
     * @param base  offset of the area.
     * @return the {@link TcpState} stored at {@link TcpStateLayout#STATE_OFFSET}.
     */
    public static int state(final MutableDirectBuffer state, final int base)
    {
        return state.getByte(base + TcpStateLayout.STATE_OFFSET) & 0xFF;
    }

    /** Kernel nf_tcp_handle_invalid(): an out-of-window FIN/RST pair shortens an assured entry's life. */
    private void lowerTimeoutOnInvalid(
        final MutableDirectBuffer state,
        final int base,
        final int dir,
        final int index,
        final boolean assured,
        final long remainingNanos,
        final TrackResult out)
    {
        if (!assured || (index != INDEX_RST && index != INDEX_FIN))
        {
            return;
        }
        final int lastIndex = TcpStateLayout.lastIndex(state, base);
        if (TcpStateLayout.lastDir(state, base) != dir && (lastIndex == INDEX_FIN || lastIndex == INDEX_RST))
        {
            if (remainingNanos < UNACK_LOWER_GUARD_NANOS)
            {
                return;
            }
            if (remainingNanos > timeouts.tcpUnacknowledged())
            {
                out.refresh = true;
                out.timeoutNanos = timeouts.tcpUnacknowledged();
            }
        }
        else
        {
            TcpStateLayout.lastIndex(state, base, index);
            TcpStateLayout.lastDir(state, base, dir);
        }
    }
}
