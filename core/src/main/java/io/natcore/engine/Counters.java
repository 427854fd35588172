/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One thread's counters: per {@link Verdict}, per {@link Reason} and a few engine events, each a long on its own
 * cache line (no false sharing with other threads' slabs). Single writer (the owning thread increments with an
 * opaque store of a plain read + 1, no atomic read-modify-write); any thread reads with an opaque load.
 * The engine sums every thread's slab ({@link NatEngine#counter}).
 * <pre>
 *   slot i at i * 64:  | value (long) | 56 bytes padding |
 *   slots: [0, VERDICTS) verdicts by ordinal, then reasons by id, then {@link #EXTRA_NAMES}
 * </pre>
 */
public final class Counters
{
    /** Extra counter: connections inserted. */
    public static final int CONNECTIONS_CREATED = 0;
    /** Extra counter: connections destroyed (any cause). */
    public static final int CONNECTIONS_DESTROYED = 1;
    /** Extra counter: port/id searches that had to leave the original port. */
    public static final int PORT_REMAPPED = 2;
    /** Extra counter: events lost because the event buffer was full. */
    public static final int EVENTS_LOST = 3;
    /** Extra counter: ICMP errors translated. */
    public static final int ICMP_ERRORS_TRANSLATED = 4;
    /** Extra counter: fragments translated after their first fragment. */
    public static final int FRAGMENTS_FOLLOWED = 5;
    /** Labels of the extra counters. */
    static final String[] EXTRA_NAMES =
    {
        "connections created", "connections destroyed", "ports remapped", "events lost",
        "icmp errors translated", "fragments followed"
    };

    static final int VERDICTS = Verdict.values().length;
    static final int REASON_BASE = VERDICTS;
    static final int EXTRA_BASE = REASON_BASE + Reason.maxId() + 1;
    static final int SLOTS = EXTRA_BASE + EXTRA_NAMES.length;
    private static final int STRIDE = BitUtil.CACHE_LINE_LENGTH;

    private final UnsafeBuffer buffer = new UnsafeBuffer(
        ByteBuffer.allocateDirect(SLOTS * STRIDE + STRIDE).alignedSlice(STRIDE));

    /** Owning thread only. */
    void verdict(final Verdict v)
    {
        incrementOpaque(v.ordinal());
    }

    /** Owning thread only: a held packet got its final verdict (counted apart), so it is no longer counted as HOLD. */
    void unhold()
    {
        final int at = Verdict.HOLD.ordinal() * STRIDE;
        buffer.putLongOpaque(at, buffer.getLong(at) - 1);
    }

    /** Owning thread only. */
    void reason(final Reason r)
    {
        incrementOpaque(REASON_BASE + r.id());
    }

    /** Owning thread only. */
    void extra(final int which)
    {
        incrementOpaque(EXTRA_BASE + which);
    }

    private void incrementOpaque(final int slot)
    {
        final int at = slot * STRIDE;
        // Single writer: a plain read of our own last store, then an opaque store readers can see untorn.
        buffer.putLongOpaque(at, buffer.getLong(at) + 1);
    }

    /** Any thread. */
    long getOpaque(final int slot)
    {
        return buffer.getLongOpaque(slot * STRIDE);
    }
}
