/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * What {@link FragmentTracker} decided for one fragment: a mutable holder the caller reuses (one per
 * thread). Fields are plain; every call overwrites them.
 */
public final class FragmentResult
{
    /** Handle the tokens in {@link #tokens}: see the method that filled them. */
    public final long[] tokens;
    /** Number of valid entries in {@link #tokens}. */
    public int tokenCount;
    /** One of {@link FragmentTracker#FIRST}, {@code FOLLOW}, {@code PARKED}, {@code DROP}, {@code COMPLETE}. */
    public int action;
    /** {@link TrackReason} code when dropped. */
    public int reason;
    /** Slot of the datagram (informational: slots move when others are deleted). */
    public int slot;
    /** The handle recorded by {@link FragmentTracker#bind} (FOLLOW). */
    public long handle;
    /** The datagram is now complete (all bytes from 0 to the end seen): its slot is, or will be at bind, freed. */
    public boolean complete;
    /** {@link TrackReason} for the tokens listed as dropped (their datagram died: overlap, timeout...). */
    public int listedReason;
    /** {@link FragmentTracker#COMPLETE}: bytes of the reassembled datagram after the IP header. */
    public int datagramLength;

    /**
     * @param maxParked capacity of {@link #tokens}: the tracker's parked-fragment bound per datagram.
     */
    public FragmentResult(final int maxParked)
    {
        tokens = new long[maxParked];
    }

    void clear()
    {
        tokenCount = 0;
        action = FragmentTracker.DROP;
        reason = TrackReason.NONE;
        slot = -1;
        handle = -1;
        complete = false;
        listedReason = TrackReason.NONE;
        datagramLength = 0;
    }
}
