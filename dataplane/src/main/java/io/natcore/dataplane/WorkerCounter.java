/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

/**
 * What each worker counts besides the engine's verdicts and reasons, one counter per worker in the counters file
 * (label {@code "worker N: <label>"}), as Aeron's {@code SystemCounterDescriptor} lists a driver's counters.
 */
enum WorkerCounter
{
    /** Frames taken off the RX ring. */
    RX_FRAMES("rx frames"),
    /** Frames neither IPv4 nor ARP (IPv6, LLDP...): left to the host. */
    RX_NOT_IPV4("rx not ipv4 or arp"),
    /** IPv4 frames not addressed to our MAC (broadcast, multicast, another host's). */
    RX_NOT_FOR_US("rx ipv4 not for our mac"),
    /** Frames cut by the ring (longer than a frame: GRO/LRO left on, or a jumbo frame), dropped. */
    RX_TRUNCATED("rx truncated, dropped"),
    /** Packets whose L4 checksum a local sender left partial (TP_STATUS_CSUMNOTREADY), completed before NAT. */
    RX_CHECKSUM_COMPLETED("rx partial checksum completed"),
    /** ARP packets received. */
    ARP_RECEIVED("arp received"),
    /** ARP packets that resolved or refreshed a next hop. */
    ARP_LEARNED("arp learned"),
    /** ARP requests this worker sent. */
    ARP_REQUESTS_SENT("arp requests sent"),
    /** Frames handed to the TX ring. */
    TX_FRAMES("tx frames"),
    /** Packets dropped because every TX frame was still in flight. */
    TX_RING_FULL("tx ring full, dropped"),
    /** send() calls that failed (ENOBUFS, interface down). */
    TX_SEND_ERRORS("tx send errors"),
    /** TX frames the kernel refused as malformed (TP_STATUS_WRONG_FORMAT). */
    TX_WRONG_FORMAT("tx wrong format"),
    /** Forwarded packets whose egress is another interface than the one this box serves. */
    EGRESS_OTHER_INTERFACE("egress not this interface, dropped"),
    /** Forwarded packets with no route for their (translated) destination. */
    NO_ROUTE("no route, dropped"),
    /** Packets queued while their next hop resolved. */
    NEIGHBOUR_QUEUED("neighbour unresolved, queued"),
    /** Packets dropped because the queue for unresolved next hops was full. */
    NEIGHBOUR_QUEUE_FULL("neighbour queue full, dropped"),
    /** Queued packets dropped because their next hop did not answer ARP in time. */
    NEIGHBOUR_TIMEOUT("neighbour timeout, dropped"),
    /** Packets handed to the host (verdict LOCAL: the box's own services, or dropped by the ingress filter). */
    LOCAL("local, left to the host"),
    /** ICMP time exceeded sent (TTL expired). */
    ICMP_TIME_EXCEEDED_SENT("icmp time exceeded sent"),
    /** ICMP fragmentation needed sent (DF packet above the egress MTU). */
    ICMP_FRAG_NEEDED_SENT("icmp fragmentation needed sent"),
    /** ICMP network unreachable sent (no route). */
    ICMP_UNREACHABLE_SENT("icmp net unreachable sent"),
    /** ICMP errors suppressed by the rate limit. */
    ICMP_RATE_LIMITED("icmp errors rate limited"),
    /** Packets above the egress MTU split into fragments. */
    FRAGMENTED("packets fragmented"),
    /** Fragments held by the engine, copied off the ring. */
    FRAGMENTS_COPIED("fragments copied to the side pool"),
    /** poll() reported an error on the socket (interface down or gone). */
    SOCKET_ERRORS("socket errors (interface down?)"),
    /** Fragments dropped because the side pool was full. */
    SIDE_POOL_FULL("side pool full, dropped"),
    /** A packet for a next hop not yet resolved that is larger than a neighbour-queue slot (it cannot wait). */
    NEIGHBOUR_TOO_BIG_TO_QUEUE("neighbour unresolved, too big to queue, dropped");

    static final WorkerCounter[] VALUES = values();
    final String label;

    WorkerCounter(final String label)
    {
        this.label = label;
    }
}
