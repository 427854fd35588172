/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;

import static io.natcore.track.TcpState.CLOSE;
import static io.natcore.track.TcpState.CLOSE_WAIT;
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
import static io.natcore.track.TcpStateLayout.FLAG_MAXACK_SET;
import static io.natcore.track.TcpStateLayout.FLAG_SACK_PERM;
import static io.natcore.track.TcpStateLayout.FLAG_SIMULTANEOUS_OPEN;
import static io.natcore.track.TcpStateLayout.FLAG_WINDOW_SCALE;
import static io.natcore.track.TcpStateLayout.LAST_ACK_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_END_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_LEN_OFFSET;
import static io.natcore.track.TcpStateLayout.LAST_WIN_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_END_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXACK_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXEND_OFFSET;
import static io.natcore.track.TcpStateLayout.TD_MAXWIN_OFFSET;

/**
 * The Linux TCP connection tracker ({@code nf_conntrack_proto_tcp.c}, 6.x): transition table,
 * window tracking, RST checks, reopen of closed connections, retransmission counting, timeouts and
 * the ASSURED rule. Stateless and immutable after construction (share one instance between threads);
 * the per-connection state lives in the caller's buffer ({@link TcpStateLayout}, {@link TcpStateLayout#LENGTH}
 * bytes at a base offset). The caller must hold the entry's write side while calling (plain accesses):
 * the kernel holds {@code ct->lock} here. Never allocates, never throws on packet input.
 *
 * <p>Per packet the engine does what the kernel's {@code tcp_error()} does first (header cut short:
 * {@link TcpSegment#readFrom} false; bad checksum; {@link #validFlags} false: all INVALID, untracked);
 * for the first packet of a flow {@link #newConnection} (false: INVALID, no connection); then
 * {@link #packet} (for the first packet with dir 0, seenReply and assured false) and applies the
 * {@link TrackResult} as its Javadoc says.
 *
 * <pre>
 * ORIGINAL  sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2       REPLY  sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
 * syn       sSS  sSS  sIG  sIG  sIG  sIG  sIG  sSS  sSS  sS2       syn    sIV  sS2  sIV  sIV  sIV  sIV  sIV  sSS  sIV  sS2
 * synack    sIV  sIV  sSR  sIV  sIV  sIV  sIV  sIV  sIV  sSR       synack sIV  sSR  sIG  sIG  sIG  sIG  sIG  sIG  sIG  sSR
 * fin       sIV  sIV  sFW  sFW  sLA  sLA  sLA  sTW  sCL  sIV       fin    sIV  sIV  sFW  sFW  sLA  sLA  sLA  sTW  sCL  sIV
 * ack       sES  sIV  sES  sES  sCW  sCW  sTW  sTW  sCL  sIV       ack    sIV  sIG  sSR  sES  sCW  sCW  sTW  sTW  sCL  sIG
 * rst       sIV  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL       rst    sIV  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL
 * none      sIV ...                                                none   sIV ...
 * </pre>
 */
public final class TcpTracker
{
    /** Flag-set index of a segment (kernel {@code enum tcp_bit_set}). */
    public static final int INDEX_SYN = 0;
    public static final int INDEX_SYNACK = 1;
    public static final int INDEX_FIN = 2;
    public static final int INDEX_ACK = 3;
    public static final int INDEX_RST = 4;
    public static final int INDEX_NONE = 5;

    private static final int DIR_ORIGINAL = 0;
    private static final int DIR_REPLY = 1;
    private static final long UNACK_LOWER_GUARD_NANOS = 120_000_000_000L;

    private static final int sNO = NONE;
    private static final int sSS = SYN_SENT;
    private static final int sSR = SYN_RECV;
    private static final int sES = ESTABLISHED;
    private static final int sFW = FIN_WAIT;
    private static final int sCW = CLOSE_WAIT;
    private static final int sLA = LAST_ACK;
    private static final int sTW = TIME_WAIT;
    private static final int sCL = CLOSE;
    private static final int sS2 = SYN_SENT2;
    private static final int sIV = MAX;
    private static final int sIG = IGNORE;

    /** [direction][index][old state] -> new state: the kernel's tcp_conntracks table (6.x). */
    static final byte[][][] TABLE =
    {
        {
            // ORIGINAL: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2
            row(sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2), // syn
            row(sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR), // synack
            row(sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV), // fin
            row(sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV), // ack
            row(sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL), // rst
            row(sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV), // none
        },
        {
            // REPLY: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2
            row(sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2), // syn
            row(sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR), // synack
            row(sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV), // fin
            row(sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG), // ack
            row(sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL), // rst
            row(sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV), // none
        }
    };

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

