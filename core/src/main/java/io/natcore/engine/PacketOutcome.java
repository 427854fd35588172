/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * What the last packet came to, written by the stage that decides it and read by the caller through
 * {@link PacketProcessor}: the egress interface, the reason, the destination it was routed to and the connection it
 * belonged to. {@link #finish} is the last step of every path: it settles the verdict and counts it. One per
 * processor, plain fields (one thread).
 */
final class PacketOutcome
{
    /** {@link #connection} of a packet no connection holds (untracked, forwarded untranslated). */
    static final long HANDLE_UNTRACKED = -2;
    /** {@link #connection} of a dropped packet (for the fragments that follow it). */
    static final long HANDLE_DROPPED = -3;
    /** {@link #connection} of a packet delivered locally untracked (a tracked one has its connection's handle). */
    static final long HANDLE_LOCAL = -4;

    private final Counters counters;

    /** Egress interface after FORWARD or INVALID, else -1. */
    int egress = -1;
    /** Why the packet was not simply forwarded ({@link Reason#NONE} when it was). */
    Reason reason = Reason.NONE;
    /** Destination the packet was routed to (after DNAT): with FORWARD and TIME_EXCEEDED. */
    int routedDestination;
    /** Table handle of the connection the packet belongs to, or a HANDLE_* marker. */
    long connection = HANDLE_UNTRACKED;

    private int savedEgress;
    private Reason savedReason;
    private long savedConnection;

    PacketOutcome(final Counters counters)
    {
        this.counters = counters;
    }

    /** Before a packet: nothing decided yet. */
    void begin()
    {
        egress = -1;
        reason = Reason.NONE;
        connection = HANDLE_UNTRACKED;
    }

    /** The verdict, counted; the egress is kept only for a packet that leaves (FORWARD, INVALID). */
    Verdict finish(final Verdict verdict, final Reason why)
    {
        reason = why;
        if (verdict != Verdict.FORWARD && verdict != Verdict.INVALID)
        {
            egress = -1;
        }
        counters.verdict(verdict);
        if (why != Reason.NONE)
        {
            counters.reason(why);
        }
        return verdict;
    }

    /**
     * @return the handle fragments following this packet take: its connection, or the marker of its fate.
     */
    long handleForFollowers(final Verdict verdict)
    {
        return verdict == Verdict.DROP || verdict == Verdict.TIME_EXCEEDED ? HANDLE_DROPPED : connection;
    }

    /** Keeps the packet in hand's outcome while held fragments are processed (one level: not nested). */
    void save()
    {
        savedEgress = egress;
        savedReason = reason;
        savedConnection = connection;
    }

    /** Back to the outcome {@link #save} kept. */
    void restore()
    {
        egress = savedEgress;
        reason = savedReason;
        connection = savedConnection;
    }
}
