/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.SHIFT_SEQ_OFFSET;
import static io.natcore.table.FlowTable.MISS;

/**
 * The index of a {@link FlowTable}: an open-addressing array of 4-byte slots with linear probing, 0 = empty, each
 * slot leading to one direction of one entry. Lookups (single and burst), publication of a new slot, and
 * backward-shift deletion bracketed by SHIFT_SEQ. The memory ordering of every access follows the table's
 * concurrency protocol, described once in {@link FlowTable} ("Concurrency protocol"); methods named
 * {@code *Locked} expect the caller to hold the table's writer lock.
 * <pre>
 *   31                                                            0
 *  +-----------------+--------+-----------------------------------+
 *  |       TAG       |  DIST  |    REF + 1 = (entry &lt;&lt; 1 | dir) + 1 |
 *  +-----------------+--------+-----------------------------------+
 *   8 bits at 1M     3 bits   {@link #refBits(int)} bits (21 at a million connections)
 * </pre>
 * TAG (never fewer than {@link FlowTable#MIN_TAG_BITS} bits) is the top bits of the high half of the key's 64-bit
 * keyed hash; the home slot comes from the low half ({@code (low * slots) >>> 32}). DIST is the slot's distance from
 * its home slot, saturated: the all-ones value means "that far or further, rehash the entry's key to know". It takes
 * up to {@link FlowTable#MAX_DIST_BITS} bits of what the tag would otherwise get, only while at least
 * {@link FlowTable#MIN_TAG_BITS} tag bits remain (so from 2M connections the tag is down to 6 bits; from 4M on DIST
 * shrinks, from 16M it is gone and every shift rehashes). Lookups ignore it; deletion uses it (below). A lookup costs
 * the slot line (sixteen slots per line, so the probe run rarely leaves it) plus the entry's hot line, which is also
 * everything the packet needs. 4-byte slots shrink the index (21 MiB at a million connections and the default load
 * factor 0.375, against 32 MiB of 8-byte slots at 0.5), so more of it stays in the last-level cache next to the hot
 * lines; a tag of 8 bits sends about one probed slot in 256 to a foreign hot line (a probe run ahead of a hit
 * averages a third of a slot at the default load factor).
 * <p>
 * Deletion shifts the probe run back (no tombstones), so probe lengths do not decay under churn. Shifting needs each
 * following slot's home; DIST gives it from the slot itself ({@code at - dist}), where rehashing the key would read
 * another connection's hot line, a cache miss per shifted slot (measured: 2.8 such reads per removed connection in a
 * full table of a million, 0.5-0.9 at the new-connection benchmark's steady size). A moved slot gets its DIST lowered
 * by the distance moved (its tag and reference stay).
 * <p>
 * The lookup path reads through raw addresses, not the regions' {@link UnsafeBuffer}s: its acquire loads and fences
 * make C2 reload every field they touch for each lookup, and through a buffer that is two dependent loads (buffer,
 * then its address and array) ahead of the slot load and two more ahead of the key load; an address is one load from
 * this object. The regions are all off-heap (direct or mapped) and outlive every lookup (until the table closes).
 */
final class FlowIndex
{
    /** Slots past the home slot the burst's scan (its pass 3) looks at for a tag match (the probe itself has no cap). */
    private static final int TOUCH_SCAN = 8;
    /** Burst-internal mark: the run was longer than {@link #TOUCH_SCAN} without a tag match. */
    private static final long UNRESOLVED = -2L;
    private static final long TOUCH_NEVER = 0x5DEE_CE66_D1CE_B00FL;

