/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.*;

/**
 * Off-heap concurrent connection table: one entry per connection, findable from its original and its reply tuple.
 *
 * <h2>Structure</h2>
 * Entries live in two regions ({@link FlowEntryLayout}): a 64-byte hot line (both tuples, checksum deltas, egress,
 * ops, state, deadline, status, seqlock) and a 96-byte cold record; their fields are read and written through the
 * accessors this class inherits from {@link FlowEntries}. The parts, each with one job:
 * <ul>
 * <li>{@link FlowIndex}: the slot array (layout drawn there), lookups, publication and backward-shift deletion;</li>
 * <li>{@link FreeList}: where new entries come from;</li>
 * <li>{@link FlowExpiry}: bounded expiry passes;</li>
 * <li>{@link FlowTableRecovery}: the rebuild of a reopened mapped file;</li>
 * <li>{@link FlowTableCounters}: the header's counters;</li>
 * <li>this class: the writer lock, insert (with early drop), remove, and the public face of the parts.</li>
 * </ul>
 * Every part follows the one protocol below.
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 * <li><b>Writers</b> (insert, remove, expiry, early drop) serialize on one spin lock (a Java field, not in the
 * file). New connections are orders of magnitude rarer than packets; one lock makes "insert both tuples unless
 * either exists" a single atomic step, which the NAT clash check needs.</li>
 * <li><b>Publishing</b>: insert writes the entry's hot line (keys included) under the entry's seqlock, then
 * stores each slot with release. A reader that loads the slot with acquire sees the complete keys.</li>
 * <li><b>Removal</b> brackets every index change with SHIFT_SEQ (header, own cache line): store odd, move/clear
 * slots with release stores, store even with release. An entry is freed only after its slots are gone, and is
 * rewritten only after being freed, so an entry's keys can change only inside a removal that started after the
 * reader's first SHIFT_SEQ read.</li>
 * <li><b>Lookup</b> takes no lock and never writes: read SHIFT_SEQ (acquire; spin while odd), probe slots (acquire
 * loads), compare the keys of tag-matching entries (plain loads, ordered by the slot acquire), then a load-load
 * fence and SHIFT_SEQ again. Equal: no removal overlapped, so no slot moved under the probe (a miss is real) and no
 * compared entry was freed and rewritten (the keys read were not torn). Different: retry. Lookups never look at
 * entry seqlocks, so a lookup never waits for a packet writer and cannot deadlock with one. {@link #lookupBurst}
 * brackets all of its probes with one SHIFT_SEQ pair (the argument is the same for any number of probes between
 * the two reads); when they differ (or the first is odd) it falls back to one bracketed {@link #lookup} per key.
 * Its candidate scan reads the slots with plain loads followed by one acquire fence
 * ({@link VarHandle#acquireFence()}) before any key is compared: every slot load is then ordered before the key
 * loads as an acquire load of each slot would be, at one fence per burst instead of one per slot.
 * Its touching passes read slots and hot lines (and, for {@link #lookupBurstTouchingCold}, cold records) with
 * plain loads whose values only feed a sink: they decide nothing.</li>
 * <li><b>Entry fields</b> are guarded by the per-entry seqlock: writers {@link #beginWrite(int)} (CAS even to
 * odd) / {@link #endWrite(int)} (release store of odd + 1); readers {@link #readBeginAcquire(int)} /
 * {@link #readValidate(int, int)}. A lookup result can be stale by the time it is used (the entry removed and
 * reused): check {@link #matches(int, int, long, long)} inside the read or write section.</li>
 * <li><b>Status</b>: insert writes the new entry's whole word, {@link FlowStatus#CONFIRMED} plus the caller's
 * initial bits ({@link #insertAndLock(long, long, long, long, int)}), with one release store under the writer lock
 * and before the slots are published: no reader, remover or early drop can see the entry yet, so a plain store
 * cannot race with anything. From publication on, bits change with CAS only ({@link #orStatusVolatile},
 * {@link #andNotStatusVolatile}), because a remover may clear CONFIRMED at any time. The table owns
 * {@link FlowStatus#CONFIRMED} (set on insert, cleared on remove, both under the writer lock).</li>
 * </ul>
 * Progress: lookups are lock-free relative to each other and to packet writers; they retry only while a removal
 * is moving slots. Inserts and removes are blocking (spin lock). A bad entry index is a caller's bug: it throws while
 * bounds checks are on ({@link FlowEntries#checkEntry(int)}).
 */
