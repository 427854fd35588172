/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.MutableDirectBuffer;

/**
 * A processor's fixed-capacity store of held fragments ({@link Verdict#HOLD}): references to the caller's buffer
 * regions, never copies. The slot index is the token {@link io.natcore.track.FragmentTracker} keeps.
 * <p>
 * A held slot is freed when its fragment is released; the release (buffer reference, offset, verdict...) is
 * recorded in a separate list the caller drains after {@code process}/{@code processBurst}, cleared when the next
 * call starts. Releases between two clears never exceed the packets held at the first plus those held since, so a
 * hold is refused when {@code held + released} would pass {@code capacity + MAX_BURST}: never within one
 * {@code process} call or one burst of up to {@link PacketProcessor#MAX_BURST} packets. Single threaded; all arrays
 * preallocated.
 */
final class HeldFragments
{
    final int capacity;
    private final MutableDirectBuffer[] buffers;
    final int[] offsets;
    final int[] lengths;
    private final int[] ingress;
    private final long[] heldAtNanos;
    private final int[] free;
    private int freeCount;
    /** Slots currently held. */
    int heldCount;

    /** The release list, in release order. */
    final MutableDirectBuffer[] relBuffers;
    final int[] relOffsets;
    final int[] relLengths;
    final int[] relIngress;
    final Verdict[] relVerdicts;
    final int[] relEgresses;
    final Reason[] relReasons;
    int releasedCount;

    HeldFragments(final int capacity)
    {
        this.capacity = Math.max(0, capacity);
        final int n = Math.max(1, this.capacity);
        buffers = new MutableDirectBuffer[n];
        offsets = new int[n];
        lengths = new int[n];
        ingress = new int[n];
        heldAtNanos = new long[n];
        free = new int[n];
        for (int i = 0; i < this.capacity; i++)
        {
            free[i] = this.capacity - 1 - i;
        }
        freeCount = this.capacity;
        final int r = this.capacity + PacketProcessor.MAX_BURST;
        relBuffers = new MutableDirectBuffer[r];
        relOffsets = new int[r];
        relLengths = new int[r];
        relIngress = new int[r];
        relVerdicts = new Verdict[r];
        relEgresses = new int[r];
        relReasons = new Reason[r];
    }

    /** @return the slot now holding the region, or -1 when full. */
    int hold(final MutableDirectBuffer buf, final int offset, final int length, final int ingressIf, final long now)
    {
        if (freeCount == 0 || heldCount + releasedCount >= relBuffers.length)
        {
            return -1;
        }
        final int slot = free[--freeCount];
        buffers[slot] = buf;
        offsets[slot] = offset;
        lengths[slot] = length;
        ingress[slot] = ingressIf;
        heldAtNanos[slot] = now;
        heldCount++;
        return slot;
    }

    /** @return buffer of a held slot. */
    MutableDirectBuffer buffer(final int slot)
    {
        return buffers[slot];
    }

    /** @return the interface a held slot's packet came in on. */
    int ingress(final int slot)
    {
        return ingress[slot];
    }

    /** Gives back a slot taken by {@link #hold} that was not needed after all. */
    void unhold(final int slot)
    {
        buffers[slot] = null;
        free[freeCount++] = slot;
        heldCount--;
    }

    /** Moves a held slot to the release list with its final verdict; the slot is free again. */
    void release(final int slot, final Verdict verdict, final int egress, final Reason why, final int outLength)
    {
        final int r = releasedCount++;
        relBuffers[r] = buffers[slot];
        relOffsets[r] = offsets[slot];
        relLengths[r] = outLength;
        relIngress[r] = ingress[slot];
        relVerdicts[r] = verdict;
        relEgresses[r] = egress;
        relReasons[r] = why;
        unhold(slot);
    }

    /** Clears the release list the caller has drained (called when the caller hands in the next packet or burst). */
    void recycle()
    {
        for (int i = 0; i < releasedCount; i++)
        {
            relBuffers[i] = null;
        }
        releasedCount = 0;
    }

    /** @return earliest time a held slot was taken (only meaningful while one is held; a bounded, small scan). */
    long oldestHeldNanos()
    {
        long oldest = 0;
        boolean any = false;
        for (int s = 0; s < capacity; s++)
        {
            if (buffers[s] != null && (!any || heldAtNanos[s] - oldest < 0))
            {
                oldest = heldAtNanos[s];
                any = true;
            }
        }
        return oldest;
    }
}
