/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.HIGH_WATER_OFFSET;

/**
 * Where a {@link FlowTable}'s new entries come from: a stack of freed entries threaded through their free link, then
 * the never-used entries above the high water mark. Every method expects the caller to hold the table's writer lock
 * (see the concurrency protocol in {@link FlowTable}); the stack's head lives in {@link WriterState}, on the writers'
 * cache line.
 */
final class FreeList
{
    /**
     * Free-list link of a free entry: its reply k1 word. Callers have no setter for keys, so a stale caller cannot
     * corrupt the list; a lookup racing with the overwrite is caught by the SHIFT_SEQ check of the removal.
     */
    static final int FREE_LINK_OFFSET = KEY_OFFSET + KEY_LENGTH + 8;

    private final FlowEntries entries;
    private final WriterState writers;
    private final long hotAddress;
    private final long headerAddress;
    private final int capacity;

    FreeList(final FlowEntries entries, final WriterState writers, final long headerAddress)
    {
        this.entries = entries;
        this.writers = writers;
        this.hotAddress = entries.hotAddress;
        this.headerAddress = headerAddress;
        this.capacity = entries.capacity;
    }

    /**
     * An entry for a new connection, write-locked (odd sequence): the most recently freed one whose lock is free
     * (a stale holder that looked it up before its removal may still hold it: up to four are set aside and put back),
     * else the next never-used one.
     *
     * @return the entry, or -1 when none is free.
     */
    int allocateLocked()
    {
        int skipped = -1;
        int e = -1;
        for (int attempt = 0; attempt < 4 && writers.freeHead >= 0; attempt++)
        {
            final int candidate = popLocked();
            if (candidate < 0)
            {
                break;
            }
            if (entries.tryBeginWrite(candidate) >= 0)
            {
                e = candidate;
                break;
            }
            // A stale holder (it looked the entry up before it was removed) still has it locked: set it aside.
            UnsafeApi.putLong(null, hotAddress + ((long)candidate << HOT_SHIFT) + FREE_LINK_OFFSET, skipped);
            skipped = candidate;
        }
        while (skipped >= 0)
        {
            final int next = (int)UnsafeApi.getLong(null, hotAddress + ((long)skipped << HOT_SHIFT) + FREE_LINK_OFFSET);
            pushLocked(skipped);
            skipped = next;
        }
        if (e >= 0)
        {
            return e;
        }
        final int highWater = UnsafeApi.getInt(null, headerAddress + HIGH_WATER_OFFSET); // plain: lock holder writes it
        if (highWater < capacity)
        {
            UnsafeApi.putIntRelease(null, headerAddress + HIGH_WATER_OFFSET, highWater + 1);
            entries.beginWrite(highWater); // never handed out, so never locked: does not spin
            return highWater;
        }
        return -1;
    }

    int popLocked()
    {
        final int e = writers.freeHead;
        if (e < 0)
        {
            return -1;
        }
        final long next = UnsafeApi.getLong(null, hotAddress + ((long)e << HOT_SHIFT) + FREE_LINK_OFFSET);
        // Defensive: a corrupted link must not hand out a bad or live entry; drop the rest of the list instead.
        writers.freeHead = next >= 0 && next < capacity ? (int)next : -1;
        return e;
    }

    void pushLocked(final int e)
    {
        UnsafeApi.putLong(null, hotAddress + ((long)e << HOT_SHIFT) + FREE_LINK_OFFSET, writers.freeHead);
        writers.freeHead = e;
    }

    /** Empties the stack (recovery pushes every free entry again). */
    void clearLocked()
    {
        writers.freeHead = -1;
    }
}
