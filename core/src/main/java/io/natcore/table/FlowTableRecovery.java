/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.concurrent.UnsafeBuffer;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.*;

/**
 * Recovery of a {@link FlowTable} whose mapped file was reopened (after a crash or a restart): the index is rebuilt
 * from the entries, entries torn inside a write (odd sequence) or holding a tuple another entry holds are discarded,
 * the rest of the entries go to the free list. Runs in the constructor, before any other thread sees the table,
 * under the writer lock all the same.
 */
final class FlowTableRecovery
{
    private FlowTableRecovery()
    {
    }

    /** Rebuilds the index and the free list from the entries below the high water mark. */
    static void recover(final FlowTable table, final FlowIndex index, final FreeList free, final FlowTableCounters counters)
    {
        final UnsafeBuffer header = counters.header;
        final UnsafeBuffer hot = table.hot;
        table.lockWriters();
        try
        {
            index.clearLocked();
            header.putInt(OPEN_COUNT_OFFSET, header.getInt(OPEN_COUNT_OFFSET) + 1);
            final int highWater = Math.max(0, Math.min(table.capacity, header.getInt(HIGH_WATER_OFFSET)));
            header.putInt(HIGH_WATER_OFFSET, highWater);
            free.clearLocked();
            long size = 0;
            for (int e = highWater - 1; e >= 0; e--)
            {
                final int h = hotOffset(e);
                final int seq = hot.getInt(h + SEQ_OFFSET);
                final int status = hot.getInt(h + STATUS_OFFSET);
                boolean keep = false;
                if ((status & FlowStatus.CONFIRMED) != 0)
                {
                    if ((seq & 1) != 0)
                    {
                        counters.increment(DISCARDED_OFFSET); // died inside a write: torn
                    }
                    else
                    {
                        keep = reindexLocked(hot, e, index, counters);
                    }
                }
                if ((seq & 1) != 0)
                {
                    hot.putInt(h + SEQ_OFFSET, seq + 1); // nobody holds it any more
                }
                if (keep)
                {
                    size++;
                }
                else
                {
                    hot.putInt(h + STATUS_OFFSET, status & ~FlowStatus.CONFIRMED);
                    free.pushLocked(e);
                }
            }
            header.putLongRelease(SIZE_OFFSET, size);
        }
        finally
        {
            table.unlockWriters();
        }
    }

    private static boolean reindexLocked(
        final UnsafeBuffer hot, final int e, final FlowIndex index, final FlowTableCounters counters)
    {
        final int h = hotOffset(e);
        final long ok0 = hot.getLong(h + KEY_OFFSET);
        final long ok1 = hot.getLong(h + KEY_OFFSET + 8);
        final long rk0 = hot.getLong(h + KEY_OFFSET + KEY_LENGTH);
        final long rk1 = hot.getLong(h + KEY_OFFSET + KEY_LENGTH + 8);
        final long ho = index.hash(ok0, ok1);
        final long hr = index.hash(rk0, rk1);
        if ((ok0 == rk0 && ok1 == rk1) || index.findKeyLocked(ok0, ok1, ho) >= 0 || index.findKeyLocked(rk0, rk1, hr) >= 0)
        {
            counters.increment(DISCARDED_OFFSET); // duplicate tuple: cannot both be right
            return false;
        }
        index.publishLocked(ho, e << 1);
        index.publishLocked(hr, (e << 1) | 1);
        return true;
    }
}
