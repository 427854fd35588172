/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * What the dataplane does with a packet after {@link PacketProcessor#process}.
 */
public enum Verdict
{
    /** Send it out of {@link PacketProcessor#egressIfIndex()}; it was rewritten in place. */
    FORWARD,
    /**
     * For the box itself: deliver it to the box's own stack. Tracked like any packet (its connection is in the table,
     * shared with forwarded traffic) and translated in place: PREROUTING's DNAT or REDIRECT to a box address and the
     * nat INPUT chain's SNAT for a new connection, or the connection's reply tuple for an answer to one the box opened.
     * TTL untouched. From {@link PacketProcessor#processOutput}: a packet the box sends to one of its own addresses
     * (loop it back). Also untracked packets addressed to the box (INVALID, or an ICMP error about no connection).
     */
    LOCAL,
    /** Drop it; {@link PacketProcessor#reason()} says why. */
    DROP,
    /**
     * Conntrack deems it INVALID: untracked and untranslated. Linux forwards such packets as they are, so the
     * egress is set when a route exists; {@link NatEngineConfig.Builder#dropInvalid(boolean)} turns these into
     * {@link #DROP}.
     */
    INVALID,
    /** TTL would expire in forwarding: the router answers with ICMP time exceeded; the engine emits nothing. */
    TIME_EXCEEDED,
    /**
     * A non-first fragment that arrived before its first fragment: the engine keeps a reference to this buffer
     * region; do not reuse it until it is handed back through {@link PacketProcessor#releasedCount()} (translated
     * once the first fragment is, or dropped when its datagram times out or dies). Its verdict counter counts the
     * packets held now: a released one moves to its final verdict's counter, so each packet counts once.
     */
    HOLD
}
