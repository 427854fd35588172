/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * The comparator's own minimal decoder: names every byte range of an IPv4 packet
 * (IPv4 header, TCP / UDP / ICMP header and payload, the packet quoted by an ICMP error)
 * so a difference can be reported by field, and marks the fields the trace rules treat
 * specially (TTL, checksums, ports and ICMP identifiers). The packet starts at offset 0 of
 * the array; bytes past the IPv4 total length are the "trailer".
 */
public final class PacketLayout
{
    /** How the comparator treats a field. */
    public enum Kind
    {
        /** Must be equal. */
        PLAIN,
        /** IPv4 time to live of the outer header (rule 1). */
        TTL,
        /** Outer IPv4 header checksum (rule 1). */
        IP_CHECKSUM,
        /** A port or ICMP identifier NAT may have drawn at random (rule 2). */
        PORT,
        /** A checksum that must follow the other differences in its region. */
        CHECKSUM
    }

    /** How a field's value is printed. */
    public enum Format
    {
        /** Decimal. */
        DEC,
        /** Hexadecimal. */
        HEX,
        /** Dotted quad. */
        ADDR,
        /** A run of bytes. */
        BYTES
    }

    /** One named byte range. */
    public static final class Field
    {
        /** Dotted name, e.g. {@code tcp.sport} or {@code icmp.inner.ip.dst}. */
        public final String name;
        /** First byte. */
        public final int offset;
        /** Byte count. */
        public final int length;
        /** Treatment. */
        public final Kind kind;
        /** Printing. */
        public final Format format;
        /** PORT: protocol of the connection; CHECKSUM: 1 if a zero UDP checksum means "none". */
        int proto;
        /** PORT: offset of the address the port belongs to. */
        int ownIpOffset = -1;
        /** PORT: offset of the peer address. */
        int peerIpOffset = -1;
        /** PORT: offset of the peer's port, or -1 (ICMP). */
        int peerPortOffset = -1;
        /** CHECKSUM: covered region. */
        int regionStart;
        /** CHECKSUM: covered region end (exclusive). */
        int regionEnd;
        /** CHECKSUM of TCP/UDP: the addresses of the pseudo header (IPv4 source and destination), else -1. */
        int pseudoStart = -1;

        Field(final String name, final int offset, final int length, final Kind kind, final Format format)
        {
            this.name = name;
            this.offset = offset;
            this.length = length;
            this.kind = kind;
            this.format = format;
        }

        /**
         * @param b packet bytes.
         * @return the value formatted for a report.
         */
        public String value(final byte[] b)
        {
            switch (format)
            {
                case ADDR:
                    return Wire.ip(Wire.u32(b, offset));
                case DEC:
                    return Integer.toString(length == 1 ? Wire.u8(b, offset) : Wire.u16(b, offset));
                case HEX:
                    return "0x" + Integer.toHexString(length == 1 ? Wire.u8(b, offset) : Wire.u16(b, offset));
                default:
                    return Wire.hex(b, offset, Math.min(length, 16)) + (length > 16 ? "..." : "");
            }
        }

        @Override
        public String toString()
        {
            return name + "@" + offset + "+" + length;
        }
    }

    private final byte[] bytes;
    private final List<Field> fields = new ArrayList<>();
    private final int end;
    private int l4Offset = -1;
    private int proto = -1;

    /**
     * @param bytes the packet, IPv4 header at offset 0.
     */
    public PacketLayout(final byte[] bytes)
    {
        this.bytes = bytes;
        final int len = bytes.length;
        int e = len;
        if (len >= 20 && (bytes[0] & 0xF0) == 0x40 && (bytes[0] & 0x0F) >= 5 && (bytes[0] & 0x0F) * 4 <= len)
        {
            final int totalLength = Wire.u16(bytes, 2);
            e = totalLength >= (bytes[0] & 0x0F) * 4 && totalLength <= len ? totalLength : len;
            this.end = e;
            decodeIp(0, e, "", true);
        }
        else
        {
            this.end = e;
            add("ip.bytes", 0, len, Kind.PLAIN, Format.BYTES);
        }
        if (e < len)
        {
            // Not part of the IPv4 packet, so not clipped to it.
            fields.add(new Field("trailer", e, len - e, Kind.PLAIN, Format.BYTES));
        }
    }

    /**
     * @return the fields in offset order.
     */
    public List<Field> fields()
    {
        return fields;
    }

    /**
     * @param offset a byte offset.
     * @return the field holding it, or null if beyond the packet.
     */
    public Field fieldAt(final int offset)
    {
        for (int i = 0; i < fields.size(); i++)
        {
            final Field f = fields.get(i);
            if (offset >= f.offset && offset < f.offset + f.length)
            {
                return f;
            }
        }
        return null;
    }

