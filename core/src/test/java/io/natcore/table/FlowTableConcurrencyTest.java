/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.natcore.table.FlowTable.MISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded-time stress: writer threads insert, look up, update and remove their own connections while the others
 * do the same (so slot runs shift under every lookup) and a reader checks seqlock snapshots and directions.
 */
class FlowTableConcurrencyTest
{
    private static final int WRITERS = 3;
    private static final int PER_WRITER = 1500;
    private static final long RUN_NANOS = 2_500_000_000L;
    private static final int BURST = 16;

    private static long origK0(final int w, final int i)
    {
        return FlowKey.k0(0x0A000000 | (w << 16) | i, 0x08080808);
    }

    private static long origK1(final int w, final int i)
    {
        return FlowKey.k1(1024 + i, 443, 6, w);
    }

    private static long replyK0(final int w, final int i)
    {
        return FlowKey.k0(0x08080808, 0xCB007100 | w);
    }

    private static long replyK1(final int w, final int i)
    {
        return FlowKey.k1(443, 1024 + i, 6, w);
    }

    /** Initial status of connection i in the test below: a varying mix of non-table-owned bits. */
    private static int initialBits(final int i)
    {
        return ((i & 1) != 0 ? FlowStatus.SRC_NAT : 0) | ((i & 2) != 0 ? FlowStatus.DST_NAT : 0) |
            FlowStatus.SRC_NAT_DONE | FlowStatus.DST_NAT_DONE;
    }

