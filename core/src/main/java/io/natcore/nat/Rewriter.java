/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.SctpHeader;
import io.natcore.packet.TcpHeader;
import io.natcore.packet.UdpHeader;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Per-direction rewrite of a NATed connection, VPP nat44-ed style: when a connection is bound, compute once per
 * direction what changes (an {@code ops} bitmask), the IP header checksum delta and the L4 checksum delta (RFC 1624,
 * pseudo-header included); each packet then costs a few stores and two checksum adds.
 * <p>
 * As in Linux, a packet of one direction is rewritten to the inverse of the other direction's tuple: an original
 * packet gets source = reply destination, destination = reply source (and ports likewise).
 * <p>
 * L4 checksums, as the kernel's {@code nf_nat_proto.c} manips: TCP and DCCP incrementally (pseudo-header and
 * ports); UDP incrementally unless 0 (none: left alone), a result of 0 sent as 0xFFFF; UDP-Lite likewise, its
 * checksum never 0 (the parser refuses that) and covering the pseudo-header and ports whatever its coverage; ICMP
 * for the query identifier (the "port"; no pseudo-header); SCTP's CRC32c computed again over the whole packet
 * ({@code sctp_manip_pkt}). Other protocols: addresses only. Stateless.
 */
public final class Rewriter
{
    /** Source address changes. */
    public static final int OP_SRC_IP = 1;
    /** Destination address changes. */
    public static final int OP_DST_IP = 2;
    /** Source port (ICMP: identifier) changes. */
    public static final int OP_SRC_PORT = 4;
    /** Destination port changes. */
    public static final int OP_DST_PORT = 8;

    /** IP checksum delta of a TTL decrement: the word {@code ttl<<8|proto} loses 0x0100, whatever its value. */
    public static final int TTL_DECREMENT_DELTA = 0xFEFF;

    /** DCCP generic header (RFC 4340 5.1): the checksum after ports, data offset and CCVal/CsCov. */
    private static final int DCCP_CHECKSUM_OFFSET = 6;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private Rewriter()
    {
    }

    /**
     * @param pkt    tuple the packet carries.
     * @param target tuple it must carry after the rewrite.
     * @return the ops bitmask.
     */
    public static int ops(final NatTuple pkt, final NatTuple target)
    {
        int ops = 0;
        if (pkt.srcIp != target.srcIp)
        {
            ops |= OP_SRC_IP;
        }
        if (pkt.dstIp != target.dstIp)
        {
            ops |= OP_DST_IP;
        }
        if (NatTuple.hasPorts(pkt.proto))
        {
            if (pkt.srcPort != target.srcPort)
            {
                ops |= OP_SRC_PORT;
            }
            if (pkt.dstPort != target.dstPort && pkt.proto != IpProtocol.ICMP)
            {
                ops |= OP_DST_PORT;
            }
        }
        return ops;
    }

    /**
     * @return the IP header checksum delta for the address change (0 when none).
     */
    public static int ipDelta(final NatTuple pkt, final NatTuple target)
    {
        return Checksum.combine(Checksum.delta32(pkt.srcIp, target.srcIp), Checksum.delta32(pkt.dstIp, target.dstIp));
    }

    /**
     * @return the L4 checksum delta: addresses (pseudo-header) and ports for TCP, UDP, UDP-Lite and DCCP, the
     *     identifier only for ICMP, 0 for the others (SCTP's CRC is computed whole, not updated).
     */
    public static int l4Delta(final NatTuple pkt, final NatTuple target)
    {
        switch (pkt.proto)
        {
            case IpProtocol.ICMP:
                return Checksum.delta16(pkt.srcPort, target.srcPort);
            case IpProtocol.TCP:
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
            case IpProtocol.DCCP:
                return Checksum.delta(
                    pkt.srcIp, pkt.dstIp, pkt.srcPort, pkt.dstPort,
                    target.srcIp, target.dstIp, target.srcPort, target.dstPort);
            default:
                return 0;
        }
    }

    /**
     * The reply direction's ops from the original direction's, for a protocol other than ICMP: the reply packet
     * carries the inverse of the translated tuple and must get the inverse of the original one, so a source change
     * one way is a destination change the other way. Equals {@code ops(invert(target), invert(pkt))}.
     *
     * @param forwardOps {@link #ops} of the original direction.
     * @return the reply direction's ops.
     */
    public static int reverseOps(final int forwardOps)
    {
        return ((forwardOps & OP_SRC_IP) << 1) | ((forwardOps & OP_DST_IP) >>> 1) |
            ((forwardOps & OP_SRC_PORT) << 1) | ((forwardOps & OP_DST_PORT) >>> 1);
    }

    /**
     * The reply direction's checksum delta from the original direction's, for {@link #ipDelta} and, protocols other
     * than ICMP, {@link #l4Delta}: the sum of the changed fields is the same with sources and destinations swapped,
     * so undoing the change is its one's-complement negation. The value may differ from a recompute only between
     * the two zeros (0 and 0xFFFF), which {@link Checksum#applyDelta}, {@link Checksum#applyDeltaUdp} and
     * {@link Checksum#combine} treat alike; a protocol whose L4 delta is 0 (none kept) gets 0.
     *
     * @param proto        IP protocol (not ICMP).
     * @param forwardDelta the original direction's delta.
     * @param l4           true for the L4 delta, false for the IP header's.
     * @return the reply direction's delta.
     */
    public static int reverseDelta(final int proto, final int forwardDelta, final boolean l4)
    {
        if (l4 && proto != IpProtocol.TCP && proto != IpProtocol.UDP && proto != IpProtocol.UDPLITE &&
            proto != IpProtocol.DCCP)
        {
            return 0;
        }
        return ~forwardDelta & 0xFFFF;
    }

