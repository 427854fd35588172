/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.util.List;

import io.natcore.nat.NatTuple;
import io.natcore.replay.compare.Wire;

/**
 * What the box's own stack sent, from the kernel's record of it. A trace records the box's packets as they left,
 * after NAT (the answer on a connection DNATed to the box leaves from the address the client dialled); the engine's
 * OUTPUT entry point takes them as the stack wrote them, before NAT. The kernel's conntrack events say how each
 * connection was translated:
 * <ul>
 * <li>a packet that left as the inverse of a connection's original tuple is that connection's reply: the stack sent
 *     it with the connection's reply tuple (a connection to the box: its server answered from its own address);</li>
 * <li>one that left as the inverse of the reply tuple belongs to a connection the box opened: the stack sent it with
 *     the original tuple (before OUTPUT's DNAT and POSTROUTING's SNAT).</li>
 * </ul>
 * The packet is rewritten to that tuple and its checksums are summed anew here (RFC 1071 over the whole packet, not
 * by the engine's incremental code), so the engine's translation back is judged against the kernel's bytes. A packet
 * of no connection the kernel translated (none matches, no events, a non-first fragment, an ICMP error) is taken as
 * the stack sent it.
 */
public final class StackPackets
{
    /** The kernel stamps a NEW after the packet that made it: a packet captured up to this much before it is its. */
    private static final long NEW_AFTER_PACKET_NANOS = 1_000_000;
    private static final int IP_CHECKSUM = 10;
    private static final int TCP_CHECKSUM = 16;
    private static final int UDP_CHECKSUM = 6;
    private static final int ICMP_CHECKSUM = 2;
    private static final int ICMP_ID = 4;

    private final List<KernelDraws.Connection> connections;
    private final NatTuple sent = new NatTuple();
    private final NatTuple inverse = new NatTuple();

    /**
     * @param connections the kernel's connections ({@link KernelDraws#connections()}), in the record's order; empty
     *                    when the trace has no events.
     */
    public StackPackets(final List<KernelDraws.Connection> connections)
    {
        this.connections = connections;
    }

    /**
     * @param ip        the box's packet as the kernel sent it (from the IPv4 header on, trimmed); not changed.
     * @param timeNanos its capture time.
     * @return the packet as the box's stack wrote it: a new array, or {@code ip} itself when nothing was translated.
     */
    public byte[] asTheStackSentIt(final byte[] ip, final long timeNanos)
    {
        if (!tupleOf(ip, sent))
        {
            return ip;
        }
        inverse.invertOf(sent);
        NatTuple before = null;
        // The latest connection of this tuple made before the packet: a tuple may be reused by later connections.
        for (final KernelDraws.Connection c : connections)
        {
            if (c.newNanos() - NEW_AFTER_PACKET_NANOS > timeNanos)
            {
                break;
            }
            if (same(inverse, c.orig()))
            {
                before = c.reply(); // the reply direction, as the answering stack sent it
            }
            else if (same(inverse, c.reply()))
            {
                before = c.orig(); // a connection the box opened, as its stack sent it
            }
        }
        if (before == null || same(before, sent))
        {
            return ip;
        }
        return rewritten(ip, before);
    }

    /** The packet's tuple as conntrack names it: ports, an ICMP query's identifier in both, else ports 0. */
    private static boolean tupleOf(final byte[] ip, final NatTuple out)
    {
        if (ip.length < 20 || (ip[0] & 0xF0) != 0x40 || (Wire.u16(ip, 6) & 0x1FFF) != 0)
        {
            return false;
        }
        final int l4 = (ip[0] & 0x0F) * 4;
        final int proto = Wire.u8(ip, 9);
        final int src = Wire.u32(ip, 12);
        final int dst = Wire.u32(ip, 16);
        if (proto == Wire.ICMP)
        {
            if (l4 + 8 > ip.length || !isQuery(Wire.u8(ip, l4)))
            {
                return false;
            }
            final int id = Wire.u16(ip, l4 + ICMP_ID);
            out.set(proto, src, dst, id, id);
            return true;
        }
        if (proto == Wire.TCP || proto == Wire.UDP)
        {
            if (l4 + 4 > ip.length)
            {
                return false;
            }
            out.set(proto, src, dst, Wire.u16(ip, l4), Wire.u16(ip, l4 + 2));
            return true;
        }
        return false;
    }

    /** ICMP queries and their replies (echo, timestamp, information, address mask): conntrack tracks these by id. */
    private static boolean isQuery(final int type)
    {
        return type == 0 || type == 8 || (type >= 13 && type <= 18);
    }

    private static boolean same(final NatTuple a, final NatTuple b)
    {
        return a.proto == b.proto && a.srcIp == b.srcIp && a.dstIp == b.dstIp && a.srcPort == b.srcPort &&
            a.dstPort == b.dstPort;
    }

    private static byte[] rewritten(final byte[] ip, final NatTuple t)
    {
        final byte[] b = ip.clone();
        final int l4 = (b[0] & 0x0F) * 4;
        putInt(b, 12, t.srcIp);
        putInt(b, 16, t.dstIp);
        Wire.put16(b, IP_CHECKSUM, 0);
        Wire.put16(b, IP_CHECKSUM, ~Wire.fold(Wire.sum(b, 0, l4)) & 0xFFFF);
        final int l4Length = b.length - l4;
        if (t.proto == Wire.ICMP)
        {
            Wire.put16(b, l4 + ICMP_ID, t.srcPort);
            Wire.put16(b, l4 + ICMP_CHECKSUM, 0);
            Wire.put16(b, l4 + ICMP_CHECKSUM, ~Wire.fold(Wire.sum(b, l4, b.length)) & 0xFFFF);
            return b;
        }
        Wire.put16(b, l4, t.srcPort);
        Wire.put16(b, l4 + 2, t.dstPort);
        final int at = l4 + (t.proto == Wire.TCP ? TCP_CHECKSUM : UDP_CHECKSUM);
        if (t.proto == Wire.UDP && Wire.u16(ip, at) == 0)
        {
            return b; // sent without a checksum
        }
        Wire.put16(b, at, 0);
        final int c = ~Wire.fold(Wire.pseudoHeaderSum(b, 0, t.proto, l4Length) + Wire.sum(b, l4, b.length)) & 0xFFFF;
        Wire.put16(b, at, t.proto == Wire.UDP && c == 0 ? 0xFFFF : c); // UDP sends a computed 0 as 0xFFFF
        return b;
    }

    private static void putInt(final byte[] b, final int at, final int v)
    {
        Wire.put16(b, at, v >>> 16);
        Wire.put16(b, at + 2, v & 0xFFFF);
    }
}
