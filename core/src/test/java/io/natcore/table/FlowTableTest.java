/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.natcore.table.FlowTable.*;
import static org.junit.jupiter.api.Assertions.*;

class FlowTableTest
{
    private final List<FlowTable> tables = new ArrayList<>();

    @AfterEach
    void closeTables()
    {
        tables.forEach(FlowTable::close);
    }

    private FlowTable table(final FlowTableConfig cfg)
    {
        final FlowTable t = new FlowTable(cfg);
        tables.add(t);
        return t;
    }

    private FlowTable table(final int capacity)
    {
        return table(new FlowTableConfig().capacity(capacity).seed(42));
    }

    // Connection i: 10.0.x.y:(10000+i) -> 8.8.8.8:443 TCP, SNATed to 203.0.113.1:(20000+i).
    static long origK0(final int i)
    {
        return FlowKey.k0(0x0A000000 + i, 0x08080808);
    }

    static long origK1(final int i)
    {
        return FlowKey.k1(10000 + (i & 0x7FFF), 443, 6, 0);
    }

    static long replyK0(final int i)
    {
        return FlowKey.k0(0x08080808, 0xCB007100 + (i >>> 15));
    }

    static long replyK1(final int i)
    {
        return FlowKey.k1(443, 20000 + (i & 0x7FFF), 6, 0);
    }

    static int insert(final FlowTable t, final int i)
    {
        return t.insert(origK0(i), origK1(i), replyK0(i), replyK1(i));
    }

    private static void assertFindable(final FlowTable t, final int i, final int entry)
    {
        assertEquals(((long)entry << 1) | DIR_ORIGINAL, t.lookup(origK0(i), origK1(i)), "original tuple of " + i);
        assertEquals(((long)entry << 1) | DIR_REPLY, t.lookup(replyK0(i), replyK1(i)), "reply tuple of " + i);
    }

    private static void assertAbsent(final FlowTable t, final int i)
    {
        assertEquals(MISS, t.lookup(origK0(i), origK1(i)), "original tuple of " + i);
        assertEquals(MISS, t.lookup(replyK0(i), replyK1(i)), "reply tuple of " + i);
    }

    @Test
    void insertedConnectionIsFoundFromBothTuples()
    {
        final FlowTable t = table(16);
        final int e = insert(t, 1);
        assertTrue(e >= 0);
        assertFindable(t, 1, e);
        final long h = t.lookup(replyK0(1), replyK1(1));
        assertEquals(e, FlowTable.entry(h));
        assertEquals(DIR_REPLY, FlowTable.direction(h));
        assertEquals(1, t.size());
    }

    @Test
    void absentKeysMiss()
    {
        final FlowTable t = table(16);
        assertEquals(MISS, t.lookup(origK0(1), origK1(1)));
        insert(t, 1);
        assertEquals(MISS, t.lookup(origK0(2), origK1(2)));
        assertEquals(MISS, t.lookup(origK0(1), origK1(1) + 1), "zone differs");
        assertEquals(MISS, t.lookup(FlowKey.invertK0(origK0(1)), FlowKey.invertK1(origK1(1))), "inverted tuple");
    }

    @Test
    void insertingAnExistingOriginalTupleClashesOnOriginal()
    {
        final FlowTable t = table(16);
        final int e = insert(t, 1);
        assertEquals(CLASH_ORIG, t.insert(origK0(1), origK1(1), replyK0(2), replyK1(2)));
        assertEquals(CLASH_ORIG, t.insert(replyK0(1), replyK1(1), replyK0(2), replyK1(2)), "existing reply as orig");
        assertEquals(2, t.clashOrig());
        assertEquals(1, t.size());
        assertAbsent(t, 2);
        assertFindable(t, 1, e);
    }

    @Test
    void insertingAnExistingReplyTupleClashesOnReply()
    {
        final FlowTable t = table(16);
        final int e = insert(t, 1);
        assertEquals(CLASH_REPLY, t.insert(origK0(2), origK1(2), replyK0(1), replyK1(1)), "other's reply");
        assertEquals(CLASH_REPLY, t.insert(origK0(2), origK1(2), origK0(1), origK1(1)), "other's original");
        assertEquals(CLASH_REPLY, t.insert(origK0(3), origK1(3), origK0(3), origK1(3)), "reply equals own original");
        assertEquals(3, t.clashReply());
        assertEquals(3, t.clashes());
        assertEquals(1, t.size());
        assertEquals(MISS, t.lookup(origK0(2), origK1(2)), "a refused insert leaves nothing behind");
        assertEquals(MISS, t.lookup(origK0(3), origK1(3)));
        assertFindable(t, 1, e);
    }

    @Test
    void removedConnectionMissesFromBothTuplesAndItsEntryIsReused()
    {
        final FlowTable t = table(16);
        final int e1 = insert(t, 1);
        final int e2 = insert(t, 2);
        assertTrue(t.remove(e1));
        assertAbsent(t, 1);
        assertFindable(t, 2, e2);
        assertFalse(t.isLive(e1));
        assertFalse(t.remove(e1), "second remove");
        assertEquals(1, t.removes());
        assertEquals(1, t.size());
        final int e3 = insert(t, 3);
        assertEquals(e1, e3, "freed entry is handed out again");
        assertFindable(t, 3, e3);
        assertAbsent(t, 1);
    }

