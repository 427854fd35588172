/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Receives live entries from {@link FlowTable#forEachLive(int, int, FlowVisitor)}. Implement as a reusable
 * object (no capturing lambda on the packet path). The visitor may call {@link FlowTable#remove(int)}.
 */
@FunctionalInterface
public interface FlowVisitor
{
    /**
     * @param table the table.
     * @param entry a live entry index; read its fields under the entry seqlock.
     */
    void visit(FlowTable table, int entry);
}
