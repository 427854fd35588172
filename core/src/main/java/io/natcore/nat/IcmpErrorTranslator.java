/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.TcpHeader;
import io.natcore.packet.UdpHeader;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Translates an ICMP error RELATED to a NATed connection, as Linux {@code nf_nat_icmp_reply_translation} does.
 * <p>
 * An error travelling in direction {@code d} of a connection quotes a packet of the other direction {@code !d} as it
 * left the box (translated). The quoted packet is put back to what its sender sent (the connection's
 * {@code !d} tuple: addresses, ports or ICMP id) with its IPv4 header checksum fixed incrementally and its L4
 * checksum fixed incrementally where the kernel does (UDP when non-zero, TCP when the quote holds the whole
 * 20-byte header, ICMP); the outer header gets the addresses a normal packet of direction {@code d} would get
 * (so the source of an error about a DNATed connection becomes the public address); then the ICMP checksum is
 * recomputed over the whole message (the kernel recomputes it too). Stateless, allocation free.
 */
public final class IcmpErrorTranslator
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int TCP_HEADER_LENGTH = 20;

    private IcmpErrorTranslator()
    {
    }

    /**
     * @param buf              packet buffer.
     * @param ipOffset         outer IPv4 header offset.
     * @param icmpOffset       outer ICMP header offset.
     * @param icmpLength       bytes of ICMP message (outer total length - outer header length).
     * @param innerIpOffset    quoted IPv4 header offset.
     * @param innerL4Offset    quoted L4 header offset.
     * @param innerL4Available bytes of quoted L4 header present in the message.
     * @param outerOps         ops of a normal packet of the error's direction ({@link Rewriter} OP_* bits).
     * @param outerNewSrcIp    outer source a normal packet of that direction gets.
     * @param outerNewDstIp    outer destination a normal packet of that direction gets.
     * @param innerTarget      the connection's tuple of the other direction (what the quoted packet's sender sent).
     * @param extraIpDelta     further outer IP header delta to fold in (TTL decrement), or 0.
     */
    public static void translate(
        final MutableDirectBuffer buf,
        final int ipOffset,
        final int icmpOffset,
        final int icmpLength,
        final int innerIpOffset,
        final int innerL4Offset,
        final int innerL4Available,
        final int outerOps,
        final int outerNewSrcIp,
        final int outerNewDstIp,
        final NatTuple innerTarget,
        final int extraIpDelta)
    {
        // Quoted datagram first: its bytes are covered by the ICMP checksum recomputed last.
        final int proto = innerTarget.proto;
        final int oldSrc = buf.getInt(innerIpOffset + Ipv4Header.SRC_ADDRESS_OFFSET, NET);
        final int oldDst = buf.getInt(innerIpOffset + Ipv4Header.DST_ADDRESS_OFFSET, NET);
        final int ipDelta = Checksum.combine(
            Checksum.delta32(oldSrc, innerTarget.srcIp), Checksum.delta32(oldDst, innerTarget.dstIp));
        buf.putInt(innerIpOffset + Ipv4Header.SRC_ADDRESS_OFFSET, innerTarget.srcIp, NET);
        buf.putInt(innerIpOffset + Ipv4Header.DST_ADDRESS_OFFSET, innerTarget.dstIp, NET);
        final int innerCsumAt = innerIpOffset + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(innerCsumAt, (short)Checksum.applyDelta(buf.getShort(innerCsumAt, NET) & 0xFFFF, ipDelta), NET);

        if (innerL4Available >= 8)
        {
            switch (proto)
            {
                case IpProtocol.TCP:
                {
                    final int l4Delta = portsDelta(buf, innerL4Offset, ipDelta, innerTarget);
                    writePorts(buf, innerL4Offset, innerTarget);
                    if (innerL4Available >= TCP_HEADER_LENGTH)
                    {
                        final int at = innerL4Offset + TcpHeader.CHECKSUM_OFFSET;
                        buf.putShort(at, (short)Checksum.applyDelta(buf.getShort(at, NET) & 0xFFFF, l4Delta), NET);
                    }
                    break;
                }
                case IpProtocol.UDP:
                case IpProtocol.UDPLITE:
                {
                    final int l4Delta = portsDelta(buf, innerL4Offset, ipDelta, innerTarget);
                    writePorts(buf, innerL4Offset, innerTarget);
                    final int at = innerL4Offset + UdpHeader.CHECKSUM_OFFSET;
                    buf.putShort(at, (short)Checksum.applyDeltaUdp(buf.getShort(at, NET) & 0xFFFF, l4Delta), NET);
                    break;
                }
                case IpProtocol.ICMP:
                {
                    final int idAt = innerL4Offset + IcmpHeader.ID_OFFSET;
                    final int oldId = buf.getShort(idAt, NET) & 0xFFFF;
                    buf.putShort(idAt, (short)innerTarget.srcPort, NET);
                    final int at = innerL4Offset + IcmpHeader.CHECKSUM_OFFSET;
                    buf.putShort(at, (short)Checksum.update16(buf.getShort(at, NET) & 0xFFFF, oldId, innerTarget.srcPort), NET);
                    break;
                }
                default:
                    break;
            }
        }

        // Outer header: as a normal packet of the error's direction.
        int outerDelta = extraIpDelta;
        if ((outerOps & Rewriter.OP_SRC_IP) != 0)
        {
            final int at = ipOffset + Ipv4Header.SRC_ADDRESS_OFFSET;
            outerDelta = Checksum.combine(outerDelta, Checksum.delta32(buf.getInt(at, NET), outerNewSrcIp));
            buf.putInt(at, outerNewSrcIp, NET);
        }
        if ((outerOps & Rewriter.OP_DST_IP) != 0)
        {
            final int at = ipOffset + Ipv4Header.DST_ADDRESS_OFFSET;
            outerDelta = Checksum.combine(outerDelta, Checksum.delta32(buf.getInt(at, NET), outerNewDstIp));
            buf.putInt(at, outerNewDstIp, NET);
        }
        final int outerCsumAt = ipOffset + Ipv4Header.CHECKSUM_OFFSET;
        buf.putShort(outerCsumAt, (short)Checksum.applyDelta(buf.getShort(outerCsumAt, NET) & 0xFFFF, outerDelta), NET);

        final int icmpCsumAt = icmpOffset + IcmpHeader.CHECKSUM_OFFSET;
        buf.putShort(icmpCsumAt, (short)0, NET);
        buf.putShort(icmpCsumAt, (short)Checksum.checksum(buf, icmpOffset, icmpLength), NET);
    }

    private static int portsDelta(
        final MutableDirectBuffer buf, final int l4Offset, final int ipDelta, final NatTuple target)
    {
        final int oldSrcPort = buf.getShort(l4Offset, NET) & 0xFFFF;
        final int oldDstPort = buf.getShort(l4Offset + 2, NET) & 0xFFFF;
        return Checksum.combine(ipDelta, Checksum.combine(
            Checksum.delta16(oldSrcPort, target.srcPort), Checksum.delta16(oldDstPort, target.dstPort)));
    }

    private static void writePorts(final MutableDirectBuffer buf, final int l4Offset, final NatTuple target)
    {
        buf.putShort(l4Offset, (short)target.srcPort, NET);
        buf.putShort(l4Offset + 2, (short)target.dstPort, NET);
    }
}