    @Test
    void removeOfABadEntryIndexFailsLoudlyAndLeavesTheTableAlone()
    {
        assertTrue(org.agrona.concurrent.UnsafeBuffer.SHOULD_BOUNDS_CHECK, "tests run with Agrona's bounds checks on");
        final FlowTable t = table(4);
        insert(t, 1);
        for (final int bad : new int[] {-1, 4, Integer.MAX_VALUE, Integer.MIN_VALUE})
        {
            assertThrows(IndexOutOfBoundsException.class, () -> t.remove(bad), "index " + bad);
        }
        assertFalse(t.remove(3), "a valid index of an entry never used is not live");
        assertEquals(1, t.size());
        assertEquals(0, t.removes());
    }

    @Test
    void everyEntryAccessorFailsLoudlyOnABadEntryIndex()
    {
        final FlowTable t = table(4);
        final java.util.List<java.util.function.IntConsumer> accessors = java.util.List.of(
            bad -> t.putDeadlineOpaque(bad, 5), bad -> t.putDeadlineRelease(bad, 5), bad -> t.putStateRelease(bad, 5),
            bad -> t.putStatePlain(bad, 5), bad -> t.putIpChecksumDelta(bad, 0, 5), bad -> t.putL4ChecksumDelta(bad, 1, 5),
            bad -> t.putEgressIfIndex(bad, 0, 5), bad -> t.putOps(bad, 0, 5), bad -> t.addCountersPlain(bad, 0, 5),
            bad -> t.addCountersAtomic(bad, 1, 5), bad -> t.putCreatedNanos(bad, 5), bad -> t.putMark(bad, 5),
            bad -> t.putScratchInt(bad, 0, 5), bad -> t.putScratchShort(bad, 0, 5), bad -> t.putScratchByte(bad, 0, 5),
            bad -> t.orStatusVolatile(bad, FlowStatus.ASSURED), bad -> t.andNotStatusVolatile(bad, FlowStatus.ASSURED),
            bad -> t.endWrite(bad), bad -> t.beginWrite(bad), bad -> t.tryBeginWrite(bad), bad -> t.readBeginAcquire(bad),
            bad -> t.readValidate(bad, 0), bad -> t.seqVolatile(bad), bad -> t.deadlineOpaque(bad),
            bad -> t.statusAcquire(bad), bad -> t.statusOpaque(bad), bad -> t.stateVolatile(bad),
            bad -> t.egressIfIndex(bad, 0), bad -> t.ipChecksumDelta(bad, 0), bad -> t.l4ChecksumDelta(bad, 0),
            bad -> t.ops(bad, 0), bad -> t.packetsOpaque(bad, 0), bad -> t.bytesOpaque(bad, 0),
            bad -> t.createdNanos(bad), bad -> t.scratchInt(bad, 0), bad -> t.scratchShort(bad, 0),
            bad -> t.scratchByte(bad, 0), bad -> t.scratchOffset(bad), bad -> t.ctId(bad), bad -> t.mark(bad),
            bad -> t.keyK0(bad, 0), bad -> t.keyK1(bad, 1), bad -> t.matches(bad, 0, 0, 0), bad -> t.isLive(bad),
            bad -> t.hasStatus(bad, FlowStatus.CONFIRMED));
        for (final int bad : new int[] {-1, 4, Integer.MAX_VALUE, Integer.MIN_VALUE})
        {
            for (int i = 0; i < accessors.size(); i++)
            {
                final java.util.function.IntConsumer accessor = accessors.get(i);
                assertThrows(IndexOutOfBoundsException.class, () -> accessor.accept(bad), "accessor " + i + ", index " + bad);
            }
        }
        for (int e = 0; e < 4; e++)
        {
            assertEquals(0, t.statusAcquire(e), "nothing was written to entry " + e);
            assertEquals(0, t.scratchInt(e, 0), "nothing was written to entry " + e);
        }
    }

    @Test
    void fullTableWithOnlyAssuredEntriesRefusesWithFull()
    {
        final FlowTable t = table(4);
        final int[] e = new int[4];
        for (int i = 0; i < 4; i++)
        {
            e[i] = insert(t, i);
            assertTrue(e[i] >= 0);
            t.orStatusVolatile(e[i], FlowStatus.ASSURED);
        }
        assertEquals(FULL, insert(t, 4));
        assertEquals(FULL, insert(t, 5));
        assertEquals(2, t.fullRefusals());
        assertEquals(0, t.earlyDrops());
        assertEquals(4, t.size());
        for (int i = 0; i < 4; i++)
        {
            assertFindable(t, i, e[i]);
        }
        assertAbsent(t, 4);
    }

    @Test
    void fullTableEarlyDropsTheNonAssuredEntryNearTheNewKey()
    {
        // Every key hashes to slot 0 (distinct tags), so every entry is "near" the new key's bucket.
        final FlowTable t = table(new FlowTableConfig().capacity(4).hasher((k0, k1) -> (k0 * 31 + k1) << 32));
        final int[] e = new int[4];
        for (int i = 0; i < 4; i++)
        {
            e[i] = insert(t, i);
            if (i != 2)
            {
                t.orStatusVolatile(e[i], FlowStatus.ASSURED);
            }
        }
        final int n = insert(t, 9);
        assertEquals(e[2], n, "the only non-ASSURED entry is evicted and its entry reused");
        assertEquals(1, t.earlyDrops());
        assertEquals(0, t.fullRefusals());
        assertEquals(0, t.removes(), "early drops are counted apart from removes");
        assertEquals(4, t.size());
        assertAbsent(t, 2);
        assertFindable(t, 9, n);
        assertFindable(t, 0, e[0]);
        assertFindable(t, 1, e[1]);
        assertFindable(t, 3, e[3]);
    }

