/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.values.Values;
import org.jctools.maps.NonBlockingHashMapLong;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection store under test in {@link FlowTableBenchmark}. Every subject stores a connection under both
 * tuples with the same value (the handle), so all do the same logical work: 2 keys per connection.
 * Per-thread mutable state (reused key objects) lives in the context from {@link #newContext()}.
 */
abstract class FlowTableBenchSubject
{
    /** Per-thread reusable objects (lookup keys, value holders). */
    abstract Object newContext();

    /** Fills the store with connections [0, n) taken from the key arrays. */
    abstract void put(Object ctx, long o0, long o1, long r0, long r1, int id);

    /** Handle for a key, or -1. */
    abstract long lookup(Object ctx, long k0, long k1);

    /** Inserts a connection; returns a token for {@link #remove} (or negative if refused). */
    abstract long insert(Object ctx, long o0, long o1, long r0, long r1, int id);

    /** Removes the connection inserted with this token and tuples. */
    abstract void remove(Object ctx, long token, long o0, long o1, long r0, long r1);

    /** Off-heap bytes used, or -1 when on heap (measured by the caller). */
    abstract long offHeapBytes();

    abstract void close();

    static FlowTableBenchSubject create(final String impl, final int connections)
    {
        switch (impl)
        {
            case "flowtable":
                return new Table(connections);
            case "concurrentHashMap":
                return new Chm(connections);
            case "chronicleMap":
                return new Chronicle(connections);
            case "nonBlockingHashMapLong":
                return new Nbhml(connections);
            case "bareTable":
                return new Bare(connections);
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    /** Slack for the insert pools of the benchmark threads. */
    static final int POOL_SLACK = 2 * 4096; // two threads x POOL

    static final class Table extends FlowTableBenchSubject
    {
        final FlowTable table;

        Table(final int connections)
        {
            // -Dnatcore.bench.loadFactor overrides the table's default index load factor (design measurements only).
            final String lf = System.getProperty("natcore.bench.loadFactor");
            final FlowTableConfig cfg = new FlowTableConfig().capacity(connections + POOL_SLACK);
            table = new FlowTable(lf == null ? cfg : cfg.loadFactor(Float.parseFloat(lf)));
        }

        Object newContext()
        {
            return null;
        }

        void put(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            table.insert(o0, o1, r0, r1);
        }

        long lookup(final Object ctx, final long k0, final long k1)
        {
            return table.lookup(k0, k1);
        }

        long insert(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            return table.insert(o0, o1, r0, r1);
        }

        void remove(final Object ctx, final long token, final long o0, final long o1, final long r0, final long r1)
        {
            table.remove((int)token);
        }

        long offHeapBytes()
        {
            return table.memoryBytes();
        }

        void close()
        {
            table.close();
        }
    }

    /** Two-long key; the lookup side reuses one mutable instance per thread (no allocation). */
    static final class PairKey
    {
        long k0;
        long k1;

        PairKey(final long k0, final long k1)
        {
            this.k0 = k0;
            this.k1 = k1;
        }

        public int hashCode()
        {
            final long h = (k0 * 0x9E37_79B9_7F4A_7C15L) ^ (k1 * 0xC2B2_AE3D_27D4_EB4FL);
            return (int)(h ^ (h >>> 32));
        }

        public boolean equals(final Object o)
        {
            return o instanceof PairKey && ((PairKey)o).k0 == k0 && ((PairKey)o).k1 == k1;
        }
    }

    static final class Chm extends FlowTableBenchSubject
    {
        final ConcurrentHashMap<PairKey, Long> map;
        final Long[] boxed;

        Chm(final int connections)
        {
            map = new ConcurrentHashMap<>(2 * (connections + POOL_SLACK));
            boxed = new Long[connections + POOL_SLACK];
            for (int i = 0; i < boxed.length; i++)
            {
                boxed[i] = (long)i; // values pre-boxed: inserts allocate only what CHM itself needs
            }
        }

        Object newContext()
        {
            return new PairKey(0, 0);
        }

        void put(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            final Long v = boxed[id];
            map.put(new PairKey(o0, o1), v);
            map.put(new PairKey(r0, r1), v);
        }

        long lookup(final Object ctx, final long k0, final long k1)
        {
            final PairKey k = (PairKey)ctx;
            k.k0 = k0;
            k.k1 = k1;
            final Long v = map.get(k);
            return v == null ? -1 : v;
        }

        long insert(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            // Keys must be new immutable objects once stored: part of CHM's real insert cost.
            final Long v = boxed[id];
            if (map.putIfAbsent(new PairKey(o0, o1), v) != null)
            {
                return -1;
            }
            if (map.putIfAbsent(new PairKey(r0, r1), v) != null)
            {
                lookupAndRemove((PairKey)ctx, o0, o1);
                return -2;
            }
            return id;
        }

        private void lookupAndRemove(final PairKey k, final long k0, final long k1)
        {
            k.k0 = k0;
            k.k1 = k1;
            map.remove(k);
        }

        void remove(final Object ctx, final long token, final long o0, final long o1, final long r0, final long r1)
        {
            lookupAndRemove((PairKey)ctx, o0, o1);
            lookupAndRemove((PairKey)ctx, r0, r1);
        }

        long offHeapBytes()
        {
            return -1;
        }

        void close()
        {
            map.clear();
        }
    }

    /** Chronicle Map's flyweight key: generated by chronicle-values, reused per thread. */
    public interface FlowKeyValue
    {
        long getK0();

        void setK0(long v);

        long getK1();

        void setK1(long v);
    }

    static final class ChronicleCtx
    {
        final FlowKeyValue key = Values.newHeapInstance(FlowKeyValue.class);
        final LongValue value = Values.newHeapInstance(LongValue.class);
    }

    static final class Chronicle extends FlowTableBenchSubject
    {
        final ChronicleMap<FlowKeyValue, LongValue> map;

        Chronicle(final int connections)
        {
            map = ChronicleMapBuilder.of(FlowKeyValue.class, LongValue.class)
                .name("flows")
                .entries(2L * (connections + POOL_SLACK))
                .create();
        }

        Object newContext()
        {
            return new ChronicleCtx();
        }

        void put(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            final ChronicleCtx c = (ChronicleCtx)ctx;
            c.value.setValue(id);
            c.key.setK0(o0);
            c.key.setK1(o1);
            map.put(c.key, c.value);
            c.key.setK0(r0);
            c.key.setK1(r1);
            map.put(c.key, c.value);
        }

        long lookup(final Object ctx, final long k0, final long k1)
        {
            final ChronicleCtx c = (ChronicleCtx)ctx;
            c.key.setK0(k0);
            c.key.setK1(k1);
            final LongValue v = map.getUsing(c.key, c.value);
            return v == null ? -1 : v.getValue();
        }

        long insert(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            final ChronicleCtx c = (ChronicleCtx)ctx;
            c.value.setValue(id);
            c.key.setK0(o0);
            c.key.setK1(o1);
            if (map.putIfAbsent(c.key, c.value) != null)
            {
                return -1;
            }
            c.key.setK0(r0);
            c.key.setK1(r1);
            if (map.putIfAbsent(c.key, c.value) != null)
            {
                c.key.setK0(o0);
                c.key.setK1(o1);
                map.remove(c.key);
                return -2;
            }
            return id;
        }

        void remove(final Object ctx, final long token, final long o0, final long o1, final long r0, final long r1)
        {
            final ChronicleCtx c = (ChronicleCtx)ctx;
            c.key.setK0(o0);
            c.key.setK1(o1);
            map.remove(c.key);
            c.key.setK0(r0);
            c.key.setK1(r1);
            map.remove(c.key);
        }

        long offHeapBytes()
        {
            return map.offHeapMemoryUsed();
        }

        void close()
        {
            map.close();
        }
    }

    /** JCTools map keyed by a 64-bit hash of the 16-byte key (collisions ignored, as a hash-keyed design would). */
    static final class Nbhml extends FlowTableBenchSubject
    {
        final NonBlockingHashMapLong<Long> map;
        final Long[] boxed;

        Nbhml(final int connections)
        {
            map = new NonBlockingHashMapLong<>(2 * (connections + POOL_SLACK));
            boxed = new Long[connections + POOL_SLACK];
            for (int i = 0; i < boxed.length; i++)
            {
                boxed[i] = (long)i; // values pre-boxed: inserts do not allocate a Long
            }
        }

        static long hash(final long k0, final long k1)
        {
            long z = (k0 * 0x9E37_79B9_7F4A_7C15L) ^ Long.rotateLeft(k1 * 0xC2B2_AE3D_27D4_EB4FL, 31);
            z = (z ^ (z >>> 32)) * 0xD6E8_FEB8_6659_FD93L;
            return z ^ (z >>> 32);
        }

        Object newContext()
        {
            return null;
        }

        void put(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            map.put(hash(o0, o1), boxed[id]);
            map.put(hash(r0, r1), boxed[id]);
        }

        long lookup(final Object ctx, final long k0, final long k1)
        {
            final Long v = map.get(hash(k0, k1));
            return v == null ? -1 : v;
        }

        long insert(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            final Long v = boxed[id];
            final long ho = hash(o0, o1);
            if (map.putIfAbsent(ho, v) != null)
            {
                return -1;
            }
            if (map.putIfAbsent(hash(r0, r1), v) != null)
            {
                map.remove(ho);
                return -2;
            }
            return id;
        }

        void remove(final Object ctx, final long token, final long o0, final long o1, final long r0, final long r1)
        {
            map.remove(hash(o0, o1));
            map.remove(hash(r0, r1));
        }

        long offHeapBytes()
        {
            return -1;
        }

        void close()
        {
            map.clear();
        }
    }

    /** The calibration table ({@link BareSlotTable}): a floor, not a peer with the same guarantees. */
    static final class Bare extends FlowTableBenchSubject
    {
        final BareSlotTable table;

        Bare(final int connections)
        {
            table = new BareSlotTable(2 * (connections + POOL_SLACK));
        }

        Object newContext()
        {
            return null;
        }

        void put(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            insert(ctx, o0, o1, r0, r1, id);
        }

        long lookup(final Object ctx, final long k0, final long k1)
        {
            return table.lookup(k0, k1);
        }

        long insert(final Object ctx, final long o0, final long o1, final long r0, final long r1, final int id)
        {
            if (!table.insert(o0, o1, id))
            {
                return -1;
            }
            if (!table.insert(r0, r1, id))
            {
                table.remove(o0, o1);
                return -2;
            }
            return id;
        }

        void remove(final Object ctx, final long token, final long o0, final long o1, final long r0, final long r1)
        {
            table.remove(o0, o1);
            table.remove(r0, r1);
        }

        long offHeapBytes()
        {
            return table.bytes();
        }

        void close()
        {
        }
    }
}
