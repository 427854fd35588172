/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Protocol trackers after Linux netfilter conntrack (6.x): {@link io.natcore.track.TcpTracker}
 * (state table, windows, RST, reopen, retransmissions, timeouts, ASSURED),
 * {@link io.natcore.track.UdpTracker}, {@link io.natcore.track.IcmpTracker},
 * {@link io.natcore.track.GenericTracker}, the {@link io.natcore.track.Timeouts} they use and the
 * {@link io.natcore.track.FragmentTracker} that lets later fragments follow the first one.
 *
 * <p>Trackers are pure functions over a small per-connection area the engine keeps in its entry
 * ({@link io.natcore.track.TcpStateLayout#LENGTH} bytes for TCP, {@link io.natcore.track.UdpTracker#LENGTH}
 * for UDP, none for ICMP and generic) and write their decision into a reused
 * {@link io.natcore.track.TrackResult}: verdict, reason, new state, timeout, ASSURED, and the event
 * bits from which the engine emits the same NEW/UPDATE events as {@code conntrack -E}.
 * Nothing on these paths allocates.
 */
package io.natcore.track;