    private static byte[] row(final int... states)
    {
        final byte[] row = new byte[states.length];
        for (int i = 0; i < states.length; i++)
        {
            row[i] = (byte)states[i];
        }
        return row;
    }

    /**
     * Kernel {@code get_conntrack_index}: RST wins, then SYN (with or without ACK), FIN, ACK.
     *
     * @param flags TCP flag byte.
     * @return one of the INDEX_* constants.
     */
    public static int index(final int flags)
    {
        if ((flags & TcpSegment.RST) != 0)
        {
            return INDEX_RST;
        }
        if ((flags & TcpSegment.SYN) != 0)
        {
            return (flags & TcpSegment.ACK) != 0 ? INDEX_SYNACK : INDEX_SYN;
        }
        if ((flags & TcpSegment.FIN) != 0)
        {
            return INDEX_FIN;
        }
        return (flags & TcpSegment.ACK) != 0 ? INDEX_ACK : INDEX_NONE;
    }

    /**
     * Kernel {@code tcp_valid_flags}: the flag combinations conntrack accepts (PSH, ECE, CWR ignored).
     * SYN+FIN, SYN+RST, FIN without ACK, no flags ... are INVALID ({@link TrackReason#TCP_BAD_FLAGS}).
     *
     * @param flags TCP flag byte.
     * @return true when valid.
     */
    public static boolean validFlags(final int flags)
    {
        switch (flags & (TcpSegment.FIN | TcpSegment.SYN | TcpSegment.RST | TcpSegment.ACK | TcpSegment.URG))
        {
            case TcpSegment.SYN:
            case TcpSegment.SYN | TcpSegment.URG:
            case TcpSegment.SYN | TcpSegment.ACK:
            case TcpSegment.RST:
            case TcpSegment.RST | TcpSegment.ACK:
            case TcpSegment.FIN | TcpSegment.ACK:
            case TcpSegment.FIN | TcpSegment.ACK | TcpSegment.URG:
            case TcpSegment.ACK:
            case TcpSegment.ACK | TcpSegment.URG:
                return true;
            default:
                return false;
        }
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
        final int newState = TABLE[DIR_ORIGINAL][index(seg.flags)][NONE];
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
        putInt(state, base + TD_END_OFFSET, end);
        putInt(state, base + TD_MAXWIN_OFFSET, maxwin);
        if (newState == SYN_SENT)
        {
            putInt(state, base + TD_MAXEND_OFFSET, end);
            TcpWindow.applyOptions(state, base, DIR_ORIGINAL, seg);
        }
        else
        {
            putInt(state, base + TD_MAXEND_OFFSET, end + maxwin);
            // Pickup: assume SACK and check windows liberally, scaling being unknown.
            setFlags(state, base, DIR_ORIGINAL, FLAG_SACK_PERM | FLAG_BE_LIBERAL);
            setFlags(state, base, DIR_REPLY, FLAG_SACK_PERM | FLAG_BE_LIBERAL);
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
        final int index = index(seg.flags);
        int newState = TABLE[dir][index][oldState];
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
                if (((flags(state, base, dir) | flags(state, base, 1 - dir)) & FLAG_CLOSE_INIT) != 0 ||
                    (lastDir(state, base) == dir && lastIndex(state, base) == INDEX_RST))
                {
                    // Reopen of a closed or aborted connection: kill it and look the packet up again.
                    out.verdict = TrackResult.REPEAT;
                    out.reason = TrackReason.TCP_REOPEN;
                    return out.verdict;
                }
                return ignore(state, base, seg, dir, index, oldState, out);
            case IGNORE:
                if (index == INDEX_SYNACK &&
                    lastIndex(state, base) == INDEX_SYN &&
                    lastDir(state, base) != dir &&
                    seg.ack == getInt(state, base + LAST_END_OFFSET))
                {
                    // This SYN/ACK answers a SYN we ignored: client and server are in sync, we are not.
                    oldState = SYN_SENT;
                    newState = SYN_RECV;
                    resyncFromIgnoredSyn(state, base, dir);
                    break;
                }
                return ignore(state, base, seg, dir, index, oldState, out);
            case MAX:
                out.verdict = TrackResult.INVALID;
                out.reason = TrackReason.TCP_INVALID_TRANSITION;
                return out.verdict;
            case TIME_WAIT:
                if (oldState == LAST_ACK &&
                    index == INDEX_ACK &&
                    lastDir(state, base) != dir &&
                    lastIndex(state, base) == INDEX_SYN &&
                    (lastFlags(state, base) & FLAG_EXP_CHALLENGE_ACK) != 0)
                {
                    // RFC 5961 challenge ACK answering a SYN: not the last ACK of the close.
                    TcpStateLayout.lastFlags(state, base, lastFlags(state, base) & ~FLAG_EXP_CHALLENGE_ACK);
                    out.reason = TrackReason.TCP_CHALLENGE_ACK;
                    return out.verdict;
                }
                break;
            case SYN_SENT2:
                TcpStateLayout.lastFlags(state, base, lastFlags(state, base) | FLAG_SIMULTANEOUS_OPEN);
                break;
            case SYN_RECV:
                if (dir == DIR_REPLY && index == INDEX_ACK && (lastFlags(state, base) & FLAG_SIMULTANEOUS_OPEN) != 0)
                {
                    newState = ESTABLISHED;
                }
                break;
            case CLOSE:
                if (index != INDEX_RST)
                {
                    break;
                }
                final int rst = checkRst(state, base, seg, dir, oldState, seenReply, assured);
                if (rst == RST_INVALID)
                {
                    out.verdict = TrackResult.INVALID;
                    out.reason = TrackReason.TCP_INVALID_RST;
                    return out.verdict;
                }
                if ((rst & RST_KEEP_STATE) != 0)
                {
                    newState = oldState;
                }
                skipWindow = (rst & RST_SKIP_WINDOW) != 0;
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
            setFlags(state, base, dir, flags(state, base, dir) | FLAG_CLOSE_INIT);
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
            getShort(state, base + LAST_WIN_OFFSET), seenReply);
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
        final int senderMaxwin = getInt(state, sender + TD_MAXWIN_OFFSET);
        if (senderMaxwin == 0)
        {
            return -1; // mid-stream pickup of this side: the general path initialises it
        }
        final int bits = TcpStateLayout.bits(state, base);
        final int sack = (bits & TcpStateLayout.flagBit(1 - dir, FLAG_SACK_PERM)) != 0 ? segSack : ack;
        final int end = seq + payloadLength;
        if (TcpWindow.windowFault(seq, sack, end, getInt(state, sender + TD_END_OFFSET), getInt(state, sender + TD_MAXEND_OFFSET),
            senderMaxwin, getInt(state, receiver + TD_END_OFFSET), getInt(state, receiver + TD_MAXWIN_OFFSET)) !=
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

    // ---------------------------------------------------------------- ignore / resync

    private int ignore(
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
        putInt(state, base + LAST_END_OFFSET, end);
        putShort(state, base + LAST_LEN_OFFSET, end - seg.seq);
        putShort(state, base + LAST_WIN_OFFSET, seg.window);
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
            putInt(state, base + LAST_ACK_OFFSET, seg.ack); // possible challenge ACK to our SYN
        }
        out.reason = TrackReason.TCP_IGNORED;
        return out.verdict;
    }

    private static void resyncFromIgnoredSyn(final MutableDirectBuffer state, final int base, final int dir)
    {
        final int lastDir = lastDir(state, base);
        final int d = base + lastDir * DIRECTION_LENGTH;
        final int lastEnd = getInt(state, base + LAST_END_OFFSET);
        final int lastWin = getShort(state, base + LAST_WIN_OFFSET);
        putInt(state, d + TD_END_OFFSET, lastEnd);
        putInt(state, d + TD_MAXEND_OFFSET, lastEnd);
        putInt(state, d + TD_MAXWIN_OFFSET, lastWin == 0 ? 1 : lastWin);
        final int lastScale = TcpStateLayout.lastWscale(state, base);
        final int lastFlags = lastFlags(state, base) & ~FLAG_EXP_CHALLENGE_ACK;
        TcpStateLayout.lastFlags(state, base, lastFlags);
        // seen[last_dir].flags = last_flags, td_scale = last_wscale (the flags' high bits are last_flags-only)
        setFlags(state, base, lastDir, lastFlags & (FLAG_WINDOW_SCALE | FLAG_SACK_PERM));
        TcpStateLayout.scale(state, base, lastDir, lastScale < 0 ? 0 : lastScale);
        // nf_ct_tcp_state_reset(seen[dir])
        final int s = base + dir * DIRECTION_LENGTH;
        putInt(state, s + TD_END_OFFSET, 0);
        putInt(state, s + TD_MAXEND_OFFSET, 0);
        putInt(state, s + TD_MAXWIN_OFFSET, 0);
        putInt(state, s + TD_MAXACK_OFFSET, 0);
        setFlags(state, base, dir, flags(state, base, dir) & FLAG_BE_LIBERAL);
    }

    // ---------------------------------------------------------------- RST

    // checkRst() result bits: 0 = go through the window check with the table's new state.
    private static final int RST_CHECK_WINDOW = 0;
    private static final int RST_SKIP_WINDOW = 1;
    private static final int RST_KEEP_STATE = 2;
    private static final int RST_INVALID = 4;

    private int checkRst(
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
        final int lastIndex = lastIndex(state, base);
        final int lastDir = lastDir(state, base);
        final int lastEnd = getInt(state, base + LAST_END_OFFSET);
        final int other = 1 - dir;
        final boolean established = oldState == ESTABLISHED && assured;
        if ((flags(state, base, other) & FLAG_MAXACK_SET) != 0 && lastIndex != INDEX_SYN)
        {
            final int maxAck = getInt(state, base + other * DIRECTION_LENGTH + TD_MAXACK_OFFSET);
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
        final int lastIndex = lastIndex(state, base);
        final int lastDir = lastDir(state, base);
        if (((seenReply && lastIndex == INDEX_SYN && lastDir != dir) || (!assured && lastIndex == INDEX_ACK)) &&
            seg.ack == getInt(state, base + LAST_END_OFFSET))
        {
            // RST answering a SYN or ACK we let through unchecked: skip the window check.
            return otherwise | RST_SKIP_WINDOW;
        }
        if (oldState == SYN_SENT && lastIndex == INDEX_ACK && lastDir == DIR_REPLY &&
            seg.seq == getInt(state, base + LAST_ACK_OFFSET))
        {
            return RST_SKIP_WINDOW; // reset answering a challenge ACK we let through
        }
        return otherwise;
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
        final int lastIndex = lastIndex(state, base);
        if (lastDir(state, base) != dir && (lastIndex == INDEX_FIN || lastIndex == INDEX_RST))
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

    // ---------------------------------------------------------------- accessors

    /** @return the retransmission counter (kernel {@code retrans}, saturating at 7 here). */
    public static int retrans(final MutableDirectBuffer state, final int base)
    {
        return TcpStateLayout.retrans(state, base);
    }

    /** @return the kernel-style flags of one direction. */
    public static int flags(final MutableDirectBuffer state, final int base, final int dir)
    {
        return TcpStateLayout.flags(state, base, dir);
    }

    /** @return the window scale of one direction. */
    public static int scale(final MutableDirectBuffer state, final int base, final int dir)
    {
        return TcpStateLayout.scale(state, base, dir);
    }

    /** @return one direction's td_end, td_maxend, td_maxwin or td_maxack (pass the *_OFFSET constant). */
    public static int directionInt(final MutableDirectBuffer state, final int base, final int dir, final int fieldOffset)
    {
        return getInt(state, base + dir * DIRECTION_LENGTH + fieldOffset);
    }

    private static void setFlags(final MutableDirectBuffer state, final int base, final int dir, final int flags)
    {
        TcpStateLayout.flags(state, base, dir, flags);
    }

    private static int lastDir(final MutableDirectBuffer state, final int base)
    {
        return TcpStateLayout.lastDir(state, base);
    }

    private static int lastIndex(final MutableDirectBuffer state, final int base)
    {
        return TcpStateLayout.lastIndex(state, base);
    }

    private static int lastFlags(final MutableDirectBuffer state, final int base)
    {
        return TcpStateLayout.lastFlags(state, base);
    }

    private static int getInt(final MutableDirectBuffer state, final int index)
    {
        return TcpStateLayout.getInt(state, index);
    }

    private static void putInt(final MutableDirectBuffer state, final int index, final int value)
    {
        TcpStateLayout.putInt(state, index, value);
    }

    private static int getShort(final MutableDirectBuffer state, final int index)
    {
        return TcpStateLayout.getShort(state, index);
    }

    private static void putShort(final MutableDirectBuffer state, final int index, final int value)
    {
        TcpStateLayout.putShort(state, index, value);
    }
}
