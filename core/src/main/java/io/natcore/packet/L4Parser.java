/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The L4 part of {@link PacketParser}: conntrack's {@code tcp_error()}, {@code udp_error()}, {@code icmp_error()},
 * {@code sctp_error()} and UDP-Lite's checks, and the L4 fields of {@link ParsedPacket}. A failure means conntrack
 * deems the packet INVALID. Stateless; all methods static.
 */
final class L4Parser
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private static final int SCTP_CID_INIT = 1;
    private static final int SCTP_CID_INIT_ACK = 2;
    private static final int SCTP_CID_COOKIE_ECHO = 10;
    private static final int SCTP_CID_COOKIE_ACK = 11;
    private static final int SCTP_CID_SHUTDOWN_COMPLETE = 14;

    private L4Parser()
    {
    }

    /**
     * Record the checksum state and mark it written; the state is stored only when it changes (a reference store
     * also costs a GC write barrier).
     */
    private static void setChecksumState(final ParsedPacket out, final L4ChecksumState state)
    {
        out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
        if (out.l4ChecksumState != state)
        {
            out.l4ChecksumState = state;
        }
    }

    /** The L4 part of {@link PacketParser#parse}, for an OK packet that is not a later fragment. */
    static ParseStatus parse(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
    {
        switch (out.protocol)
        {
            case IpProtocol.TCP:
                return out.isFragment ? tcpFirstFragment(buf, out) : tcp(buf, out, verify);
            case IpProtocol.UDP:
                return out.isFragment ? udpFirstFragment(buf, out) : udp(buf, out, verify);
            case IpProtocol.ICMP:
                return icmp(buf, out, verify && !out.isFragment, !out.isFragment);
            case IpProtocol.SCTP:
                return sctp(buf, out, verify);
            case IpProtocol.UDPLITE:
                return udplite(buf, out, verify);
            case IpProtocol.DCCP:
                // Ports only (the generic tracker follows it); its checksum is updated on rewrite, never verified.
                if (out.l4Length >= 4)
                {
                    readPorts(buf, out);
                }
                return ParseStatus.OK;
            default:
                return ParseStatus.OK;
        }
    }

    private static void readPorts(final DirectBuffer buf, final ParsedPacket out)
    {
        out.srcPort = buf.getShort(out.l4Offset, NET) & 0xFFFF;
        out.dstPort = buf.getShort(out.l4Offset + 2, NET) & 0xFFFF;
        if (!out.hasPorts) // usually already true: a load instead of a store
        {
            out.hasPorts = true;
        }
        out.parserWrote |= ParsedPacket.WROTE_PORTS;
    }

    /**
     * The ports and the fixed TCP header fields ({@code l4Length >= 20} checked by the caller) from two
     * network-order longs and a short: w0 = ports (63..32), sequence (31..0); w1 = acknowledgment (63..32), data
     * offset (31..28), flags (23..16), window (15..0).
     */
    private static void readTcpFixed(final DirectBuffer buf, final ParsedPacket out)
    {
        out.parserWrote |= ParsedPacket.WROTE_PORTS | ParsedPacket.WROTE_TCP | ParsedPacket.WROTE_L4_CHECKSUM;
        final int o = out.l4Offset;
        final long w0 = buf.getLong(o, NET);
        final long w1 = buf.getLong(o + TcpHeader.ACK_OFFSET, NET);
        out.srcPort = (int)(w0 >>> 48);
        out.dstPort = (int)(w0 >>> 32) & 0xFFFF;
        if (!out.hasPorts) // usually already true: a load instead of a store
        {
            out.hasPorts = true;
        }
        out.tcpSeq = (int)w0;
        out.tcpAck = (int)(w1 >>> 32);
        out.tcpDataOffset = ((int)(w1 >>> 28) & 0xF) << 2;
        out.tcpFlags = (int)(w1 >>> 16) & 0xFF;
        out.tcpWindow = (int)w1 & 0xFFFF;
        out.l4Checksum = buf.getShort(o + TcpHeader.CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    private static void readTcpOptions(final DirectBuffer buf, final ParsedPacket out)
    {
        if ((out.tcpFlags & TcpHeader.SYN) != 0 && out.tcpDataOffset > TcpHeader.MIN_LENGTH)
        {
            out.parserWrote |= ParsedPacket.WROTE_TCP_OPTIONS;
            out.tcpWindowScale = TcpHeader.windowScale(buf, out.l4Offset, out.tcpDataOffset);
            out.tcpMss = TcpHeader.mss(buf, out.l4Offset, out.tcpDataOffset);
            out.tcpSackPermitted = TcpHeader.sackPermitted(buf, out.l4Offset, out.tcpDataOffset);
        }
    }

    private static ParseStatus tcp(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
    {
        final int len = out.l4Length;
        if (len < TcpHeader.MIN_LENGTH)
        {
            if (len >= 4)
            {
                readPorts(buf, out);
            }
            return ParseStatus.L4_TRUNCATED;
        }
        readTcpFixed(buf, out);
        final int doff = out.tcpDataOffset;
        if (doff < TcpHeader.MIN_LENGTH || doff > len)
        {
            out.tcpPayloadLength = 0;
            return ParseStatus.TCP_BAD_DATA_OFFSET;
        }
        out.tcpPayloadLength = len - doff;
        readTcpOptions(buf, out);
        if (verify)
        {
            if (!Checksum.l4Valid(buf, out.l4Offset, len, out.srcIp, out.dstIp, IpProtocol.TCP))
            {
                setChecksumState(out, L4ChecksumState.BAD);
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            setChecksumState(out, L4ChecksumState.VALID);
        }
        if (!TcpHeader.validFlags(out.tcpFlags))
        {
            return ParseStatus.TCP_BAD_FLAGS;
        }
        return ParseStatus.OK;
    }

    private static ParseStatus tcpFirstFragment(final DirectBuffer buf, final ParsedPacket out)
    {
        final int len = out.l4Length;
        if (len < TcpHeader.MIN_LENGTH)
        {
            if (len >= 4)
            {
                readPorts(buf, out);
            }
        }
        else
        {
            readTcpFixed(buf, out);
            if (out.tcpDataOffset >= TcpHeader.MIN_LENGTH && out.tcpDataOffset <= len)
            {
                out.tcpPayloadLength = len - out.tcpDataOffset;
                readTcpOptions(buf, out);
            }
            else
            {
                out.tcpPayloadLength = 0;
            }
        }
        return ParseStatus.OK;
    }

    private static ParseStatus udp(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
    {
        final int len = out.l4Length;
        if (len < UdpHeader.LENGTH)
        {
            if (len >= 4)
            {
                readPorts(buf, out);
            }
            return ParseStatus.L4_TRUNCATED;
        }
        // The whole 8-byte header in one network-order long: ports (63..32), length (31..16), checksum (15..0).
        final long w = buf.getLong(out.l4Offset, NET);
        final int udpLength = (int)(w >>> 16) & 0xFFFF;
        final int checksum = (int)w & 0xFFFF;
        out.parserWrote |= ParsedPacket.WROTE_PORTS | ParsedPacket.WROTE_UDP | ParsedPacket.WROTE_L4_CHECKSUM;
        out.srcPort = (int)(w >>> 48);
        out.dstPort = (int)(w >>> 32) & 0xFFFF;
        if (!out.hasPorts) // usually already true: a load instead of a store
        {
            out.hasPorts = true;
        }
        out.udpLength = udpLength;
        out.l4Checksum = checksum;
        if (udpLength > len || udpLength < UdpHeader.LENGTH)
        {
            return ParseStatus.UDP_BAD_LENGTH;
        }
        if (checksum == 0)
        {
            setChecksumState(out, L4ChecksumState.NONE);
            return ParseStatus.OK;
        }
        if (verify)
        {
            // Like nf_checksum(): over the whole IP payload, not just the UDP length.
            if (!Checksum.l4Valid(buf, out.l4Offset, len, out.srcIp, out.dstIp, IpProtocol.UDP))
            {
                setChecksumState(out, L4ChecksumState.BAD);
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            setChecksumState(out, L4ChecksumState.VALID);
        }
        return ParseStatus.OK;
    }

    private static ParseStatus udpFirstFragment(final DirectBuffer buf, final ParsedPacket out)
    {
        final int len = out.l4Length;
        if (len >= 4)
        {
            readPorts(buf, out);
        }
        if (len >= UdpHeader.LENGTH)
        {
            out.parserWrote |= ParsedPacket.WROTE_UDP | ParsedPacket.WROTE_L4_CHECKSUM;
            out.udpLength = buf.getShort(out.l4Offset + UdpHeader.LENGTH_OFFSET, NET) & 0xFFFF;
            out.l4Checksum = buf.getShort(out.l4Offset + UdpHeader.CHECKSUM_OFFSET, NET) & 0xFFFF;
            if (out.l4Checksum == 0)
            {
                setChecksumState(out, L4ChecksumState.NONE);
            }
        }
        return ParseStatus.OK;
    }

    private static ParseStatus icmp(
        final DirectBuffer buf, final ParsedPacket out, final boolean verify, final boolean strict)
    {
        // Every ICMP field is written on every path below (the group's fields are stored once, never reset first).
        out.parserWrote |= ParsedPacket.WROTE_ICMP;
        final int o = out.l4Offset;
        final int len = out.l4Length;
        if (len < IcmpHeader.LENGTH)
        {
            return icmpTruncated(buf, out, strict);
        }
        final int type = buf.getByte(o) & 0xFF;
        out.icmpType = type;
        out.icmpCode = buf.getByte(o + IcmpHeader.CODE_OFFSET) & 0xFF;
        out.parserWrote |= ParsedPacket.WROTE_L4_CHECKSUM;
        out.l4Checksum = buf.getShort(o + IcmpHeader.CHECKSUM_OFFSET, NET) & 0xFFFF;
        if (verify)
        {
            if (!Checksum.icmpValid(buf, o, len))
            {
                setChecksumState(out, L4ChecksumState.BAD);
                noIcmpQueryOrError(out);
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            setChecksumState(out, L4ChecksumState.VALID);
        }
        if (type > IcmpHeader.MAX_KNOWN_TYPE)
        {
            noIcmpQueryOrError(out);
            return strict ? ParseStatus.ICMP_BAD_TYPE : ParseStatus.OK;
        }
        if (IcmpHeader.isQuery(type))
        {
            out.icmpId = buf.getShort(o + IcmpHeader.ID_OFFSET, NET) & 0xFFFF;
            out.icmpSeq = buf.getShort(o + IcmpHeader.SEQ_OFFSET, NET) & 0xFFFF;
            out.isIcmpError = false;
            out.parserWrote |= ParsedPacket.WROTE_PORTS;
            out.srcPort = out.icmpId;
            out.dstPort = out.icmpId;
            out.hasPorts = true;
            return ParseStatus.OK;
        }
        return icmpNotQuery(buf, out, type, strict);
    }

    /** An ICMP message shorter than its 8-byte header. */
    private static ParseStatus icmpTruncated(final DirectBuffer buf, final ParsedPacket out, final boolean strict)
    {
        final int o = out.l4Offset;
        if (out.l4Length >= 2)
        {
            out.icmpType = buf.getByte(o) & 0xFF;
            out.icmpCode = buf.getByte(o + 1) & 0xFF;
        }
        else
        {
            out.icmpType = -1;
            out.icmpCode = 0;
        }
        noIcmpQueryOrError(out);
        return strict ? ParseStatus.L4_TRUNCATED : ParseStatus.OK;
    }

    /** A known ICMP type that is not a query: an error (with its quoted datagram) or an informational message. */
    private static ParseStatus icmpNotQuery(
        final DirectBuffer buf, final ParsedPacket out, final int type, final boolean strict)
    {
        noIcmpQueryOrError(out);
        if (!IcmpHeader.isError(type))
        {
            return ParseStatus.OK;
        }
        out.isIcmpError = true;
        // A first fragment may carry a cut quote: record what is there, judge only whole messages.
        final ParseStatus inner =
            icmpInner(buf, out, out.l4Offset + IcmpHeader.EMBEDDED_OFFSET, out.l4Length - IcmpHeader.LENGTH);
        return strict ? inner : ParseStatus.OK;
    }

    /** The ICMP fields of a message that is neither a query nor an error get their "absent" values. */
    private static void noIcmpQueryOrError(final ParsedPacket out)
    {
        out.icmpId = 0;
        out.icmpSeq = 0;
        out.isIcmpError = false;
    }

    /** What nf_ct_get_tuplepr() needs from the quoted datagram of an ICMP error. */
    private static ParseStatus icmpInner(final DirectBuffer buf, final ParsedPacket out, final int io, final int available)
    {
        // Rare (ICMP errors only): reset the whole group, then write what the quote has.
        out.parserWrote |= ParsedPacket.WROTE_INNER;
        out.resetInner();
        out.innerIpOffset = io;
        if (available < Ipv4Header.MIN_LENGTH)
        {
            return ParseStatus.ICMP_ERROR_TRUNCATED;
        }
        final int ihl = (buf.getByte(io) & 0xF) << 2;
        out.innerIpHeaderLength = ihl;
        out.innerTotalLength = buf.getShort(io + Ipv4Header.TOTAL_LENGTH_OFFSET, NET) & 0xFFFF;
        out.innerProtocol = buf.getByte(io + Ipv4Header.PROTOCOL_OFFSET) & 0xFF;
        out.innerIpChecksum = buf.getShort(io + Ipv4Header.CHECKSUM_OFFSET, NET) & 0xFFFF;
        out.innerSrcIp = buf.getInt(io + Ipv4Header.SRC_ADDRESS_OFFSET, NET);
        out.innerDstIp = buf.getInt(io + Ipv4Header.DST_ADDRESS_OFFSET, NET);
        final int ff = buf.getShort(io + Ipv4Header.FLAGS_FRAGMENT_OFFSET, NET) & Ipv4Header.FRAGMENT_OFFSET_MASK;
        if (ff != 0 || ihl < Ipv4Header.MIN_LENGTH)
        {
            return ParseStatus.ICMP_ERROR_BAD_INNER;
        }
        if (ihl > available)
        {
            return ParseStatus.ICMP_ERROR_TRUNCATED;
        }
        final int l4 = io + ihl;
        final int l4Available = available - ihl;
        out.innerL4Offset = l4;
        out.innerL4Available = l4Available;
        switch (out.innerProtocol)
        {
            case IpProtocol.TCP:
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
            case IpProtocol.SCTP:
            case IpProtocol.DCCP:
                if (l4Available < 4)
                {
                    return ParseStatus.ICMP_ERROR_TRUNCATED;
                }
                out.innerSrcPort = buf.getShort(l4, NET) & 0xFFFF;
                out.innerDstPort = buf.getShort(l4 + 2, NET) & 0xFFFF;
                out.innerHasPorts = true;
                return ParseStatus.OK;
            case IpProtocol.ICMP:
                if (l4Available < IcmpHeader.LENGTH)
                {
                    return ParseStatus.ICMP_ERROR_TRUNCATED;
                }
                out.innerIcmpType = buf.getByte(l4) & 0xFF;
                out.innerIcmpCode = buf.getByte(l4 + 1) & 0xFF;
                if (IcmpHeader.isQuery(out.innerIcmpType))
                {
                    final int id = buf.getShort(l4 + IcmpHeader.ID_OFFSET, NET) & 0xFFFF;
                    out.innerSrcPort = id;
                    out.innerDstPort = id;
                    out.innerHasPorts = true;
                }
                return ParseStatus.OK;
            default:
                return ParseStatus.OK;
        }
    }

    /**
     * UDP-Lite as {@code udplite_error}: UDP's header with the checksum coverage in place of the length (0: the
     * whole datagram; 1-7 or beyond the datagram: INVALID), a checksum that must not be 0, verified over the
     * coverage. The kernel verifies it ({@code nf_checksum_partial}) with IPPROTO_UDP, not IPPROTO_UDPLITE, in the
     * pseudo-header; so does this, so a datagram conntrack calls bad is bad here too.
     */
    private static ParseStatus udplite(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
    {
        final int len = out.l4Length;
        if (len >= 4)
        {
            readPorts(buf, out);
        }
        if (out.isFragment)
        {
            return ParseStatus.OK;
        }
        if (len < UdpHeader.LENGTH)
        {
            return ParseStatus.L4_TRUNCATED;
        }
        final int coverageField = buf.getShort(out.l4Offset + UdpHeader.COVERAGE_OFFSET, NET) & 0xFFFF;
        final int coverage = coverageField == 0 ? len : coverageField;
        if (coverage < UdpHeader.LENGTH || coverage > len)
        {
            return ParseStatus.UDPLITE_BAD_COVERAGE;
        }
        final int checksum = buf.getShort(out.l4Offset + UdpHeader.CHECKSUM_OFFSET, NET) & 0xFFFF;
        out.parserWrote |= ParsedPacket.WROTE_L4_CHECKSUM;
        out.l4Checksum = checksum;
        if (checksum == 0)
        {
            return ParseStatus.UDPLITE_NO_CHECKSUM;
        }
        if (verify)
        {
            if (!Checksum.partialValid(buf, out.l4Offset, coverage, len, out.srcIp, out.dstIp, IpProtocol.UDP))
            {
                setChecksumState(out, L4ChecksumState.BAD);
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            setChecksumState(out, L4ChecksumState.VALID);
        }
        return ParseStatus.OK;
    }

    private static ParseStatus sctp(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
    {
        final int o = out.l4Offset;
        final int len = out.l4Length;
        if (len >= 4)
        {
            readPorts(buf, out);
        }
        if (out.isFragment)
        {
            return ParseStatus.OK;
        }
        if (len < SctpHeader.LENGTH)
        {
            return ParseStatus.L4_TRUNCATED;
        }
        if (verify)
        {
            if (!SctpHeader.checksumValid(buf, o, len))
            {
                setChecksumState(out, L4ChecksumState.BAD);
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            setChecksumState(out, L4ChecksumState.VALID);
        }
        // do_basic_checks(): at least one chunk, none of length 0, INIT/INIT-ACK/SHUTDOWN-COMPLETE alone,
        // COOKIE-ECHO/ACK first.
        final int end = o + len;
        int at = o + SctpHeader.LENGTH;
        int count = 0;
        boolean alone = false;
        while (at < end && end - at >= 4)
        {
            final int type = buf.getByte(at) & 0xFF;
            final int chunkLength = buf.getShort(at + 2, NET) & 0xFFFF;
            if (type == SCTP_CID_INIT || type == SCTP_CID_INIT_ACK || type == SCTP_CID_SHUTDOWN_COMPLETE)
            {
                alone = true;
            }
            if (((type == SCTP_CID_COOKIE_ACK || type == SCTP_CID_COOKIE_ECHO || alone) && count != 0) ||
                chunkLength == 0)
            {
                return ParseStatus.SCTP_MALFORMED;
            }
            at += (chunkLength + 3) & ~3;
            count++;
        }
        return count == 0 ? ParseStatus.SCTP_MALFORMED : ParseStatus.OK;
    }
}
