/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.natcore.table.FlowTableTest.insert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FlowExpiry}: bounded passes from a wrapping cursor, skipping locked entries, telling the listener first. */
class FlowExpiryTest
{
    @Test
    void eachCallExaminesAtMostItsBudgetOfEntriesFromWhereTheLastStopped()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(8).seed(3)))
        {
            for (int i = 0; i < 8; i++)
            {
                t.putDeadlineOpaque(insert(t, i), 100);
            }
            assertEquals(3, t.expire(200, 3, null));
            for (int e = 0; e < 8; e++)
            {
                assertEquals(e >= 3, t.isLive(e), "entry " + e + " after the first call");
            }
            assertEquals(3, t.expire(200, 3, null));
            assertEquals(2, t.expire(200, 3, null), "the last two, then the cursor wraps onto removed entries");
            assertEquals(0, t.size());
            assertEquals(8, t.expired());
        }
    }

    @Test
    void entriesNotYetDueStayAndTheCursorComesBackToThem()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(4).seed(3)))
        {
            for (int i = 0; i < 4; i++)
            {
                t.putDeadlineOpaque(insert(t, i), i < 2 ? 100 : 300);
            }
            assertEquals(2, t.expire(200, 4, null));
            assertEquals(0, t.expire(200, 4, null));
            assertEquals(2, t.expire(300, 4, null), "deadline at or before now");
        }
    }

    @Test
    void anEntryAPacketHoldsIsSkippedAndRemovedOnALaterPass()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(4).seed(3)))
        {
            final int e = insert(t, 0);
            t.putDeadlineOpaque(e, 100);
            assertTrue(t.beginWrite(e) > 0);
            assertEquals(0, t.expire(200, 4, null));
            assertTrue(t.isLive(e));
            t.endWrite(e);
            assertEquals(1, t.expire(200, 4, null));
            assertFalse(t.isLive(e));
        }
    }

    @Test
    void theListenerSeesTheDueEntryStillLiveAndWithItsFields()
    {
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(4).seed(3)))
        {
            final int e = insert(t, 5);
            t.putDeadlineOpaque(e, 100);
            t.putMark(e, 0xBEEF);
            final List<String> seen = new ArrayList<>();
            assertEquals(1, t.expire(200, 4, (table, entry) ->
                seen.add(entry + " live=" + table.isLive(entry) + " mark=" + Integer.toHexString(table.mark(entry)) +
                    " found=" + (table.lookup(FlowTableTest.origK0(5), FlowTableTest.origK1(5)) >>> 1))));
            assertEquals(List.of(e + " live=true mark=beef found=" + e), seen);
            assertEquals(FlowTable.MISS, t.lookup(FlowTableTest.origK0(5), FlowTableTest.origK1(5)));
        }
    }
}
