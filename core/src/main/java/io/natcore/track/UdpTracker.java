/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.MutableDirectBuffer;


/**
 * The Linux UDP tracker ({@code nf_conntrack_udp_packet}, 6.x): 30 s until a reply is seen and
 * while the flow is younger than 2 s; once replied and still active more than 2 s after creation,
 * a "stream": 120 s and ASSURED (one event when ASSURED is set). Per-connection state is one long
 * (native order, like the flow table),
 * the instant from which the flow counts as a stream:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 stream_ts (nanos, creation + 2 s)             |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Stateless and immutable: share one instance. The caller holds the entry's write side.
 * UDP header errors (short, bad length, bad checksum) are the parser's: the kernel marks them INVALID.
 */
public final class UdpTracker
{
    public static final int STREAM_TS_OFFSET = 0;
    public static final int LENGTH = 8;

    private final Timeouts timeouts;

    public UdpTracker(final Timeouts timeouts)
    {
        this.timeouts = timeouts;
    }

    /**
     * One datagram of a connection.
     *
     * @param state     buffer holding the entry's UDP area.
     * @param base      offset of the area.
     * @param isNew     true for the packet that creates the connection (not yet confirmed).
     * @param seenReply entry's SEEN_REPLY before this packet (the engine sets it after a reply is accepted).
     * @param assured   entry's ASSURED before this packet.
     * @param nowNanos  packet time.
     * @param out       receives the decision (always ACCEPT).
     * @return {@code out.verdict}.
     */
    public int packet(
        final MutableDirectBuffer state,
        final int base,
        final boolean isNew,
        final boolean seenReply,
        final boolean assured,
        final long nowNanos,
        final TrackResult out)
    {
        out.clear();
        if (isNew)
        {
            state.putLong(base + STREAM_TS_OFFSET, nowNanos + timeouts.udpStreamAfter(), TcpStateLayout.ORDER);
        }
        final boolean stream = stream(state, base, seenReply, nowNanos);
        out.refresh = true;
        out.timeoutNanos = timeout(stream);
        if (stream && !assured)
        {
            out.setAssured = true;
            out.events = TrackResult.EVENT_ASSURED;
        }
        return out.verdict;
    }

    /**
     * {@link #packet} for a datagram of a confirmed connection, as values (the engine's established path, without
     * a {@link TrackResult}): the datagram is accepted and refreshed with {@link #timeout}{@code (stream)}, and
     * ASSURED is set (its one event) when {@code stream} and not yet ASSURED.
     *
     * @return true when the flow counts as a stream: a reply was seen and the stream instant has passed.
     */
    public boolean stream(final MutableDirectBuffer state, final int base, final boolean seenReply, final long nowNanos)
    {
        return seenReply && nowNanos - state.getLong(base + STREAM_TS_OFFSET, TcpStateLayout.ORDER) > 0;
    }

    /** @return the refresh timeout of a datagram, see {@link #stream}. */
    public long timeout(final boolean stream)
    {
        return stream ? timeouts.udpStream() : timeouts.udpUnreplied();
    }
}