    @Test
    void earlyDropPrefersTheEarliestDeadlineAmongNonAssured()
    {
        final FlowTable t = table(new FlowTableConfig().capacity(3).hasher((k0, k1) -> (k0 * 31 + k1) << 32));
        final int a = insert(t, 0);
        final int b = insert(t, 1);
        final int c = insert(t, 2);
        t.putDeadlineOpaque(a, 300);
        t.putDeadlineOpaque(b, 100);
        t.putDeadlineOpaque(c, 200);
        assertEquals(b, insert(t, 7));
        assertAbsent(t, 1);
        assertFindable(t, 0, a);
        assertFindable(t, 2, c);
    }

    @Test
    void collidingHashesStayFindableThroughRemovalsFromTheMiddleOfTheRun()
    {
        // Same home slot and same tag for every key: only the full key comparison tells them apart.
        final FlowTable t = table(new FlowTableConfig().capacity(64).hasher((k0, k1) -> 0x1234_5678_0000_0000L));
        final int[] e = new int[50];
        for (int i = 0; i < 50; i++)
        {
            e[i] = insert(t, i);
            assertTrue(e[i] >= 0);
        }
        for (int i = 0; i < 50; i += 3)
        {
            assertTrue(t.remove(e[i]));
        }
        for (int i = 0; i < 50; i++)
        {
            if (i % 3 == 0)
            {
                assertAbsent(t, i);
            }
            else
            {
                assertFindable(t, i, e[i]);
            }
        }
        assertEquals(2 * (50 - 17) + 1, t.probeLength(FlowKey.k0(1, 1), 0), "a miss walks the live run plus the empty slot ending it: no tombstones");
    }

    @Test
    void removalTakesShiftedSlotsHomesFromTheSlotsWithoutRehashingTheirKeys()
    {
        // Every key has home slot 0 (low hash half 0) and its own tag; count the hasher's calls.
        final long[] calls = new long[1];
        final FlowTable t = table(new FlowTableConfig().capacity(64).hasher((k0, k1) ->
        {
            calls[0]++;
            return (k0 * 0x9E37_79B9_7F4A_7C15L + k1) & 0xFFFF_FFFF_0000_0000L;
        }));
        final int[] e = new int[3];
        for (int i = 0; i < 3; i++)
        {
            e[i] = insert(t, i); // six slots in one run from slot 0: distances 0 .. 5, none saturated
        }
        calls[0] = 0;
        assertTrue(t.remove(e[0]));
        // Its own two tuples are hashed to find their slots; the four keys shifted back (twice) are not.
        // Rehashing each shifted key, as before, made 2 + 5 + 4 = 11 calls.
        assertEquals(2, calls[0]);
        assertAbsent(t, 0);
        assertFindable(t, 1, e[1]);
        assertFindable(t, 2, e[2]);
        assertEquals(5, t.probeLength(FlowKey.k0(9, 9), 9), "four keys left in the run, then the empty slot");
    }

