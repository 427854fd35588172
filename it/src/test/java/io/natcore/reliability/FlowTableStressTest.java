/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads insert, look up, translate (rewrite an entry's fields under its write lock), remove and expire the same
 * 3000 connections for a bounded time, competing for 2500 NAT ports, so reply tuples clash all the time. Checked
 * while running: a validated read never sees fields that do not belong together (torn read) and a live, unchanged
 * entry is found from its reply tuple as itself (no two connections share a reply tuple). Checked afterwards: the
 * live entries equal inserts minus removes minus expiries as counted by the threads themselves (no lost or
 * duplicated binding), every live entry is found from both directions, and no tuple is held twice.
 * <p>
 * Duration: {@code -Dnatcore.stress.seconds} (default 5); threads: {@code -Dnatcore.stress.threads} (default 4,
 * plus one expiry thread).
 */
class FlowTableStressTest
{
    private static final int CONNECTIONS = 3000;
    private static final int PORT_BASE = 20_000;
    private static final int PORTS = 2500;

    /** What one worker thread did, counted by itself (independent of the table's counters). */
    static final class Tally
    {
        long inserted;
        long removed;
        long clashOrig;
        long clashReply;
        long full;
        long reads;
        long readRetries;
        long translated;
        long replyChecks;
        final List<String> failures = new ArrayList<>();
    }

    @Test
    void concurrentInsertLookupTranslateRemoveExpireLosesNothingDuplicatesNothingAndNeverTears() throws Exception
    {
        final int threads = Integer.getInteger("natcore.stress.threads", 4);
        final long seconds = Long.getLong("natcore.stress.seconds", 5);
        final FlowTable table = new FlowTable(new FlowTableConfig().capacity(4096));
        final AtomicLong clock = new AtomicLong(1); // logical: one tick per worker operation
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong expiredByListener = new AtomicLong();
        final Tally[] tallies = new Tally[threads];
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Tally tally = tallies[t] = new Tally();
            final long seed = 0xC0FFEEL * (t + 1);
            all.add(new Thread(() -> work(table, clock, stop, start, tally, seed), "worker-" + t));
        }
        final List<String> expiryFailures = new ArrayList<>();
        all.add(new Thread(() ->
        {
            awaitQuietly(start);
            while (!stop.get())
            {
                table.expire(clock.get(), 512, (tb, e) ->
                {
                    // Called with the entry write-locked: its fields must be whole.
                    if (EntryFields.check(tb, e) == Integer.MIN_VALUE)
                    {
                        expiryFailures.add("torn entry handed to the expiry listener: " + e);
                    }
                    expiredByListener.incrementAndGet();
                });
                Thread.onSpinWait();
            }
        }, "expiry"));
        FlowTableStressTest.runFor(all, start, stop, seconds);

        long inserted = 0;
        long removed = 0;
        long reads = 0;
        long translated = 0;
        long replyChecks = 0;
        long clashReply = 0;
        for (final Tally t : tallies)
        {
            assertEquals(List.of(), t.failures);
            inserted += t.inserted;
            removed += t.removed;
            reads += t.reads;
            translated += t.translated;
            replyChecks += t.replyChecks;
            clashReply += t.clashReply;
        }
        assertEquals(List.of(), expiryFailures);

        // Quiescent now: every live entry, found by walking the entries.
        final Map<Long, Integer> byOrig = new HashMap<>();
        final Map<Long, Integer> byReply = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        int cursor = 0;
        while (cursor != FlowTable.END)
        {
            cursor = table.forEachLive(cursor, 1024, (tb, e) ->
            {
                final long o = tb.keyK0(e, 0) * 31 + tb.keyK1(e, 0);
                final long r = tb.keyK0(e, 1) * 31 + tb.keyK1(e, 1);
                if (byOrig.put(o, e) != null)
                {
                    problems.add("original tuple held twice, entry " + e);
                }
                if (byReply.put(r, e) != null)
                {
                    problems.add("reply tuple held twice, entry " + e);
                }
                if (tb.lookup(tb.keyK0(e, 0), tb.keyK1(e, 0)) != ((long)e << 1))
                {
                    problems.add("entry " + e + " not found from its original tuple");
                }
                if (tb.lookup(tb.keyK0(e, 1), tb.keyK1(e, 1)) != (((long)e << 1) | 1))
                {
                    problems.add("entry " + e + " not found from its reply tuple");
                }
                if (EntryFields.check(tb, e) == Integer.MIN_VALUE)
                {
                    problems.add("entry " + e + " fields torn at rest");
                }
            });
        }
        assertEquals(List.of(), problems);
        final long live = byOrig.size();
        // Every connection id: found if and only if it is among the live entries.
        int foundByLookup = 0;
        for (int c = 0; c < CONNECTIONS; c++)
        {
            if (table.lookup(EntryFields.origK0(c), EntryFields.origK1(c)) != FlowTable.MISS)
            {
                foundByLookup++;
            }
        }
        assertEquals(live, foundByLookup, "lookups agree with the walk");
        assertEquals(inserted - removed - expiredByListener.get(), live,
            "live = inserts - removes - expiries, as the threads counted them");
        assertEquals(live, table.size(), "table size counter");
        assertEquals(inserted, table.inserts(), "table insert counter");
        assertEquals(removed + expiredByListener.get(), table.removes(), "table remove counter");
        assertEquals(0, table.earlyDrops(), "no early drop: capacity exceeds the connection universe");
        assertTrue(inserted > 10_000 && removed > 1000 && expiredByListener.get() > 1000 && clashReply > 1000 &&
            translated > 10_000 && replyChecks > 10_000, "every operation ran often enough to matter");
        assertNotEquals(0, live);
        System.out.printf("FlowTableStressTest: %d threads + expiry x %d s: inserts=%d removes=%d expired=%d " +
            "clashReply=%d translations=%d validatedReads=%d replyChecks=%d live=%d%n", threads, seconds, inserted,
            removed, expiredByListener.get(), clashReply, translated, reads, replyChecks, live);
        table.close();
    }

    private static void work(
        final FlowTable table,
        final AtomicLong clock,
        final AtomicBoolean stop,
        final CountDownLatch start,
        final Tally tally,
        final long seed)
    {
        awaitQuietly(start);
        final SplittableRandom rnd = new SplittableRandom(seed);
        int version = 1;
        while (!stop.get())
        {
            clock.incrementAndGet(); // the logical clock counts operations: expiry keeps pace with the workers
            final int c = rnd.nextInt(CONNECTIONS);
            final int op = rnd.nextInt(100);
            if (op < 25)
            {
                insert(table, clock, tally, rnd, c, version++ & 0x7FFF_FFFF);
            }
            else if (op < 65)
            {
                read(table, tally, c);
            }
            else if (op < 90)
            {
                translate(table, clock, tally, rnd, c, version++ & 0x7FFF_FFFF);
            }
            else
            {
                remove(table, tally, c);
            }
        }
    }

    private static void insert(
        final FlowTable table, final AtomicLong clock, final Tally tally, final SplittableRandom rnd, final int c,
        final int version)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            final int port = PORT_BASE + rnd.nextInt(PORTS);
            final int e = table.insertAndLock(
                EntryFields.origK0(c), EntryFields.origK1(c), EntryFields.replyK0(), EntryFields.replyK1(port));
            if (e >= 0)
            {
                EntryFields.write(table, e, version);
                table.orStatusVolatile(e, FlowStatus.ASSURED);
                table.putDeadlineOpaque(e, clock.get() + 1 + rnd.nextInt(50_000));
                table.endWrite(e);
                tally.inserted++;
                return;
            }
            if (e == FlowTable.CLASH_ORIG)
            {
                tally.clashOrig++;
                return;
            }
            if (e == FlowTable.FULL)
            {
                tally.full++;
                return;
            }
            tally.clashReply++;
        }
    }

    private static void read(final FlowTable table, final Tally tally, final int c)
    {
        final long k0 = EntryFields.origK0(c);
        final long k1 = EntryFields.origK1(c);
        final long h = table.lookup(k0, k1);
        if (h == FlowTable.MISS)
        {
            return;
        }
        final int e = FlowTable.entry(h);
        if (FlowTable.direction(h) != FlowTable.DIR_ORIGINAL)
        {
            tally.failures.add("original tuple of " + c + " found as a reply tuple");
            return;
        }
        for (int attempt = 0; attempt < 16; attempt++)
        {
            final int seq = table.readBeginAcquire(e);
            final boolean mine = table.matches(e, 0, k0, k1);
            final long rk0 = table.keyK0(e, 1);
            final long rk1 = table.keyK1(e, 1);
            final int v = EntryFields.check(table, e);
            final boolean live = table.isLive(e);
            if (!table.readValidate(e, seq))
            {
                tally.readRetries++;
                continue;
            }
            tally.reads++;
            if (!mine || !live)
            {
                return; // removed (and maybe reused) since the lookup: stale handle, correctly detected
            }
            if (v == Integer.MIN_VALUE)
            {
                tally.failures.add("torn read validated: entry " + e + " of connection " + c);
                return;
            }
            // No writer since seq and still live: the entry held both tuples throughout.
            final long r = table.lookup(rk0, rk1);
            if (table.seqVolatile(e) == seq && table.isLive(e))
            {
                tally.replyChecks++;
                if (r != (((long)e << 1) | 1))
                {
                    tally.failures.add("reply tuple of live entry " + e + " resolved to " + r);
                }
            }
            return;
        }
    }

    private static void translate(
        final FlowTable table, final AtomicLong clock, final Tally tally, final SplittableRandom rnd, final int c,
        final int version)
    {
        final long k0 = EntryFields.origK0(c);
        final long k1 = EntryFields.origK1(c);
        final long h = table.lookup(k0, k1);
        if (h == FlowTable.MISS)
        {
            return;
        }
        final int e = FlowTable.entry(h);
        table.beginWrite(e);
        try
        {
            if (table.isLive(e) && table.matches(e, 0, k0, k1))
            {
                if (EntryFields.check(table, e) == Integer.MIN_VALUE)
                {
                    tally.failures.add("writer found entry " + e + " torn under its own lock");
                }
                EntryFields.write(table, e, version);
                table.addCountersPlain(e, rnd.nextInt(2), 100);
                table.putDeadlineOpaque(e, clock.get() + 1 + rnd.nextInt(50_000));
                tally.translated++;
            }
        }
        finally
        {
            table.endWrite(e);
        }
    }

    private static void remove(final FlowTable table, final Tally tally, final int c)
    {
        final long k0 = EntryFields.origK0(c);
        final long k1 = EntryFields.origK1(c);
        final long h = table.lookup(k0, k1);
        if (h == FlowTable.MISS)
        {
            return;
        }
        final int e = FlowTable.entry(h);
        table.beginWrite(e);
        try
        {
            if (table.isLive(e) && table.matches(e, 0, k0, k1) && table.remove(e))
            {
                tally.removed++;
            }
        }
        finally
        {
            table.endWrite(e);
        }
    }

    /**
     * Starts the threads, opens the start latch, lets them run {@code seconds}, raises {@code stop}, and asserts each
     * thread finishes within 30 s of it.
     */
    static void runFor(
        final List<Thread> all, final CountDownLatch start, final AtomicBoolean stop, final long seconds)
        throws InterruptedException
    {
        all.forEach(Thread::start);
        start.countDown();
        Thread.sleep(seconds * 1000);
        stop.set(true);
        for (final Thread th : all)
        {
            th.join(30_000);
            assertTrue(!th.isAlive(), th.getName() + " finished");
        }
    }

    static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
