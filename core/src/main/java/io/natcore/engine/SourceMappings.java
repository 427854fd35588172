/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;

import java.util.Arrays;

/**
 * Kernel {@code nf_nat_bysource}: the source-NATed connections of each original (protocol, source address, source
 * port), newest first, as hash chains threaded through the table's entry indexes (the kernel's
 * {@code hlist} in the conntrack). Per entry: its chain neighbours and the hash it was recorded with; per bucket:
 * the newest entry. So the structure is {@code 4 * capacity} ints plus one int per bucket, all small enough to stay
 * in cache, and a chain is walked on these arrays alone: only an entry whose recorded hash equals the key's is read
 * from the table (to validate it, and because its reply tuple is the answer).
 * <p>
 * Nothing is removed when a connection dies (no hook on expiry, eviction or destroy, which may run on other
 * threads): a dead or reused entry stays linked until a walk meets it with a matching hash (it is then unlinked)
 * or the entry is recorded again (it is moved). An entry is in at most one chain, so the chains hold at most
 * {@code capacity} nodes whatever the churn; a stale node is never an answer, because every candidate is validated
 * against the live table. Not thread safe: used under the engine's bind lock.
 */
final class SourceMappings
{
    /** {@link #find} result and chain end. */
    static final int NONE = -1;
    /** {@link #prev} of an entry in no chain. */
    private static final int UNLINKED = -2;

    private final FlowTable table;
    private final int zone;
    private final int mask;
    /** Bucket -> newest entry recorded with a hash of this bucket, or {@link #NONE}. */
    private final int[] heads;
    /** Entry -> older neighbour in its chain, or {@link #NONE}. */
    private final int[] next;
    /** Entry -> newer neighbour, {@link #NONE} when it heads its chain, {@link #UNLINKED} when in no chain. */
    private final int[] prev;
    /** Entry -> the 32-bit hash of the key it was recorded under (its bucket is {@code hash & mask}). */
    private final int[] hashes;

    SourceMappings(final FlowTable table, final int zone)
    {
        this.table = table;
        this.zone = zone;
        final int capacity = table.capacity();
        int buckets = 16;
        while (buckets < capacity)
        {
            buckets <<= 1;
        }
        mask = buckets - 1;
        heads = new int[buckets];
        Arrays.fill(heads, NONE);
        next = new int[capacity];
        prev = new int[capacity];
        Arrays.fill(prev, UNLINKED);
        hashes = new int[capacity];
    }

    /**
     * Record that {@code entry} (just inserted) maps this source: it becomes the newest of its chain.
     */
    void record(final int proto, final int srcIp, final int srcPort, final int entry)
    {
        if (entry < 0 || entry >= next.length)
        {
            return;
        }
        if (prev[entry] != UNLINKED)
        {
            unlink(entry);
        }
        final int hash = hash(proto, srcIp, srcPort);
        final int bucket = hash & mask;
        final int head = heads[bucket];
        next[entry] = head;
        prev[entry] = NONE;
        if (head != NONE)
        {
            prev[head] = entry;
        }
        heads[bucket] = entry;
        hashes[entry] = hash;
    }

    /**
     * The newest live, unexpired connection recorded for this source whose original tuple still has this source.
     * Stale nodes met on the way (entry dead, or reused by a connection of another source) are unlinked.
     *
     * @return the entry, or {@link #NONE}.
     */
    int find(final int proto, final int srcIp, final int srcPort, final long now)
    {
        final int hash = hash(proto, srcIp, srcPort);
        int e = heads[hash & mask];
        while (e != NONE)
        {
            final int older = next[e];
            if (hashes[e] == hash)
            {
                final long ok0 = table.keyK0(e, FlowTable.DIR_ORIGINAL);
                final long ok1 = table.keyK1(e, FlowTable.DIR_ORIGINAL);
                final boolean live = table.isLive(e);
                final int ip = FlowKey.srcIp(ok0);
                final int port = FlowKey.srcPort(ok1);
                final int p = FlowKey.protocol(ok1);
                if (live && ip == srcIp && port == srcPort && p == proto && FlowKey.zone(ok1) == zone)
                {
                    if (table.deadlineOpaque(e) > now)
                    {
                        return e;
                    }
                    // Timed out, not reaped yet: not an answer, but still its connection's node.
                }
                else if (!live || FlowKey.zone(ok1) != zone || hash(p, ip, port) != hash)
                {
                    // Its connection is gone: the entry is free or holds a connection of another source.
                    unlink(e);
                }
            }
            e = older;
        }
        return NONE;
    }

    /** Forget every mapping. */
    void clear()
    {
        Arrays.fill(heads, NONE);
        Arrays.fill(prev, UNLINKED);
    }

    /** @return whether the entry is in a chain (for tests). */
    boolean isLinked(final int entry)
    {
        return entry >= 0 && entry < prev.length && prev[entry] != UNLINKED;
    }

    private void unlink(final int entry)
    {
        final int older = next[entry];
        final int newer = prev[entry];
        if (newer == NONE)
        {
            heads[hashes[entry] & mask] = older;
        }
        else
        {
            next[newer] = older;
        }
        if (older != NONE)
        {
            prev[older] = newer;
        }
        prev[entry] = UNLINKED;
    }

    static int hash(final int proto, final int srcIp, final int srcPort)
    {
        long z = (((long)(proto & 0xFF) << 48) | ((long)(srcPort & 0xFFFF) << 32) | (srcIp & 0xFFFF_FFFFL)) *
            0x9E3779B97F4A7C15L;
        z ^= z >>> 29;
        return (int)(z >>> 32);
    }
}
