/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * What a tracker decided for one packet: a mutable holder the caller reuses (one per thread), public
 * plain fields like {@code ParsedPacket}. Every tracker call overwrites every field.
 *
 * <p>How the engine applies it (the kernel's {@code nf_conntrack_in}):
 * <ol>
 * <li>{@link #verdict} {@link #ACCEPT}: the packet belongs to the connection. If {@link #destroy},
 *     translate and forward it, then destroy the entry (DESTROY event; no UPDATE). Else if {@link #refresh},
 *     set the deadline to {@code now + timeoutNanos}. If it is a reply-direction packet and SEEN_REPLY
 *     was clear, set SEEN_REPLY and add {@link #EVENT_REPLY}. If {@link #setAssured}, set ASSURED.
 *     Emit one UPDATE if {@code events != 0} (after those steps, so it shows the new state/timeout).</li>
 * <li>{@link #INVALID} (kernel -NF_ACCEPT): the packet is untracked: forward it untranslated (or drop
 *     by policy); the entry keeps its state. If {@link #refresh} the deadline is lowered to
 *     {@code now + timeoutNanos} (kernel {@code nf_tcp_handle_invalid}). A new connection is not created.</li>
 * <li>{@link #REPEAT} (kernel -NF_REPEAT): destroy the entry, then process the same packet again as
 *     the first packet of a new connection.</li>
 * <li>{@link #DROP}: drop the packet.</li>
 * </ol>
 */
public final class TrackResult
{
    /** Packet accepted as part of the connection (kernel NF_ACCEPT). */
    public static final int ACCEPT = 0;
    /** Packet invalid for the connection: untracked (kernel -NF_ACCEPT). */
    public static final int INVALID = 1;
    /** Drop the packet (kernel NF_DROP). */
    public static final int DROP = 2;
    /** Destroy the entry and handle the packet as new (kernel -NF_REPEAT). */
    public static final int REPEAT = 3;

    /** Event bit: protocol state changed (kernel IPCT_PROTOINFO). */
    public static final int EVENT_PROTOINFO = 1;
    /** Event bit: ASSURED just set (kernel IPCT_ASSURED). */
    public static final int EVENT_ASSURED = 2;
    /** Event bit the engine adds when it sets SEEN_REPLY (kernel IPCT_REPLY); trackers never set it. */
    public static final int EVENT_REPLY = 4;

    /** One of {@link #ACCEPT}, {@link #INVALID}, {@link #DROP}, {@link #REPEAT}. */
    public int verdict;
    /** {@link TrackReason} code; NONE on a plain accept. */
    public int reason;
    /** Protocol state before the packet (TCP: {@link TcpState}; others 0). */
    public int oldState;
    /** Protocol state after the packet: TCP callers store it in the entry whatever the verdict (unchanged unless accepted). */
    public int newState;
    /** True when the deadline must be set to now + {@link #timeoutNanos}. */
    public boolean refresh;
    /** New timeout when {@link #refresh}. */
    public long timeoutNanos;
    /** Set ASSURED on the entry. */
    public boolean setAssured;
    /** Accept the packet, then destroy the entry (TCP RST before any reply). */
    public boolean destroy;
    /** Event bits ({@link #EVENT_PROTOINFO}, {@link #EVENT_ASSURED}); 0 = nothing to report. */
    public int events;

    /** Resets every field to "accepted, nothing changed". */
    public TrackResult clear()
    {
        verdict = ACCEPT;
        reason = TrackReason.NONE;
        oldState = 0;
        newState = 0;
        refresh = false;
        timeoutNanos = 0;
        setAssured = false;
        destroy = false;
        events = 0;
        return this;
    }

    @Override
    public String toString()
    {
        return "TrackResult{verdict=" + verdict + ", reason=" + TrackReason.name(reason) + ", state=" +
            oldState + "->" + newState + ", refresh=" + refresh + ", timeoutNanos=" + timeoutNanos +
            ", setAssured=" + setAssured + ", destroy=" + destroy + ", events=" + events + '}';
    }
}