    @Test
    void randomChurnAtHighLoadKeepsEveryLiveTupleFindableAndEveryRemovedOneMissing()
    {
        // Load factor 0.9 and only 16 distinct homes: long runs, so DIST saturates and the rehash path runs too.
        for (final boolean fewHomes : new boolean[] {false, true})
        {
            final FlowTable t = table(new FlowTableConfig().capacity(200).loadFactor(0.9f).seed(7).hasher(
                fewHomes ? (k0, k1) -> ((k0 * 0x9E37_79B9_7F4A_7C15L) ^ k1) & 0xFFFF_FFFF_0000_000FL |
                    (((k0 ^ k1) & 0xF) << 28) : null));
            final java.util.SplittableRandom rnd = new java.util.SplittableRandom(fewHomes ? 11 : 12);
            final int[] entryOf = new int[1000];
            java.util.Arrays.fill(entryOf, -1);
            for (int step = 0; step < 20_000; step++)
            {
                final int i = rnd.nextInt(1000);
                if (entryOf[i] >= 0)
                {
                    assertTrue(t.remove(entryOf[i]));
                    entryOf[i] = -1;
                }
                else if (t.size() < 200)
                {
                    entryOf[i] = insert(t, i);
                    assertTrue(entryOf[i] >= 0, "insert " + i + " at step " + step);
                }
                if (step % 500 == 499)
                {
                    for (int k = 0; k < 1000; k++)
                    {
                        if (entryOf[k] >= 0)
                        {
                            assertFindable(t, k, entryOf[k]);
                        }
                        else
                        {
                            assertAbsent(t, k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void probingWrapsAroundTheEndOfTheSlotArray()
    {
        // Low hash half 0xFFFFFFFF maps to the last slot; tags differ per key.
        final FlowTable t = table(new FlowTableConfig().capacity(8)
            .hasher((k0, k1) -> ((k0 ^ (k1 * 0x9E3779B97F4A7C15L)) << 32) | 0xFFFF_FFFFL));
        final int[] e = new int[6];
        for (int i = 0; i < 6; i++)
        {
            e[i] = insert(t, i);
        }
        assertTrue(t.slotCount() > 12);
        for (int i = 0; i < 6; i++)
        {
            assertFindable(t, i, e[i]);
        }
        assertEquals(13, t.probeLength(FlowKey.k0(7, 7), 0), "12 keys from the last slot on, wrapping, then empty");
        assertTrue(t.remove(e[0])); // its original tuple sits in the last slot: the run shifts back across the end
        assertAbsent(t, 0);
        for (int i = 1; i < 6; i++)
        {
            assertFindable(t, i, e[i]);
        }
        assertEquals(11, t.probeLength(FlowKey.k0(7, 7), 0));
    }

    @Test
    void expiryRemovesAnEntryThatChangedHandsWithinTheSameCallCompletely()
    {
        // Connections 0 and 1 are due. While told about 0, the listener removes 1 and inserts connection 2, which
        // takes entry 1's place (the free list is LIFO) and is due too: the same expiry call must then remove
        // connection 2 from both of its tuples' slots, though it noted entry 1's slots when it scanned.
        final FlowTable t = table(16);
        final int a = insert(t, 0);
        final int b = insert(t, 1);
        t.putDeadlineRelease(a, 100);
        t.putDeadlineRelease(b, 100);
        final int[] reused = {-1};
        final ExpiryListener listener = (table, entry) ->
        {
            if (entry == a)
            {
                assertTrue(table.remove(b));
                reused[0] = insert(table, 2);
                table.putDeadlineRelease(reused[0], 100);
            }
        };
        assertEquals(2, t.expire(1000, 16, listener), "connections 0 and 2");
        assertEquals(b, reused[0], "connection 2 reused entry 1");
        assertAbsent(t, 0);
        assertAbsent(t, 1);
        assertAbsent(t, 2);
        assertEquals(0, t.size());
        for (int i = 3; i < 19; i++)
        {
            assertTrue(insert(t, i) >= 0); // the index has no stale slot left: all 16 fit and are findable
        }
        for (int i = 3; i < 19; i++)
        {
            assertEquals(DIR_ORIGINAL, FlowTable.direction(t.lookup(origK0(i), origK1(i))));
        }
    }

    @Test
    void forEachLiveVisitsEachLiveEntryOnceAndToleratesRemovalDuringIteration()
    {
        final FlowTable t = table(128);
        final int[] e = new int[100];
        for (int i = 0; i < 100; i++)
        {
            e[i] = insert(t, i);
        }
        t.remove(e[5]);
        final BitSet visited = new BitSet();
        final int removedAhead = e[90];
        final FlowVisitor v = (table, entry) ->
        {
            assertFalse(visited.get(entry), "visited twice");
            visited.set(entry);
            if (entry % 2 == 0)
            {
                assertTrue(table.remove(entry), "removing the visited entry");
            }
            if (entry == e[10])
            {
                table.remove(removedAhead); // not yet visited: must be skipped
            }
        };
        int cursor = 0;
        int calls = 0;
        while (cursor != END)
        {
            cursor = t.forEachLive(cursor, 7, v);
            calls++;
        }
        assertEquals(15, calls, "100 entries in steps of 7");
        final BitSet expected = new BitSet();
        for (int i = 0; i < 100; i++)
        {
            if (i != 5 && i != 90)
            {
                expected.set(e[i]);
            }
        }
        assertEquals(expected, visited);
        for (int i = 0; i < 100; i++)
        {
            if (i == 5 || i == 90 || e[i] % 2 == 0)
            {
                assertAbsent(t, i);
            }
            else
            {
                assertFindable(t, i, e[i]);
            }
        }
    }

    @Test
    void expireRemovesOnlyEntriesPastTheirDeadlineWithBoundedWorkPerCall()
    {
        final FlowTable t = table(128);
        final int[] e = new int[100];
        for (int i = 0; i < 100; i++)
        {
            e[i] = insert(t, i);
            t.putDeadlineOpaque(e[i], 1_000 + i * 10L);
        }
        final int locked = e[3];
        assertTrue(t.beginWrite(locked) > 0, "a packet holds entry 3: expiry must skip it");
        final Set<Integer> told = new HashSet<>();
        final ExpiryListener listener = (table, entry) ->
        {
            assertTrue(table.isLive(entry), "told before removal");
            told.add(entry);
        };
        final long now = 1_000 + 49 * 10;
        int total = 0;
        for (int call = 0; call < 10; call++)
        {
            final int removed = t.expire(now, 10, listener);
            assertTrue(removed <= 10);
            total += removed;
        }
        assertEquals(49, total, "deadlines 0..49 are due, one of them locked");
        assertEquals(49, t.expired());
        assertEquals(49, told.size());
        for (int i = 0; i < 100; i++)
        {
            if (i < 50 && i != 3)
            {
                assertAbsent(t, i);
            }
            else
            {
                assertFindable(t, i, e[i]);
            }
        }
        t.endWrite(locked);
        for (int call = 0; call < 10; call++)
        {
            t.expire(now, 10, null);
        }
        assertAbsent(t, 3);
        assertEquals(50, t.size());
    }

    @Test
    void newEntryStartsConfirmedWithNoDeadlineAndZeroedFieldsEvenWhenReused()
    {
        final FlowTable t = table(2);
        final int e = insert(t, 1);
        t.orStatusVolatile(e, FlowStatus.ASSURED | FlowStatus.SRC_NAT);
        t.putDeadlineOpaque(e, 77);
        t.putStatePlain(e, 3);
        t.putIpChecksumDelta(e, 1, 0xBEEF);
        t.putEgressIfIndex(e, 0, 4);
        t.putOps(e, 1, 0x81);
        t.addCountersPlain(e, 0, 60);
        t.putScratchInt(e, 44, -1);
        t.putMark(e, 9);
        final int firstId = t.ctId(e);
        t.remove(e);
        final int again = insert(t, 2);
        assertEquals(e, again);
        assertEquals(FlowStatus.CONFIRMED, t.statusAcquire(again));
        assertEquals(Long.MAX_VALUE, t.deadlineOpaque(again));
        assertEquals(0, t.stateVolatile(again));
        assertEquals(0, t.ipChecksumDelta(again, 1));
        assertEquals(NO_IFINDEX, t.egressIfIndex(again, 0));
        assertEquals(NO_IFINDEX, t.egressIfIndex(again, 1));
        assertEquals(0, t.ops(again, 1));
        assertEquals(0, t.packetsOpaque(again, 0));
        assertEquals(0, t.bytesOpaque(again, 0));
        assertEquals(0, t.scratchInt(again, 44));
        assertEquals(0, t.mark(again));
        assertNotEquals(0, firstId);
        assertNotEquals(firstId, t.ctId(again));
    }

    @Test
    void reusedEntryGetsItsWholeColdRecordZeroedAndLeavesItsNeighboursRecordsAlone()
    {
        final FlowTable t = table(4);
        final int a = insert(t, 1);
        final int b = insert(t, 2);
        final int c = insert(t, 3);
        final org.agrona.MutableDirectBuffer cold = t.scratchBuffer();
        final int[] base = new int[3];
        final int[] entries = {a, b, c};
        for (int k = 0; k < 3; k++)
        {
            // every byte of each record through the buffer itself: 0x80 + k, none of them zero
            base[k] = t.scratchOffset(entries[k]) - FlowEntryLayout.SCRATCH_OFFSET;
            for (int i = 0; i < FlowEntryLayout.COLD_LENGTH; i++)
            {
                cold.putByte(base[k] + i, (byte)(0x80 + k));
            }
        }
        t.remove(b);
        assertEquals(b, insert(t, 4));
        for (int i = 0; i < FlowEntryLayout.COLD_LENGTH; i++)
        {
            final boolean ctId = i >= FlowEntryLayout.CT_ID_OFFSET && i < FlowEntryLayout.CT_ID_OFFSET + 4;
            if (!ctId)
            {
                assertEquals(0, cold.getByte(base[1] + i), "byte " + i + " of the reused record");
            }
            assertEquals((byte)0x80, cold.getByte(base[0] + i), "byte " + i + " of the record before it");
            assertEquals((byte)0x82, cold.getByte(base[2] + i), "byte " + i + " of the record after it");
        }
        assertNotEquals(0, t.ctId(b));
    }

    @Test
    void fieldAccessorsRoundTripPerDirection()
    {
        final FlowTable t = table(4);
        final int e = insert(t, 1);
        t.putDeadlineRelease(e, 123_456_789_012L);
        t.putStateRelease(e, 0xFE);
        t.putIpChecksumDelta(e, 0, 0x1234);
        t.putIpChecksumDelta(e, 1, 0xFFFF);
        t.putL4ChecksumDelta(e, 0, 0x8001);
        t.putL4ChecksumDelta(e, 1, 0x0002);
        t.putEgressIfIndex(e, 0, 3);
        t.putEgressIfIndex(e, 1, 65534);
        t.putOps(e, 0, 0x0F);
        t.putOps(e, 1, 0xF0);
        t.addCountersPlain(e, 0, 1500);
        t.addCountersPlain(e, 0, 40);
        t.addCountersAtomic(e, 1, 52);
        t.putCreatedNanos(e, 99L);
        t.putMark(e, 0xCAFE);
        t.putScratchInt(e, 0, 0x01020304);
        t.putScratchInt(e, 44, 0x7FFFFFFF);
        t.putScratchShort(e, 40, 0xABCD);
        t.putScratchByte(e, 8, 0xEE);
        assertEquals(123_456_789_012L, t.deadlineOpaque(e));
        assertEquals(0xFE, t.stateVolatile(e));
        assertEquals(0x1234, t.ipChecksumDelta(e, 0));
        assertEquals(0xFFFF, t.ipChecksumDelta(e, 1));
        assertEquals(0x8001, t.l4ChecksumDelta(e, 0));
        assertEquals(0x0002, t.l4ChecksumDelta(e, 1));
        assertEquals(3, t.egressIfIndex(e, 0));
        assertEquals(65534, t.egressIfIndex(e, 1));
        assertEquals(0x0F, t.ops(e, 0));
        assertEquals(0xF0, t.ops(e, 1));
        assertEquals(2, t.packetsOpaque(e, 0));
        assertEquals(1540, t.bytesOpaque(e, 0));
        assertEquals(1, t.packetsOpaque(e, 1));
        assertEquals(52, t.bytesOpaque(e, 1));
        assertEquals(99L, t.createdNanos(e));
        assertEquals(0xCAFE, t.mark(e));
        assertEquals(0x01020304, t.scratchInt(e, 0));
        assertEquals(0x7FFFFFFF, t.scratchInt(e, 44));
        assertEquals(0xABCD, t.scratchShort(e, 40));
        assertEquals(0xEE, t.scratchByte(e, 8));
        assertEquals(0x01020304, t.scratchBuffer().getInt(t.scratchOffset(e)), "same bytes through the raw buffer");
        assertEquals(6, t.protocol(e));
        assertEquals(0, t.zone(e));
        // Out-of-range scratch offsets are ignored, never written past the area.
        t.putScratchInt(e, 45, -1);
        t.putScratchInt(e, -1, -1);
        t.putScratchByte(e, 48, -1);
        assertEquals(0, t.scratchInt(e, 45));
        assertEquals(0x7FFFFFFF, t.scratchInt(e, 44));
        assertFindable(t, 1, e);
    }

    @Test
    void rewriteTargetIsTheInverseOfTheOtherDirectionsTuple()
    {
        // SNAT: 192.168.1.10:40000 -> 8.8.8.8:53 leaves as 203.0.113.5:61000; replies come to 203.0.113.5:61000.
        final FlowTable t = table(4);
        final int lan = 0xC0A8010A;
        final int dns = 0x08080808;
        final int pub = 0xCB007105;
        final int e = t.insert(FlowKey.k0(lan, dns), FlowKey.k1(40000, 53, 17, 3),
            FlowKey.k0(dns, pub), FlowKey.k1(53, 61000, 17, 3));
        assertEquals(pub, t.newSrcIp(e, DIR_ORIGINAL));
        assertEquals(61000, t.newSrcPort(e, DIR_ORIGINAL));
        assertEquals(dns, t.newDstIp(e, DIR_ORIGINAL));
        assertEquals(53, t.newDstPort(e, DIR_ORIGINAL));
        assertEquals(dns, t.newSrcIp(e, DIR_REPLY));
        assertEquals(53, t.newSrcPort(e, DIR_REPLY));
        assertEquals(lan, t.newDstIp(e, DIR_REPLY));
        assertEquals(40000, t.newDstPort(e, DIR_REPLY));
        assertEquals(3, t.zone(e));
        assertEquals(17, t.protocol(e));
        assertTrue(t.matches(e, DIR_REPLY, FlowKey.k0(dns, pub), FlowKey.k1(53, 61000, 17, 3)));
        assertFalse(t.matches(e, DIR_ORIGINAL, FlowKey.k0(dns, pub), FlowKey.k1(53, 61000, 17, 3)));
    }

    @Test
    void statusUpdatesCannotChangeTheTableOwnedConfirmedBit()
    {
        final FlowTable t = table(4);
        final int e = insert(t, 1);
        t.andNotStatusVolatile(e, FlowStatus.CONFIRMED | FlowStatus.ASSURED);
        assertTrue(t.isLive(e));
        t.orStatusVolatile(e, FlowStatus.SEEN_REPLY | FlowStatus.ASSURED);
        assertTrue(t.hasStatus(e, FlowStatus.SEEN_REPLY | FlowStatus.ASSURED | FlowStatus.CONFIRMED));
        t.andNotStatusVolatile(e, FlowStatus.ASSURED);
        assertEquals(FlowStatus.SEEN_REPLY | FlowStatus.CONFIRMED, t.statusOpaque(e));
        t.remove(e);
        t.orStatusVolatile(e, FlowStatus.CONFIRMED);
        assertFalse(t.isLive(e));
    }

    @Test
    void seqlockReadsFailValidationAcrossAWrite()
    {
        final FlowTable t = table(4);
        final int e = insert(t, 1);
        final int seq = t.readBeginAcquire(e);
        assertEquals(0, seq & 1);
        assertTrue(t.readValidate(e, seq));
        final int held = t.beginWrite(e);
        assertEquals(seq + 1, held);
        assertEquals(-1, t.tryBeginWrite(e), "held by another writer");
        assertFalse(t.readValidate(e, seq));
        t.endWrite(e);
        assertEquals(seq + 2, t.seqVolatile(e));
        assertFalse(t.readValidate(e, seq));
        assertTrue(t.readValidate(e, t.readBeginAcquire(e)));
        t.endWrite(e);
        assertEquals(seq + 2, t.seqVolatile(e), "endWrite without the lock does nothing");
    }

    @Test
    void insertAndLockReturnsTheEntryWriteLockedButAlreadyFindable()
    {
        final FlowTable t = table(4);
        final int e = t.insertAndLock(origK0(1), origK1(1), replyK0(1), replyK1(1));
        assertEquals(1, t.seqVolatile(e) & 1);
        assertEquals(-1, t.tryBeginWrite(e));
        assertFindable(t, 1, e);
        t.endWrite(e);
        assertEquals(0, t.seqVolatile(e) & 1);
    }

    @Test
    void insertAndLockWritesTheInitialStatusBitsTogetherWithConfirmed()
    {
        final FlowTable t = table(4);
        final int bits = FlowStatus.SRC_NAT | FlowStatus.SRC_NAT_DONE | FlowStatus.DST_NAT_DONE;
        final int e = t.insertAndLock(origK0(1), origK1(1), replyK0(1), replyK1(1), bits);
        assertFindable(t, 1, e);
        assertEquals((1 << 3) | (1 << 4) | (1 << 7) | (1 << 8), t.statusAcquire(e),
            "CONFIRMED (bit 3) with SRC_NAT (4), SRC_NAT_DONE (7), DST_NAT_DONE (8), as Linux IPS_*_BIT, before endWrite");
        t.endWrite(e);
        assertTrue(t.remove(e));
        assertEquals(bits, t.statusAcquire(e), "remove clears CONFIRMED only");
        final int reused = insert(t, 2);
        assertEquals(e, reused, "the freed entry is reused");
        assertEquals(FlowStatus.CONFIRMED, t.statusAcquire(reused), "the old initial bits do not leak into the next");
    }

    @Test
    void insertAndLockRejectsTheTableOwnedConfirmedBitAndLeavesTheTableUnchanged()
    {
        final FlowTable t = table(4);
        assertThrows(IllegalArgumentException.class,
            () -> t.insertAndLock(origK0(1), origK1(1), replyK0(1), replyK1(1), FlowStatus.CONFIRMED));
        assertThrows(IllegalArgumentException.class, () -> t.insertAndLock(origK0(1), origK1(1), replyK0(1),
            replyK1(1), FlowStatus.CONFIRMED | FlowStatus.SRC_NAT));
        assertEquals(0, t.size());
        assertAbsent(t, 1);
        final int e = t.insertAndLock(origK0(1), origK1(1), replyK0(1), replyK1(1), FlowStatus.DST_NAT);
        assertTrue(e >= 0, "the writer lock was not left held");
        t.endWrite(e);
        assertEquals(FlowStatus.CONFIRMED | FlowStatus.DST_NAT, t.statusAcquire(e));
    }

    @Test
    void lookupBurstAgreesWithSingleLookups()
    {
        final FlowTable t = table(256);
        for (int i = 0; i < 200; i += 2)
        {
            insert(t, i);
        }
        final int n = 40;
        final long[] k0 = new long[n];
        final long[] k1 = new long[n];
        for (int i = 0; i < n; i++)
        {
            final int c = i * 5;
            k0[i] = (i & 1) == 0 ? origK0(c) : replyK0(c);
            k1[i] = (i & 1) == 0 ? origK1(c) : replyK1(c);
        }
        final long[] out = new long[n];
        t.lookupBurst(k0, k1, n, out);
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            assertEquals(t.lookup(k0[i], k1[i]), out[i], "key " + i);
            hits += out[i] != MISS ? 1 : 0;
        }
        assertEquals(20, hits, "every even connection is present");
        final long[] small = new long[3];
        assertDoesNotThrow(() -> t.lookupBurst(k0, k1, n, small), "n is clamped to the output length");
        assertEquals(out[2], small[2]);
    }

    @Test
    void lookupBurstFindsEveryKeyOfARunThatWrapsPastTheLastSlot()
    {
        // Every key's home is the last slot, so one run holds all of them and wraps to slot 0. With a tag per key
        // the burst's scan finds the first few past home and hands the rest (past its scan limit) to a full probe;
        // with one tag for all, every candidate but the first is a foreign key the compare rejects.
        final FlowHasher perKeyTag = (k0, k1) -> ((k0 * 0x9E37_79B9_7F4A_7C15L + k1) & 0xFFFF_FFFF_0000_0000L) | 0xFFFF_FFFFL;
        final FlowHasher oneTag = (k0, k1) -> 0x1234_5678_FFFF_FFFFL;
        for (final FlowHasher hasher : new FlowHasher[] {perKeyTag, oneTag})
        {
            final FlowTable t = table(new FlowTableConfig().capacity(64).hasher(hasher));
            final int connections = 20;
            final int[] e = new int[connections];
            for (int i = 0; i < connections; i++)
            {
                e[i] = insert(t, i);
                assertTrue(e[i] >= 0);
            }
            final int n = 2 * connections + 4; // both tuples of each, then two absent connections
            final long[] k0 = new long[n];
            final long[] k1 = new long[n];
            for (int i = 0; i < n; i++)
            {
                final int c = i >>> 1;
                k0[i] = (i & 1) == 0 ? origK0(c) : replyK0(c);
                k1[i] = (i & 1) == 0 ? origK1(c) : replyK1(c);
            }
            final long[] out = new long[n];
            t.lookupBurst(k0, k1, n, out);
            for (int i = 0; i < n; i++)
            {
                final int c = i >>> 1;
                final long expected = c < connections ? ((long)e[c] << 1 | (i & 1)) : MISS;
                assertEquals(expected, out[i], "key " + i + (hasher == oneTag ? " (one tag)" : " (tag per key)"));
            }
        }
    }

    @Test
    void lookupBurstTouchingColdAgreesWithSingleLookupsInAFullTable()
    {
        // Full table: every entry is used, so the touch of the last entry's cold record reaches the end of the
        // cold region (Agrona bounds checks are on in tests: a touch past a record's end would throw).
        final int capacity = 64;
        final FlowTable t = table(capacity);
        for (int i = 0; i < capacity; i++)
        {
            insert(t, i);
        }
        final int n = 2 * capacity + 8;
        final long[] k0 = new long[n];
        final long[] k1 = new long[n];
        for (int i = 0; i < n; i++)
        {
            final int c = i >>> 1; // both tuples of connections 0 .. capacity + 3 (the last four are absent)
            k0[i] = (i & 1) == 0 ? origK0(c) : replyK0(c);
            k1[i] = (i & 1) == 0 ? origK1(c) : replyK1(c);
        }
        final long[] out = new long[n];
        t.lookupBurstTouchingCold(k0, k1, n, out);
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            assertEquals(t.lookup(k0[i], k1[i]), out[i], "key " + i);
            hits += out[i] != MISS ? 1 : 0;
        }
        assertEquals(2 * capacity, hits, "both tuples of every inserted connection");
    }

    @Test
    void countersCountEachOutcome()
    {
        final FlowTable t = table(2);
        final int a = insert(t, 1);
        insert(t, 2);
        insert(t, 1);
        t.orStatusVolatile(a, FlowStatus.ASSURED);
        t.orStatusVolatile(FlowTable.entry(t.lookup(origK0(2), origK1(2))), FlowStatus.ASSURED);
        insert(t, 3);
        t.remove(a);
        assertEquals(2, t.inserts());
        assertEquals(1, t.clashOrig());
        assertEquals(1, t.fullRefusals());
        assertEquals(1, t.removes());
        assertEquals(1, t.size());
    }

    @Test
    void slotKeepsAtLeastSixTagBitsUpToTheLargestCapacityAndEightAtAMillion()
    {
        // ref + 1 ranges over 1 .. 2 * capacity; a slot has 32 bits: tag, then DIST, then ref + 1.
        assertEquals(32 - 6, FlowIndex.refBits(FlowTableConfig.MAX_CAPACITY), "2 * 22.4M < 2^26");
        assertEquals(0, FlowIndex.distBits(FlowTableConfig.MAX_CAPACITY), "no room left for DIST");
        assertTrue(32 - FlowIndex.refBits(FlowTableConfig.MAX_CAPACITY) >= FlowTable.MIN_TAG_BITS);
        assertEquals(21, FlowIndex.refBits(1_008_192), "2 * 1,008,192 = 2,016,384 < 2^21 = 2,097,152");
        assertEquals(3, FlowIndex.distBits(1_008_192));
        assertEquals(32 - 21 - 3, 8, "tag bits at a million");
        assertEquals(3, FlowIndex.distBits(4_194_303), "2^23 - 2 needs 23 ref bits: 9 left, 6 for the tag");
        assertEquals(2, FlowIndex.distBits(4_194_304), "2^23 needs 24 ref bits");
        for (int c = 1; c <= FlowTableConfig.MAX_CAPACITY && c > 0; c = c * 2 + 1)
        {
            assertTrue(32 - FlowIndex.refBits(c) - FlowIndex.distBits(c) >= FlowTable.MIN_TAG_BITS, "capacity " + c);
        }
        assertEquals(2, FlowIndex.refBits(1), "refs 1 and 2");
        assertEquals(3, FlowIndex.refBits(2), "refs 1 .. 4");
    }

    @Test
    void keysWhoseHashesDifferOnlyBelowTheTagStillResolveByFullKeyCompare()
    {
        // Every key hashes to the same home slot and the same tag bits: the table must compare the full key.
        final FlowTable t =
            table(new FlowTableConfig().capacity(8).hasher((k0, k1) -> 0x7FFF_FFFF_0000_0000L | k1 & 0xFFL));
        final int a = insert(t, 1);
        final int b = insert(t, 2);
        assertEquals((long)a << 1, t.lookup(origK0(1), origK1(1)));
        assertEquals((long)b << 1, t.lookup(origK0(2), origK1(2)));
        assertEquals(((long)b << 1) | 1, t.lookup(replyK0(2), replyK1(2)));
        assertTrue(t.remove(a));
        assertEquals(MISS, t.lookup(origK0(1), origK1(1)));
        assertEquals((long)b << 1, t.lookup(origK0(2), origK1(2)));
    }

    @Test
    void defaultConfigurationCostsAtMost192BytesPerConnection()
    {
        final double expected = 64 + 96 + 2 * 4 / 0.375; // hot line + cold record + two 4-byte slots at load 3/8
        assertEquals(expected, FlowTableConfig.bytesPerConnection(FlowTableConfig.DEFAULT_LOAD_FACTOR), 1e-9);
        assertTrue(expected <= 192);
        final FlowTable t = table(new FlowTableConfig().capacity(100_000));
        assertEquals(533_334, t.slotCount(), "ceil(200,000 / 0.375)");
        assertTrue(t.bytesPerConnection() <= expected + 0.05, "measured " + t.bytesPerConnection());
        final FlowTableConfig budget = new FlowTableConfig().memoryBudget(181_334L + FlowTableFile.HEADER_LENGTH);
        assertEquals(1000, budget.capacity());
    }

    @Test
    void seedsChangeTheSlotLayout()
    {
        final FlowTable a = table(new FlowTableConfig().capacity(1024).seed(1));
        final FlowTable b = table(new FlowTableConfig().capacity(1024).seed(2));
        assertEquals(1, a.seed());
        int differentProbeLengths = 0;
        for (int i = 0; i < 1000; i++)
        {
            insert(a, i);
            insert(b, i);
        }
        for (int i = 0; i < 1000; i++)
        {
            differentProbeLengths += a.probeLength(origK0(i), origK1(i)) != b.probeLength(origK0(i), origK1(i)) ? 1 : 0;
        }
        assertTrue(differentProbeLengths > 50, "layouts differ: " + differentProbeLengths);
        final FlowTable c = table(new FlowTableConfig().capacity(16));
        final FlowTable d = table(new FlowTableConfig().capacity(16));
        assertNotEquals(c.seed(), d.seed(), "random seeds by default");
    }
}
