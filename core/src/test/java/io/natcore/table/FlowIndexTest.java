/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.natcore.table.FlowEntryLayout.hotOffset;
import static io.natcore.table.FlowEntryLayout.keyOffset;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link FlowIndex} on its own, over a storage whose hasher puts every key at a home slot the test chooses (k0 is
 * the home, k1 gives the tag): slot positions, DIST fields and backward shifts are checked against positions
 * worked out by hand, lookups and bursts against the keys written.
 */
class FlowIndexTest
{
    private static final int CAPACITY = 64;
    private FlowTableStorage storage;
    private FlowIndex index;

    private FlowIndex index()
    {
        final FlowTableConfig cfg = new FlowTableConfig().capacity(CAPACITY).seed(1);
        storage = FlowTableStorage.open(cfg, 1);
        final int slots = storage.slotCount;
        // low half chosen so that (low * slots) >>> 32 == k0; the tag (top of the high half) from k1
        final FlowHasher homeIsK0 = (k0, k1) -> (k1 << 40) | ((((long)k0 << 32) + slots - 1) / slots);
        index = new FlowIndex(storage, 1, homeIsK0);
        return index;
    }

    @AfterEach
    void close()
    {
        storage.close();
    }

    /** Writes the key of {@code ref} (entry << 1 | dir) into its entry's hot line and publishes its slot. */
    private void add(final int ref, final int home, final long k1)
    {
        final int at = hotOffset(ref >>> 1) + keyOffset(ref & 1);
        storage.hot.putLong(at, home);
        storage.hot.putLong(at + 8, k1);
        index.publishLocked(index.hash(home, k1), ref);
    }

    private int slot(final int i)
    {
        return storage.slots.getInt(i << 2);
    }

    private int refAt(final int i)
    {
        return (slot(i) & index.refMask) - 1;
    }

    private int distAt(final int i)
    {
        return (slot(i) >>> FlowIndex.refBits(CAPACITY)) & ((1 << FlowIndex.distBits(CAPACITY)) - 1);
    }

    @Test
    void aRunOfOneHomeFillsTheFollowingSlotsWithTheirDistancesAndAShiftLowersThem()
    {
        final FlowIndex ix = index();
        add(0, 5, 100);
        add(2, 5, 101);
        add(5, 5, 102);
        assertEquals(0, refAt(5));
        assertEquals(2, refAt(6));
        assertEquals(5, refAt(7));
        assertEquals(0, distAt(5));
        assertEquals(1, distAt(6));
        assertEquals(2, distAt(7));

        final long shift = ix.beginShiftLocked();
        ix.unlinkLocked(1, -1, -1); // entry 1's original tuple is ref 2, at slot 6
        ix.endShiftLocked(shift);
        assertEquals(0, refAt(5));
        assertEquals(5, refAt(6), "ref 5 shifted back one slot");
        assertEquals(1, distAt(6), "its distance lowered by the move");
        assertEquals(0, slot(7));
        assertEquals(0, ix.lookup(5, 100, false));
        assertEquals(FlowTable.MISS, ix.lookup(5, 101, false));
        assertEquals(5, ix.lookup(5, 102, true));
    }

    @Test
    void aRunPastTheLastSlotWrapsToSlotZeroAndShiftsBackAcrossIt()
    {
        final FlowIndex ix = index();
        final int last = storage.slotCount - 1;
        add(0, last, 1);
        add(2, last, 2);
        add(4, last, 3);
        assertEquals(0, refAt(last));
        assertEquals(2, refAt(0));
        assertEquals(4, refAt(1));
        final long shift = ix.beginShiftLocked();
        ix.deleteSlotLocked(last);
        ix.endShiftLocked(shift);
        assertEquals(2, refAt(last));
        assertEquals(4, refAt(0));
        assertEquals(0, slot(1));
        assertEquals(1, distAt(0));
        assertEquals(2, ix.lookup(last, 2, false));
        assertEquals(4, ix.lookup(last, 3, false));
        assertEquals(FlowTable.MISS, ix.lookup(last, 1, false));
    }

    @Test
    void aSlotsOwnHomeStaysWhenTheDeletedSlotIsBeforeIt()
    {
        final FlowIndex ix = index();
        add(0, 10, 1);
        add(2, 11, 2); // at home: must not move into slot 10
        final long shift = ix.beginShiftLocked();
        ix.deleteSlotLocked(10);
        ix.endShiftLocked(shift);
        assertEquals(0, slot(10));
        assertEquals(2, refAt(11));
        assertEquals(2, ix.lookup(11, 2, false));
    }

    @Test
    void theBurstAgreesWithSingleLookupsForHitsMissesAndRunsLongerThanItsScan()
    {
        final FlowIndex ix = index();
        for (int i = 0; i < 12; i++) // one run of twelve: past the burst's eight-slot scan
        {
            add(i << 1, 20, 1000 + i);
        }
        add(1, 40, 7);
        final long[] k0 = new long[16];
        final long[] k1 = new long[16];
        for (int i = 0; i < 16; i++)
        {
            k0[i] = i < 13 ? 20 : 40;
            k1[i] = i < 12 ? 1000 + i : i == 12 ? 5000 : i == 13 ? 7 : 8;
        }
        final long[] handles = new long[16];
        ix.burst(k0, k1, 16, handles, true);
        for (int i = 0; i < 16; i++)
        {
            final long expected = i < 12 ? i << 1 : i == 13 ? 1 : FlowTable.MISS;
            assertEquals(expected, handles[i], "key " + i);
            assertEquals(expected, ix.lookup(k0[i], k1[i], false), "key " + i);
        }
        assertEquals(13, ix.probeLengthLocked(20, 5000), "a miss ends at the run's first empty slot");
        assertEquals(12, ix.probeLengthLocked(20, 1011));
    }
}
