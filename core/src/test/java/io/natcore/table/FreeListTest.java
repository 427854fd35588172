/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;

import static io.natcore.table.FlowTableTest.insert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FreeList}: which entry a new connection gets, observed through the table's insert and remove. */
class FreeListTest
{
    @Test
    void freedEntriesComeBackLastFreedFirstBeforeAnyNeverUsedEntry()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(8).seed(7)))
        {
            assertEquals(0, insert(t, 0));
            assertEquals(1, insert(t, 1));
            assertEquals(2, insert(t, 2));
            assertTrue(t.remove(0));
            assertTrue(t.remove(2));
            assertEquals(2, insert(t, 10), "the last freed");
            assertEquals(0, insert(t, 11), "then the one freed before it");
            assertEquals(3, insert(t, 12), "then the first never used");
        }
    }

    @Test
    void aFreedEntryAStaleHolderStillLocksIsSetAsideAndHandedOutOnceReleased()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(8).seed(7)))
        {
            assertEquals(0, insert(t, 0));
            assertEquals(1, insert(t, 1));
            assertTrue(t.beginWrite(1) > 0, "a packet thread holds entry 1");
            assertTrue(t.remove(1)); // remove does not wait for the entry lock
            assertEquals(2, insert(t, 2), "entry 1 is still locked: skipped, the next never-used one instead");
            t.endWrite(1);
            assertEquals(1, insert(t, 3), "put back on top of the list, handed out once free");
            assertEquals(3, insert(t, 4));
        }
    }

    @Test
    void aTableWithNothingFreeAndNothingToEvictRefusesWithFull()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(2).seed(7)))
        {
            for (int i = 0; i < 2; i++)
            {
                final int e = insert(t, i);
                t.orStatusVolatile(e, FlowStatus.ASSURED); // early drop takes only non-ASSURED entries
            }
            assertEquals(FlowTable.FULL, insert(t, 2));
            assertEquals(1, t.fullRefusals());
        }
    }
}
