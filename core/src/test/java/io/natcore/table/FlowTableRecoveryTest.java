/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.natcore.table.FlowTableTest.insert;
import static io.natcore.table.FlowTableTest.origK0;
import static io.natcore.table.FlowTableTest.origK1;
import static io.natcore.table.FlowTableTest.replyK0;
import static io.natcore.table.FlowTableTest.replyK1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FlowTableRecovery}: what a reopened mapped file keeps, discards and frees. */
class FlowTableRecoveryTest
{
    @TempDir
    Path dir;

    private FlowTable open(final Path file)
    {
        return new FlowTable(new FlowTableConfig().capacity(16).seed(9).mappedFile(file));
    }

    @Test
    void anEntryLeftInsideAWriteIsDiscardedTheOthersStayFindable()
    {
        final Path file = dir.resolve("torn.nat");
        try (FlowTable t = open(file))
        {
            assertEquals(0, insert(t, 0));
            assertEquals(1, insert(t, 1));
            assertEquals(2, insert(t, 2));
            assertTrue(t.beginWrite(1) > 0); // the process dies here, entry 1 half written
        }
        try (FlowTable t = open(file))
        {
            assertEquals(1, t.openCount());
            assertEquals(1, t.discarded());
            assertEquals(2, t.size());
            assertEquals(0, t.lookup(origK0(0), origK1(0)) >>> 1);
            assertEquals(2, t.lookup(replyK0(2), replyK1(2)) >>> 1);
            assertEquals(FlowTable.MISS, t.lookup(origK0(1), origK1(1)));
            assertFalse(t.isLive(1));
            assertEquals(0, t.seqVolatile(1) & 1, "its lock is not held by anyone any more");
            assertEquals(1, insert(t, 3), "the discarded entry is the first free one");
        }
    }

    @Test
    void removedEntriesBelowTheHighWaterMarkAreFreeAfterReopening()
    {
        final Path file = dir.resolve("freed.nat");
        try (FlowTable t = open(file))
        {
            for (int i = 0; i < 4; i++)
            {
                insert(t, i);
            }
            assertTrue(t.remove(1));
            assertTrue(t.remove(3));
        }
        try (FlowTable t = open(file))
        {
            assertEquals(2, t.size());
            assertEquals(0, t.discarded());
            assertEquals(1, insert(t, 10), "free entries are pushed from the top down: the lowest comes out first");
            assertEquals(3, insert(t, 11));
            assertEquals(4, insert(t, 12), "then the never-used ones above the high water mark");
        }
    }
}
