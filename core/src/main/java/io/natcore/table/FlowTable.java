/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.natcore.table.FlowEntryLayout.*;
import static io.natcore.table.FlowTableFile.*;

/**
 * Off-heap concurrent connection table: one entry per connection, findable from its original and its reply tuple.
 *
 * <h2>Structure</h2>
 * Entries live in two regions ({@link FlowEntryLayout}): a 64-byte hot line (both tuples, checksum deltas, egress,
 * ops, state, deadline, status, seqlock) and a 96-byte cold record. The index is an open-addressing array of
 * 4-byte slots with linear probing, 0 = empty:
 * <pre>
 *   31                                                            0
 *  +-----------------+--------+-----------------------------------+
 *  |       TAG       |  DIST  |    REF + 1 = (entry &lt;&lt; 1 | dir) + 1 |
 *  +-----------------+--------+-----------------------------------+
 *   8 bits at 1M     3 bits   {@link #refBits(int)} bits (21 at a million connections)
 * </pre>
 * TAG (never fewer than {@link #MIN_TAG_BITS} bits) is the top bits of the high half of the key's 64-bit keyed hash;
 * the home slot comes from the low half ({@code (low * slots) >>> 32}). DIST is the slot's distance from its home
 * slot, saturated: the all-ones value means "that far or further, rehash the entry's key to know". It takes up to
 * {@link #MAX_DIST_BITS} bits of what the tag would otherwise get, only while at least {@link #MIN_TAG_BITS} tag
 * bits remain (so from 2M connections the tag is down to 6 bits; from 4M on DIST shrinks, from 16M it is gone and
 * every shift rehashes). Lookups ignore it;
 * deletion uses it (below). A lookup costs the slot line (sixteen slots per line, so the probe run rarely leaves
 * it) plus the entry's hot line, which is also everything the packet needs. 4-byte slots shrink the index (21 MiB
 * at a million connections and the default load factor 0.375, against 32 MiB of 8-byte slots at 0.5), so more of
 * it stays in the last-level cache next to the hot lines; a tag of 8 bits sends about one probed slot in 256 to a
 * foreign hot line (a probe run ahead of a hit averages a third of a slot at the default load factor).
 * <p>
 * Deletion shifts the probe run back (no tombstones), so probe lengths do not decay under churn. Shifting needs
 * each following slot's home; DIST gives it from the slot itself ({@code at - dist}), where rehashing the key
 * would read another connection's hot line, a cache miss per shifted slot (measured: 2.8 such reads per removed
 * connection in a full table of a million, 0.5-0.9 at the new-connection benchmark's steady size). A moved slot
 * gets its DIST lowered by the distance moved (its tag and reference stay).
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
 * is moving slots. Inserts and removes are blocking (spin lock). No method throws on a bad entry index: getters
 * return 0 (or -1 where stated), setters do nothing, {@link #remove(int)} returns false.
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

    /**
     * Free-list link of a free entry: its reply k1 word. Callers have no setter for keys, so a stale caller cannot
     * corrupt the list; a lookup racing with the overwrite is caught by the SHIFT_SEQ check of the removal.
     */
    private static final int FREE_LINK_OFFSET = KEY_OFFSET + KEY_LENGTH + 8;

    private final FlowTableStorage storage;
    private final UnsafeBuffer header;
    private final UnsafeBuffer slots;
    /** Injected hasher, or null for the default (called through its exact type: inlined without a type guard). */
    private final FlowHasher customHasher;
    /** The default hasher's seed-derived words, held here so a lookup reads them from this object. */
    private final long hashS0;
    private final long hashS1;
    /** Told about early-drop victims before they go, or null. */
    private final EvictionListener evictionListener;
    private final int slotCount;
    /** Low bits of a slot: entry reference + 1 ({@link #refBits(int)} wide). */
    private final int refMask;
    /** High bits of a slot: the top bits of the key hash's high half (at least {@link #MIN_TAG_BITS}). */
    private final int tagMask;
    /** Largest DIST value (saturated: "this far or further"); 0 when the slot has no DIST bits. */
    private final int distMax;
    /** Bit position of DIST in a slot ({@link #refBits(int)}). */
    private final int distShift;
    /** DIST bits of a slot. */
    private final int distMask;
    private final long seed;
    /**
     * Address of SHIFT_SEQ (header region). The lookup path reads through raw addresses, not the regions'
     * {@link UnsafeBuffer}s: its acquire loads and fences make C2 reload every field they touch for each lookup,
     * and through a buffer that is two dependent loads (buffer, then its address and array) ahead of the slot load
     * and two more ahead of the key load; an address is one load from this object (BENCHMARKS.md, session 4).
     * The regions are all off-heap (direct or mapped) and outlive every lookup (until {@link #close()}).
     */
    private final long shiftSeqAddress;
    /** Address of slot 0. */
    private final long slotsAddress;
    /**
     * Address of the header (counters, high water, connection ids). The write paths (insert, remove, expiry, early
     * drop) read every region through these addresses too: their CASes and release stores are barriers to C2 just
     * as the lookup's acquires are, and through a buffer each access after one costs the same reloads.
     */
    private final long headerAddress;

    /** Writer lock, free list head and expiry cursor, on a cache line of their own ({@link WriterState}). */
    private final WriterState writers = new WriterState();
    /** Entries {@link #expire} examines per pass. */
    private static final int EXPIRY_CHUNK = 64;
    /** Due entries of one expiry chunk with both tuples' home slots (entry, orig home, reply home); one expirer. */
    private final int[] expiryDue = new int[3 * EXPIRY_CHUNK];
    /**
     * Written only when a touched word (or a sum of them) equals {@link #TOUCH_NEVER}: keeps the touching loads
     * (prefetches by hand) alive without a store per lookup, which every thread would make to this one line.
     */
    private long touchSink;
    private static final long TOUCH_NEVER = 0x5DEE_CE66_D1CE_B00FL;
    /** Slots past the home slot the burst's scan (its pass 3) looks at for a tag match (the probe itself has no cap). */
    private static final int TOUCH_SCAN = 8;
    /** Burst-internal mark: the run was longer than {@link #TOUCH_SCAN} without a tag match. */
    private static final long UNRESOLVED = -2L;
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
        header = s.header;
        slots = s.slots;
        slotCount = s.slotCount;
        final int refBits = refBits(s.capacity);
        if (32 - refBits < MIN_TAG_BITS)
        {
            s.close();
            throw new IllegalArgumentException("capacity " + s.capacity + " leaves fewer than " + MIN_TAG_BITS +
                " tag bits in a 4-byte slot (at most " + FlowTableConfig.MAX_CAPACITY + " connections)");
        }
        refMask = (int)((1L << refBits) - 1);
        final int distBits = distBits(s.capacity);
        distMax = (1 << distBits) - 1;
        distShift = refBits;
        distMask = distMax << distShift;
        tagMask = ~(refMask | distMask);
        seed = header.getLong(SEED_OFFSET);
        shiftSeqAddress = header.addressOffset() + SHIFT_SEQ_OFFSET;
        slotsAddress = slots.addressOffset();
        headerAddress = header.addressOffset();
        customHasher = cfg.hasher();
        final SeededFlowHasher seeded = new SeededFlowHasher(seed);
        hashS0 = seeded.s0();
        hashS1 = seeded.s1();
        evictionListener = cfg.evictionListener();
        if (s.reopened)
        {
            recover();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lookup
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Finds the entry holding this key in either direction. Lock-free; allocation-free.
     *
     * @return {@code entry << 1 | dir}, or {@link #MISS}.
     */
    public long lookup(final long k0, final long k1)
    {
        return probe(k0, k1, hash(k0, k1), false);
    }

    /**
     * {@link #lookup}, also loading the cold record of each tag-matching entry as soon as its slot is read, so that
     * miss overlaps the hot line's instead of following it (the packet path needs both). Lock-free.
     *
     * @return {@code entry << 1 | dir}, or {@link #MISS}.
     */
    public long lookupTouchingCold(final long k0, final long k1)
    {
        return probe(k0, k1, hash(k0, k1), true);
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
     * (the scan of pass 3) holds most of them back, which is why the hot lines are touched in a pass of their own
     * (BENCHMARKS.md, session 5). {@code handles[i]} receives what {@link #lookup} would return; {@code n} is
     * clamped to the arrays' lengths.
     */
    public void lookupBurst(final long[] k0, final long[] k1, final int n, final long[] handles)
    {
        burst(k0, k1, n, handles, false);
    }

    /**
     * {@link #lookupBurst}, also touching both cache lines of each candidate's cold record in the pass that touches
     * its hot line, so the hot and cold misses of the whole burst are in flight together (the packet path needs
     * both; a foreign candidate under the same tag, about 1 in 2^tag bits, wastes its lines). Lock-free; the cold
     * loads are plain loads feeding a sink and decide nothing.
     */
    public void lookupBurstTouchingCold(final long[] k0, final long[] k1, final int n, final long[] handles)
    {
        burst(k0, k1, n, handles, true);
    }

    private void burst(final long[] k0, final long[] k1, final int n, final long[] handles, final boolean touchCold)
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
            handles[i] = lookup(k0[i], k1[i]);
        }
    }

    /**
     * Touches the cold record (both of its cache lines) of every hit among {@code handles[0, n)}, so that the
     * misses of a burst overlap before its packets are processed in order. {@link #lookupBurstTouchingCold} does this
     * during the lookup, overlapping these misses with the hot-line ones. Plain loads feeding a sink; no
     * dependency between iterations. Misses and bad handles are skipped.
     */
    public void touchColdBurst(final long[] handles, final int n)
    {
        final int count = Math.max(0, Math.min(n, handles.length));
        final UnsafeBuffer cold = this.cold;
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            final long handle = handles[i];
            final int e = (int)(handle >>> 1);
            if (handle >= 0 && validEntry(e))
            {
                final int at = coldOffset(e);
                sink += cold.getLong(at) + cold.getLong(at + COLD_LENGTH - 8);
            }
        }
        keepAlive(sink);
    }

    /** Plain loads of both cache lines of a cold record (the result only feeds a compare that keeps them). */
    private long touchColdRecord(final int at)
    {
        return cold.getLong(at) ^ cold.getLong(at + COLD_LENGTH - 8);
    }

    /**
     * The burst's scan past a home slot that holds another key: the run's first tag-matching slot (as a candidate
     * handle), {@link #MISS} at an empty slot, or {@link #UNRESOLVED} after {@link #TOUCH_SCAN} slots. Plain loads
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
                backOff(++spins); // slots are moving; the remover holds this for a probe run's length
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
                if (touchCold && validEntry(ref >>> 1) && touchColdRecord(coldOffset(ref >>> 1)) == TOUCH_NEVER)
                {
                    touchSink++; // almost never: a counter word equal to the constant
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

    /** Bits of a slot that hold its distance from its home slot for this capacity (0 to {@link #MAX_DIST_BITS}). */
    static int distBits(final int capacity)
    {
        return Math.max(0, Math.min(MAX_DIST_BITS, 32 - refBits(capacity) - MIN_TAG_BITS));
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
        final long hOrig = hash(origK0, origK1);
        final long hReply = hash(replyK0, replyK1);
        // Touch both home slots (plain loads feeding a sink) so the two misses overlap before the lock's CAS.
        final long slotsAddress = this.slotsAddress;
        keepAlive(UnsafeApi.getInt(null, slotsAddress + ((long)homeOf(hOrig) << 2)) +
            UnsafeApi.getInt(null, slotsAddress + ((long)homeOf(hReply) << 2)));
        lockWriters();
        try
        {
            if (findKeyLocked(origK0, origK1, hOrig) >= 0)
            {
                incrementCounter(CLASH_ORIG_OFFSET);
                return CLASH_ORIG;
            }
            if ((origK0 == replyK0 && origK1 == replyK1) || findKeyLocked(replyK0, replyK1, hReply) >= 0)
            {
                incrementCounter(CLASH_REPLY_OFFSET);
                return CLASH_REPLY;
            }
            int e = allocateLocked();
            if (e < 0)
            {
                e = earlyDropLocked(homeOf(hOrig));
                if (e < 0)
                {
                    incrementCounter(FULL_OFFSET);
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
            publishLocked(hOrig, e << 1);
            publishLocked(hReply, (e << 1) | 1);
            incrementCounter(INSERTS_OFFSET);
            addCounter(SIZE_OFFSET, 1);
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
     * @return false when the index is out of range or the entry is not live.
     */
    public boolean remove(final int entry)
    {
        if (!validEntry(entry))
        {
            return false;
        }
        lockWriters();
        try
        {
            if ((statusVolatileAt(entry) & FlowStatus.CONFIRMED) == 0)
            {
                return false;
            }
            removeLocked(entry);
            incrementCounter(REMOVES_OFFSET);
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

    /**
     * @param origHome  where to start looking for the original tuple's slot (its home slot as computed earlier), or
     *                  -1 to hash the key now. A wrong hint costs a second scan, never a wrong removal: a slot is
     *                  matched by its exact reference, which only one slot holds.
     * @param replyHome the same for the reply tuple.
     */
    private void removeLocked(final int e, final int origHome, final int replyHome)
    {
        final long shiftSeqAddress = this.shiftSeqAddress;
        final long shift = UnsafeApi.getLong(null, shiftSeqAddress); // plain: only the writer-lock holder writes it
        UnsafeApi.putLongRelease(null, shiftSeqAddress, shift + 1); // odd: lookups now validate against a moving index
        for (int dir = 0; dir < 2; dir++)
        {
            final int hint = dir == DIR_ORIGINAL ? origHome : replyHome;
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
        andNotStatusInternal(e, FlowStatus.CONFIRMED); // volatile CAS loop: packet threads CAS other bits
        UnsafeApi.putLongRelease(null, shiftSeqAddress, shift + 2); // even, release: slot changes visible first
        pushFreeLocked(e); // the entry is unreachable now; its keys may be overwritten
        addCounter(SIZE_OFFSET, -1);
    }

    /** Backward-shift deletion (Knuth 6.4 Algorithm R) of slot {@code i}; caller holds SHIFT_SEQ odd. */
    private void deleteSlotLocked(final int slot)
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

    private int allocateLocked()
    {
        int skipped = -1;
        int e = -1;
        for (int attempt = 0; attempt < 4 && writers.freeHead >= 0; attempt++)
        {
            final int candidate = popFreeLocked();
            if (candidate < 0)
            {
                break;
            }
            if (tryBeginWrite(candidate) >= 0)
            {
                e = candidate;
                break;
            }
            // A stale holder (it looked the entry up before it was removed) still has it locked: set it aside.
            UnsafeApi.putLong(null, hotAddress + ((long)candidate << HOT_SHIFT) + FREE_LINK_OFFSET, skipped);
            skipped = candidate;
        }
        while (skipped >= 0)
        {
            final int next = (int)UnsafeApi.getLong(null, hotAddress + ((long)skipped << HOT_SHIFT) + FREE_LINK_OFFSET);
            pushFreeLocked(skipped);
            skipped = next;
        }
        if (e >= 0)
        {
            return e;
        }
        final int highWater = UnsafeApi.getInt(null, headerAddress + HIGH_WATER_OFFSET); // plain: lock holder writes it
        if (highWater < capacity)
        {
            UnsafeApi.putIntRelease(null, headerAddress + HIGH_WATER_OFFSET, highWater + 1);
            beginWrite(highWater); // never handed out, so never locked: does not spin
            return highWater;
        }
        return -1;
    }

    private int popFreeLocked()
    {
        final int e = writers.freeHead;
        if (e < 0)
        {
            return -1;
        }
        final long next = UnsafeApi.getLong(null, hotAddress + ((long)e << HOT_SHIFT) + FREE_LINK_OFFSET);
        // Defensive: a corrupted link must not hand out a bad or live entry; drop the rest of the list instead.
        writers.freeHead = next >= 0 && next < capacity ? (int)next : -1;
        return e;
    }

    private void pushFreeLocked(final int e)
    {
        UnsafeApi.putLong(null, hotAddress + ((long)e << HOT_SHIFT) + FREE_LINK_OFFSET, writers.freeHead);
        writers.freeHead = e;
    }

    /** Evicts the best non-ASSURED entry near {@code home}; returns it write-locked and unlinked, or -1. */
    private int earlyDropLocked(final int home)
    {
        int victim = -1;
        long victimDeadline = Long.MAX_VALUE;
        int i = home;
        for (int scanned = 0; scanned < EARLY_DROP_SCAN; scanned++)
        {
            final int s = UnsafeApi.getInt(null, slotsAddress + ((long)i << 2)); // plain: lock holder writes slots
            if (s != 0)
            {
                final int e = ((s & refMask) - 1) >>> 1;
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
            if (++i == slotCount)
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
        popFreeLocked(); // take it straight back off the free list: it is on top
        incrementCounter(EARLY_DROPS_OFFSET);
        return victim;
    }

    private void publishLocked(final long h, final int ref)
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

    private int findKeyLocked(final long k0, final long k1, final long h)
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

    private long hash(final long k0, final long k1)
    {
        final FlowHasher custom = customHasher;
        return custom == null ? SeededFlowHasher.hash(hashS0, hashS1, k0, k1) : custom.hash(k0, k1);
    }

    private int homeOf(final long h)
    {
        return (int)(((h & 0xFFFF_FFFFL) * slotCount) >>> 32);
    }

    private int homeOfRef(final int ref)
    {
        final long keyAt = keyAddress(hotAddress, ref);
        return homeOf(hash(UnsafeApi.getLong(null, keyAt), UnsafeApi.getLong(null, keyAt + 8)));
    }

    /** Address of the key a reference {@code entry << 1 | dir} names: its entry's hot line, that direction's key. */
    private static long keyAddress(final long hotAddress, final int ref)
    {
        return hotAddress + ((long)(ref >>> 1) << HOT_SHIFT) + KEY_OFFSET + ((ref & 1) << 4);
    }

    private void lockWriters()
    {
        int spins = 0;
        while (!WRITER_LOCK.compareAndSet(writers, 0, 1))
        {
            backOff(++spins);
        }
    }

    private void unlockWriters()
    {
        WRITER_LOCK.setRelease(writers, 0);
    }

    /** A known-valid entry's status word (volatile). */
    private int statusVolatileAt(final int e)
    {
        return UnsafeApi.getIntVolatile(null, hotAddress + ((long)e << HOT_SHIFT) + STATUS_OFFSET);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Iteration and expiry
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
        final int limit = header.getIntVolatile(HIGH_WATER_OFFSET);
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
        final int limit = UnsafeApi.getIntVolatile(null, headerAddress + HIGH_WATER_OFFSET); // volatile
        if (limit == 0)
        {
            return 0;
        }
        final int[] due = expiryDue;
        final long hotAddress = this.hotAddress;
        final long slotsAddress = this.slotsAddress;
        int removed = 0;
        int e = writers.expiryCursor;
        int left = Math.min(Math.max(0, maxEntries), limit);
        while (left > 0)
        {
            // Pass 1: find the chunk's due entries and touch both home slots of each (plain loads feeding a sink):
            // a removal's first miss is its slot lines, and this way the chunk's misses overlap instead of each
            // removal waiting for its own in turn.
            final int chunk = Math.min(left, EXPIRY_CHUNK);
            int found = 0;
            long sink = 0;
            for (int n = 0; n < chunk; n++)
            {
                if (e >= limit)
                {
                    e = 0;
                }
                final long h = hotAddress + ((long)e << HOT_SHIFT);
                if ((UnsafeApi.getIntVolatile(null, h + STATUS_OFFSET) & FlowStatus.CONFIRMED) != 0 &&
                    UnsafeApi.getLongOpaque(null, h + DEADLINE_OFFSET) - nowNanos <= 0)
                {
                    // plain key loads: the homes are hints (checked again in pass 2), a torn key costs a rescan only
                    final int origHome = homeOfRef(e << 1);
                    final int replyHome = homeOfRef((e << 1) | 1);
                    sink += UnsafeApi.getInt(null, slotsAddress + ((long)origHome << 2)) +
                        UnsafeApi.getInt(null, slotsAddress + ((long)replyHome << 2));
                    due[3 * found] = e; // the homes are hints only: the entry may change hands before pass 2
                    due[3 * found + 1] = origHome;
                    due[3 * found + 2] = replyHome;
                    found++;
                }
                e++;
            }
            keepAlive(sink);
            left -= chunk;
            // Pass 2: remove them; everything is decided again here, under the entry's write lock.
            for (int i = 0; i < found; i++)
            {
                final int d = due[3 * i];
                final long h = hotAddress + ((long)d << HOT_SHIFT);
                if (tryBeginWrite(d) >= 0)
                {
                    // Re-check under the entry lock: a packet may have refreshed the deadline meanwhile.
                    if ((UnsafeApi.getIntVolatile(null, h + STATUS_OFFSET) & FlowStatus.CONFIRMED) != 0 &&
                        UnsafeApi.getLongOpaque(null, h + DEADLINE_OFFSET) - nowNanos <= 0)
                    {
                        if (listener != null)
                        {
                            listener.onExpired(this, d);
                        }
                        if (removeExpired(d, due[3 * i + 1], due[3 * i + 2]))
                        {
                            removed++;
                        }
                    }
                    endWrite(d);
                }
            }
        }
        writers.expiryCursor = e;
        return removed;
    }

    private boolean removeExpired(final int e, final int origHome, final int replyHome)
    {
        lockWriters();
        try
        {
            if ((statusVolatileAt(e) & FlowStatus.CONFIRMED) == 0)
            {
                return false;
            }
            removeLocked(e, origHome, replyHome);
            incrementCounter(REMOVES_OFFSET);
            incrementCounter(EXPIRED_OFFSET);
            return true;
        }
        finally
        {
            unlockWriters();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Recovery (mapped file reopened)
    // ------------------------------------------------------------------------------------------------------------

    private void recover()
    {
        lockWriters();
        try
        {
            slots.setMemory(0, slots.capacity(), (byte)0);
            header.putLongRelease(SHIFT_SEQ_OFFSET, 0);
            header.putInt(OPEN_COUNT_OFFSET, header.getInt(OPEN_COUNT_OFFSET) + 1);
            final int highWater = Math.max(0, Math.min(capacity, header.getInt(HIGH_WATER_OFFSET)));
            header.putInt(HIGH_WATER_OFFSET, highWater);
            writers.freeHead = -1;
            long size = 0;
            for (int e = highWater - 1; e >= 0; e--)
            {
                final int h = hotOffset(e);
                final int seq = hot.getInt(h + SEQ_OFFSET);
                final int status = hot.getInt(h + STATUS_OFFSET);
                boolean keep = false;
                if ((status & FlowStatus.CONFIRMED) != 0)
                {
                    if ((seq & 1) != 0)
                    {
                        incrementCounter(DISCARDED_OFFSET); // died inside a write: torn
                    }
                    else
                    {
                        keep = reindexLocked(e);
                    }
                }
                if ((seq & 1) != 0)
                {
                    hot.putInt(h + SEQ_OFFSET, seq + 1); // nobody holds it any more
                }
                if (keep)
                {
                    size++;
                }
                else
                {
                    hot.putInt(h + STATUS_OFFSET, status & ~FlowStatus.CONFIRMED);
                    pushFreeLocked(e);
                }
            }
            header.putLongRelease(SIZE_OFFSET, size);
        }
        finally
        {
            unlockWriters();
        }
    }

    private boolean reindexLocked(final int e)
    {
        final int h = hotOffset(e);
        final long ok0 = hot.getLong(h + KEY_OFFSET);
        final long ok1 = hot.getLong(h + KEY_OFFSET + 8);
        final long rk0 = hot.getLong(h + KEY_OFFSET + KEY_LENGTH);
        final long rk1 = hot.getLong(h + KEY_OFFSET + KEY_LENGTH + 8);
        final long ho = hash(ok0, ok1);
        final long hr = hash(rk0, rk1);
        if ((ok0 == rk0 && ok1 == rk1) || findKeyLocked(ok0, ok1, ho) >= 0 || findKeyLocked(rk0, rk1, hr) >= 0)
        {
            incrementCounter(DISCARDED_OFFSET); // duplicate tuple: cannot both be right
            return false;
        }
        publishLocked(ho, e << 1);
        publishLocked(hr, (e << 1) | 1);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Counters and geometry
    // ------------------------------------------------------------------------------------------------------------

    private void incrementCounter(final int offset)
    {
        addCounter(offset, 1);
    }

    private void addCounter(final int offset, final long delta)
    {
        // Only the writer-lock holder writes counters: plain read, opaque store for concurrent readers.
        final long at = headerAddress + offset;
        UnsafeApi.putLongOpaque(null, at, UnsafeApi.getLong(null, at) + delta);
    }

    /** Live entries (opaque). */
    public long size()
    {
        return header.getLongOpaque(SIZE_OFFSET);
    }

    /** Successful inserts (opaque). */
    public long inserts()
    {
        return header.getLongOpaque(INSERTS_OFFSET);
    }

    /** Removes, expiry included, early drops excluded (opaque). */
    public long removes()
    {
        return header.getLongOpaque(REMOVES_OFFSET);
    }

    /** Inserts refused because the original tuple existed (opaque). */
    public long clashOrig()
    {
        return header.getLongOpaque(CLASH_ORIG_OFFSET);
    }

    /** Inserts refused because the reply tuple existed (opaque). */
    public long clashReply()
    {
        return header.getLongOpaque(CLASH_REPLY_OFFSET);
    }

    /** All clashes (opaque). */
    public long clashes()
    {
        return clashOrig() + clashReply();
    }

    /** Entries evicted by early drop (opaque). */
    public long earlyDrops()
    {
        return header.getLongOpaque(EARLY_DROPS_OFFSET);
    }

    /** Inserts refused with {@link #FULL} (opaque). */
    public long fullRefusals()
    {
        return header.getLongOpaque(FULL_OFFSET);
    }

    /** Entries removed by {@link #expire} (opaque). */
    public long expired()
    {
        return header.getLongOpaque(EXPIRED_OFFSET);
    }

    /** Entries discarded as torn or duplicate when a mapped file was recovered (opaque). */
    public long discarded()
    {
        return header.getLongOpaque(DISCARDED_OFFSET);
    }

    /** Times the backing file was reopened. */
    public int openCount()
    {
        return header.getInt(OPEN_COUNT_OFFSET);
    }

    /** Capacity in connections. */
    public int capacity()
    {
        return capacity;
    }

    /** Index slots. */
    public int slotCount()
    {
        return slotCount;
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
        final long h = hash(k0, k1);
        lockWriters();
        try
        {
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

    /** Keeps {@code touched} computed (and the loads behind it) without storing it: see {@link #touchSink}. */
    private void keepAlive(final long touched)
    {
        if (touched == TOUCH_NEVER)
        {
            touchSink++;
        }
    }
}
