/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.table.EvictionListener;
import io.natcore.table.ExpiryListener;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceMappingsTest
{
    private static final int ZONE = 0;

    /** One recorded mapping of the model: source, entry, and whether its connection has died since. */
    private static final class Record
    {
        final int proto;
        final int ip;
        final int port;
        final int entry;
        boolean died;

        Record(final int proto, final int ip, final int port, final int entry)
        {
            this.proto = proto;
            this.ip = ip;
            this.port = port;
            this.entry = entry;
        }
    }

    private static boolean holdsLive(final FlowTable table, final Record r, final long now)
    {
        final long k0 = table.keyK0(r.entry, FlowTable.DIR_ORIGINAL);
        final long k1 = table.keyK1(r.entry, FlowTable.DIR_ORIGINAL);
        return table.isLive(r.entry) && FlowKey.srcIp(k0) == r.ip && FlowKey.srcPort(k1) == r.port &&
            FlowKey.protocol(k1) == r.proto && table.deadlineOpaque(r.entry) > now;
    }

    /**
     * Checks a {@link SourceMappings#find} answer against a walk of every record, newest first (each entry's latest
     * record only). A record whose connection is still the one recorded (never removed since), live and
     * unexpired, must be found, newest first. A record whose entry died and now holds another connection of the
     * same source may be answered (its connection is that source's too) or not (a walk unlinked it while dead),
     * but never ahead of a newer still-recorded connection. Nothing else may be answered.
     */
    private static void check(
        final List<Record> records, final FlowTable table, final int proto, final int ip, final int port,
        final long now, final int found, final String where)
    {
        final boolean[] seen = new boolean[table.capacity()];
        for (int i = records.size() - 1; i >= 0; i--)
        {
            final Record r = records.get(i);
            if (seen[r.entry])
            {
                continue; // recorded again later: that record moved it
            }
            seen[r.entry] = true;
            if (r.proto != proto || r.ip != ip || r.port != port || !holdsLive(table, r, now))
            {
                continue;
            }
            if (!r.died)
            {
                assertEquals(r.entry, found, where + ": the newest still-recorded connection");
                return;
            }
            if (found == r.entry)
            {
                return; // a reused entry of the same source, still linked
            }
        }
        assertEquals(SourceMappings.NONE, found, where + ": no live mapping");
    }

    @Test
    void findGivesTheNewestLiveRecordOfTheSourceLikeAFullListWalk()
    {
        final SplittableRandom rnd = new SplittableRandom(20261126L);
        for (int round = 0; round < 40; round++)
        {
            final List<Record> records = new ArrayList<>();
            final EvictionListener onEvicted = (t, e) -> markDied(records, e);
            try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(64).evictionListener(onEvicted)))
            {
                final SourceMappings mappings = new SourceMappings(table, ZONE);
                long now = 1_000;
                for (int step = 0; step < 1_500; step++)
                {
                    // Few sources and ports, so chains share buckets, sources repeat and entries are reused.
                    final int proto = rnd.nextBoolean() ? 6 : 17;
                    final int ip = 0x0A000000 | rnd.nextInt(4);
                    final int port = 1000 + rnd.nextInt(3);
                    final int op = rnd.nextInt(10);
                    if (op < 4)
                    {
                        final int dst = rnd.nextInt();
                        final int dport = rnd.nextInt(65536);
                        final int e = table.insert(FlowKey.k0(ip, dst), FlowKey.k1(port, dport, proto, ZONE),
                            FlowKey.k0(dst, 0x0B000000 | rnd.nextInt(1 << 20)),
                            FlowKey.k1(dport, rnd.nextInt(65536), proto, ZONE));
                        if (e >= 0)
                        {
                            table.putDeadlineOpaque(e, now + rnd.nextInt(50));
                            if (rnd.nextInt(3) != 0)
                            {
                                mappings.record(proto, ip, port, e);
                                records.add(new Record(proto, ip, port, e));
                            }
                        }
                    }
                    else if (op < 6)
                    {
                        final int e = rnd.nextInt(64);
                        if (table.remove(e))
                        {
                            markDied(records, e);
                        }
                    }
                    else if (op == 6)
                    {
                        now += rnd.nextInt(20);
                    }
                    else if (op == 7)
                    {
                        // As the engine's expiry listener: mark, then the table removes.
                        final ExpiryListener onExpired = (t, e) ->
                        {
                            mappings.expiredOpaque(e);
                            markDied(records, e);
                        };
                        table.expire(now, rnd.nextInt(1, 64), onExpired);
                    }
                    else
                    {
                        check(records, table, proto, ip, port, now, mappings.find(proto, ip, port, now),
                            "round " + round + " step " + step);
                    }
                }
            }
        }
    }

    private static void markDied(final List<Record> records, final int entry)
    {
        for (final Record r : records)
        {
            r.died |= r.entry == entry;
        }
    }

    /** One TCP connection from source 1:10, due at 100, recorded as that source's mapping; returns its entry. */
    private static int recordOneSource(final FlowTable table, final SourceMappings mappings)
    {
        final int e = table.insert(FlowKey.k0(1, 2), FlowKey.k1(10, 20, 6, ZONE), FlowKey.k0(2, 3),
            FlowKey.k1(20, 30, 6, ZONE));
        table.putDeadlineOpaque(e, 100);
        mappings.record(6, 1, 10, e);
        return e;
    }

    @Test
    void anExpiredEntryIsUnlinkedWithoutBeingReadAndARecordClearsTheMark()
    {
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(16)))
        {
            final SourceMappings mappings = new SourceMappings(table, ZONE);
            final int e = recordOneSource(table, mappings);
            mappings.expiredOpaque(e); // the entry is still live: only expiry says it goes
            assertEquals(SourceMappings.NONE, mappings.find(6, 1, 10, 50));
            assertFalse(mappings.isLinked(e));
            mappings.record(6, 1, 10, e);
            assertEquals(e, mappings.find(6, 1, 10, 50));
        }
    }

    @Test
    void expiryHandsOverMoreEntriesThanTheRingHoldsAndEveryOneStillLeavesItsChain()
    {
        final int n = 6000;
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(8192)))
        {
            final SourceMappings mappings = new SourceMappings(table, ZONE);
            final int[] entries = new int[n];
            for (int i = 0; i < n; i++)
            {
                entries[i] = table.insert(FlowKey.k0(7, i), FlowKey.k1(i, 80, 6, ZONE), FlowKey.k0(i, 8),
                    FlowKey.k1(80, i, 6, ZONE));
                table.putDeadlineOpaque(entries[i], 100);
                mappings.record(6, 7, i, entries[i]);
            }
            for (int i = 0; i < n; i++)
            {
                mappings.expiredOpaque(entries[i]); // the ring holds 4096: the rest stay linked, marked
            }
            for (int i = 0; i < n; i++)
            {
                assertEquals(SourceMappings.NONE, mappings.find(6, 7, i, 50), "source port " + i);
                assertFalse(mappings.isLinked(entries[i]), "source port " + i);
            }
        }
    }

    @Test
    void aFilterRebuildKeepsEveryLinkedSourceAndDropsTheUnlinkedOnes()
    {
        final int capacity = 256; // rebuilt every 128 records
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(capacity)))
        {
            final SourceMappings mappings = new SourceMappings(table, ZONE);
            final int[] entries = new int[200];
            for (int i = 0; i < entries.length; i++)
            {
                entries[i] = table.insert(FlowKey.k0(9, i), FlowKey.k1(i, 80, 17, ZONE), FlowKey.k0(i, 8),
                    FlowKey.k1(80, i, 17, ZONE));
                table.putDeadlineOpaque(entries[i], 100);
                mappings.record(17, 9, i, entries[i]);
                if (i % 2 == 0)
                {
                    assertTrue(table.remove(entries[i]));
                }
            }
            for (int i = 0; i < entries.length; i++)
            {
                assertEquals(i % 2 == 0 ? SourceMappings.NONE : entries[i], mappings.find(17, 9, i, 50), "port " + i);
            }
        }
    }

    @Test
    void aDeadEntryMetByAWalkIsUnlinkedAndAReRecordedEntryMoves()
    {
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(16)))
        {
            final SourceMappings mappings = new SourceMappings(table, ZONE);
            final int e = recordOneSource(table, mappings);
            assertEquals(e, mappings.find(6, 1, 10, 50));
            assertEquals(SourceMappings.NONE, mappings.find(6, 1, 11, 50));
            mappings.record(6, 1, 11, e); // moved: now under the other source
            assertEquals(SourceMappings.NONE, mappings.find(6, 1, 10, 50));
            assertTrue(table.remove(e));
            assertTrue(mappings.isLinked(e));
            assertEquals(SourceMappings.NONE, mappings.find(6, 1, 11, 50));
            assertFalse(mappings.isLinked(e));
        }
    }
}
