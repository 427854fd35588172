/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Told about each entry an insert evicts to make room (early drop: the table was full and the entry was not
 * ASSURED), before the entry leaves the index and before its memory is reused, so its fields (tuples, status,
 * state, deadline, counters) are still as they stood. Called on the inserting thread, under the table's writer lock
 * and with the victim's write lock held by that thread:
 * <ul>
 * <li>read the victim's fields directly (they are stable); calling {@code beginWrite} or {@code readBeginAcquire}
 * on it would spin forever;</li>
 * <li>do not call the table's writer methods ({@code insert}, {@code insertAndLock}, {@code remove},
 * {@code expire}, {@code probeLength}): the writer lock is not reentrant, they would spin forever;</li>
 * <li>do not allocate and return quickly: every other insert and removal waits meanwhile.</li>
 * </ul>
 */
@FunctionalInterface
public interface EvictionListener
{
    /**
     * @param table the table.
     * @param entry the entry being evicted.
     */
    void onEvicted(FlowTable table, int entry);
}
