/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A bounded pool of packet copies off the rings, owned by one worker: fragments the engine holds (ring frames
 * must go back to the kernel at once) and packets waiting for their next hop's MAC. Each slot has its own buffer,
 * so a packet handed back by the engine is found by its buffer ({@link #indexOf}). Nothing allocates after
 * construction.
 */
final class PacketStore
{
    private final UnsafeBuffer[] buffers;
    private final int[] freeStack;
    private int freeCount;
    final boolean[] used;
    /** Per slot: the packet's IP length. */
    final int[] length;
    /** Per slot: the next hop it waits for (pending use). */
    final int[] nextHop;
    /** Per slot: when it was stored. */
    final long[] since;

    PacketStore(final int slots, final int slotBytes)
    {
        buffers = new UnsafeBuffer[slots];
        freeStack = new int[slots];
        used = new boolean[slots];
        length = new int[slots];
        nextHop = new int[slots];
        since = new long[slots];
        final ByteBuffer all = ByteBuffer.allocateDirect(slots * slotBytes);
        for (int i = 0; i < slots; i++)
        {
            buffers[i] = new UnsafeBuffer(all, i * slotBytes, slotBytes);
            freeStack[i] = slots - 1 - i;
        }
        freeCount = slots;
    }

    /** @return a free slot, or -1 when all are in use. */
    int claim()
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int slot = freeStack[--freeCount];
        used[slot] = true;
        return slot;
    }

    void free(final int slot)
    {
        if (slot >= 0 && used[slot])
        {
            used[slot] = false;
            freeStack[freeCount++] = slot;
        }
    }

    UnsafeBuffer buffer(final int slot)
    {
        return buffers[slot];
    }

    /** @return the slot whose buffer is {@code b}, or -1. */
    int indexOf(final DirectBuffer b)
    {
        for (int i = 0; i < buffers.length; i++)
        {
            if (buffers[i] == b)
            {
                return i;
            }
        }
        return -1;
    }

    int slots()
    {
        return buffers.length;
    }

    int inUse()
    {
        return buffers.length - freeCount;
    }

    int slotBytes()
    {
        return buffers.length == 0 ? 0 : buffers[0].capacity();
    }
}