    /**
     * @return a one-line tcpdump-like summary, e.g. {@code TCP 10.0.0.1:1000 > 10.0.0.2:80}.
     */
    public String summary()
    {
        final byte[] b = bytes;
        if (end < 20 || (b[0] & 0xF0) != 0x40)
        {
            return "non-IPv4 " + b.length + " bytes";
        }
        final String src = Wire.ip(Wire.u32(b, 12));
        final String dst = Wire.ip(Wire.u32(b, 16));
        final int fragment = Wire.u16(b, 6);
        final String frag = (fragment & 0x3FFF) != 0 ?
            " frag id " + Wire.u16(b, 4) + " off " + (fragment & 0x1FFF) * 8 + ((fragment & 0x2000) != 0 ? "+" : "") : "";
        final int l4 = l4Offset;
        if (proto == Wire.TCP && l4 >= 0 && l4 + 14 <= b.length)
        {
            return "TCP " + src + ":" + Wire.u16(b, l4) + " > " + dst + ":" + Wire.u16(b, l4 + 2) +
                " [" + tcpFlags(Wire.u8(b, l4 + 13)) + "]" + frag;
        }
        if (proto == Wire.UDP && l4 >= 0 && l4 + 4 <= b.length)
        {
            return "UDP " + src + ":" + Wire.u16(b, l4) + " > " + dst + ":" + Wire.u16(b, l4 + 2) + frag;
        }
        if (proto == Wire.ICMP && l4 >= 0 && l4 + 2 <= b.length)
        {
            return "ICMP " + src + " > " + dst + " type " + Wire.u8(b, l4) + " code " + Wire.u8(b, l4 + 1) + frag;
        }
        return "proto " + Wire.u8(b, 9) + " " + src + " > " + dst + frag;
    }

    private static String tcpFlags(final int f)
    {
        final StringBuilder sb = new StringBuilder();
        final String names = "FSRPAUEC";
        for (int i = 0; i < 8; i++)
        {
            if ((f & (1 << i)) != 0)
            {
                sb.append(names.charAt(i));
            }
        }
        return sb.toString();
    }

    private void decodeIp(final int ip, final int end, final String prefix, final boolean outer)
    {
        final byte[] b = bytes;
        final int ihl = (b[ip] & 0x0F) * 4;
        final String p = prefix + "ip.";
        add(p + "version_ihl", ip, 1, Kind.PLAIN, Format.HEX);
        add(p + "tos", ip + 1, 1, Kind.PLAIN, Format.HEX);
        add(p + "total_length", ip + 2, 2, Kind.PLAIN, Format.DEC);
        add(p + "id", ip + 4, 2, Kind.PLAIN, Format.DEC);
        add(p + "flags_fragment", ip + 6, 2, Kind.PLAIN, Format.HEX);
        add(p + "ttl", ip + 8, 1, outer ? Kind.TTL : Kind.PLAIN, Format.DEC);
        add(p + "protocol", ip + 9, 1, Kind.PLAIN, Format.DEC);
        final Field csum = add(p + "checksum", ip + 10, 2, outer ? Kind.IP_CHECKSUM : Kind.CHECKSUM, Format.HEX);
        if (csum != null)
        {
            csum.regionStart = ip;
            csum.regionEnd = ip + ihl;
        }
        add(p + "src", ip + 12, 4, Kind.PLAIN, Format.ADDR);
        add(p + "dst", ip + 16, 4, Kind.PLAIN, Format.ADDR);
        if (ihl > 20)
        {
            add(p + "options", ip + 20, ihl - 20, Kind.PLAIN, Format.BYTES);
        }
        final int l4 = ip + ihl;
        if (l4 >= end)
        {
            return;
        }
        final int protocol = Wire.u8(b, ip + 9);
        if (outer)
        {
            proto = protocol;
        }
        if ((Wire.u16(b, ip + 6) & 0x1FFF) != 0)
        {
            add(p + "payload", l4, end - l4, Kind.PLAIN, Format.BYTES);
            return;
        }
        if (outer)
        {
            l4Offset = l4;
        }
        switch (protocol)
        {
            case Wire.TCP:
                decodeTcp(ip, l4, end, prefix);
                break;
            case Wire.UDP:
                decodeUdp(ip, l4, end, prefix);
                break;
            case Wire.ICMP:
                decodeIcmp(ip, l4, end, prefix, outer);
                break;
            default:
                add(p + "payload", l4, end - l4, Kind.PLAIN, Format.BYTES);
                break;
        }
    }