    private final UnsafeBuffer slots;
    /** Injected hasher, or null for the default (called through its exact type: inlined without a type guard). */
    private final FlowHasher customHasher;
    /** The default hasher's seed-derived words, held here so a lookup reads them from this object. */
    private final long hashS0;
    private final long hashS1;
    final int slotCount;
    /** Low bits of a slot: entry reference + 1 ({@link #refBits(int)} wide). */
    final int refMask;
    /** High bits of a slot: the top bits of the key hash's high half (at least {@link FlowTable#MIN_TAG_BITS}). */
    private final int tagMask;
    /** Largest DIST value (saturated: "this far or further"); 0 when the slot has no DIST bits. */
    private final int distMax;
    /** Bit position of DIST in a slot ({@link #refBits(int)}). */
    private final int distShift;
    /** DIST bits of a slot. */
    private final int distMask;
    /** Address of SHIFT_SEQ (header region, a cache line of its own). */
    private final long shiftSeqAddress;
    /** Address of slot 0. */
    final long slotsAddress;
    /** Address of entry 0's hot line (keys are compared there). */
    private final long hotAddress;
    /** Address of entry 0's cold record (touched by the cold-touching lookups). */
    private final long coldAddress;
    private final int capacity;
    /**
     * Written only when a touched word (or a sum of them) equals {@link #TOUCH_NEVER}: keeps the touching loads
     * (prefetches by hand) alive without a store per lookup, which every thread would make to this one line.
     */
    private long touchSink;

    FlowIndex(final FlowTableStorage s, final long seed, final FlowHasher customHasher)
    {
        final int refBits = refBits(s.capacity);
        if (32 - refBits < FlowTable.MIN_TAG_BITS)
        {
            throw new IllegalArgumentException("capacity " + s.capacity + " leaves fewer than " +
                FlowTable.MIN_TAG_BITS + " tag bits in a 4-byte slot (at most " + FlowTableConfig.MAX_CAPACITY +
                " connections)");
        }
        slots = s.slots;
        slotCount = s.slotCount;
        capacity = s.capacity;
        refMask = (int)((1L << refBits) - 1);
        final int distBits = distBits(s.capacity);
        distMax = (1 << distBits) - 1;
        distShift = refBits;
        distMask = distMax << distShift;
        tagMask = ~(refMask | distMask);
        shiftSeqAddress = s.header.addressOffset() + SHIFT_SEQ_OFFSET;
        slotsAddress = s.slots.addressOffset();
        hotAddress = s.hot.addressOffset();
        coldAddress = s.cold.addressOffset();
        this.customHasher = customHasher;
        final SeededFlowHasher seeded = new SeededFlowHasher(seed);
        hashS0 = seeded.s0();
        hashS1 = seeded.s1();
    }

    /** {@link FlowTable#lookup}: {@code entry << 1 | dir}, or {@link FlowTable#MISS}. */
    long lookup(final long k0, final long k1, final boolean touchCold)
    {
        return probe(k0, k1, hash(k0, k1), touchCold);
    }

