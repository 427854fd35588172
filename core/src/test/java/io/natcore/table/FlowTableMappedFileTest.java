/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.natcore.table.FlowTable.MISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTableMappedFileTest
{
    @TempDir
    Path dir;

    @Test
    void reopenedFileKeepsCompleteEntriesAndDiscardsOneTornMidWrite() throws Exception
    {
        final Path file = dir.resolve("flows.nat");
        final int[] e = new int[100];
        final int torn;
        final int removed;
        final long seed;
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(256).mappedFile(file)))
        {
            seed = t.seed();
            for (int i = 0; i < 100; i++)
            {
                e[i] = FlowTableTest.insert(t, i);
                t.beginWrite(e[i]);
                t.putDeadlineOpaque(e[i], 5_000 + i);
                t.putIpChecksumDelta(e[i], 1, 0x1000 + i);
                t.putScratchInt(e[i], 12, i * 7);
                t.orStatusVolatile(e[i], FlowStatus.ASSURED);
                t.endWrite(e[i]);
            }
            removed = e[10];
            t.remove(removed);
            torn = e[20];
            t.beginWrite(torn); // the process "dies" here: never endWrite
            t.putIpChecksumDelta(torn, 1, 0xDEAD);
        } // close unmaps without any clean-shutdown step, like a killed process leaves the file
        assertEquals(FlowTableFile.totalLength(256, new FlowTableConfig().capacity(256).slotCount()), Files.size(file));

        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(999).seed(1).mappedFile(file)))
        {
            assertEquals(256, t.capacity(), "geometry comes from the file");
            assertEquals(seed, t.seed(), "seed comes from the file");
            assertEquals(1, t.openCount());
            assertEquals(1, t.discarded());
            assertEquals(98, t.size());
            assertEquals(100, t.inserts(), "counters survive");
            for (int i = 0; i < 100; i++)
            {
                final long h0 = t.lookup(FlowTableTest.origK0(i), FlowTableTest.origK1(i));
                final long h1 = t.lookup(FlowTableTest.replyK0(i), FlowTableTest.replyK1(i));
                if (i == 10 || i == 20)
                {
                    assertEquals(MISS, h0, "connection " + i);
                    assertEquals(MISS, h1, "connection " + i);
                    continue;
                }
                assertEquals((long)e[i] << 1, h0);
                assertEquals(((long)e[i] << 1) | 1, h1);
                assertEquals(5_000 + i, t.deadlineOpaque(e[i]));
                assertEquals(0x1000 + i, t.ipChecksumDelta(e[i], 1));
                assertEquals(i * 7, t.scratchInt(e[i], 12));
                assertTrue(t.hasStatus(e[i], FlowStatus.ASSURED | FlowStatus.CONFIRMED));
            }
            assertFalse(t.isLive(torn));
            assertEquals(0, t.seqVolatile(torn) & 1, "the dead writer's lock is released");
            // New inserts reuse only the free entries (the removed and the torn one), then fresh ones.
            final int a = FlowTableTest.insert(t, 200);
            final int b = FlowTableTest.insert(t, 201);
            final int c = FlowTableTest.insert(t, 202);
            assertTrue((a == removed && b == torn) || (a == torn && b == removed), a + " " + b);
            assertEquals(100, c);
            assertNotEquals(t.ctId(e[0]), t.ctId(c));
            assertEquals(101, t.size());
        }
    }

    @Test
    void fileWithoutAValidHeaderIsRecreatedEmpty() throws Exception
    {
        final Path file = dir.resolve("garbage.nat");
        Files.write(file, new byte[8192]);
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(64).mappedFile(file)))
        {
            assertEquals(64, t.capacity());
            assertEquals(0, t.size());
            assertEquals(0, t.openCount());
            final int e = FlowTableTest.insert(t, 1);
            assertEquals((long)e << 1, t.lookup(FlowTableTest.origK0(1), FlowTableTest.origK1(1)));
        }
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(64).mappedFile(file)))
        {
            assertEquals(1, t.size());
            assertEquals(1, t.openCount());
        }
    }

    @Test
    void fileOfTheEightByteSlotLayoutVersionOneIsRecreatedEmptyNotMisread() throws Exception
    {
        final Path file = dir.resolve("v1.nat");
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(64).mappedFile(file)))
        {
            FlowTableTest.insert(t, 1);
        }
        // Rewrite the header as version 1 wrote it: VERSION 1, SLOT_LENGTH 8 (offsets 8 and 36, native order).
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE))
        {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder());
            ch.write(b.putInt(0, 1), 8);
            ch.write(b.putInt(0, 8), 36);
        }
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(64).mappedFile(file)))
        {
            assertEquals(0, t.size(), "an old layout is not reinterpreted");
            assertEquals(0, t.openCount());
            assertEquals(MISS, t.lookup(FlowTableTest.origK0(1), FlowTableTest.origK1(1)));
        }
    }
}
