/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.IpProtocol;

/**
 * Mutable IPv4 5-tuple (plain fields, one instance per thread). Addresses are ints in network order value,
 * ports 0..65535; an ICMP query carries its identifier in both port fields (as the flow table keys it).
 */
public final class NatTuple
{
    /** IP protocol number. */
    public int proto;
    /** Source address. */
    public int srcIp;
    /** Destination address. */
    public int dstIp;
    /** Source port, or ICMP identifier. */
    public int srcPort;
    /** Destination port, or ICMP identifier. */
    public int dstPort;

    /**
     * @return this, filled.
     */
    public NatTuple set(final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
    {
        this.proto = proto;
        this.srcIp = srcIp;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    /**
     * @param other tuple to copy.
     * @return this.
     */
    public NatTuple copyFrom(final NatTuple other)
    {
        return set(other.proto, other.srcIp, other.dstIp, other.srcPort, other.dstPort);
    }

    /**
     * Fill this with the inverse of {@code other} (source and destination swapped), the kernel's
     * {@code nf_ct_invert_tuple}.
     *
     * @param other tuple to invert.
     * @return this.
     */
    public NatTuple invertOf(final NatTuple other)
    {
        return set(other.proto, other.dstIp, other.srcIp, other.dstPort, other.srcPort);
    }

    /**
     * @param proto IP protocol.
     * @return true when the protocol has ports (or an ICMP id) the NAT may choose: TCP, UDP, UDP-Lite, SCTP, DCCP, ICMP.
     */
    public static boolean hasPorts(final int proto)
    {
        return IpProtocol.hasPortHeader(proto) || proto == IpProtocol.ICMP;
    }

    @Override
    public String toString()
    {
        return "NatTuple{proto=" + proto + ", " + Integer.toHexString(srcIp) + ':' + srcPort + " -> " +
            Integer.toHexString(dstIp) + ':' + dstPort + '}';
    }
}
