/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * What the port allocator asks the connection table while it searches: is a tuple held by some connection
 * (either direction)? The kernel's {@code nf_conntrack_tuple_taken}. Implementations must not allocate.
 */
public interface TupleOracle
{
    /**
     * Kernel {@code nf_conntrack_tuple_taken}: is the tuple held? A connection holding it that has timed out but
     * was not reaped yet is destroyed here (as the kernel's lookup reaps it), and the tuple is then free.
     *
     * @param proto   IP protocol.
     * @param srcIp   source address of the tuple.
     * @param dstIp   destination address.
     * @param srcPort source port (ICMP id).
     * @param dstPort destination port (ICMP id).
     * @return true when a live connection holds this tuple in either direction.
     */
    boolean isTakenOrReapExpired(int proto, int srcIp, int dstIp, int srcPort, int dstPort);

    /**
     * Kernel {@code nf_nat_used_tuple_harder}, used only for the last attempts of a TCP SYN's search: when
     * the tuple is held as the REPLY tuple of a source-NATed connection in TIME_WAIT or CLOSE whose sequence
     * space the new connection has moved past, evict that connection and report the tuple free.
     *
     * @return true when the tuple stays taken.
     */
    boolean isTakenOrEvictClosing(int proto, int srcIp, int dstIp, int srcPort, int dstPort);

    /**
     * Kernel {@code find_appropriate_src}: the translated source an existing source-NATed connection from the
     * same original source (protocol, address, port) got, so a client keeps its mapping across destinations.
     *
     * @param proto   IP protocol.
     * @param srcIp   original source address.
     * @param srcPort original source port.
     * @param out     receives the mapped tuple: out.srcIp/out.srcPort set, the rest copied by the caller.
     * @return true when a mapping was found; the default knows none.
     */
    default boolean findSourceMapping(final int proto, final int srcIp, final int srcPort, final NatTuple out)
    {
        return false;
    }
}
