/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * Follows fragmented IPv4 datagrams so later fragments get the translation their first fragment got,
 * without reassembly and without keeping payload. Keyed by (source, destination, protocol, IP id),
 * in fixed-size open-addressing arrays (linear probing, backward-shift deletion, no tombstones):
 * bounded memory, nothing allocated after construction.
 *
 * <p>The kernel reassembles first ({@code nf_defrag_ipv4}) and forwards every fragment once the
 * last one has arrived; this tracker lets the engine forward each fragment as soon as its
 * translation is known (only timing differs), and follows the kernel's rules for what kills a
 * datagram: overlapping fragments (RFC 5722 as Linux applies it to IPv4), inconsistent lengths,
 * empty fragments. Exact duplicates are dropped alone. A datagram lives {@code timeout} from its
 * first fragment (kernel {@code ipfrag_time}, 30 s), not refreshed.
 *
 * <p>Protocol with the engine, per fragment ({@code isFragment} packets only):
 * <ol>
 * <li>{@link #onFragment}: returns
 *   <ul>
 *   <li>{@link #FIRST} (offset 0): process it as a normal packet (it carries the ports), then call
 *       {@link #bind} with the same key and any {@code long} handle (connection handle, or a marker for
 *       "untracked" / "dropped"). {@code bind} lists the parked fragments to process now with that handle.</li>
 *   <li>{@link #FOLLOW}: translate it like the first fragment: {@code result.handle}.</li>
 *   <li>{@link #PARKED}: the first fragment is not known yet; the engine keeps the packet under the
 *       {@code token} it passed (its own buffer slot; the tracker keeps only the number). At most
 *       {@code maxParked} per datagram; pass token -1 when the engine cannot hold packets: the
 *       fragment is then dropped as an orphan.</li>
 *   <li>{@link #DROP}: drop it ({@code result.reason}).</li>
 *   </ul>
 *   Tokens listed in the result of {@code onFragment} belong to a datagram just dropped or expired:
 *   the engine drops those packets.</li>
 * <li>{@link #expire} periodically: datagrams past their deadline are forgotten; their parked tokens
 *     are handed to the handler to drop (the kernel drops an incomplete datagram: e.g. an orphan
 *     non-first fragment is held, then dropped).</li>
 * </ol>
 *
 * <p>Reassembly mode ({@code holdAll}), the kernel's own behaviour: every fragment, the first included, is
 * {@link #PARKED} until the datagram is complete; the fragment that completes it gets {@link #COMPLETE} with every
 * token of the datagram (its own last) in {@code out.tokens}, in offset order, and the datagram's length: the engine
 * then translates the first fragment and the others after it, and sends them in that order, as the kernel sends a
 * reassembled datagram again in its own fragments ({@code ip_do_fragment}, whose fast path keeps their geometry).
 * As {@code inet_frag_kill} does, an overlap frees the datagram at once (its tokens listed to drop): a later fragment
 * with the same key starts a new one. Too many fragments for the bounded store kill it the same way.
 *
 * <p>Threading: single writer. One instance per engine thread; all fragments of a datagram must
 * reach the same instance (steer fragments by addresses, not ports), or guard one instance with a lock.
 */
public final class FragmentTracker
{
    public static final int FIRST = 0;
    public static final int FOLLOW = 1;
    public static final int PARKED = 2;
    public static final int DROP = 3;
    /** Reassembly mode: the datagram is complete; {@code out.tokens} lists all its fragments in offset order. */
    public static final int COMPLETE = 4;

    /** Receives the tokens of parked fragments whose datagram expired. */
    @FunctionalInterface
    public interface ExpiryHandler
    {
        /**
         * @param token the token the engine passed when the fragment was parked.
         */
        void onParkedExpired(long token);
    }

    private static final int EMPTY = -1;
    private static final int FLAG_FIRST_IN = 1;
    private static final int FLAG_LAST_IN = 2;
    private static final int FLAG_BOUND = 4;
    private static final int FLAG_DEAD = 8;

    private final int capacity;
    private final int mask;
    private final int maxEntries;
    private final int maxRuns;
    private final int maxParked;
    private final long timeoutNanos;
    private final long seed;

    private final long[] keyAddresses;
    private final int[] keyRest;
    private final long[] deadlines;
    private final long[] handles;
    private final int[] flags;
    private final int[] lengths;
    private final int[] meat;
    private final int[] runCounts;
    private final int[] tailRuns;
    private final int[] runStarts;
    private final int[] runEnds;
    private final int[] parkedCounts;
    private final long[] parked;
    private final int[] parkedOffsets;
    private final int[] sortOffsets;
    private final boolean holdAll;
    private int size;

    /**
     * @param capacity     slots, rounded up to a power of two; at most 3/4 are used.
     * @param maxRuns      disjoint byte ranges tracked per datagram (fragments arriving out of order
     *                     each start one; in order they extend one).
     * @param maxParked    non-first fragments parked per datagram before its first fragment.
     * @param timeoutNanos lifetime of a datagram from its first seen fragment.
     * @param seed         hash seed.
     */
    public FragmentTracker(
        final int capacity, final int maxRuns, final int maxParked, final long timeoutNanos, final long seed)
    {
        this(capacity, maxRuns, maxParked, timeoutNanos, seed, false);
    }

    /**
     * @param capacity     slots, rounded up to a power of two; at most 3/4 are used.
     * @param maxRuns      disjoint byte ranges tracked per datagram.
     * @param maxParked    fragments parked per datagram (reassembly mode: all of them, the first included).
     * @param timeoutNanos lifetime of a datagram from its first seen fragment.
     * @param seed         hash seed.
     * @param holdAll      reassembly mode (see the class comment).
     */
    public FragmentTracker(
        final int capacity, final int maxRuns, final int maxParked, final long timeoutNanos, final long seed,
        final boolean holdAll)
    {
        this.holdAll = holdAll;
        int cap = 16;
        while (cap < capacity)
        {
            cap <<= 1;
        }
        this.capacity = cap;
        this.mask = cap - 1;
        this.maxEntries = cap - (cap >>> 2);
        this.maxRuns = Math.max(1, maxRuns);
        this.maxParked = Math.max(0, maxParked);
        this.timeoutNanos = timeoutNanos;
        this.seed = seed;
        keyAddresses = new long[cap];
        keyRest = new int[cap];
        java.util.Arrays.fill(keyRest, EMPTY);
        deadlines = new long[cap];
        handles = new long[cap];
        flags = new int[cap];
        lengths = new int[cap];
        meat = new int[cap];
        runCounts = new int[cap];
        tailRuns = new int[cap];
        runStarts = new int[cap * this.maxRuns];
        runEnds = new int[cap * this.maxRuns];
        parkedCounts = new int[cap];
        parked = new long[cap * Math.max(1, this.maxParked)];
        parkedOffsets = new int[cap * Math.max(1, this.maxParked)];
        sortOffsets = new int[Math.max(1, this.maxParked) + 1];
    }

    /**
     * The kernel's {@code ip_frag_ecn_table}: the ECN bits a reassembled datagram's header gets from the ECN
     * codepoints its fragments carried.
     *
     * @param seen bit {@code 1 << codepoint} for each codepoint some fragment carried (Not-ECT 0, ECT(1) 1, ECT(0) 2,
     *             CE 3).
     * @return the bits to OR into the first fragment's TOS (CE when one fragment had CE and the others ECT; else 0),
     *     or -1 for an invalid mix (Not-ECT with any ECN-capable codepoint): the kernel drops the datagram.
     */
    public static int reassembledEcn(final int seen)
    {
        final int notEct = 1;
        final int ect = 2 | 4;
        final int ce = 8;
        if ((seen & notEct) != 0 && (seen & (ect | ce)) != 0)
        {
            return -1;
        }
        return (seen & ce) != 0 && (seen & ect) != 0 ? 3 : 0;
    }

    /** @return a result holder sized for this tracker. */
    public FragmentResult newResult()
    {
        return new FragmentResult(Math.max(1, maxParked) + 1);
    }

    /** @return datagrams currently tracked. */
    public int size()
    {
        return size;
    }

    /**
     * One fragment (offset > 0 or more-fragments set).
     *
     * @param srcIp         source address.
     * @param dstIp         destination address.
     * @param protocol      IP protocol.
     * @param ipId          IP identification, 0..65535.
     * @param offset        fragment offset in bytes.
     * @param payloadLength bytes of payload after the IP header.
     * @param moreFragments MF flag.
     * @param token         engine's reference to this packet if it may be parked, else -1.
     * @param nowNanos      packet time.
     * @param out           receives the decision.
     * @return {@code out.action}.
     */
    public int onFragment(
        final int srcIp,
        final int dstIp,
        final int protocol,
        final int ipId,
        final int offset,
        final int payloadLength,
        final boolean moreFragments,
        final long token,
        final long nowNanos,
        final FragmentResult out)
    {
        out.clear();
        final long addresses = ((long)srcIp << 32) | (dstIp & 0xFFFF_FFFFL);
        final int rest = ((protocol & 0xFF) << 16) | (ipId & 0xFFFF);
        int slot = find(addresses, rest);
        if (slot >= 0 && nowNanos - deadlines[slot] >= 0)
        {
            // Expired but not swept yet: the old datagram is gone, this fragment starts a new one.
            dropParkedInto(slot, out);
            out.listedReason = TrackReason.FRAG_TIMEOUT;
            reset(slot, nowNanos);
        }
        if (slot < 0)
        {
            slot = insert(addresses, rest, nowNanos);
            if (slot < 0)
            {
                out.reason = TrackReason.FRAG_TABLE_FULL;
                return out.action;
            }
        }
        out.slot = slot;
        if ((flags[slot] & FLAG_DEAD) != 0)
        {
            out.reason = TrackReason.FRAG_DATAGRAM_DROPPED;
            return out.action;
        }

        int end = offset + payloadLength;
        if (!moreFragments)
        {
            if (end < lengths[slot] || ((flags[slot] & FLAG_LAST_IN) != 0 && end != lengths[slot]))
            {
                return kill(slot, TrackReason.FRAG_CORRUPT, out);
            }
            flags[slot] |= FLAG_LAST_IN;
            lengths[slot] = end;
        }
        else
        {
            end &= ~7; // non-last fragments carry multiples of 8 bytes
            if (end > lengths[slot])
            {
                if ((flags[slot] & FLAG_LAST_IN) != 0)
                {
                    return kill(slot, TrackReason.FRAG_CORRUPT, out);
                }
                lengths[slot] = end;
            }
        }
        if (end <= offset)
        {
            return kill(slot, TrackReason.FRAG_CORRUPT, out);
        }

        final int insert = insertRun(slot, offset, end);
        if (insert != TrackReason.NONE)
        {
            if (insert == TrackReason.FRAG_DUPLICATE)
            {
                out.reason = insert;
                return out.action;
            }
            return kill(slot, insert, out);
        }
        meat[slot] += end - offset;
        if (offset == 0)
        {
            flags[slot] |= FLAG_FIRST_IN;
        }
        out.complete = (flags[slot] & (FLAG_FIRST_IN | FLAG_LAST_IN)) == (FLAG_FIRST_IN | FLAG_LAST_IN) &&
            meat[slot] == lengths[slot];

        if (holdAll)
        {
            return holdOrComplete(slot, offset, token, out);
        }
        if (offset == 0)
        {
            out.action = FIRST;
            return out.action;
        }
        if ((flags[slot] & FLAG_BOUND) != 0)
        {
            out.action = FOLLOW;
            out.handle = handles[slot];
            if (out.complete)
            {
                delete(slot);
            }
            return out.action;
        }
        if (token < 0 || parkedCounts[slot] >= maxParked)
        {
            out.reason = TrackReason.FRAG_ORPHAN;
            return out.action;
        }
        parked[slot * maxParked + parkedCounts[slot]++] = token;
        out.action = PARKED;
        return out.action;
    }

    /** Reassembly mode: park the fragment, or list the whole datagram in offset order once it is complete. */
    private int holdOrComplete(final int slot, final int offset, final long token, final FragmentResult out)
    {
        final int base = slot * maxParked;
        final int n = parkedCounts[slot];
        if (token < 0 || n >= maxParked && !out.complete)
        {
            // The bounded store cannot keep the whole datagram: the kernel would; drop it all, as an overlap does.
            return kill(slot, token < 0 ? TrackReason.FRAG_ORPHAN : TrackReason.FRAG_TOO_MANY, out);
        }
        if (out.complete)
        {
            // Insertion sort by offset (a few dozen fragments at most), this fragment included.
            final long[] tokens = out.tokens;
            for (int i = 0; i <= n; i++)
            {
                final long t = i < n ? parked[base + i] : token;
                final int o = i < n ? parkedOffsets[base + i] : offset;
                int j = i;
                while (j > 0 && sortOffsets[j - 1] > o)
                {
                    tokens[j] = tokens[j - 1];
                    sortOffsets[j] = sortOffsets[j - 1];
                    j--;
                }
                tokens[j] = t;
                sortOffsets[j] = o;
            }
            out.tokenCount = n + 1;
            out.datagramLength = lengths[slot];
            out.action = COMPLETE;
            delete(slot);
            return out.action;
        }
        parked[base + n] = token;
        parkedOffsets[base + n] = offset;
        parkedCounts[slot] = n + 1;
        out.action = PARKED;
        return out.action;
    }

    /**
     * Records the translation of a datagram after its FIRST fragment was processed and lists the
     * parked fragments to process now with that handle (in {@code out.tokens}, arrival order).
     *
     * @param srcIp    source address of the first fragment.
     * @param dstIp    destination address.
     * @param protocol IP protocol.
     * @param ipId     IP identification.
     * @param handle   opaque handle later fragments get back.
     * @param out      receives the tokens to release; {@code out.complete} when the slot was freed.
     * @return number of tokens to release (0 also when the datagram is unknown or was dropped).
     */
    public int bind(
        final int srcIp, final int dstIp, final int protocol, final int ipId, final long handle, final FragmentResult out)
    {
        out.clear();
        // Looked up again (not by slot): a deletion in between may have shifted the entry.
        final int slot = find(((long)srcIp << 32) | (dstIp & 0xFFFF_FFFFL), ((protocol & 0xFF) << 16) | (ipId & 0xFFFF));
        if (slot < 0 || (flags[slot] & FLAG_DEAD) != 0)
        {
            return 0;
        }
        handles[slot] = handle;
        flags[slot] |= FLAG_BOUND;
        final int n = parkedCounts[slot];
        System.arraycopy(parked, slot * maxParked, out.tokens, 0, n);
        out.tokenCount = n;
        parkedCounts[slot] = 0;
        out.slot = slot;
        out.handle = handle;
        out.action = FOLLOW;
        out.complete = (flags[slot] & (FLAG_FIRST_IN | FLAG_LAST_IN)) == (FLAG_FIRST_IN | FLAG_LAST_IN) &&
            meat[slot] == lengths[slot];
        if (out.complete)
        {
            delete(slot);
        }
        return n;
    }

    /**
     * Forgets datagrams whose deadline passed; parked tokens go to the handler (to drop).
     *
     * @param nowNanos current time.
     * @param handler  receives each parked token of an expired datagram.
     * @return number of datagrams expired.
     */
    public int expire(final long nowNanos, final ExpiryHandler handler)
    {
        int expired = 0;
        for (int i = 0; i < capacity; i++)
        {
            while (keyRest[i] != EMPTY && nowNanos - deadlines[i] >= 0)
            {
                final int n = parkedCounts[i];
                for (int p = 0; p < n; p++)
                {
                    handler.onParkedExpired(parked[i * maxParked + p]);
                }
                delete(i);
                expired++;
            }
        }
        return expired;
    }

    // ---------------------------------------------------------------- runs (byte coverage)

    // Mirrors inet_frag_queue_insert(): a fragment past the tail either extends the tail run
    // (contiguous) or opens a new one; anything else must fall in a gap (new run), or inside one run
    // (duplicate); straddling a run boundary is an overlap.
    private int insertRun(final int slot, final int offset, final int end)
    {
        final int runs = runCounts[slot];
        final int base = slot * maxRuns;
        if (runs > 0)
        {
            final int tail = tailRuns[slot];
            final int tailEnd = runEnds[base + tail];
            if (tailEnd < end)
            {
                if (offset < tailEnd)
                {
                    return TrackReason.FRAG_OVERLAP;
                }
                if (offset == tailEnd)
                {
                    runEnds[base + tail] = end;
                    return TrackReason.NONE;
                }
                return addRun(slot, offset, end, true);
            }
            for (int r = 0; r < runs; r++)
            {
                final int s = runStarts[base + r];
                final int e = runEnds[base + r];
                if (end <= s || offset >= e)
                {
                    continue;
                }
                return offset >= s && end <= e ? TrackReason.FRAG_DUPLICATE : TrackReason.FRAG_OVERLAP;
            }
            return addRun(slot, offset, end, false);
        }
        return addRun(slot, offset, end, true);
    }

    private int addRun(final int slot, final int offset, final int end, final boolean isTail)
    {
        final int runs = runCounts[slot];
        if (runs >= maxRuns)
        {
            return TrackReason.FRAG_TOO_MANY;
        }
        runStarts[slot * maxRuns + runs] = offset;
        runEnds[slot * maxRuns + runs] = end;
        runCounts[slot] = runs + 1;
        if (isTail)
        {
            tailRuns[slot] = runs;
        }
        return TrackReason.NONE;
    }

    // The datagram is unusable: drop this fragment and its parked ones; then drop later ones until expiry, or, in
    // reassembly mode, forget it as inet_frag_kill does (a later fragment starts a new datagram).
    private int kill(final int slot, final int reason, final FragmentResult out)
    {
        dropParkedInto(slot, out);
        out.listedReason = TrackReason.FRAG_DATAGRAM_DROPPED;
        out.reason = reason;
        out.action = DROP;
        if (holdAll)
        {
            delete(slot);
            return out.action;
        }
        flags[slot] = FLAG_DEAD;
        runCounts[slot] = 0;
        meat[slot] = 0;
        out.reason = reason;
        out.action = DROP;
        return out.action;
    }

    private void dropParkedInto(final int slot, final FragmentResult out)
    {
        final int n = parkedCounts[slot];
        System.arraycopy(parked, slot * maxParked, out.tokens, 0, n);
        out.tokenCount = n;
        parkedCounts[slot] = 0;
    }

    // ---------------------------------------------------------------- hash table

    private int hash(final long addresses, final int rest)
    {
        long h = addresses * 0x9E3779B97F4A7C15L + rest + seed;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int)h & mask;
    }

    private int find(final long addresses, final int rest)
    {
        int i = hash(addresses, rest);
        while (keyRest[i] != EMPTY)
        {
            if (keyRest[i] == rest && keyAddresses[i] == addresses)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private int insert(final long addresses, final int rest, final long nowNanos)
    {
        if (size >= maxEntries)
        {
            return -1;
        }
        int i = hash(addresses, rest);
        while (keyRest[i] != EMPTY)
        {
            i = (i + 1) & mask;
        }
        keyAddresses[i] = addresses;
        keyRest[i] = rest;
        reset(i, nowNanos);
        size++;
        return i;
    }

    private void reset(final int slot, final long nowNanos)
    {
        deadlines[slot] = nowNanos + timeoutNanos;
        handles[slot] = -1;
        flags[slot] = 0;
        lengths[slot] = 0;
        meat[slot] = 0;
        runCounts[slot] = 0;
        tailRuns[slot] = 0;
        parkedCounts[slot] = 0;
    }

    // Backward-shift deletion: move later members of the probe chain into the hole.
    private void delete(final int slot)
    {
        int hole = slot;
        keyRest[hole] = EMPTY;
        size--;
        int i = (hole + 1) & mask;
        while (keyRest[i] != EMPTY)
        {
            final int home = hash(keyAddresses[i], keyRest[i]);
            // Move i into the hole when its home is not cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                move(i, hole);
                keyRest[i] = EMPTY;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void move(final int from, final int to)
    {
        keyAddresses[to] = keyAddresses[from];
        keyRest[to] = keyRest[from];
        deadlines[to] = deadlines[from];
        handles[to] = handles[from];
        flags[to] = flags[from];
        lengths[to] = lengths[from];
        meat[to] = meat[from];
        runCounts[to] = runCounts[from];
        tailRuns[to] = tailRuns[from];
        System.arraycopy(runStarts, from * maxRuns, runStarts, to * maxRuns, maxRuns);
        System.arraycopy(runEnds, from * maxRuns, runEnds, to * maxRuns, maxRuns);
        parkedCounts[to] = parkedCounts[from];
        if (maxParked > 0)
        {
            System.arraycopy(parked, from * maxParked, parked, to * maxParked, maxParked);
            System.arraycopy(parkedOffsets, from * maxParked, parkedOffsets, to * maxParked, maxParked);
        }
    }
}
