/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * When the fragments of a fragmented IPv4 datagram leave the engine.
 */
public enum FragmentHandling
{
    /**
     * As the kernel (the default): every fragment is held ({@link Verdict#HOLD}, no copy) until the datagram is
     * complete and consistent, then all are translated and released in offset order, each as it came (the kernel
     * reassembles in PREROUTING and sends the datagram again cut where it was cut: {@code ip_do_fragment}'s fast
     * path with {@code frag_max_size}), each with the first fragment's TTL and TOS and the ECN bits of all
     * ({@code ip_frag_ecn_table}). A datagram with overlapping fragments, one past 65535 bytes, one mixing Not-ECT and
     * ECN-capable fragments, or one not complete within the fragment timeout ({@code ipfrag_time}, 30 s) is dropped
     * whole, with its reason and counter; it makes no connection.
     */
    REASSEMBLE,
    /**
     * For latency: the first fragment is translated and sent on arrival, later ones as they come (held only while
     * their first fragment is missing). A datagram the kernel would drop later (overlap, oversize, timeout) has then
     * already sent its first fragment and made its connection.
     */
    EMIT_ON_ARRIVAL
}
