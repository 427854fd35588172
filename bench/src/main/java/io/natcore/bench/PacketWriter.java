package io.natcore.bench;

import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import io.natcore.packet.UdpHeader;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes well-formed IPv4 packets (TCP, UDP, ICMP echo) with correct IP and L4 checksums into a buffer,
 * for benchmark setup. Not on any measured path: it may be slow, it must be right.
 * <p>
 * Every packet has a 20-byte IPv4 header (no options, DF set, TTL 64), a payload of the requested size
 * filled with a byte pattern, and TCP packets a 20-byte header (no options).
 */
public final class PacketWriter
{
    /** Bytes of IPv4 header written (no options). */
    public static final int IP_HEADER_LENGTH = Ipv4Header.MIN_LENGTH;
    /** Bytes of TCP header written (no options). */
    public static final int TCP_HEADER_LENGTH = TcpHeader.MIN_LENGTH;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private PacketWriter()
    {
    }

    /**
     * Write a TCP segment.
     *
     * @param buf      destination.
     * @param offset   of the IPv4 header.
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @param srcPort  source port.
     * @param dstPort  destination port.
     * @param seq      sequence number.
     * @param ack      acknowledgement number.
     * @param flags    TCP flags ({@link TcpHeader#SYN} etc.).
     * @param payload  payload bytes.
     * @return total length written.
     */
    public static int tcp(
        final MutableDirectBuffer buf,
        final int offset,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int seq,
        final int ack,
        final int flags,
        final int payload)
    {
        final int l4 = offset + IP_HEADER_LENGTH;
        final int l4Length = TCP_HEADER_LENGTH + payload;
        ipHeader(buf, offset, IP_HEADER_LENGTH + l4Length, ParsedPacket.PROTO_TCP, srcIp, dstIp, seq);
        buf.putShort(l4 + TcpHeader.SRC_PORT_OFFSET, (short)srcPort, NET);
        buf.putShort(l4 + TcpHeader.DST_PORT_OFFSET, (short)dstPort, NET);
        buf.putInt(l4 + TcpHeader.SEQ_OFFSET, seq, NET);
        buf.putInt(l4 + TcpHeader.ACK_OFFSET, (flags & TcpHeader.ACK) != 0 ? ack : 0, NET);
        buf.putByte(l4 + TcpHeader.DATA_OFFSET_OFFSET, (byte)((TCP_HEADER_LENGTH / 4) << 4));
        buf.putByte(l4 + TcpHeader.FLAGS_OFFSET, (byte)flags);
        buf.putShort(l4 + TcpHeader.WINDOW_OFFSET, (short)64240, NET);
        buf.putShort(l4 + TcpHeader.CHECKSUM_OFFSET, (short)0, NET);
        buf.putShort(l4 + TcpHeader.URGENT_POINTER_OFFSET, (short)0, NET);
        fillPayload(buf, l4 + TCP_HEADER_LENGTH, payload, seq);
        buf.putShort(l4 + TcpHeader.CHECKSUM_OFFSET,
            (short)Checksum.tcpChecksum(buf, l4, l4Length, srcIp, dstIp), NET);
        return IP_HEADER_LENGTH + l4Length;
    }

    /**
     * Write a UDP datagram with a checksum.
     *
     * @param buf     destination.
     * @param offset  of the IPv4 header.
     * @param srcIp   source address.
     * @param dstIp   destination address.
     * @param srcPort source port.
     * @param dstPort destination port.
     * @param payload payload bytes.
     * @return total length written.
     */
    public static int udp(
        final MutableDirectBuffer buf,
        final int offset,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int payload)
    {
        final int l4 = offset + IP_HEADER_LENGTH;
        final int l4Length = UdpHeader.LENGTH + payload;
        ipHeader(buf, offset, IP_HEADER_LENGTH + l4Length, ParsedPacket.PROTO_UDP, srcIp, dstIp, srcPort);
        buf.putShort(l4 + UdpHeader.SRC_PORT_OFFSET, (short)srcPort, NET);
        buf.putShort(l4 + UdpHeader.DST_PORT_OFFSET, (short)dstPort, NET);
        buf.putShort(l4 + UdpHeader.LENGTH_OFFSET, (short)l4Length, NET);
        buf.putShort(l4 + UdpHeader.CHECKSUM_OFFSET, (short)0, NET);
        fillPayload(buf, l4 + UdpHeader.LENGTH, payload, srcPort);
        buf.putShort(l4 + UdpHeader.CHECKSUM_OFFSET,
            (short)Checksum.udpChecksum(buf, l4, l4Length, srcIp, dstIp), NET);
        return IP_HEADER_LENGTH + l4Length;
    }