    /** {@link FlowTable#lookupBurst}: the five passes, described there. */
    void burst(final long[] k0, final long[] k1, final int n, final long[] handles, final boolean touchCold)
    {
        final int count = Math.max(0, Math.min(n, Math.min(handles.length, Math.min(k0.length, k1.length))));
        for (int i = 0; i < count; i++)
        {
            // the hash's high half (the tag's source) with the home slot in place of the low half
            final long h = hash(k0[i], k1[i]);
            handles[i] = (h & 0xFFFF_FFFF_0000_0000L) | homeOf(h);
        }
        final long slotsAddress = this.slotsAddress;
        final long hotAddress = this.hotAddress;
        final long shiftSeqAddress = this.shiftSeqAddress;
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            sink += UnsafeApi.getInt(null, slotsAddress + ((handles[i] & 0xFFFF_FFFFL) << 2));
        }
        keepAlive(sink);
        final long v1 = UnsafeApi.getLongAcquire(null, shiftSeqAddress); // acquire: later slot loads see finished shifts
        if ((v1 & 1) == 0)
        {
            final long coldAddress = this.coldAddress;
            final int capacity = this.capacity;
            final int refMask = this.refMask;
            final int tagMask = this.tagMask;
            final int lastSlot = this.slotCount - 1;
            for (int i = 0; i < count; i++)
            {
                // Pass 3, the probe minus its key compare: the home slot (its line touched in pass 2) is the
                // candidate when its tag matches, else the run is scanned on (scanRun, out of line: most hits are
                // at home at the default load factor). Plain slot loads: the acquire fence after pass 4 orders them
                // before pass 5's key loads.
                final long h = handles[i];
                final int tag = (int)(h >>> 32) & tagMask;
                final int at = (int)h;
                final int s = UnsafeApi.getInt(null, slotsAddress + ((long)at << 2));
                handles[i] = (s & tagMask) == tag && s != 0 ? s & 0xFFFF_FFFFL
                    : s == 0 ? MISS : scanRun(at, tag, lastSlot);
            }
            long touched = 0;
            for (int i = 0; i < count; i++)
            {
                // Pass 4: touch each candidate's hot line (and, if asked, both lines of its cold record).
                final long c = handles[i];
                if (c > 0)
                {
                    final int e = (((int)c & refMask) - 1) >>> 1;
                    touched += UnsafeApi.getInt(null, hotAddress + ((long)e << HOT_SHIFT));
                    if (touchCold && e < capacity)
                    {
                        final long co = coldAddress + (long)e * COLD_LENGTH;
                        touched += UnsafeApi.getLong(null, co) + UnsafeApi.getLong(null, co + COLD_LENGTH - 8);
                    }
                }
            }
            keepAlive(touched);
            // acquire fence: every slot load of pass 3 is ordered before the key loads below, which is what an
            // acquire load of each slot would give (pairs with insert's release publish), for one fence per burst.
            VarHandle.acquireFence();
            for (int i = 0; i < count; i++)
            {
                // Pass 5: compare each candidate's key (its hot line was touched above; plain loads, ordered after
                // the slot loads by the fence); a foreign key under the same tag or a run longer than the scan gets
                // a full probe.
                final long c = handles[i];
                if (c > 0)
                {
                    final int ref = ((int)c & refMask) - 1;
                    final long keyAt = keyAddress(hotAddress, ref);
                    handles[i] = UnsafeApi.getLong(null, keyAt) == k0[i] && UnsafeApi.getLong(null, keyAt + 8) == k1[i] ?
                        ref : probeOnce(k0[i], k1[i], hash(k0[i], k1[i]), false);
                }
                else if (c == UNRESOLVED)
                {
                    handles[i] = probeOnce(k0[i], k1[i], hash(k0[i], k1[i]), false);
                }
            }
            VarHandle.loadLoadFence(); // every probe's loads complete before the validating read below
            if (UnsafeApi.getLong(null, shiftSeqAddress) == v1) // plain, after the fence
            {
                return;
            }
        }
        for (int i = 0; i < count; i++) // a removal overlapped the burst (rare): each key on its own
        {
            handles[i] = probe(k0[i], k1[i], hash(k0[i], k1[i]), false);
        }
    }

    /** {@link FlowTable#touchColdBurst}: plain loads feeding a sink; misses and bad handles are skipped. */
    void touchColdBurst(final long[] handles, final int n)
    {
        final int count = Math.max(0, Math.min(n, handles.length));
        final long coldAddress = this.coldAddress;
        final int capacity = this.capacity;
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            final long handle = handles[i];
            final int e = (int)(handle >>> 1);
            if (handle >= 0 && e < capacity)
            {
                final long co = coldAddress + (long)e * COLD_LENGTH;
                sink += UnsafeApi.getLong(null, co) + UnsafeApi.getLong(null, co + COLD_LENGTH - 8);
            }
        }
        keepAlive(sink);
    }

    /**
     * The burst's scan past a home slot that holds another key: the run's first tag-matching slot (as a candidate
     * handle), {@link FlowTable#MISS} at an empty slot, or {@link #UNRESOLVED} after {@link #TOUCH_SCAN} slots. Plain loads
     * (see {@link #burst}).
     */
    private long scanRun(final int home, final int tag, final int lastSlot)
    {
        final long slotsAddress = this.slotsAddress;
        final int tagMask = this.tagMask;
        int at = home;
        for (int p = 0; p < TOUCH_SCAN; p++)
        {
            at = at == lastSlot ? 0 : at + 1;
            final int s = UnsafeApi.getInt(null, slotsAddress + ((long)at << 2));
            if (s == 0)
            {
                return MISS;
            }
            if ((s & tagMask) == tag)
            {
                return s & 0xFFFF_FFFFL;
            }
        }
        return UNRESOLVED;
    }

    private long probe(final long k0, final long k1, final long h, final boolean touchCold)
    {
        int spins = 0;
        while (true)
        {
            final long v1 = UnsafeApi.getLongAcquire(null, shiftSeqAddress); // acquire: later slot loads see finished shifts
            if ((v1 & 1) != 0)
            {
                FlowEntries.backOff(++spins); // slots are moving; the remover holds this for a probe run's length
                continue;
            }
            final long result = probeOnce(k0, k1, h, touchCold);
            VarHandle.loadLoadFence(); // the loads above complete before the validating read below
            if (UnsafeApi.getLong(null, shiftSeqAddress) == v1) // plain, after the fence
            {
                return result;
            }
        }
    }

    /** One probe of the run from the key's home slot; the caller brackets it with SHIFT_SEQ reads. */
    private long probeOnce(final long k0, final long k1, final long h, final boolean touchCold)
    {
        final long slotsAddress = this.slotsAddress;
        final long hotAddress = this.hotAddress;
        final int n = slotCount;
        final int tagMask = this.tagMask;
        final int refMask = this.refMask;
        final int tag = (int)(h >>> 32) & tagMask;
        int i = (int)(((h & 0xFFFF_FFFFL) * n) >>> 32);
        for (int probes = 0; probes < n; probes++)
        {
            final int s = UnsafeApi.getIntAcquire(null, slotsAddress + ((long)i << 2)); // acquire: pairs with insert's release publish
            if (s == 0)
            {
                return MISS;
            }
            if ((s & tagMask) == tag)
            {
                final int ref = (s & refMask) - 1;
                if (touchCold && (ref >>> 1) < capacity)
                {
                    final long co = coldAddress + (long)(ref >>> 1) * COLD_LENGTH;
                    keepAlive(UnsafeApi.getLong(null, co) ^ UnsafeApi.getLong(null, co + COLD_LENGTH - 8));
                }
                final long keyAt = keyAddress(hotAddress, ref);
                if (UnsafeApi.getLong(null, keyAt) == k0 && UnsafeApi.getLong(null, keyAt + 8) == k1) // plain, after the acquire
                {
                    return ref;
                }
            }
            if (++i == n)
            {
                i = 0;
            }
        }
        return MISS;
    }
    /** Bits of a slot that hold {@code (entry << 1 | dir) + 1} for this capacity (values 1 .. 2 * capacity). */
    static int refBits(final int capacity)
    {
        return 32 - Integer.numberOfLeadingZeros(2 * capacity);
    }

    /** Bits of a slot that hold its distance from its home slot for this capacity (0 to {@link FlowTable#MAX_DIST_BITS}). */
    static int distBits(final int capacity)
    {
        return Math.max(0, Math.min(FlowTable.MAX_DIST_BITS, 32 - refBits(capacity) - FlowTable.MIN_TAG_BITS));
    }

    /** Clears every slot (recovery rebuilds the index from the entries) and SHIFT_SEQ. Writer-locked, no readers. */
    void clearLocked()
    {
        slots.setMemory(0, slots.capacity(), (byte)0);
        UnsafeApi.putLongRelease(null, shiftSeqAddress, 0);
    }

    /**
     * Starts a removal: SHIFT_SEQ goes odd (release), so lookups validate against a moving index.
     *
     * @return the even SHIFT_SEQ before, for {@link #endShiftLocked(long)}.
     */
    long beginShiftLocked()
    {
        final long shift = UnsafeApi.getLong(null, shiftSeqAddress); // plain: only the writer-lock holder writes it
        UnsafeApi.putLongRelease(null, shiftSeqAddress, shift + 1);
        return shift;
    }

    /** Ends a removal: SHIFT_SEQ even again, with release (the slot changes are visible first). */
    void endShiftLocked(final long shift)
    {
        UnsafeApi.putLongRelease(null, shiftSeqAddress, shift + 2);
    }

    /**
     * Removes both slots of entry {@code e}; the caller holds SHIFT_SEQ odd ({@link #beginShiftLocked()}).
     *
     * @param origHome  where to start looking for the original tuple's slot (its home slot as computed earlier), or
     *                  -1 to hash the key now. A wrong hint costs a second scan, never a wrong removal: a slot is
     *                  matched by its exact reference, which only one slot holds.
     * @param replyHome the same for the reply tuple.
     */
    void unlinkLocked(final int e, final int origHome, final int replyHome)
    {
        for (int dir = 0; dir < 2; dir++)
        {
            final int hint = dir == FlowTable.DIR_ORIGINAL ? origHome : replyHome;
            int slot = hint >= 0 ? findRefFromLocked(e, dir, hint) : -1;
            if (slot < 0)
            {
                slot = findRefLocked(e, dir);
            }
            if (slot >= 0)
            {
                deleteSlotLocked(slot);
            }
        }
    }


    /** Backward-shift deletion (Knuth 6.4 Algorithm R) of slot {@code i}; caller holds SHIFT_SEQ odd. */
    void deleteSlotLocked(final int slot)
    {
        final long slotsAddress = this.slotsAddress;
        final int n = slotCount;
        final int distMask = this.distMask;
        final int distShift = this.distShift;
        final int distMax = this.distMax;
        int i = slot;
        int j = slot;
        while (true)
        {
            if (++j == n)
            {
                j = 0;
            }
            final int s = UnsafeApi.getInt(null, slotsAddress + ((long)j << 2)); // plain: only the lock holder writes slots
            if (s == 0)
            {
                break;
            }
            final int dist = (s & distMask) >>> distShift;
            int k; // home slot of j's key
            if (dist < distMax)
            {
                k = j - dist; // from the slot itself: no read of j's entry
                if (k < 0)
                {
                    k += n;
                }
            }
            else
            {
                k = homeOfRef((s & refMask) - 1); // saturated (rare): rehash the key from the entry's hot line
            }
            final boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays)
            {
                int moved = i - k;
                if (moved < 0)
                {
                    moved += n;
                }
                // copy first: a concurrent probe may see it twice, never zero times (tag and reference unchanged)
                UnsafeApi.putIntRelease(null, slotsAddress + ((long)i << 2),
                    (s & ~distMask) | (Math.min(moved, distMax) << distShift));
                i = j;
            }
        }
        UnsafeApi.putIntRelease(null, slotsAddress + ((long)i << 2), 0); // release, as each move above
    }

    void publishLocked(final long h, final int ref)
    {
        final long slotsAddress = this.slotsAddress;
        final int n = slotCount;
        int i = homeOf(h);
        int dist = 0;
        while (UnsafeApi.getInt(null, slotsAddress + ((long)i << 2)) != 0) // plain: lock holder writes slots
        {
            if (++i == n)
            {
                i = 0;
            }
            dist++;
        }
        // release: the entry's hot line (keys) is visible before the slot that leads to it
        UnsafeApi.putIntRelease(null, slotsAddress + ((long)i << 2),
            ((int)(h >>> 32) & tagMask) | (Math.min(dist, distMax) << distShift) | (ref + 1));
    }

    int findKeyLocked(final long k0, final long k1, final long h)
    {
        final long slotsAddress = this.slotsAddress;
        final long hotAddress = this.hotAddress;
        final int n = slotCount;
        final int tagMask = this.tagMask;
        final int refMask = this.refMask;
        final int tag = (int)(h >>> 32) & tagMask;
        int i = homeOf(h);
        for (int probes = 0; probes < n; probes++)
        {
            final int s = UnsafeApi.getInt(null, slotsAddress + ((long)i << 2)); // plain: lock holder writes slots
            if (s == 0)
            {
                return -1;
            }
            if ((s & tagMask) == tag)
            {
                final int ref = (s & refMask) - 1;
                final long keyAt = keyAddress(hotAddress, ref);
                if (UnsafeApi.getLong(null, keyAt) == k0 && UnsafeApi.getLong(null, keyAt + 8) == k1) // plain: keys change under this lock only
                {
                    return i;
                }
            }
            if (++i == n)
            {
                i = 0;
            }
        }
        return -1;
    }

    private int findRefLocked(final int e, final int dir)
    {
        return findRefFromLocked(e, dir, homeOfRef((e << 1) | dir));
    }

    /** The slot holding {@code (e << 1 | dir) + 1}, scanning from {@code start} to the end of its run; or -1. */
    private int findRefFromLocked(final int e, final int dir, final int start)
    {
        final long slotsAddress = this.slotsAddress;
        final int refMask = this.refMask;
        final int ref = (e << 1) | dir;
        final int n = slotCount;
        int i = start;
        for (int probes = 0; probes < n; probes++)
        {
            final int s = UnsafeApi.getInt(null, slotsAddress + ((long)i << 2)); // plain: lock holder writes slots
            if (s == 0)
            {
                return -1;
            }
            if ((s & refMask) - 1 == ref)
            {
                return i;
            }
            if (++i == n)
            {
                i = 0;
            }
        }
        return -1;
    }

    long hash(final long k0, final long k1)
    {
        final FlowHasher custom = customHasher;
        return custom == null ? SeededFlowHasher.hash(hashS0, hashS1, k0, k1) : custom.hash(k0, k1);
    }

    int homeOf(final long h)
    {
        return (int)(((h & 0xFFFF_FFFFL) * slotCount) >>> 32);
    }

    int homeOfRef(final int ref)
    {
        final long keyAt = keyAddress(hotAddress, ref);
        return homeOf(hash(UnsafeApi.getLong(null, keyAt), UnsafeApi.getLong(null, keyAt + 8)));
    }

    /** Address of the key a reference {@code entry << 1 | dir} names: its entry's hot line, that direction's key. */
    private static long keyAddress(final long hotAddress, final int ref)
    {
        return hotAddress + ((long)(ref >>> 1) << HOT_SHIFT) + KEY_OFFSET + ((ref & 1) << 4);
    }

    /** Entry referenced by the slot at {@code at} ({@code -1} when empty); plain, for the writer-lock holder. */
    int entryAtLocked(final int at)
    {
        final int s = UnsafeApi.getInt(null, slotsAddress + ((long)at << 2));
        return s == 0 ? -1 : ((s & refMask) - 1) >>> 1;
    }

    /** {@link FlowTable#probeLength}: slots a lookup of this key examines; the caller holds the writer lock. */
    int probeLengthLocked(final long k0, final long k1)
    {
        final long h = hash(k0, k1);
        final int found = findKeyLocked(k0, k1, h);
        int i = homeOf(h);
        int len = 1;
        while (found >= 0 ? i != found : slots.getInt(i << 2) != 0)
        {
            len++;
            if (++i == slotCount)
            {
                i = 0;
            }
        }
        return len;
    }

    /** Keeps {@code touched} computed (and the loads behind it) without storing it: see {@link #touchSink}. */
    void keepAlive(final long touched)
    {
        if (touched == TOUCH_NEVER)
        {
            touchSink++;
        }
    }
}
