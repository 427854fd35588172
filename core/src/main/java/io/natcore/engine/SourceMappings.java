/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Kernel {@code nf_nat_bysource}: the source-NATed connections of each original (protocol, source address, source
 * port), newest first, as hash chains threaded through the table's entry indexes (the kernel's {@code hlist} in
 * the conntrack). Per entry: its chain neighbours, the hash it was recorded with and a state byte; per bucket: the
 * newest entry; and a 64 KiB bit filter of the linked entries' hashes, so most sources (none recorded) cost one
 * cached bit. A chain is walked on these small arrays alone: only an entry whose recorded hash equals the key's
 * is read from the table (to validate it, and because its reply tuple is the answer).
 * <p>
 * Dead connections leave their chain without the expiring thread touching the chains (expiry may run on another
 * thread than the binding): the expiry listener marks a linked entry {@link #EXPIRED} and hands its index over in a
 * single-producer single-consumer ring ({@link #expiredOpaque}); the next {@link #find} or {@link #record}, under the
 * bind lock, unlinks the handed-over entries still marked. Deaths that do not go through expiry (destroy, eviction,
 * a rejected first packet), and hand-overs lost to a full ring, leave the entry linked until a walk meets it (it is
 * validated against the live table, found dead or reused, and unlinked) or the entry is recorded again (it moves).
 * An entry is in at most one chain, so the chains never hold more than {@code capacity} nodes; a stale node is never
 * an answer. {@link #record} and {@link #find}: under the engine's bind lock only.
 */
final class SourceMappings
{
    /** {@link #find} result and chain end. */
    static final int NONE = -1;
    /** {@link #prev} of an entry in no chain. */
    private static final int UNLINKED = -2;
    /** {@link #states}: not in a chain (or unlinked since). */
    private static final byte IDLE = 0;
    /** {@link #states}: linked, its connection alive as far as expiry knows. */
    private static final byte LINKED = 1;
    /** {@link #states}: linked, and expiry removed its connection (handed over for unlinking). */
    private static final byte EXPIRED = 2;
    private static final int RING_SIZE = 4096;
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle RING = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle RING_HEAD;
    private static final VarHandle RING_TAIL;

    static
    {
        try
        {
            RING_HEAD = MethodHandles.lookup().findVarHandle(SourceMappings.class, "ringHead", long.class);
            RING_TAIL = MethodHandles.lookup().findVarHandle(SourceMappings.class, "ringTail", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final FlowTable table;
    private final int zone;
    private final int mask;
    /** Bucket -> newest entry recorded with a hash of this bucket, or {@link #NONE}. */
    private final int[] heads;
    /** Entry e -> at 2e the older neighbour in its chain ({@link #NONE} at the end), at 2e+1 its recorded hash. */
    private final int[] links;
    /** Entry -> newer neighbour, {@link #NONE} when it heads its chain, {@link #UNLINKED} when in no chain. */
    private final int[] prev;
    /**
     * Entry -> {@link #IDLE}, {@link #LINKED} or {@link #EXPIRED}. Written by the binding thread (record, unlink) and
     * by the expiring thread (LINKED to EXPIRED, in the listener, before the table removes the connection); opaque
     * both ways. The table's writer lock orders that removal before any reuse of the entry, so before the record
     * of a new connection in it: a live recorded connection is never marked EXPIRED.
     */
    private final byte[] states;
    /** Entries handed over by expiry, unlinked under the bind lock. */
    private final int[] ring = new int[RING_SIZE];
    /** Next ring slot to fill: written by the expiring thread only (one at a time), release. */
    private long ringHead;
    /** Next ring slot to drain: written under the bind lock only, release. */
    private long ringTail;
    /** Entries in a chain (under the bind lock): none, and a walk need not read its bucket. */
    private int linked;
    /**
     * One bit per {@code hash >>> (32 - FILTER_BITS_LOG2)} of every linked entry (and of entries unlinked since the
     * last rebuild): a clear bit proves the source has no node without reading its bucket. 64 KiB, so it stays in
     * cache where the buckets and links do not. Unlinking cannot clear a bit (others may share it), so the filter
     * is rebuilt from the linked entries' hashes every {@link #rebuildAfter} records.
     */
    private final long[] filter = new long[1 << (FILTER_BITS_LOG2 - 6)];
    private static final int FILTER_BITS_LOG2 = 19;
    private final int rebuildAfter;
    private int recordsSinceRebuild;

    SourceMappings(final FlowTable table, final int zone)
    {
        this.table = table;
        this.zone = zone;
        final int capacity = table.capacity();
        // A quarter of the entries: only the recorded, live connections are linked (a fraction of the table).
        int buckets = 16;
        while (buckets < capacity / 4)
        {
            buckets <<= 1;
        }
        mask = buckets - 1;
        heads = new int[buckets];
        Arrays.fill(heads, NONE);
        links = new int[2 * capacity];
        prev = new int[capacity];
        Arrays.fill(prev, UNLINKED);
        states = new byte[capacity];
        rebuildAfter = Math.max(16, capacity / 2);
    }

    /**
     * Record that {@code entry} (just inserted) maps this source: it becomes the newest of its chain.
     */
    void record(final int proto, final int srcIp, final int srcPort, final int entry)
    {
        if (entry < 0 || entry >= prev.length)
        {
            return;
        }
        drainExpired();
        if (prev[entry] != UNLINKED)
        {
            unlink(entry);
        }
        final int hash = hash(proto, srcIp, srcPort);
        final int bucket = hash & mask;
        final int head = heads[bucket];
        links[2 * entry] = head;
        links[2 * entry + 1] = hash;
        prev[entry] = NONE;
        if (head != NONE)
        {
            prev[head] = entry;
        }
        heads[bucket] = entry;
        linked++;
        STATE.setOpaque(states, entry, LINKED);
        setFilterBit(hash);
        if (++recordsSinceRebuild >= rebuildAfter)
        {
            rebuildFilter();
        }
    }

    /**
     * Expiry is about to remove this entry's connection (the expiry listener: one thread at a time, any thread,
     * before the removal): when the entry is linked, hand it over for unlinking.
     */
    void expiredOpaque(final int entry)
    {
        if (entry < 0 || entry >= states.length || (byte)STATE.getOpaque(states, entry) != LINKED)
        {
            return;
        }
        STATE.setOpaque(states, entry, EXPIRED);
        final long head = (long)RING_HEAD.getOpaque(this);
        if (head - (long)RING_TAIL.getAcquire(this) < RING_SIZE)
        {
            RING.setOpaque(ring, (int)head & (RING_SIZE - 1), entry);
            RING_HEAD.setRelease(this, head + 1);
        }
        // Ring full: the entry stays linked, marked; a walk that meets it unlinks it without reading it.
    }

    /**
     * The newest live, unexpired connection recorded for this source whose original tuple still has this source.
     * Stale nodes met on the way (expired, dead, or reused by a connection of another source) are unlinked.
     *
     * @return the entry, or {@link #NONE}.
     */
    int find(final int proto, final int srcIp, final int srcPort, final long now)
    {
        drainExpired();
        if (linked == 0)
        {
            return NONE;
        }
        final int hash = hash(proto, srcIp, srcPort);
        final int bit = hash >>> (32 - FILTER_BITS_LOG2);
        if ((filter[bit >>> 6] & (1L << bit)) == 0)
        {
            return NONE;
        }
        int e = heads[hash & mask];
        while (e != NONE)
        {
            final int older = links[2 * e];
            if (links[2 * e + 1] == hash)
            {
                if ((byte)STATE.getOpaque(states, e) == EXPIRED)
                {
                    unlink(e);
                }
                else if (isMapping(e, proto, srcIp, srcPort, hash, now))
                {
                    return e;
                }
            }
            e = older;
        }
        return NONE;
    }

    /**
     * Validate a candidate against the table; unlink it when its connection is gone.
     */
    private boolean isMapping(final int e, final int proto, final int srcIp, final int srcPort, final int hash,
        final long now)
    {
        final long ok0 = table.keyK0(e, FlowTable.DIR_ORIGINAL);
        final long ok1 = table.keyK1(e, FlowTable.DIR_ORIGINAL);
        final boolean live = table.isLive(e);
        final int ip = FlowKey.srcIp(ok0);
        final int port = FlowKey.srcPort(ok1);
        final int p = FlowKey.protocol(ok1);
        if (live && ip == srcIp && port == srcPort && p == proto && FlowKey.zone(ok1) == zone)
        {
            // Timed out but not reaped yet: not an answer, but still its connection's node.
            return table.deadlineOpaque(e) > now;
        }
        if (!live || FlowKey.zone(ok1) != zone || hash(p, ip, port) != hash)
        {
            // Its connection is gone: the entry is free or holds a connection of another source.
            unlink(e);
        }
        return false;
    }

    private void setFilterBit(final int hash)
    {
        final int bit = hash >>> (32 - FILTER_BITS_LOG2);
        filter[bit >>> 6] |= 1L << bit;
    }

    /** Clear the filter and set the bits of the linked entries only (their recorded hashes; no entry is read). */
    private void rebuildFilter()
    {
        recordsSinceRebuild = 0;
        Arrays.fill(filter, 0L);
        for (int b = 0; b < heads.length; b++)
        {
            for (int e = heads[b]; e != NONE; e = links[2 * e])
            {
                setFilterBit(links[2 * e + 1]);
            }
        }
    }

    /** Unlink the entries expiry handed over that are still marked (not recorded again since). */
    private void drainExpired()
    {
        final long head = (long)RING_HEAD.getAcquire(this);
        long tail = ringTail;
        if (tail == head)
        {
            return;
        }
        while (tail != head)
        {
            final int e = (int)RING.getOpaque(ring, (int)tail & (RING_SIZE - 1));
            if (prev[e] != UNLINKED && (byte)STATE.getOpaque(states, e) == EXPIRED)
            {
                unlink(e);
            }
            tail++;
        }
        RING_TAIL.setRelease(this, tail);
    }

    /** @return whether the entry is in a chain (for tests; under the bind lock). */
    boolean isLinked(final int entry)
    {
        return entry >= 0 && entry < prev.length && prev[entry] != UNLINKED;
    }

    private void unlink(final int entry)
    {
        final int older = links[2 * entry];
        final int newer = prev[entry];
        if (newer == NONE)
        {
            heads[links[2 * entry + 1] & mask] = older;
        }
        else
        {
            links[2 * newer] = older;
        }
        if (older != NONE)
        {
            prev[older] = newer;
        }
        prev[entry] = UNLINKED;
        linked--;
        STATE.setOpaque(states, entry, IDLE);
    }

    static int hash(final int proto, final int srcIp, final int srcPort)
    {
        long z = (((long)(proto & 0xFF) << 48) | ((long)(srcPort & 0xFFFF) << 32) | (srcIp & 0xFFFF_FFFFL)) *
            0x9E3779B97F4A7C15L;
        z ^= z >>> 29;
        return (int)(z >>> 32);
    }
}
