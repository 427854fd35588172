/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * NAT binding and per-packet rewriting, after Linux {@code nf_nat_core.c}: {@link io.natcore.nat.PortAllocator}
 * chooses the translated tuple of a new connection (keep the port when its reply tuple is free, else search the
 * port class from a seeded random offset; ICMP ids likewise; {@code --random}, {@code --random-fully},
 * {@code --persistent}); {@link io.natcore.nat.Rewriter} precomputes each direction's rewrite and RFC 1624 checksum
 * deltas and applies them to a packet; {@link io.natcore.nat.IcmpErrorTranslator} translates ICMP errors related
 * to a connection (outer header, quoted header and ports, checksums). Nothing here allocates or throws per packet.
 */
package io.natcore.nat;
