/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import io.natcore.pcap.TestCaptures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fragment tracking: translation follows the first fragment; the kernel's reasons to drop a datagram. */
class FragmentTrackerTest
{
    private static final long S = 1_000_000_000L;
    private static final int SRC = 0xC0A80105;
    private static final int DST = 0xAC100241;
    private static final int UDP = 17;

    private final FragmentTracker tracker = new FragmentTracker(64, 8, 4, 30 * S, 42);
    private final FragmentResult res = tracker.newResult();

    private int frag(final int id, final int offset, final int length, final boolean more, final long token, final long now)
    {
        return tracker.onFragment(SRC, DST, UDP, id, offset, length, more, token, now, res);
    }

    @Test
    void inOrderFragmentsFollowTheFirstAndTheLastCompletesTheDatagram()
    {
        assertEquals(FragmentTracker.FIRST, frag(1, 0, 1480, true, -1, 0));
        assertEquals(0, tracker.bind(SRC, DST, UDP, 1, 777, res));
        assertEquals(FragmentTracker.FOLLOW, frag(1, 1480, 1480, true, -1, 1));
        assertEquals(777, res.handle);
        assertFalse(res.complete);
        assertEquals(FragmentTracker.FOLLOW, frag(1, 2960, 48, false, -1, 2));
        assertTrue(res.complete);
        assertEquals(0, tracker.size(), "a complete datagram is forgotten");
    }

    @Test
    void fragmentsBeforeTheFirstAreParkedAndReleasedAtBind()
    {
        assertEquals(FragmentTracker.PARKED, frag(2, 1480, 1480, true, 11, 0));
        assertEquals(FragmentTracker.PARKED, frag(2, 2960, 48, false, 12, 0));
        assertEquals(FragmentTracker.FIRST, frag(2, 0, 1480, true, 13, 0));
        assertTrue(res.complete);
        assertEquals(2, tracker.bind(SRC, DST, UDP, 2, 5, res));
        assertEquals(11, res.tokens[0]);
        assertEquals(12, res.tokens[1]);
        assertTrue(res.complete);
        assertEquals(0, tracker.size());
    }

    @Test
    void orphanNonFirstFragmentIsHeldThenDroppedAtExpiry()
    {
        // trace 14: "a non-first fragment that arrives with no first fragment" is held and dropped
        assertEquals(FragmentTracker.PARKED, frag(999, 800, 64, false, 99, 0));
        final List<Long> dropped = new ArrayList<>();
        assertEquals(0, tracker.expire(29 * S, dropped::add));
        assertEquals(1, tracker.expire(30 * S, dropped::add));
        assertEquals(List.of(99L), dropped);
        assertEquals(0, tracker.size());
    }

