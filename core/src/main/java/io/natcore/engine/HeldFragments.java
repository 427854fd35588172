/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.MutableDirectBuffer;

/**
 * A processor's fixed-capacity store of held fragments ({@link Verdict#HOLD}): references to the caller's buffer
 * regions, never copies. The slot index is the token {@link io.natcore.track.FragmentTracker} keeps.
 * <p>
 * A slot goes FREE -> HELD (on HOLD) -> RELEASED (translated or dropped, listed for the caller) -> FREE when the
 * caller's next {@code process}/{@code processBurst} call starts: a released slot is not reused before the caller
 * has had the chance to drain it, so the release list never outgrows the capacity. Single threaded; all arrays
 * preallocated.
 */
final class HeldFragments
{
    final int capacity;
    final MutableDirectBuffer[] buffers;
    final int[] offsets;
    final int[] lengths;
    final int[] ingress;
    final long[] heldAtNanos;
    /** Per slot, once released. */
    final Verdict[] verdicts;
    final int[] egresses;
    final Reason[] reasons;
    final int[] outLengths;

    private final int[] free;
    private int freeCount;
    /** Slots released since the last {@link #recycle()}, in release order. */
    final int[] released;
    int releasedCount;
    /** Slots currently HELD. */
    int heldCount;

    HeldFragments(final int capacity)
    {
        this.capacity = Math.max(0, capacity);
        final int n = Math.max(1, this.capacity);
        buffers = new MutableDirectBuffer[n];
        offsets = new int[n];
        lengths = new int[n];
        ingress = new int[n];
        heldAtNanos = new long[n];
        verdicts = new Verdict[n];
        egresses = new int[n];
        reasons = new Reason[n];
        outLengths = new int[n];
        free = new int[n];
        released = new int[n];
        for (int i = 0; i < this.capacity; i++)
        {
            free[i] = this.capacity - 1 - i;
        }
        freeCount = this.capacity;
    }

    /** @return the slot now holding the region, or -1 when full. */
    int hold(final MutableDirectBuffer buf, final int offset, final int length, final int ingressIf, final long now)
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int slot = free[--freeCount];
        buffers[slot] = buf;
        offsets[slot] = offset;
        lengths[slot] = length;
        ingress[slot] = ingressIf;
        heldAtNanos[slot] = now;
        verdicts[slot] = null;
        heldCount++;
        return slot;
    }

    /** Gives back a slot taken by {@link #hold} that was not needed after all. */
    void unhold(final int slot)
    {
        buffers[slot] = null;
        free[freeCount++] = slot;
        heldCount--;
    }

    /** Lists a HELD slot as released with its final verdict. */
    void release(final int slot, final Verdict verdict, final int egress, final Reason why, final int outLength)
    {
        verdicts[slot] = verdict;
        egresses[slot] = egress;
        reasons[slot] = why;
        outLengths[slot] = outLength;
        released[releasedCount++] = slot;
        heldCount--;
    }

    /** Frees the slots the caller has drained (called when the caller hands in the next packet or burst). */
    void recycle()
    {
        for (int i = 0; i < releasedCount; i++)
        {
            final int slot = released[i];
            buffers[slot] = null;
            free[freeCount++] = slot;
        }
        releasedCount = 0;
    }

    /** @return earliest time a held slot was taken, or Long.MAX_VALUE when none is held (scans: bounded, small). */
    long oldestHeldNanos()
    {
        long oldest = Long.MAX_VALUE;
        boolean any = false;
        for (int s = 0; s < capacity; s++)
        {
            if (buffers[s] != null && verdicts[s] == null)
            {
                oldest = !any || heldAtNanos[s] - oldest < 0 ? heldAtNanos[s] : oldest;
                any = true;
            }
        }
        return oldest;
    }
}
