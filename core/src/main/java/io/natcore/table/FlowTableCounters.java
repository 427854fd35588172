/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static io.natcore.table.FlowTableFile.*;

/**
 * The counters of a {@link FlowTable}, kept in its header ({@link FlowTableFile}) so a mapped file carries them
 * across restarts. Only the writer-lock holder writes them (plain read, opaque store, see the concurrency protocol in
 * {@link FlowTable}); any thread reads them (opaque).
 */
final class FlowTableCounters
{
    final UnsafeBuffer header;
    private final long headerAddress;

    FlowTableCounters(final UnsafeBuffer header)
    {
        this.header = header;
        this.headerAddress = header.addressOffset();
    }

    /** Adds one to the counter at {@code offset}; the caller holds the writer lock. */
    void increment(final int offset)
    {
        add(offset, 1);
    }

    /** Adds {@code delta} to the counter at {@code offset}; the caller holds the writer lock. */
    void add(final int offset, final long delta)
    {
        final long at = headerAddress + offset;
        UnsafeApi.putLongOpaque(null, at, UnsafeApi.getLong(null, at) + delta); // plain read: only the holder writes
    }

    /** The counter at {@code offset} (opaque). */
    long get(final int offset)
    {
        return header.getLongOpaque(offset);
    }

    /** Times the backing file was reopened. */
    int openCount()
    {
        return header.getInt(OPEN_COUNT_OFFSET);
    }
}
