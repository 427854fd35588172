/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import org.agrona.DirectBuffer;

/**
 * Test fixture: IPv4 packets built byte by byte, with checksums recomputed from scratch by a plain RFC 1071 loop
 * separate from the code under test. The one packet builder and checksum of the {@code it} module's tests.
 */
public final class TestPackets
{
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    /** Addresses of the reference topology: a client, the box's masquerade address, a server, a router. */
    public static final int CLIENT = 0xC0A80105; // 192.168.1.5
    public static final int MASQ = 0xAC100205;   // 172.16.2.5
    public static final int SERVER = 0xAC100305; // 172.16.3.5
    public static final int ROUTER = 0x0A090909; // 10.9.9.9

    private TestPackets()
    {
    }

    // ---------------------------------------------------------------- bytes and checksums

    public static int u16(final byte[] b, final int off)
    {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    public static int u32(final byte[] b, final int off)
    {
        return u16(b, off) << 16 | u16(b, off + 2);
    }

    public static void put16(final byte[] b, final int off, final int v)
    {
        b[off] = (byte)(v >> 8);
        b[off + 1] = (byte)v;
    }

    public static void put32(final byte[] b, final int off, final int v)
    {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }

    public static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** @return the checksum to write over {@code [from, to)}: the complement of the folded sum (odd byte padded). */
    public static int onesComplement(final byte[] b, final int from, final int to, final long initial)
    {
        long sum = initial;
        for (int i = from; i < to; i += 2)
        {
            sum += i + 1 < to ? u16(b, i) : (b[i] & 0xFF) << 8;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    /** @return the pseudo-header sum (unfolded) of the packet at 0 for an L4 length. */
    public static long pseudo(final byte[] ip, final int proto, final int l4Length)
    {
        return (long)u16(ip, 12) + u16(ip, 14) + u16(ip, 16) + u16(ip, 18) + proto + l4Length;
    }

    /**
     * Recomputes the IPv4 header checksum in place.
     *
     * @param ip packet, IPv4 header at 0.
     */
    public static void fixIpHeader(final byte[] ip)
    {
        final int ihl = (ip[0] & 0x0F) * 4;
        put16(ip, 10, 0);
        put16(ip, 10, onesComplement(ip, 0, ihl, 0));
    }

    /**
     * Recomputes the TCP, UDP (unless zero) or ICMP checksum of an unfragmented packet in place.
     *
     * @param ip packet, IPv4 header at 0, trimmed to its total length.
     */
    public static void fixL4(final byte[] ip)
    {
        final int ihl = (ip[0] & 0x0F) * 4;
        final int proto = ip[9] & 0xFF;
        final int l4Length = ip.length - ihl;
        if (proto == 1)
        {
            put16(ip, ihl + 2, 0);
            put16(ip, ihl + 2, onesComplement(ip, ihl, ip.length, 0));
            return;
        }
        final int at = ihl + (proto == 6 ? 16 : 6);
        if (proto == 17 && u16(ip, at) == 0)
        {
            return;
        }
        put16(ip, at, 0);
        int c = onesComplement(ip, ihl, ip.length, pseudo(ip, proto, l4Length));
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        put16(ip, at, c);
    }

    /**
     * @param ip packet, IPv4 header at 0.
     * @return true if its header checksum verifies.
     */
    public static boolean ipHeaderValid(final byte[] ip)
    {
        return onesComplement(ip, 0, (ip[0] & 0x0F) * 4, 0) == 0;
    }

    /**
     * Recomputes the IP header checksum and, for an unfragmented TCP/UDP/ICMP packet, the L4 checksum, of the packet in
     * {@code b[0, len)} (mutated packets: a header or length that does not fit is left alone).
     */
    public static void repairChecksums(final byte[] b, final int len)
    {
        if (len < 20)
        {
            return;
        }
        final int ihl = (b[0] & 0xF) * 4;
        if (ihl < 20 || ihl > len)
        {
            return;
        }
        put16(b, 10, 0);
        put16(b, 10, onesComplement(b, 0, ihl, 0));
        final int total = Math.min(len, u16(b, 2));
        final boolean fragment = (u16(b, 6) & 0x3FFF) != 0;
        if (fragment || total <= ihl)
        {
            return;
        }
        final int proto = b[9] & 0xFF;
        final int l4Len = total - ihl;
        final int csumAt;
        if (proto == 6 && l4Len >= 20)
        {
            csumAt = ihl + 16;
        }
        else if (proto == 17 && l4Len >= 8)
        {
            csumAt = ihl + 6;
        }
        else if (proto == 1 && l4Len >= 4)
        {
            csumAt = ihl + 2;
        }
        else
        {
            return;
        }
        put16(b, csumAt, 0);
        int c = onesComplement(b, ihl, ihl + l4Len, proto == 1 ? 0 : pseudo(b, proto, l4Len));
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        put16(b, csumAt, c);
    }

    /** @return true when both the IP header and L4 checksums of {@code b} are right (recomputed and compared). */
    public static boolean checksumsValid(final byte[] b)
    {
        final byte[] again = b.clone();
        repairChecksums(again, again.length);
        return java.util.Arrays.equals(b, again);
    }

    // ---------------------------------------------------------------- builders

    /** An IPv4 header without options followed by {@code l4}, header checksum filled. */
    public static byte[] ipv4(
        final int proto, final int src, final int dst, final int id, final int flagsFragment, final int ttl,
        final byte[] l4)
    {
        final byte[] b = new byte[20 + l4.length];
        b[0] = 0x45;
        put16(b, 2, b.length);
        put16(b, 4, id);
        put16(b, 6, flagsFragment);
        b[8] = (byte)ttl;
        b[9] = (byte)proto;
        put32(b, 12, src);
        put32(b, 16, dst);
        System.arraycopy(l4, 0, b, 20, l4.length);
        fixIpHeader(b);
        return b;
    }

    /** A 40-byte (or longer, with payload) TCP segment, id = low bits of seq, DF, TTL 64, window 65535, valid checksums. */
    public static byte[] tcp(
        final int src, final int dst, final int sport, final int dport, final int flags, final int seq, final int ack,
        final int payload)
    {
        final byte[] l4 = new byte[20 + payload];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put32(l4, 4, seq);
        put32(l4, 8, ack);
        l4[12] = 0x50;
        l4[13] = (byte)flags;
        put16(l4, 14, 65535);
        for (int i = 20; i < l4.length; i++)
        {
            l4[i] = (byte)(i + 20);
        }
        final byte[] b = ipv4(6, src, dst, seq & 0xFFFF, 0x4000, 64, l4);
        fixL4(b);
        return b;
    }

    /** An IPv4/UDP datagram with {@code payload} bytes, TTL 64, valid checksums. */
    public static byte[] udp(final int src, final int dst, final int sport, final int dport, final int payload)
    {
        final byte[] l4 = new byte[8 + payload];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put16(l4, 4, l4.length);
        l4[6] = 1; // present: fixL4 computes it
        for (int i = 8; i < l4.length; i++)
        {
            l4[i] = (byte)((i + 20) * 7);
        }
        final byte[] b = ipv4(17, src, dst, 0, 0, 64, l4);
        fixL4(b);
        return b;
    }

    /** A UDP datagram with 12 payload bytes, the given IP id and TTL, with or without a UDP checksum. */
    public static byte[] udpWithId(final int src, final int sport, final int dst, final int dport, final int id,
        final int ttl, final boolean withChecksum)
    {
        final byte[] l4 = new byte[8 + 12];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put16(l4, 4, l4.length);
        for (int i = 8; i < l4.length; i++)
        {
            l4[i] = (byte)('a' + i);
        }
        if (withChecksum)
        {
            l4[6] = 1; // any non-zero: fixL4 recomputes only a present checksum
        }
        final byte[] b = ipv4(17, src, dst, id, 0, ttl, l4);
        fixL4(b);
        return b;
    }

    /** A 20-byte TCP header without payload, the given IP id and TTL; {@code flags} as in the header. */
    public static byte[] tcpWithId(final int src, final int sport, final int dst, final int dport, final int id,
        final int ttl, final long seq, final int flags)
    {
        final byte[] l4 = new byte[20];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put32(l4, 4, (int)seq);
        l4[12] = 0x50;
        l4[13] = (byte)flags;
        l4[14] = (byte)0xFA;
        final byte[] b = ipv4(6, src, dst, id, 0, ttl, l4);
        fixL4(b);
        return b;
    }

    public static byte[] icmpError(final int type, final int code, final int src, final int dst, final int id,
        final int ttl, final byte[] quoted)
    {
        final byte[] l4 = new byte[8 + quoted.length];
        l4[0] = (byte)type;
        l4[1] = (byte)code;
        System.arraycopy(quoted, 0, l4, 8, quoted.length);
        final byte[] b = ipv4(1, src, dst, id, 0, ttl, l4);
        fixL4(b);
        return b;
    }

    /** Sets the source port of a TCP/UDP packet and fixes its L4 checksum. */
    public static void setSport(final byte[] ip, final int port)
    {
        put16(ip, 20, port);
        fixL4(ip);
    }

    // ---------------------------------------------------------------- reading

    /** The packet at {@code [offset, offset+length)} of {@code buf} as bytes. */
    public static byte[] copy(final DirectBuffer buf, final int offset, final int length)
    {
        final byte[] b = new byte[length];
        buf.getBytes(offset, b);
        return b;
    }

    public static int srcIp(final byte[] b)
    {
        return u32(b, 12);
    }

    public static int dstIp(final byte[] b)
    {
        return u32(b, 16);
    }

    public static int srcPort(final byte[] b)
    {
        return u16(b, 20);
    }

    public static int dstPort(final byte[] b)
    {
        return u16(b, 22);
    }
}