    private void decodeTcp(final int ip, final int l4, final int end, final String prefix)
    {
        final String p = prefix + "tcp.";
        port(add(p + "sport", l4, 2, Kind.PORT, Format.DEC), Wire.TCP, ip + 12, ip + 16, l4 + 2);
        port(add(p + "dport", l4 + 2, 2, Kind.PORT, Format.DEC), Wire.TCP, ip + 16, ip + 12, l4);
        add(p + "seq", l4 + 4, 4, Kind.PLAIN, Format.BYTES);
        add(p + "ack", l4 + 8, 4, Kind.PLAIN, Format.BYTES);
        add(p + "data_offset", l4 + 12, 1, Kind.PLAIN, Format.HEX);
        add(p + "flags", l4 + 13, 1, Kind.PLAIN, Format.HEX);
        add(p + "window", l4 + 14, 2, Kind.PLAIN, Format.DEC);
        pseudo(checksum(add(p + "checksum", l4 + 16, 2, Kind.CHECKSUM, Format.HEX), l4, end, false), ip);
        add(p + "urgent", l4 + 18, 2, Kind.PLAIN, Format.DEC);
        final int dataOffset = l4 + 12 < bytes.length ? (Wire.u8(bytes, l4 + 12) >> 4) * 4 : 20;
        final int optionsEnd = Math.max(l4 + 20, Math.min(end, l4 + dataOffset));
        if (optionsEnd > l4 + 20)
        {
            add(p + "options", l4 + 20, optionsEnd - l4 - 20, Kind.PLAIN, Format.BYTES);
        }
        if (end > optionsEnd)
        {
            add(p + "payload", optionsEnd, end - optionsEnd, Kind.PLAIN, Format.BYTES);
        }
    }

    private void decodeUdp(final int ip, final int l4, final int end, final String prefix)
    {
        final String p = prefix + "udp.";
        port(add(p + "sport", l4, 2, Kind.PORT, Format.DEC), Wire.UDP, ip + 12, ip + 16, l4 + 2);
        port(add(p + "dport", l4 + 2, 2, Kind.PORT, Format.DEC), Wire.UDP, ip + 16, ip + 12, l4);
        add(p + "length", l4 + 4, 2, Kind.PLAIN, Format.DEC);
        pseudo(checksum(add(p + "checksum", l4 + 6, 2, Kind.CHECKSUM, Format.HEX), l4, end, true), ip);
        if (end > l4 + 8)
        {
            add(p + "payload", l4 + 8, end - l4 - 8, Kind.PLAIN, Format.BYTES);
        }
    }

    private void decodeIcmp(final int ip, final int l4, final int end, final String prefix, final boolean outer)
    {
        final String p = prefix + "icmp.";
        final byte[] b = bytes;
        final int type = Wire.u8(b, l4);
        add(p + "type", l4, 1, Kind.PLAIN, Format.DEC);
        add(p + "code", l4 + 1, 1, Kind.PLAIN, Format.DEC);
        checksum(add(p + "checksum", l4 + 2, 2, Kind.CHECKSUM, Format.HEX), l4, end, false);
        final boolean request = type == 8 || type == 13 || type == 15 || type == 17;
        final boolean reply = type == 0 || type == 14 || type == 16 || type == 18;
        final boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        if (request || reply)
        {
            // The identifier belongs to the requester: the source of a request, the destination of a reply.
            port(add(p + "id", l4 + 4, 2, Kind.PORT, Format.DEC), Wire.ICMP,
                request ? ip + 12 : ip + 16, request ? ip + 16 : ip + 12, -1);
            add(p + "seq", l4 + 6, 2, Kind.PLAIN, Format.DEC);
            if (end > l4 + 8)
            {
                add(p + "payload", l4 + 8, end - l4 - 8, Kind.PLAIN, Format.BYTES);
            }
        }
        else if (error && outer)
        {
            add(p + "unused", l4 + 4, 4, Kind.PLAIN, Format.HEX);
            final int inner = l4 + 8;
            if (inner >= end)
            {
                return;
            }
            final int innerIhl = (b[inner] & 0x0F) * 4;
            if ((b[inner] & 0xF0) == 0x40 && innerIhl >= 20 && inner + innerIhl <= end)
            {
                decodeIp(inner, end, "icmp.inner.", false);
            }
            else
            {
                add("icmp.inner.bytes", inner, end - inner, Kind.PLAIN, Format.BYTES);
            }
        }
        else if (end > l4 + 4)
        {
            add(p + "rest", l4 + 4, end - l4 - 4, Kind.PLAIN, Format.BYTES);
        }
    }

    private static void port(final Field f, final int proto, final int own, final int peer, final int peerPort)
    {
        if (f != null)
        {
            f.proto = proto;
            f.ownIpOffset = own;
            f.peerIpOffset = peer;
            f.peerPortOffset = peerPort;
        }
    }

    private static Field checksum(final Field f, final int from, final int to, final boolean udp)
    {
        if (f != null)
        {
            f.regionStart = from;
            f.regionEnd = to;
            f.proto = udp ? 1 : 0;
        }
        return f;
    }

    private static void pseudo(final Field f, final int ip)
    {
        if (f != null)
        {
            f.pseudoStart = ip + 12;
        }
    }

    /** Adds a field clipped to the packet end; returns null (and adds a clipped PLAIN part) if cut. */
    private Field add(final String name, final int offset, final int length, final Kind kind, final Format format)
    {
        final int limit = end;
        if (offset >= limit)
        {
            return null;
        }
        if (offset + length > limit)
        {
            fields.add(new Field(name + "(cut)", offset, limit - offset, Kind.PLAIN, Format.BYTES));
            return null;
        }
        final Field f = new Field(name, offset, length, kind, format);
        fields.add(f);
        return f;
    }
}