    /**
     * Write an ICMP echo request or reply.
     *
     * @param buf     destination.
     * @param offset  of the IPv4 header.
     * @param srcIp   source address.
     * @param dstIp   destination address.
     * @param type    {@link IcmpHeader#ECHO_REQUEST} or {@link IcmpHeader#ECHO_REPLY}.
     * @param id      echo identifier.
     * @param seq     echo sequence number.
     * @param payload payload bytes.
     * @return total length written.
     */
    public static int icmpEcho(
        final MutableDirectBuffer buf,
        final int offset,
        final int srcIp,
        final int dstIp,
        final int type,
        final int id,
        final int seq,
        final int payload)
    {
        final int l4 = offset + IP_HEADER_LENGTH;
        final int l4Length = IcmpHeader.LENGTH + payload;
        ipHeader(buf, offset, IP_HEADER_LENGTH + l4Length, ParsedPacket.PROTO_ICMP, srcIp, dstIp, id);
        buf.putByte(l4 + IcmpHeader.TYPE_OFFSET, (byte)type);
        buf.putByte(l4 + IcmpHeader.CODE_OFFSET, (byte)0);
        buf.putShort(l4 + IcmpHeader.CHECKSUM_OFFSET, (short)0, NET);
        buf.putShort(l4 + IcmpHeader.ID_OFFSET, (short)id, NET);
        buf.putShort(l4 + IcmpHeader.SEQ_OFFSET, (short)seq, NET);
        fillPayload(buf, l4 + IcmpHeader.LENGTH, payload, id);
        buf.putShort(l4 + IcmpHeader.CHECKSUM_OFFSET, (short)Checksum.icmpChecksum(buf, l4, l4Length), NET);
        return IP_HEADER_LENGTH + l4Length;
    }

    private static void ipHeader(
        final MutableDirectBuffer buf,
        final int offset,
        final int totalLength,
        final int protocol,
        final int srcIp,
        final int dstIp,
        final int id)
    {
        buf.putByte(offset + Ipv4Header.VERSION_IHL_OFFSET, (byte)(0x40 | (IP_HEADER_LENGTH / 4)));
        buf.putByte(offset + Ipv4Header.TOS_OFFSET, (byte)0);
        buf.putShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)totalLength, NET);
        buf.putShort(offset + Ipv4Header.ID_OFFSET, (short)id, NET);
        buf.putShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)Ipv4Header.FLAG_DF, NET);
        buf.putByte(offset + Ipv4Header.TTL_OFFSET, (byte)64);
        buf.putByte(offset + Ipv4Header.PROTOCOL_OFFSET, (byte)protocol);
        buf.putShort(offset + Ipv4Header.CHECKSUM_OFFSET, (short)0, NET);
        buf.putInt(offset + Ipv4Header.SRC_ADDRESS_OFFSET, srcIp, NET);
        buf.putInt(offset + Ipv4Header.DST_ADDRESS_OFFSET, dstIp, NET);
        buf.putShort(offset + Ipv4Header.CHECKSUM_OFFSET,
            (short)Checksum.ipv4HeaderChecksum(buf, offset, IP_HEADER_LENGTH), NET);
    }

    private static void fillPayload(final MutableDirectBuffer buf, final int offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            buf.putByte(offset + i, (byte)(seed * 31 + i * 7));
        }
    }

    /**
     * Parse dotted-quad text into an address int.
     *
     * @param dotted e.g. "172.16.2.5".
     * @return address in network order value.
     */
    public static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 |
            Integer.parseInt(p[3]);
    }
}
