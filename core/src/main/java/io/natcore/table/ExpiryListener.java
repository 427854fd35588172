/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Told about each entry {@link FlowTable#expire(long, int, ExpiryListener)} removes, before it is removed and
 * while its write lock is held (fields are stable; do not call {@code beginWrite} on it).
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
