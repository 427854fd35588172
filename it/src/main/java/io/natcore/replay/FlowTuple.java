/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import io.natcore.replay.compare.Wire;

/**
 * The 5-tuple a network engineer reads off a packet (ICMP queries: the identifier in both
 * port slots), taken straight from the bytes for the demo's translation log.
 *
 * @param proto protocol number.
 * @param src   source address.
 * @param sport source port (ICMP query id), -1 if none.
 * @param dst   destination address.
 * @param dport destination port (ICMP query id), -1 if none.
 */
record FlowTuple(int proto, int src, int sport, int dst, int dport)
{
    /**
     * @param b   packet bytes.
     * @param off start of the IPv4 header.
     * @param len bytes available.
     * @return the tuple, or null if the packet is too short or not a first fragment.
     */
    static FlowTuple of(final byte[] b, final int off, final int len)
    {
        if (len < 20 || (b[off] & 0xF0) != 0x40)
        {
            return null;
        }
        final int ihl = (b[off] & 0x0F) * 4;
        final int proto = Wire.u8(b, off + 9);
        final int src = Wire.u32(b, off + 12);
        final int dst = Wire.u32(b, off + 16);
        final int l4 = off + ihl;
        if ((Wire.u16(b, off + 6) & 0x1FFF) != 0)
        {
            return new FlowTuple(proto, src, -1, dst, -1);
        }
        if ((proto == Wire.TCP || proto == Wire.UDP) && l4 + 4 <= off + len)
        {
            return new FlowTuple(proto, src, Wire.u16(b, l4), dst, Wire.u16(b, l4 + 2));
        }
        if (proto == Wire.ICMP && l4 + 8 <= off + len)
        {
            final int type = Wire.u8(b, l4);
            if (type == 8 || type == 0 || type == 13 || type == 14)
            {
                final int id = Wire.u16(b, l4 + 4);
                return new FlowTuple(proto, src, id, dst, id);
            }
        }
        return new FlowTuple(proto, src, -1, dst, -1);
    }

    /**
     * @param b   packet bytes.
     * @param off start of the IPv4 header.
     * @param len bytes available.
     * @return the tuple of the packet an ICMP error quotes, or null if it is not one.
     */
    static FlowTuple quotedBy(final byte[] b, final int off, final int len)
    {
        if (len < 28 || Wire.u8(b, off + 9) != Wire.ICMP)
        {
            return null;
        }
        final int l4 = off + (b[off] & 0x0F) * 4;
        if (l4 + 28 > off + len)
        {
            return null;
        }
        final int type = Wire.u8(b, l4);
        if (type != 3 && type != 4 && type != 5 && type != 11 && type != 12)
        {
            return null;
        }
        return of(b, l4 + 8, off + len - l4 - 8);
    }

    /**
     * @param b   packet bytes.
     * @param off start of the IPv4 header.
     * @param len bytes available.
     * @return true for a fragment other than the first (no L4 header).
     */
    static boolean isLaterFragment(final byte[] b, final int off, final int len)
    {
        return len >= 20 && (b[off] & 0xF0) == 0x40 && (Wire.u16(b, off + 6) & 0x1FFF) != 0;
    }

    /**
     * @param b   packet bytes.
     * @param off start of the IPv4 header.
     * @param len bytes available.
     * @return "tcp 10.0.0.1:1234 -> 10.0.0.2:80", or what makes it unreadable.
     */
    static String describe(final byte[] b, final int off, final int len)
    {
        final FlowTuple t = of(b, off, len);
        return t == null ? len + " bytes, not a readable IPv4 header" :
            t.protoName() + " " + t.from() + " -> " + t.to() + (isLaterFragment(b, off, len) ? " (later fragment)" : "");
    }

    FlowTuple reversed()
    {
        return new FlowTuple(proto, dst, dport, src, sport);
    }

    String protoName()
    {
        return proto == Wire.TCP ? "tcp" : proto == Wire.UDP ? "udp" : proto == Wire.ICMP ? "icmp" : "proto " + proto;
    }

    static String endpoint(final int ip, final int port)
    {
        return port < 0 ? Wire.ip(ip) : Wire.ip(ip) + ":" + port;
    }

    String from()
    {
        return proto == Wire.ICMP && sport >= 0 ? Wire.ip(src) + " (id " + sport + ")" : endpoint(src, sport);
    }

    String to()
    {
        return proto == Wire.ICMP ? Wire.ip(dst) : endpoint(dst, dport);
    }
}
