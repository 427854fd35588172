/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes the ICMP errors a router owes the sender of a packet it cannot forward (time exceeded, fragmentation
 * needed, network unreachable), as the kernel's {@code icmp_send} builds them: a fresh IPv4 header (TTL 64, no
 * options, DF clear), the ICMP header, and as much of the offending packet as fits in 576 bytes in all.
 * <p>
 * {@link #mayAnswer} holds the kernel's refusals: never about an ICMP error, a non-first fragment, or a packet
 * from an address that is not a host's (0.0.0.0, multicast, broadcast).
 */
final class IcmpErrorWriter
{
    /** {@code icmp_send}: the error, IP header included, fits in 576 bytes (RFC 1812 4.3.2.3). */
    static final int MAX_ERROR_LENGTH = 576;
    static final int DEFAULT_TTL = 64;
    static final int CODE_NET_UNREACHABLE = 0;
    static final int CODE_FRAGMENTATION_NEEDED = 4;
    static final int CODE_TTL_EXCEEDED = 0;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private int nextId;

    IcmpErrorWriter(final int seed)
    {
        this.nextId = seed;
    }

    /**
     * @return true when the kernel would answer the packet at {@code off} with an ICMP error.
     */
    static boolean mayAnswer(final DirectBuffer b, final int off, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            return false;
        }
        final int src = Ipv4Header.srcAddress(b, off);
        if (src == 0 || (src >>> 28) == 0xE || src == -1)
        {
            return false;
        }
        if ((Ipv4Header.flagsFragment(b, off) & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0)
        {
            return false;
        }
        if (Ipv4Header.protocol(b, off) == IpProtocol.ICMP)
        {
            final int ihl = Ipv4Header.headerLength(b, off);
            return length >= ihl + 1 && !IcmpHeader.isError(IcmpHeader.type(b, off + ihl));
        }
        return true;
    }

    /**
     * Writes the error at {@code out[outOff]}.
     *
     * @param srcIp      the box address the error comes from.
     * @param orig       buffer holding the offending packet.
     * @param origOff    its IPv4 header.
     * @param origLength its bytes (the IP total length at most).
     * @param type       ICMP type.
     * @param code       ICMP code.
     * @param restOfHeader the ICMP header's second word (next-hop MTU for fragmentation needed, else 0).
     * @return the IP packet's length.
     */
    int write(
        final MutableDirectBuffer out,
        final int outOff,
        final int srcIp,
        final DirectBuffer orig,
        final int origOff,
        final int origLength,
        final int type,
        final int code,
        final int restOfHeader)
    {
        final int quote = Math.min(origLength, MAX_ERROR_LENGTH - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH);
        final int icmpOff = outOff + Ipv4Header.MIN_LENGTH;
        final int total = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH + quote;
        out.putBytes(icmpOff + IcmpHeader.EMBEDDED_OFFSET, orig, origOff, quote);
        out.putByte(icmpOff + IcmpHeader.TYPE_OFFSET, (byte)type);
        out.putByte(icmpOff + IcmpHeader.CODE_OFFSET, (byte)code);
        out.putShort(icmpOff + IcmpHeader.CHECKSUM_OFFSET, (short)0);
        out.putInt(icmpOff + IcmpHeader.REST_OFFSET, restOfHeader, NET);
        out.putShort(icmpOff + IcmpHeader.CHECKSUM_OFFSET,
            (short)Checksum.icmpChecksum(out, icmpOff, IcmpHeader.LENGTH + quote), NET);

        out.putByte(outOff + Ipv4Header.VERSION_IHL_OFFSET, (byte)0x45);
        // TOS: the kernel's icmp_send uses IPTOS_PREC_INTERNETCONTROL (0xc0) for errors.
        out.putByte(outOff + Ipv4Header.TOS_OFFSET, (byte)0xC0);
        out.putShort(outOff + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)total, NET);
        out.putShort(outOff + Ipv4Header.ID_OFFSET, (short)nextId++, NET);
        out.putShort(outOff + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)0, NET);
        out.putByte(outOff + Ipv4Header.TTL_OFFSET, (byte)DEFAULT_TTL);
        out.putByte(outOff + Ipv4Header.PROTOCOL_OFFSET, (byte)IpProtocol.ICMP);
        out.putShort(outOff + Ipv4Header.CHECKSUM_OFFSET, (short)0);
        out.putInt(outOff + Ipv4Header.SRC_ADDRESS_OFFSET, srcIp, NET);
        out.putInt(outOff + Ipv4Header.DST_ADDRESS_OFFSET, Ipv4Header.srcAddress(orig, origOff), NET);
        out.putShort(outOff + Ipv4Header.CHECKSUM_OFFSET,
            (short)Checksum.ipv4HeaderChecksum(out, outOff, Ipv4Header.MIN_LENGTH), NET);
        return total;
    }
}
