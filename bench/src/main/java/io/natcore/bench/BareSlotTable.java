/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.bench;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The calibration table of issue 4, as a floor for {@link FlowTableBenchmark}: a bare off-heap linear-probing
 * table of 32-byte slots that carry the key itself, so a lookup reads one slot line and nothing else. It is what
 * the "bare table" numbers describe, not a usable connection table: no entry record (so no per-connection
 * state, which is why it is smaller than the flow table only in what it stores), no concurrency protocol (writers
 * synchronize on the table; a lookup racing with a removal can miss), no expiry, no eviction.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         k0 (long)                             |  0
 *  +---------------------------------------------------------------+
 *  |                         k1 (long)                             |  8
 *  +---------------------------------------------------------------+
 *  |                   value + 1 (long, 0 = empty)                 | 16
 *  +---------------------------------------------------------------+
 *  |                         unused                                | 24
 *  +---------------------------------------------------------------+
 * </pre>
 * Slots: the power of two at or above twice the keys (load factor at most 0.5), 64-byte aligned, two per line.
 */
final class BareSlotTable
{
    static final int SLOT_LENGTH = 32;
    static final int K0_OFFSET = 0;
    static final int K1_OFFSET = 8;
    static final int VALUE_OFFSET = 16;

    private final UnsafeBuffer slots;
    private final int mask;
    private long sink;

    /**
     * @param keys most keys held at once (two per connection).
     */
    BareSlotTable(final int keys)
    {
        final int count = Integer.highestOneBit(Math.max(2, 2 * keys - 1)) << 1;
        mask = count - 1;
        slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * SLOT_LENGTH, 64));
    }

    static long hash(final long k0, final long k1)
    {
        long z = (k0 * 0x9E37_79B9_7F4A_7C15L) ^ Long.rotateLeft(k1 * 0xC2B2_AE3D_27D4_EB4FL, 31);
        z = (z ^ (z >>> 32)) * 0xD6E8_FEB8_6659_FD93L;
        return z ^ (z >>> 32);
    }

    long bytes()
    {
        return slots.capacity();
    }

    /** @return the value, or -1. */
    long lookup(final long k0, final long k1)
    {
        return probe(k0, k1, (int)hash(k0, k1) & mask);
    }

    private long probe(final long k0, final long k1, final int home)
    {
        final UnsafeBuffer slots = this.slots;
        int i = home;
        for (int n = 0; n <= mask; n++)
        {
            final int at = i * SLOT_LENGTH;
            final long v = slots.getLong(at + VALUE_OFFSET);
            if (v == 0)
            {
                return -1;
            }
            if (slots.getLong(at + K0_OFFSET) == k0 && slots.getLong(at + K1_OFFSET) == k1)
            {
                return v - 1;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /**
     * Hash every key, touch every home slot line, then probe: the flow table's burst shape without its checks. The
     * touching loop does nothing else (the homes are hashed in a loop before it), so all 32 misses fit in the core's
     * reorder window at once; hashing inside the touching loop measured 1.2-1.3x slower (BENCHMARKS.md, design note
     * "Burst lookup in passes").
     */
    void lookupBurst(final long[] k0, final long[] k1, final int n, final long[] out)
    {
        final UnsafeBuffer slots = this.slots;
        for (int i = 0; i < n; i++)
        {
            out[i] = (int)hash(k0[i], k1[i]) & mask;
        }
        long s = 0;
        for (int i = 0; i < n; i++)
        {
            s += slots.getLong((int)out[i] * SLOT_LENGTH + VALUE_OFFSET);
        }
        sink = s;
        for (int i = 0; i < n; i++)
        {
            out[i] = probe(k0[i], k1[i], (int)out[i]);
        }
    }

    /** @return false when the key is present. */
    synchronized boolean insert(final long k0, final long k1, final long value)
    {
        int i = (int)hash(k0, k1) & mask;
        while (true)
        {
            final int at = i * SLOT_LENGTH;
            if (slots.getLong(at + VALUE_OFFSET) == 0)
            {
                slots.putLong(at + K0_OFFSET, k0);
                slots.putLong(at + K1_OFFSET, k1);
                slots.putLong(at + VALUE_OFFSET, value + 1);
                return true;
            }
            if (slots.getLong(at + K0_OFFSET) == k0 && slots.getLong(at + K1_OFFSET) == k1)
            {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /** Backward-shift deletion, as the flow table's. */
    synchronized void remove(final long k0, final long k1)
    {
        int i = (int)hash(k0, k1) & mask;
        while (true)
        {
            final int at = i * SLOT_LENGTH;
            if (slots.getLong(at + VALUE_OFFSET) == 0)
            {
                return;
            }
            if (slots.getLong(at + K0_OFFSET) == k0 && slots.getLong(at + K1_OFFSET) == k1)
            {
                break;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            final int from = j * SLOT_LENGTH;
            if (slots.getLong(from + VALUE_OFFSET) == 0)
            {
                break;
            }
            final int home = (int)hash(slots.getLong(from + K0_OFFSET), slots.getLong(from + K1_OFFSET)) & mask;
            final boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays)
            {
                slots.putBytes(i * SLOT_LENGTH, slots, from, SLOT_LENGTH);
                i = j;
            }
        }
        slots.putLong(i * SLOT_LENGTH + VALUE_OFFSET, 0);
    }

    long sink()
    {
        return sink;
    }
}