    @Test
    void orphanThatCannotBeParkedIsDropped()
    {
        assertEquals(FragmentTracker.DROP, frag(3, 800, 64, false, -1, 0));
        assertEquals(TrackReason.FRAG_ORPHAN, res.reason);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(FragmentTracker.PARKED, frag(4, 8 * (i + 1), 8, true, i, 0));
        }
        assertEquals(FragmentTracker.DROP, frag(4, 800, 8, true, 9, 0));
        assertEquals(TrackReason.FRAG_ORPHAN, res.reason, "park limit reached");
    }

    @Test
    void overlappingFragmentDropsTheWholeDatagram()
    {
        frag(5, 0, 1480, true, -1, 0);
        tracker.bind(SRC, DST, UDP, 5, 1, res);
        assertEquals(FragmentTracker.DROP, frag(5, 1000, 1480, true, -1, 0));
        assertEquals(TrackReason.FRAG_OVERLAP, res.reason);
        assertEquals(FragmentTracker.DROP, frag(5, 2960, 100, false, -1, 0));
        assertEquals(TrackReason.FRAG_DATAGRAM_DROPPED, res.reason, "later pieces of a dropped datagram");
    }

    @Test
    void overlapDropsParkedFragmentsToo()
    {
        frag(6, 1480, 1480, true, 21, 0);
        assertEquals(FragmentTracker.DROP, frag(6, 2000, 1480, true, 22, 0));
        assertEquals(1, res.tokenCount);
        assertEquals(21, res.tokens[0]);
    }

    @Test
    void exactDuplicateIsDroppedAloneAndTheDatagramContinues()
    {
        frag(7, 0, 1480, true, -1, 0);
        tracker.bind(SRC, DST, UDP, 7, 3, res);
        frag(7, 1480, 1480, true, -1, 0);
        assertEquals(FragmentTracker.DROP, frag(7, 1480, 1480, true, -1, 0));
        assertEquals(TrackReason.FRAG_DUPLICATE, res.reason);
        assertEquals(FragmentTracker.FOLLOW, frag(7, 2960, 10, false, -1, 0));
        assertTrue(res.complete);
    }

    @Test
    void dataBeyondTheLastFragmentIsCorrupt()
    {
        frag(8, 1480, 100, false, 1, 0);
        assertEquals(FragmentTracker.DROP, frag(8, 1480, 1480, true, 2, 0));
        assertEquals(TrackReason.FRAG_CORRUPT, res.reason);
        assertEquals(FragmentTracker.DROP, frag(9, 64, 0, true, -1, 0));
        assertEquals(TrackReason.FRAG_CORRUPT, res.reason, "empty fragment");
    }

    @Test
    void fullTableRefusesNewDatagramsUntilExpiry()
    {
        final FragmentTracker small = new FragmentTracker(16, 2, 1, 10 * S, 1);
        final FragmentResult r = small.newResult();
        int accepted = 0;
        for (int id = 0; id < 16; id++)
        {
            if (small.onFragment(SRC, DST, UDP, id, 0, 8, true, -1, 0, r) == FragmentTracker.FIRST)
            {
                accepted++;
            }
        }
        assertEquals(12, accepted, "3/4 of 16 slots");
        assertEquals(TrackReason.FRAG_TABLE_FULL, r.reason);
        assertEquals(12, small.expire(10 * S, t -> { }));
        assertEquals(FragmentTracker.FIRST, small.onFragment(SRC, DST, UDP, 100, 0, 8, true, -1, 10 * S, r));
        // every remaining key is still found after the deletions shifted chains
        for (int id = 0; id < 11; id++)
        {
            assertEquals(FragmentTracker.FIRST, small.onFragment(SRC, DST, UDP, 200 + id, 0, 8, true, -1, 10 * S, r));
        }
        for (int id = 0; id < 11; id++)
        {
            small.bind(SRC, DST, UDP, 200 + id, id, r);
            assertEquals(FragmentTracker.FOLLOW, small.onFragment(SRC, DST, UDP, 200 + id, 8, 8, false, -1, 10 * S, r));
            assertEquals(id, r.handle);
        }
    }

    @Test
    void traceTwelveDatagramsEachFollowTheirFirstFragment() throws IOException
    {
        final Path pcap = Path.of("../it/src/test/resources/traces/12-udp-fragments/trace.pcap");
        final Map<Integer, Integer> fragmentsPerId = new HashMap<>();
        int complete = 0;
        for (final TestCaptures.Frame p : TestCaptures.ipv4(pcap))
        {
            final byte[] b = p.ip();
            final int flagsOffset = ((b[6] & 0xFF) << 8) | (b[7] & 0xFF);
            final boolean more = (flagsOffset & 0x2000) != 0;
            final int offset = (flagsOffset & 0x1FFF) * 8;
            if (p.sent() || (!more && offset == 0))
            {
                continue;
            }
            final int ihl = (b[0] & 0x0F) * 4;
            final int total = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            final int id = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
            final int src = ((b[12] & 0xFF) << 24) | ((b[13] & 0xFF) << 16) | ((b[14] & 0xFF) << 8) | (b[15] & 0xFF);
            final int dst = ((b[16] & 0xFF) << 24) | ((b[17] & 0xFF) << 16) | ((b[18] & 0xFF) << 8) | (b[19] & 0xFF);
            final int action = tracker.onFragment(src, dst, b[9] & 0xFF, id, offset, total - ihl, more, -1, p.timeNanos(), res);
            if (offset == 0)
            {
                assertEquals(FragmentTracker.FIRST, action);
                tracker.bind(src, dst, b[9] & 0xFF, id, id * 10L, res);
            }
            else
            {
                assertEquals(FragmentTracker.FOLLOW, action);
                assertEquals(id * 10L, res.handle);
            }
            complete += res.complete ? 1 : 0;
            fragmentsPerId.merge(id, 1, Integer::sum);
        }
        // two 3000-byte and one 5000-byte UDP datagrams, two 2500-byte pings and their replies (tshark)
        assertEquals(Map.of(0xce89, 3, 0xce8a, 3, 0xce9b, 4, 0xa6c8, 2, 0xa6d5, 2, 0x6ad0, 2, 0x6aed, 2), fragmentsPerId);
        assertEquals(fragmentsPerId.size(), complete, "every datagram completed");
        assertEquals(0, tracker.size());
    }

    @Test
    void reassembledEcnIsTheKernelsTable()
    {
        // ip_frag_ecn_table, indexed by IPFRAG_ECN_NOT_ECT 1 | ECT_1 2 | ECT_0 4 | CE 8: CE with ECT gives CE (3),
        // not-ECT with anything ECN-capable is invalid (0xff: dropped), every other index 0.
        final int[] kernel = new int[16];
        kernel[8 | 4] = 3;
        kernel[8 | 2] = 3;
        kernel[8 | 4 | 2] = 3;
        for (final int invalid : new int[] {1 | 8, 1 | 4, 1 | 2, 1 | 4 | 2, 1 | 8 | 4, 1 | 8 | 2, 1 | 8 | 4 | 2})
        {
            kernel[invalid] = -1;
        }
        for (int seen = 0; seen < 16; seen++)
        {
            assertEquals(kernel[seen], FragmentTracker.reassembledEcn(seen), "index " + seen);
        }
    }
}
