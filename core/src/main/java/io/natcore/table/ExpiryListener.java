/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Told about each entry {@link FlowTable#expire(long, int, ExpiryListener)} removes, before it is removed and
 * while the expiring thread holds its write lock: read the fields directly (they are stable); calling
 * {@code beginWrite} or {@code readBeginAcquire} on that entry from the listener would spin forever.
 */
@FunctionalInterface
public interface ExpiryListener
{
    /**
     * @param table the table.
     * @param entry the expiring entry.
     */
    void onExpired(FlowTable table, int entry);
}