    /**
     * Rewrite one packet in place from precomputed values. Ports and the L4 checksum are touched only when
     * {@code withL4} (not for a non-first fragment, nor for protocols without a known checksum).
     *
     * @param buf           packet buffer.
     * @param ipOffset      IPv4 header offset.
     * @param l4Offset      L4 header offset.
     * @param proto         IP protocol.
     * @param withL4        true when the L4 header is in this packet (unfragmented or first fragment).
     * @param wholeL4Length the L4 length when the packet holds its whole L4 datagram (not a fragment), else -1: SCTP's
     *                      CRC32c covers all of it, so it is computed again only then.
     * @param rewrite       what changes and the checksum deltas (a TTL delta may be combined into the IP one).
     */
    public static void apply(
        final MutableDirectBuffer buf,
        final int ipOffset,
        final int l4Offset,
        final int proto,
        final boolean withL4,
        final int wholeL4Length,
        final NatRewrite rewrite)
    {
        final int ops = rewrite.ops;
        if ((ops & OP_SRC_IP) != 0)
        {
            buf.putInt(ipOffset + Ipv4Header.SRC_ADDRESS_OFFSET, rewrite.newSrcIp, NET);
        }
        if ((ops & OP_DST_IP) != 0)
        {
            buf.putInt(ipOffset + Ipv4Header.DST_ADDRESS_OFFSET, rewrite.newDstIp, NET);
        }
        applyIpDelta(buf, ipOffset, rewrite.ipDelta);
        if (withL4 && ops != 0)
        {
            rewriteL4(buf, l4Offset, proto, wholeL4Length, rewrite);
        }
    }

    /** The L4 part of {@link #apply}: ports and the L4 checksum, by protocol (kept apart so both stay small). */
    private static void rewriteL4(
        final MutableDirectBuffer buf, final int l4Offset, final int proto, final int wholeL4Length,
        final NatRewrite rewrite)
    {
        final int ops = rewrite.ops;
        final int newSrcPort = rewrite.newSrcPort;
        final int newDstPort = rewrite.newDstPort;
        final int l4Delta = rewrite.l4Delta;
        switch (proto)
        {
            case IpProtocol.TCP:
                writePorts(buf, l4Offset, ops, newSrcPort, newDstPort);
                applyL4(buf, l4Offset + TcpHeader.CHECKSUM_OFFSET, l4Delta);
                break;
            case IpProtocol.DCCP:
                writePorts(buf, l4Offset, ops, newSrcPort, newDstPort);
                applyL4(buf, l4Offset + DCCP_CHECKSUM_OFFSET, l4Delta);
                break;
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
            {
                writePorts(buf, l4Offset, ops, newSrcPort, newDstPort);
                final int at = l4Offset + UdpHeader.CHECKSUM_OFFSET;
                buf.putShort(at, (short)Checksum.applyDeltaUdp(buf.getShort(at, NET) & 0xFFFF, l4Delta), NET);
                break;
            }
            case IpProtocol.ICMP:
                if ((ops & OP_SRC_PORT) != 0)
                {
                    buf.putShort(l4Offset + IcmpHeader.ID_OFFSET, (short)newSrcPort, NET);
                    applyL4(buf, l4Offset + IcmpHeader.CHECKSUM_OFFSET, l4Delta);
                }
                break;
            case IpProtocol.SCTP:
                writePorts(buf, l4Offset, ops, newSrcPort, newDstPort);
                if (wholeL4Length >= SctpHeader.LENGTH)
                {
                    // sctp_manip_pkt: computed again on every manip (the CRC covers the ports, no pseudo-header).
                    SctpHeader.putChecksum(buf, l4Offset, wholeL4Length);
                }
                break;
            default:
                break;
        }
    }

    private static void applyL4(final MutableDirectBuffer buf, final int at, final int l4Delta)
    {
        buf.putShort(at, (short)Checksum.applyDelta(buf.getShort(at, NET) & 0xFFFF, l4Delta), NET);
    }

    /**
     * Adds {@code ipDelta} to the IPv4 header checksum (RFC 1624), for a header change made by the caller (the TTL).
     *
     * @param buf      packet buffer.
     * @param ipOffset IPv4 header offset.
     * @param ipDelta  the change's checksum delta.
     */
    public static void applyIpDelta(final MutableDirectBuffer buf, final int ipOffset, final int ipDelta)
    {
        final int at = ipOffset + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(at, (short)Checksum.applyDelta(buf.getShort(at, NET) & 0xFFFF, ipDelta), NET);
    }

    private static void writePorts(
        final MutableDirectBuffer buf, final int l4Offset, final int ops, final int newSrcPort, final int newDstPort)
    {
        if ((ops & OP_SRC_PORT) != 0)
        {
            buf.putShort(l4Offset + UdpHeader.SRC_PORT_OFFSET, (short)newSrcPort, NET);
        }
        if ((ops & OP_DST_PORT) != 0)
        {
            buf.putShort(l4Offset + UdpHeader.DST_PORT_OFFSET, (short)newDstPort, NET);
        }
    }
}
