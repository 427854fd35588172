/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * The NAT engine dataplanes use: one shared {@link io.natcore.engine.NatEngine} (connection table, rules, box,
 * trackers, counters, event stream) and one {@link io.natcore.engine.PacketProcessor} per thread, whose
 * {@code process} call rewrites a packet in place and returns a {@link io.natcore.engine.Verdict} with an egress
 * interface and a {@link io.natcore.engine.Reason}. The path, in order: parse, lookup, (miss: rules, route, bind,
 * insert), rewrite, checksum, verdict; fast path ({@code EstablishedPath}), slow path ({@code NewConnectionPath})
 * and ICMP errors ({@code IcmpErrorPath}) in separate classes. Conntrack events (NEW, UPDATE, DESTROY) leave the
 * packet threads through an Agrona many-to-one ring buffer; {@link io.natcore.engine.NatEngine#dumpConntrack} prints
 * the table as {@code conntrack -L} does.
 */
package io.natcore.engine;
