/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.HIGH_WATER_OFFSET;

/**
 * Expiry of a {@link FlowTable}'s entries: bounded passes over the entry indices from a cursor that wraps around,
 * removing the entries whose deadline has passed. One expiring thread at a time; lookups and packets run on
 * meanwhile (the memory ordering follows the concurrency protocol in {@link FlowTable}).
 */
final class FlowExpiry
{
    /** Entries {@link #expire} examines per pass. */
    static final int EXPIRY_CHUNK = 64;

    private final FlowTable table;
    private final FlowIndex index;
    private final WriterState writers;
    private final long hotAddress;
    private final long headerAddress;
    /** Due entries of one expiry chunk with both tuples' home slots (entry, orig home, reply home); one expirer. */
    private final int[] expiryDue = new int[3 * EXPIRY_CHUNK];

    FlowExpiry(final FlowTable table, final FlowIndex index, final WriterState writers, final long headerAddress)
    {
        this.table = table;
        this.index = index;
        this.writers = writers;
        this.hotAddress = table.hotAddress;
        this.headerAddress = headerAddress;
    }

    /** {@link FlowTable#expire}, whose Javadoc says what it does. */
    int expire(final long nowNanos, final int maxEntries, final ExpiryListener listener)
    {
        final int limit = UnsafeApi.getIntVolatile(null, headerAddress + HIGH_WATER_OFFSET); // volatile
        if (limit == 0)
        {
            return 0;
        }
        final int[] due = expiryDue;
        final long hotAddress = this.hotAddress;
        final long slotsAddress = index.slotsAddress;
        int removed = 0;
        int e = writers.expiryCursor;
        int left = Math.min(Math.max(0, maxEntries), limit);
        while (left > 0)
        {
            // Pass 1: find the chunk's due entries and touch both home slots of each (plain loads feeding a sink):
            // a removal's first miss is its slot lines, and this way the chunk's misses overlap instead of each
            // removal waiting for its own in turn.
            final int chunk = Math.min(left, EXPIRY_CHUNK);
            int found = 0;
            long sink = 0;
            for (int n = 0; n < chunk; n++)
            {
                if (e >= limit)
                {
                    e = 0;
                }
                final long h = hotAddress + ((long)e << HOT_SHIFT);
                if ((UnsafeApi.getIntVolatile(null, h + STATUS_OFFSET) & FlowStatus.CONFIRMED) != 0 &&
                    UnsafeApi.getLongOpaque(null, h + DEADLINE_OFFSET) - nowNanos <= 0)
                {
                    // plain key loads: the homes are hints (checked again in pass 2), a torn key costs a rescan only
                    final int origHome = index.homeOfRef(e << 1);
                    final int replyHome = index.homeOfRef((e << 1) | 1);
                    sink += UnsafeApi.getInt(null, slotsAddress + ((long)origHome << 2)) +
                        UnsafeApi.getInt(null, slotsAddress + ((long)replyHome << 2));
                    due[3 * found] = e; // the homes are hints only: the entry may change hands before pass 2
                    due[3 * found + 1] = origHome;
                    due[3 * found + 2] = replyHome;
                    found++;
                }
                e++;
            }
            index.keepAlive(sink);
            left -= chunk;
            // Pass 2: remove them; everything is decided again here, under the entry's write lock.
            for (int i = 0; i < found; i++)
            {
                final int d = due[3 * i];
                final long h = hotAddress + ((long)d << HOT_SHIFT);
                if (table.tryBeginWrite(d) >= 0)
                {
                    // Re-check under the entry lock: a packet may have refreshed the deadline meanwhile.
                    if ((UnsafeApi.getIntVolatile(null, h + STATUS_OFFSET) & FlowStatus.CONFIRMED) != 0 &&
                        UnsafeApi.getLongOpaque(null, h + DEADLINE_OFFSET) - nowNanos <= 0)
                    {
                        if (listener != null)
                        {
                            listener.onExpired(table, d);
                        }
                        if (table.removeExpired(d, due[3 * i + 1], due[3 * i + 2]))
                        {
                            removed++;
                        }
                    }
                    table.endWrite(d);
                }
            }
        }
        writers.expiryCursor = e;
        return removed;
    }
}
