/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers", the kernel's {@code IPPROTO_*}) and which of them
 * carry ports: the one place these facts live.
 */
public final class IpProtocol
{
    /** ICMP. */
    public static final int ICMP = 1;
    /** TCP. */
    public static final int TCP = 6;
    /** UDP. */
    public static final int UDP = 17;
    /** DCCP. */
    public static final int DCCP = 33;
    /** GRE. */
    public static final int GRE = 47;
    /** SCTP. */
    public static final int SCTP = 132;
    /** UDP-Lite (RFC 3828). */
    public static final int UDPLITE = 136;

    private IpProtocol()
    {
    }

    /**
     * @param proto IP protocol.
     * @return true when the L4 header starts with a source and a destination port (16 bits each, network order):
     *     TCP, UDP, UDP-Lite, SCTP, DCCP (the kernel's port-based {@code nf_nat_l4proto} manips).
     */
    public static boolean hasPortHeader(final int proto)
    {
        return proto == TCP || proto == UDP || proto == UDPLITE || proto == SCTP || proto == DCCP;
    }
}