    @Test
    void aReaderThatFindsANewEntrySeesItsInitialStatusBitsWithConfirmed() throws Exception
    {
        final int n = 20_000;
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(n + 16)))
        {
            final AtomicBoolean writerDone = new AtomicBoolean();
            final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            final Thread reader = new Thread(() ->
            {
                for (int i = 0; i < n && failures.isEmpty(); i++)
                {
                    long handle;
                    while ((handle = t.lookup(origK0(0, i), origK1(0, i))) == MISS)
                    {
                        if (writerDone.get() && t.lookup(origK0(0, i), origK1(0, i)) == MISS)
                        {
                            failures.add("connection " + i + " never appeared");
                            return;
                        }
                        Thread.onSpinWait();
                    }
                    // No removals here, so the entry is i's for good: its status must be complete at first sight.
                    final int status = t.statusAcquire(FlowTable.entry(handle));
                    final int expected = FlowStatus.CONFIRMED | initialBits(i);
                    if (status != expected)
                    {
                        failures.add("connection " + i + ": status " + status + ", expected " + expected);
                    }
                }
            }, "reader");
            reader.start();
            for (int i = 0; i < n; i++)
            {
                final int e = t.insertAndLock(origK0(0, i), origK1(0, i), replyK0(0, i), replyK1(0, i),
                    initialBits(i));
                assertTrue(e >= 0, "insert " + i);
                t.endWrite(e);
            }
            writerDone.set(true);
            reader.join(30_000);
            assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        }
    }

    @Test
    void concurrentInsertLookupRemoveKeepsEveryLiveEntryFindableFromBothDirections() throws Exception
    {
        // Small table, one shared probe space: each writer's removals shift runs the others are probing.
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(WRITERS * PER_WRITER + 16).loadFactor(0.75f)))
        {
            final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong checks = new AtomicLong();
            final AtomicLong snapshots = new AtomicLong();
            final Thread[] threads = new Thread[WRITERS + 1];
            for (int w = 0; w < WRITERS; w++)
            {
                final int id = w;
                threads[w] = new Thread(() -> writer(t, id, stop, failures, checks), "writer-" + w);
            }
            threads[WRITERS] = new Thread(() -> reader(t, stop, failures, snapshots), "reader");
            for (final Thread th : threads)
            {
                th.start();
            }
            final long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end && failures.isEmpty())
            {
                Thread.sleep(50);
            }
            stop.set(true);
            for (final Thread th : threads)
            {
                th.join(10_000);
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
            assertTrue(checks.get() > 10_000, "enough work done: " + checks.get());
            assertTrue(snapshots.get() > 100, "reader validated snapshots: " + snapshots.get());
            // Quiescent: the table agrees with a full walk.
            final AtomicInteger live = new AtomicInteger();
            int cursor = 0;
            while (cursor != FlowTable.END)
            {
                cursor = t.forEachLive(cursor, 1000, (table, e) ->
                {
                    live.incrementAndGet();
                    final long h0 = table.lookup(table.keyK0(e, 0), table.keyK1(e, 0));
                    final long h1 = table.lookup(table.keyK0(e, 1), table.keyK1(e, 1));
                    if (h0 != ((long)e << 1) || h1 != (((long)e << 1) | 1))
                    {
                        failures.add("entry " + e + " not findable after the run");
                    }
                });
            }
            assertEquals(t.size(), live.get());
            assertEquals(t.inserts() - t.removes(), t.size());
            assertTrue(failures.isEmpty(), () -> "" + failures.peek());
        }
    }

    private static void writer(
        final FlowTable t, final int w, final AtomicBoolean stop, final ConcurrentLinkedQueue<String> failures,
        final AtomicLong checks)
    {
        final int[] entryOf = new int[PER_WRITER];
        java.util.Arrays.fill(entryOf, -1);
        final SplittableRandom rnd = new SplittableRandom(w);
        int version = 0;
        long n = 0;
        final long[] bk0 = new long[BURST];
        final long[] bk1 = new long[BURST];
        final long[] bh = new long[BURST];
        final int[] bi = new int[BURST];
        while (!stop.get() && failures.size() < 10)
        {
            if ((n & 7) == 0)
            {
                // Burst lookups of this writer's own keys while the other writers' removals shift slots: each
                // result must equal what this writer (the only one changing these keys) knows.
                for (int j = 0; j < BURST; j++)
                {
                    bi[j] = rnd.nextInt(PER_WRITER) << 1 | rnd.nextInt(2);
                    final int i = bi[j] >>> 1;
                    bk0[j] = (bi[j] & 1) == 0 ? origK0(w, i) : replyK0(w, i);
                    bk1[j] = (bi[j] & 1) == 0 ? origK1(w, i) : replyK1(w, i);
                }
                if ((n & 8) == 0) // both variants: the cold touch must not change any result
                {
                    t.lookupBurst(bk0, bk1, BURST, bh);
                }
                else
                {
                    t.lookupBurstTouchingCold(bk0, bk1, BURST, bh);
                }
                for (int j = 0; j < BURST; j++)
                {
                    final int e = entryOf[bi[j] >>> 1];
                    final long want = e < 0 ? MISS : ((long)e << 1) | (bi[j] & 1);
                    if (bh[j] != want)
                    {
                        failures.add("burst lookup: w" + w + " key " + bi[j] + " got " + bh[j] + " want " + want);
                    }
                }
            }
            final int i = rnd.nextInt(PER_WRITER);
            final int e = entryOf[i];
            n++;
            if (e < 0)
            {
                if (t.lookup(origK0(w, i), origK1(w, i)) != MISS || t.lookup(replyK0(w, i), replyK1(w, i)) != MISS)
                {
                    failures.add("removed key found: w" + w + " i" + i);
                }
                final int ne = t.insert(origK0(w, i), origK1(w, i), replyK0(w, i), replyK1(w, i));
                if (ne < 0)
                {
                    failures.add("insert refused " + ne + ": w" + w + " i" + i);
                    continue;
                }
                entryOf[i] = ne;
                continue;
            }
            final long h0 = t.lookup(origK0(w, i), origK1(w, i));
            final long h1 = t.lookup(replyK0(w, i), replyK1(w, i));
            if (h0 != ((long)e << 1) || h1 != (((long)e << 1) | 1))
            {
                failures.add("live key lost: w" + w + " i" + i + " e" + e + " got " + h0 + "/" + h1);
            }
            if (rnd.nextInt(4) == 0)
            {
                if (!t.remove(e))
                {
                    failures.add("remove of live entry failed: " + e);
                }
                entryOf[i] = -1;
            }
            else
            {
                // Consistent-update check for the reader: three fields always carry the same version.
                version = (version + 1) & 0xFFFF;
                t.beginWrite(e);
                t.putIpChecksumDelta(e, 0, version);
                t.putDeadlineOpaque(e, version);
                t.putL4ChecksumDelta(e, 0, version);
                t.endWrite(e);
            }
        }
        checks.addAndGet(n);
    }

    private static void reader(
        final FlowTable t, final AtomicBoolean stop, final ConcurrentLinkedQueue<String> failures,
        final AtomicLong snapshots)
    {
        final SplittableRandom rnd = new SplittableRandom(99);
        long ok = 0;
        while (!stop.get() && failures.size() < 10)
        {
            final int w = rnd.nextInt(WRITERS);
            final int i = rnd.nextInt(PER_WRITER);
            final boolean reply = rnd.nextBoolean();
            final long k0 = reply ? replyK0(w, i) : origK0(w, i);
            final long k1 = reply ? replyK1(w, i) : origK1(w, i);
            final long h = t.lookup(k0, k1);
            if (h == MISS)
            {
                continue;
            }
            if (FlowTable.direction(h) != (reply ? 1 : 0))
            {
                failures.add("wrong direction for w" + w + " i" + i);
            }
            final int e = FlowTable.entry(h);
            final int seq = t.readBeginAcquire(e);
            final boolean same = t.matches(e, FlowTable.direction(h), k0, k1);
            final int ip = t.ipChecksumDelta(e, 0);
            final int l4 = t.l4ChecksumDelta(e, 0);
            final long deadline = t.deadlineOpaque(e);
            if (t.readValidate(e, seq) && same && deadline != Long.MAX_VALUE)
            {
                ok++;
                if (ip != l4 || ip != deadline)
                {
                    failures.add("torn snapshot of entry " + e + ": " + ip + "/" + l4 + "/" + deadline);
                }
            }
        }
        snapshots.addAndGet(ok);
    }

    @Test
    void twoThreadsBindingTheSameReplyTuplesExactlyOneWinsEach() throws Exception
    {
        final int rounds = 20_000;
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(rounds)))
        {
            final int[][] results = new int[2][rounds];
            final AtomicInteger started = new AtomicInteger();
            final Thread[] th = new Thread[2];
            for (int p = 0; p < 2; p++)
            {
                final int me = p;
                th[p] = new Thread(() ->
                {
                    started.incrementAndGet();
                    while (started.get() < 2)
                    {
                        Thread.onSpinWait();
                    }
                    // Both walk the same sequence of reply tuples (same public ip:port chosen for two clients).
                    for (int r = 0; r < rounds; r++)
                    {
                        results[me][r] = t.insert(
                            FlowKey.k0(0x0A000001 + me, 0x08080808), FlowKey.k1(r, 53, 17, 0),
                            FlowKey.k0(0x08080808, 0xCB007101), FlowKey.k1(53, r, 17, 0));
                    }
                });
                th[p].start();
            }
            th[0].join();
            th[1].join();
            for (int r = 0; r < rounds; r++)
            {
                final int a = results[0][r];
                final int b = results[1][r];
                assertTrue((a >= 0 && b == FlowTable.CLASH_REPLY) || (b >= 0 && a == FlowTable.CLASH_REPLY),
                    "round " + r + ": " + a + " / " + b);
            }
            assertEquals(rounds, t.inserts());
            assertEquals(rounds, t.clashReply());
            assertEquals(rounds, t.size());
        }
    }
}