public class FlowTable extends FlowEntries implements AutoCloseable
{
    /** Lookup result when the key is absent. */
    public static final long MISS = -1L;
    /** Insert result: the original tuple is already in the table. */
    public static final int CLASH_ORIG = -1;
    /** Insert result: the reply tuple is already in the table (or equals the original tuple). */
    public static final int CLASH_REPLY = -2;
    /** Insert result: no free entry and no non-ASSURED entry near the new key to evict. */
    public static final int FULL = -3;
    /** Direction of the original tuple. */
    public static final int DIR_ORIGINAL = 0;
    /** Direction of the reply tuple. */
    public static final int DIR_REPLY = 1;
    /** {@link #forEachLive} result when the end of the entries was reached. */
    public static final int END = -1;
    /** Fewest hash tag bits a slot keeps: a tag matches a foreign key with probability at most 1/64. */
    public static final int MIN_TAG_BITS = 6;
    /** Most bits a slot spends on its distance from its home slot (values 0-6 exact, 7 = 7 or further). */
    public static final int MAX_DIST_BITS = 3;
    /** Slots scanned from the new key's home slot for an early-drop victim. */
    public static final int EARLY_DROP_SCAN = 16;

    private static final VarHandle WRITER_LOCK;

    static
    {
        try
        {
            WRITER_LOCK = MethodHandles.lookup().findVarHandle(WriterStateFields.class, "lock", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Writer lock, free list head and expiry cursor, on a cache line of their own ({@link WriterState}). */
    private final WriterState writers = new WriterState();
    private final FlowTableStorage storage;
    private final FlowIndex index;
    private final FreeList free;
    private final FlowExpiry expiry;
    private final FlowTableCounters counters;
    /**
     * Address of the header (counters, high water, connection ids). The write paths (insert, remove, early drop)
     * read every region through raw addresses: their CASes and release stores are barriers to C2 just as the
     * lookup's acquires are, and through a buffer each access after one costs the reloads ({@link FlowIndex}).
     */
    private final long headerAddress;
    /** Told about early-drop victims before they go, or null. */
    private final EvictionListener evictionListener;
    private final long seed;
    private boolean closed;

    /**
     * Creates (or, for an existing compatible mapped file, reopens and recovers) a table.
     *
     * @param cfg configuration.
     */
    public FlowTable(final FlowTableConfig cfg)
    {
        this(FlowTableStorage.open(cfg, cfg.seed()), cfg);
    }

    private FlowTable(final FlowTableStorage s, final FlowTableConfig cfg)
    {
        super(s.hot, s.cold, s.capacity);
        storage = s;
        seed = s.header.getLong(SEED_OFFSET);
        try
        {
            index = new FlowIndex(s, seed, cfg.hasher());
        }
        catch (final IllegalArgumentException ex)
        {
            s.close();
            throw ex;
        }
        headerAddress = s.header.addressOffset();
        counters = new FlowTableCounters(s.header);
        free = new FreeList(this, writers, headerAddress);
        expiry = new FlowExpiry(this, index, writers, headerAddress);
        evictionListener = cfg.evictionListener();
        if (s.reopened)
        {
            FlowTableRecovery.recover(this, index, free, counters);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lookup (FlowIndex)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Finds the entry holding this key in either direction. Lock-free; allocation-free.
     *
     * @return {@code entry << 1 | dir}, or {@link #MISS}.
     */
    public long lookup(final long k0, final long k1)
    {
        return index.lookup(k0, k1, false);
    }

    /**
     * {@link #lookup}, also loading the cold record of each tag-matching entry as soon as its slot is read, so that
     * miss overlaps the hot line's instead of following it (the packet path needs both). Lock-free.
     *
     * @return {@code entry << 1 | dir}, or {@link #MISS}.
     */
    public long lookupTouchingCold(final long k0, final long k1)
    {
        return index.lookup(k0, k1, true);
    }

    /**
     * Looks up {@code n} keys in five passes so the cache misses of the batch overlap instead of queueing one
     * after another: (1) hash every key and derive its home slot (no memory access); (2) touch every home slot
     * (plain loads feeding a sink); (3) read SHIFT_SEQ, then find each key's candidate: the first slot of its run
     * with the key's tag, or an empty slot (a miss), with plain loads; (4) touch each candidate's hot line; then one
     * acquire fence; (5) compare each candidate's key, falling back to a full probe for a foreign key under the same
     * tag or a run longer than nine slots; then validate SHIFT_SEQ once for the whole burst (see the class
     * protocol). If a removal overlapped the burst, every key is looked up again with {@link #lookup}.
     * <p>
     * The touching passes (2 and 4) are loops of a few instructions per key with no dependency between iterations,
     * so all 32 misses of a burst fit in the core's reorder window at once; a pass that also branches or waits
     * (the scan of pass 3) holds most of them back, which is why the hot lines are touched in a pass of their own.
     * {@code handles[i]} receives what {@link #lookup} would return; {@code n} is clamped to the arrays' lengths.
     */
    public void lookupBurst(final long[] k0, final long[] k1, final int n, final long[] handles)
    {
        index.burst(k0, k1, n, handles, false);
    }

    /**
     * {@link #lookupBurst}, also touching both cache lines of each candidate's cold record in the pass that touches
     * its hot line, so the hot and cold misses of the whole burst are in flight together (the packet path needs
     * both; a foreign candidate under the same tag, about 1 in 2^tag bits, wastes its lines). Lock-free; the cold
     * loads are plain loads feeding a sink and decide nothing.
     */
    public void lookupBurstTouchingCold(final long[] k0, final long[] k1, final int n, final long[] handles)
    {
        index.burst(k0, k1, n, handles, true);
    }

    /**
     * Touches the cold record (both of its cache lines) of every hit among {@code handles[0, n)}, so that the
     * misses of a burst overlap before its packets are processed in order. {@link #lookupBurstTouchingCold} does this
     * during the lookup, overlapping these misses with the hot-line ones. Plain loads feeding a sink; no
     * dependency between iterations. Misses and bad handles are skipped.
     */
    public void touchColdBurst(final long[] handles, final int n)
    {
        index.touchColdBurst(handles, n);
    }

    /** Entry index of a handle. */
    public static int entry(final long handle)
    {
        return (int)(handle >>> 1);
    }

    /** Direction of a handle: {@link #DIR_ORIGINAL} or {@link #DIR_REPLY}. */
    public static int direction(final long handle)
    {
        return (int)handle & 1;
    }
    // ------------------------------------------------------------------------------------------------------------
    // Insert / remove
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Inserts a connection under both tuples, atomically with respect to any other insert: of two threads
     * inserting the same reply tuple exactly one succeeds. When no entry is free, evicts a non-ASSURED entry found
     * within {@link #EARLY_DROP_SCAN} slots of the original tuple's home slot (Linux early_drop), preferring the
     * earliest deadline; the configured {@link EvictionListener} is told before the victim goes. The new entry has status {@link FlowStatus#CONFIRMED}, a deadline of
     * {@code Long.MAX_VALUE} (never expires until set), zeroed fields and egress {@link #NO_IFINDEX}.
     *
     * @return the entry index (>= 0), or {@link #CLASH_ORIG}, {@link #CLASH_REPLY}, {@link #FULL}.
     */
    public int insert(final long origK0, final long origK1, final long replyK0, final long replyK1)
    {
        return insert(origK0, origK1, replyK0, replyK1, 0, false);
    }

    /**
     * As {@link #insert(long, long, long, long)}, but returns with the new entry's write lock held, so the caller
     * can fill the NAT fields before any seqlock reader sees them; the caller must call {@link #endWrite(int)}.
     */
    public int insertAndLock(final long origK0, final long origK1, final long replyK0, final long replyK1)
    {
        return insert(origK0, origK1, replyK0, replyK1, 0, true);
    }

    /**
     * As {@link #insertAndLock(long, long, long, long)}, and the new entry's status starts as
     * {@link FlowStatus#CONFIRMED} {@code | initialStatus}: written with CONFIRMED in one store before the entry is
     * published, so a reader that finds the entry sees these bits and the caller needs no CAS to set them (a CAS
     * after publication is needed only for bits known later).
     *
     * @param initialStatus {@link FlowStatus} bits; must not contain a table-owned bit
     *                      ({@link FlowStatus#TABLE_OWNED}, i.e. {@link FlowStatus#CONFIRMED}).
     * @throws IllegalArgumentException when {@code initialStatus} contains a table-owned bit (a caller bug: the
     *                                  table alone decides when an entry is live); the table is left unchanged.
     */
    public int insertAndLock(
        final long origK0, final long origK1, final long replyK0, final long replyK1, final int initialStatus)
    {
        if ((initialStatus & FlowStatus.TABLE_OWNED) != 0)
        {
            throw tableOwnedStatus(initialStatus); // out of line: keeps this method small enough to inline
        }
        return insert(origK0, origK1, replyK0, replyK1, initialStatus, true);
    }

    private static IllegalArgumentException tableOwnedStatus(final int initialStatus)
    {
        return new IllegalArgumentException("table-owned status bits in initialStatus: " + initialStatus);
    }

    private int insert(
        final long origK0, final long origK1, final long replyK0, final long replyK1, final int initialStatus,
        final boolean keepLocked)
    {
        final long hOrig = index.hash(origK0, origK1);
        final long hReply = index.hash(replyK0, replyK1);
        // Touch both home slots (plain loads feeding a sink) so the two misses overlap before the lock's CAS.
        final long slotsAddress = index.slotsAddress;
        index.keepAlive(UnsafeApi.getInt(null, slotsAddress + ((long)index.homeOf(hOrig) << 2)) +
            UnsafeApi.getInt(null, slotsAddress + ((long)index.homeOf(hReply) << 2)));
        lockWriters();
        try
        {
            if (index.findKeyLocked(origK0, origK1, hOrig) >= 0)
            {
                counters.increment(CLASH_ORIG_OFFSET);
                return CLASH_ORIG;
            }
            if ((origK0 == replyK0 && origK1 == replyK1) || index.findKeyLocked(replyK0, replyK1, hReply) >= 0)
            {
                counters.increment(CLASH_REPLY_OFFSET);
                return CLASH_REPLY;
            }
            int e = free.allocateLocked();
            if (e < 0)
            {
                e = earlyDropLocked(index.homeOf(hOrig));
                if (e < 0)
                {
                    counters.increment(FULL_OFFSET);
                    return FULL;
                }
            }
            // e is write-locked here (odd seq): fill the hot line and cold record (plain stores), then publish.
            final long h = hotAddress + ((long)e << HOT_SHIFT);
            final long c = coldAddress + (long)e * COLD_LENGTH;
            UnsafeApi.putInt(null, h + STATUS_OFFSET, 0);
            UnsafeApi.putLong(null, h + DEADLINE_OFFSET, Long.MAX_VALUE);
            UnsafeApi.putLong(null, h + KEY_OFFSET, origK0);
            UnsafeApi.putLong(null, h + KEY_OFFSET + 8, origK1);
            UnsafeApi.putLong(null, h + KEY_OFFSET + KEY_LENGTH, replyK0);
            UnsafeApi.putLong(null, h + KEY_OFFSET + KEY_LENGTH + 8, replyK1);
            UnsafeApi.putLong(null, h + IP_DELTA_OFFSET, 0L); // both directions' deltas
            UnsafeApi.putInt(null, h + EGRESS_OFFSET, -1);    // both egress = 0xFFFF (none)
            UnsafeApi.putInt(null, h + OPS_OFFSET, 0);        // ops, state, reserved
            for (int at = 0; at < COLD_LENGTH; at += 8)       // 12 stores: cheaper than a setMemory call
            {
                UnsafeApi.putLong(null, c + at, 0L);
            }
            final long ctIdAt = headerAddress + NEXT_CT_ID_OFFSET;
            final int ctId = UnsafeApi.getInt(null, ctIdAt); // plain: only the writer-lock holder touches it
            UnsafeApi.putInt(null, ctIdAt, ctId + 1 == 0 ? 1 : ctId + 1);
            UnsafeApi.putInt(null, c + CT_ID_OFFSET, ctId);
            // Not yet published (no slot refers to e): a plain-valued release store, no CAS, cannot lose a remover's
            // clear of CONFIRMED; the slots' release stores below order it before any reader's acquire of a slot.
            UnsafeApi.putIntRelease(null, h + STATUS_OFFSET, FlowStatus.CONFIRMED | initialStatus);
            if (!keepLocked)
            {
                endWrite(e); // release: the fill above is visible before the even sequence
            }
            index.publishLocked(hOrig, e << 1);
            index.publishLocked(hReply, (e << 1) | 1);
            counters.increment(INSERTS_OFFSET);
            counters.add(SIZE_OFFSET, 1);
            return e;
        }
        finally
        {
            unlockWriters();
        }
    }

    /**
     * Removes a live entry: both tuples leave the index, {@link FlowStatus#CONFIRMED} is cleared, the entry goes
     * to the free list. Does not take the entry's write lock, so it may be called while holding it.
     *
     * @return false when the entry is not live.
     */
    public boolean remove(final int entry)
    {
        checkEntry(entry);
        lockWriters();
        try
        {
            if ((statusVolatileAt(entry) & FlowStatus.CONFIRMED) == 0)
            {
                return false;
            }
            removeLocked(entry);
            counters.increment(REMOVES_OFFSET);
            return true;
        }
        finally
        {
            unlockWriters();
        }
    }

    private void removeLocked(final int e)
    {
        removeLocked(e, -1, -1);
    }

    /** Unlinks a live entry's slots (hints as {@link FlowIndex#unlinkLocked}) and frees it; writer-locked. */
    private void removeLocked(final int e, final int origHome, final int replyHome)
    {
        final long shift = index.beginShiftLocked(); // odd: lookups now validate against a moving index
        index.unlinkLocked(e, origHome, replyHome);
        andNotStatusInternal(e, FlowStatus.CONFIRMED); // volatile CAS loop: packet threads CAS other bits
        index.endShiftLocked(shift); // even, release: slot changes visible first
        free.pushLocked(e); // the entry is unreachable now; its keys may be overwritten
        counters.add(SIZE_OFFSET, -1);
    }

    /** {@link FlowExpiry}'s removal of a due entry it holds write-locked: false when it is no longer live. */
    boolean removeExpired(final int e, final int origHome, final int replyHome)
    {
        lockWriters();
        try
        {
            if ((statusVolatileAt(e) & FlowStatus.CONFIRMED) == 0)
            {
                return false;
            }
            removeLocked(e, origHome, replyHome);
            counters.increment(REMOVES_OFFSET);
            counters.increment(EXPIRED_OFFSET);
            return true;
        }
        finally
        {
            unlockWriters();
        }
    }

    /** Evicts the best non-ASSURED entry near {@code home}; returns it write-locked and unlinked, or -1. */
    private int earlyDropLocked(final int home)
    {
        int victim = -1;
        long victimDeadline = Long.MAX_VALUE;
        int i = home;
        for (int scanned = 0; scanned < EARLY_DROP_SCAN; scanned++)
        {
            final int e = index.entryAtLocked(i); // plain: lock holder writes slots
            if (e >= 0)
            {
                final long h = hotAddress + ((long)e << HOT_SHIFT);
                final int status = UnsafeApi.getIntVolatile(null, h + STATUS_OFFSET);
                final long deadline = UnsafeApi.getLongOpaque(null, h + DEADLINE_OFFSET);
                if ((status & (FlowStatus.ASSURED | FlowStatus.CONFIRMED)) == FlowStatus.CONFIRMED &&
                    (victim < 0 || deadline < victimDeadline))
                {
                    victim = e;
                    victimDeadline = deadline;
                }
            }
            if (++i == index.slotCount)
            {
                i = 0;
            }
        }
        if (victim < 0 || tryBeginWrite(victim) < 0)
        {
            return -1;
        }
        final EvictionListener listener = evictionListener;
        if (listener != null)
        {
            listener.onEvicted(this, victim); // fields intact: still indexed, CONFIRMED, write-locked by us
        }
        removeLocked(victim);
        free.popLocked(); // take it straight back off the free list: it is on top
        counters.increment(EARLY_DROPS_OFFSET);
        return victim;
    }

    void lockWriters()
    {
        int spins = 0;
        while (!WRITER_LOCK.compareAndSet(writers, 0, 1))
        {
            backOff(++spins);
        }
    }

    void unlockWriters()
    {
        WRITER_LOCK.setRelease(writers, 0);
    }

    /** A known-valid entry's status word (volatile). */
    private int statusVolatileAt(final int e)
    {
        return UnsafeApi.getIntVolatile(null, hotAddress + ((long)e << HOT_SHIFT) + STATUS_OFFSET);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Iteration and expiry (FlowExpiry)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Visits live entries among at most {@code maxEntries} entry indices starting at {@code cursor}. Lookups are
     * not blocked; the visitor may remove the entry it is given. Entries inserted or removed during the walk may
     * or may not be visited.
     *
     * @return the cursor to continue from, or {@link #END} once the last entry index was passed.
     */
    public int forEachLive(final int cursor, final int maxEntries, final FlowVisitor visitor)
    {
        final int limit = UnsafeApi.getIntVolatile(null, headerAddress + HIGH_WATER_OFFSET); // volatile
        int e = Math.max(0, cursor);
        final int stop = (int)Math.min(limit, (long)e + Math.max(0, maxEntries));
        for (; e < stop; e++)
        {
            if ((hot.getIntVolatile(hotOffset(e) + STATUS_OFFSET) & FlowStatus.CONFIRMED) != 0)
            {
                visitor.visit(this, e);
            }
        }
        return e >= limit ? END : e;
    }

    /**
     * Removes entries whose deadline is at or before {@code nowNanos}, examining at most {@code maxEntries} entry
     * indices from an internal cursor that wraps around (bounded work per call, no stop-the-world scan). Entries
     * whose write lock is held are skipped (a packet is refreshing them). One thread at a time. Works in chunks of
     * 64 entry indices: first finds the chunk's due entries and touches their index slots (so those cache misses
     * overlap), then removes them one by one, re-checking each under its write lock.
     *
     * @param listener told before each removal, may be null.
     * @return entries removed.
     */
    public int expire(final long nowNanos, final int maxEntries, final ExpiryListener listener)
    {
        return expiry.expire(nowNanos, maxEntries, listener);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Counters (FlowTableCounters) and geometry
    // ------------------------------------------------------------------------------------------------------------

    /** Live entries (opaque). */
    public long size()
    {
        return counters.get(SIZE_OFFSET);
    }

    /** Successful inserts (opaque). */
    public long inserts()
    {
        return counters.get(INSERTS_OFFSET);
    }

    /** Removes, expiry included, early drops excluded (opaque). */
    public long removes()
    {
        return counters.get(REMOVES_OFFSET);
    }

    /** Inserts refused because the original tuple existed (opaque). */
    public long clashOrig()
    {
        return counters.get(CLASH_ORIG_OFFSET);
    }

    /** Inserts refused because the reply tuple existed (opaque). */
    public long clashReply()
    {
        return counters.get(CLASH_REPLY_OFFSET);
    }

    /** All clashes (opaque). */
    public long clashes()
    {
        return clashOrig() + clashReply();
    }

    /** Entries evicted by early drop (opaque). */
    public long earlyDrops()
    {
        return counters.get(EARLY_DROPS_OFFSET);
    }

    /** Inserts refused with {@link #FULL} (opaque). */
    public long fullRefusals()
    {
        return counters.get(FULL_OFFSET);
    }

    /** Entries removed by {@link #expire} (opaque). */
    public long expired()
    {
        return counters.get(EXPIRED_OFFSET);
    }

    /** Entries discarded as torn or duplicate when a mapped file was recovered (opaque). */
    public long discarded()
    {
        return counters.get(DISCARDED_OFFSET);
    }

    /** Times the backing file was reopened. */
    public int openCount()
    {
        return counters.openCount();
    }

    /** Capacity in connections. */
    public int capacity()
    {
        return capacity;
    }

    /** Index slots. */
    public int slotCount()
    {
        return index.slotCount;
    }

    /** Hash seed in use (for the default hasher). */
    public long seed()
    {
        return seed;
    }

    /** Bytes of memory held, all regions. */
    public long memoryBytes()
    {
        return storage.totalBytes();
    }

    /** Memory per connection at full capacity. */
    public double bytesPerConnection()
    {
        return (double)memoryBytes() / capacity;
    }

    /**
     * Diagnostic: slots examined by a lookup of this key (1 = found or ended at its home slot). Writer-locked;
     * not for the packet path.
     */
    public int probeLength(final long k0, final long k1)
    {
        lockWriters();
        try
        {
            return index.probeLengthLocked(k0, k1);
        }
        finally
        {
            unlockWriters();
        }
    }

    /** Releases the memory (unmaps the file). No other method may be called afterwards. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            storage.close();
        }
    }
}
