package io.natcore.packet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Validating IPv4 parser: classifies a packet as the Linux kernel would and fills a {@link ParsedPacket}.
 * Never throws for any input within {@code [offset, offset + length)} of the buffer and allocates nothing.
 * <p>
 * L3 checks copy {@code ip_rcv_core()} (then {@code ip_options_compile()}): a failure means the kernel
 * drops the packet. L4 checks copy conntrack's {@code tcp_error()}, {@code udp_error()},
 * {@code icmp_error()} and {@code sctp_error()} in PRE_ROUTING with {@code nf_conntrack_checksum=1}: a
 * failure means conntrack deems the packet INVALID and the kernel forwards it untranslated.
 * Bytes past the IP total length (ethernet padding) are ignored.
 * <p>
 * Fragments: conntrack sees reassembled datagrams, so no L4 check is made on a fragment. A non-first
 * fragment is OK with no L4 fields; a first fragment gets its ports (and TCP/ICMP fields when present)
 * with {@link L4ChecksumState#UNVERIFIED}. An ICMP error's embedded L4 header is never checksum-verified.
 * <p>
 * Stateless and thread safe: all methods are static.
 */
public final class PacketParser
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    /** tcp_valid_flags of nf_conntrack_proto_tcp.c, indexed by flags without PSH, ECE, CWR. */
    private static final boolean[] TCP_VALID_FLAGS = new boolean[64];
    private static final int TCP_FLAGS_IGNORED = TcpHeader.PSH | TcpHeader.ECE | TcpHeader.CWR;

    private static final int IPOPT_END = 0;
    private static final int IPOPT_NOOP = 1;
    private static final int IPOPT_RR = 7;
    private static final int IPOPT_TIMESTAMP = 68;
    private static final int IPOPT_LSRR = 131;
    private static final int IPOPT_SSRR = 137;
    private static final int IPOPT_RA = 148;
    private static final int IPOPT_TS_TSANDADDR = 1;
    private static final int IPOPT_TS_PRESPEC = 3;

    private static final int SCTP_CID_INIT = 1;
    private static final int SCTP_CID_INIT_ACK = 2;
    private static final int SCTP_CID_COOKIE_ECHO = 10;
    private static final int SCTP_CID_COOKIE_ACK = 11;
    private static final int SCTP_CID_SHUTDOWN_COMPLETE = 14;

    static
    {
        final int syn = TcpHeader.SYN;
        final int ack = TcpHeader.ACK;
        final int rst = TcpHeader.RST;
        final int fin = TcpHeader.FIN;
        final int urg = TcpHeader.URG;
        final int[] valid = { syn, syn | urg, syn | ack, rst, rst | ack, fin | ack, fin | ack | urg, ack, ack | urg };
        for (final int f : valid)
        {
            TCP_VALID_FLAGS[f] = true;
        }
    }

    private PacketParser()
    {
    }

    /**
     * Parse and validate an IPv4 packet, verifying the IP and L4 checksums.
     *
     * @param buf    buffer holding the packet.
     * @param offset of the IPv4 header.
     * @param length bytes available from offset (may exceed the IP total length).
     * @param out    reused holder, reset first.
     * @return the status, also stored in {@code out.status}.
     */
    public static ParseStatus parse(final DirectBuffer buf, final int offset, final int length, final ParsedPacket out)
    {
        return parse(buf, offset, length, out, true);
    }

    /**
     * Parse and validate an IPv4 packet.
     *
     * @param buf             buffer holding the packet.
     * @param offset          of the IPv4 header.
     * @param length          bytes available from offset.
     * @param out             reused holder, reset first.
     * @param verifyChecksums false to skip the IP header and L4 checksum checks (packets already verified, or
     *                        not in PRE_ROUTING: the kernel verifies L4 checksums only there).
     * @return the status, also stored in {@code out.status}.
     */
    public static ParseStatus parse(
        final DirectBuffer buf, final int offset, final int length, final ParsedPacket out, final boolean verifyChecksums)
    {
        return parse(buf, offset, length, out, verifyChecksums, verifyChecksums);
    }

    /**
     * Parse and validate an IPv4 packet, choosing the checksums verified separately.
     *
     * @param buf               buffer holding the packet.
     * @param offset            of the IPv4 header.
     * @param length            bytes available from offset.
     * @param out               reused holder, reset first.
     * @param verifyIpChecksum  false to trust the IP header checksum.
     * @param verifyL4Checksums false to trust the TCP/UDP/ICMP/SCTP checksums (a NIC validated them: the kernel's
     *                          CHECKSUM_UNNECESSARY); {@code out.l4ChecksumState} then stays UNVERIFIED or NONE.
     * @return the status, also stored in {@code out.status}.
     */
    public static ParseStatus parse(
        final DirectBuffer buf,
        final int offset,
        final int length,
        final ParsedPacket out,
        final boolean verifyIpChecksum,
        final boolean verifyL4Checksums)
    {
        final int previous = out.beginParse();
        ParseStatus result = l3(buf, offset, length, out, verifyIpChecksum);
        if (result == ParseStatus.OK && out.fragmentOffset == 0)
        {
            result = parseL4(buf, out, verifyL4Checksums);
        }
        out.endParse(previous, result);
        return result;
    }

    /**
     * The cheap path: validate and read the IPv4 header only (L3 fields, {@code l4Offset}, {@code l4Length},
     * fragment fields), with the header checksum verified.
     *
     * @param buf    buffer holding the packet.
     * @param offset of the IPv4 header.
     * @param length bytes available from offset.
     * @param out    reused holder, reset first.
     * @return an L3 status or OK.
     */
    public static ParseStatus parseL3(final DirectBuffer buf, final int offset, final int length, final ParsedPacket out)
    {
        return parseL3(buf, offset, length, out, true);
    }

    /**
     * As {@link #parseL3(DirectBuffer, int, int, ParsedPacket)}, optionally skipping the header checksum.
     *
     * @param buf            buffer holding the packet.
     * @param offset         of the IPv4 header.
     * @param length         bytes available from offset.
     * @param out            reused holder, reset first.
     * @param verifyChecksum false to trust the header checksum.
     * @return an L3 status or OK.
     */
    public static ParseStatus parseL3(
        final DirectBuffer buf, final int offset, final int length, final ParsedPacket out, final boolean verifyChecksum)
    {
        final int previous = out.beginParse();
        final ParseStatus result = l3(buf, offset, length, out, verifyChecksum);
        out.endParse(previous, result);
        return result;
    }

    /** The L3 part of a parse, between {@code beginParse} and {@code endParse}: does not store the status. */
    private static ParseStatus l3(
        final DirectBuffer buf, final int offset, final int length, final ParsedPacket out, final boolean verifyChecksum)
    {
        out.ipOffset = offset;
        if (offset < 0 || length < Ipv4Header.MIN_LENGTH || offset + length > buf.capacity() || offset + length < 0)
        {
            return earlyFailure(out, ParseStatus.TOO_SHORT);
        }
        // The fixed header as three network-order words (length >= 20 is checked): every field is a shift of one
        // of them and the header checksum is their sum, instead of a load per field and the sum's own loads.
        //   w0: version/IHL (63..56), TOS (55..48), total length (47..32), id (31..16), flags/fragment (15..0)
        //   w1: TTL (63..56), protocol (55..48), checksum (47..32), source (31..0);  w2: destination
        final long w0 = buf.getLong(offset, NET);
        final int versionIhl = (int)(w0 >>> 56);
        if ((versionIhl >> 4) != 4)
        {
            return earlyFailure(out, ParseStatus.BAD_VERSION);
        }
        final int hl = (versionIhl & 0xF) << 2;
        if (hl < Ipv4Header.MIN_LENGTH)
        {
            return earlyFailure(out, ParseStatus.IHL_TOO_SMALL);
        }
        out.ipHeaderLength = hl;
        if (length < hl)
        {
            out.clearHeaderFields();
            return ParseStatus.TOO_SHORT;
        }
        final long w1 = buf.getLong(offset + 8, NET);
        final int w2 = buf.getInt(offset + Ipv4Header.DST_ADDRESS_OFFSET, NET);
        storeHeaderFields(out, w0, w1, w2);
        final int totalLength = (int)(w0 >>> 32) & 0xFFFF;
        if (verifyChecksum && !(hl == Ipv4Header.MIN_LENGTH ?
            Checksum.ipv4HeaderWordsValid(w0, w1, w2) : Checksum.ipv4HeaderValid(buf, offset, hl)))
        {
            out.clearFragmentFields();
            return ParseStatus.BAD_IP_CHECKSUM;
        }
        if (totalLength > length)
        {
            out.clearFragmentFields();
            return ParseStatus.TOTAL_LENGTH_BEYOND_BUFFER;
        }
        if (totalLength < hl)
        {
            out.clearFragmentFields();
            return ParseStatus.TOTAL_LENGTH_BELOW_HEADER;
        }
        storeFragmentFields(out, (int)w0 & 0xFFFF);
        out.l4Offset = offset + hl;
        out.l4Length = totalLength - hl;
        return hl > Ipv4Header.MIN_LENGTH ? ipOptions(buf, offset, hl, out) : ParseStatus.OK;
    }

    /** MF flag and fragment offset bits of the flags/fragment word. */
    private static final int MF_AND_OFFSET = 0x3FFF;

    /**
     * The connection key fields the full parse would give an unfragmented TCP, UDP or ICMP query packet, read
     * without validation (no checksums, no lengths beyond the reads' own bounds): a guess for a burst lookup that
     * {@link #parse} confirms later. Every read stays inside {@code [offset, offset + length)} and the buffer. Writes
     * only {@code out.protocol}, {@code srcIp}, {@code dstIp}, {@code srcPort} and {@code dstPort} (ICMP: the
     * identifier in both); the header is read as {@link #l3} reads it (words w0, w1).
     *
     * @return false when the packet is not such a packet (nothing to guess: the full parse decides).
     */
    public static boolean peekKey(final DirectBuffer buf, final int offset, final int length, final ParsedPacket out)
    {
        if (offset < 0 || length < Ipv4Header.MIN_LENGTH || offset + length > buf.capacity() || offset + length < 0)
        {
            return false;
        }
        final long w0 = buf.getLong(offset, NET);
        final int versionIhl = (int)(w0 >>> 56);
        final int hl = (versionIhl & 0xF) << 2;
        if ((versionIhl >> 4) != 4 || hl < Ipv4Header.MIN_LENGTH || (w0 & MF_AND_OFFSET) != 0)
        {
            return false;
        }
        final long w1 = buf.getLong(offset + 8, NET);
        final int protocol = (int)(w1 >>> 48) & 0xFF;
        final int l4 = offset + hl;
        final int ports;
        if (protocol == IpProtocol.TCP || protocol == IpProtocol.UDP)
        {
            if (hl + 4 > length)
            {
                return false;
            }
            ports = buf.getInt(l4, NET);
        }
        else if (protocol == IpProtocol.ICMP)
        {
            if (hl + IcmpHeader.LENGTH > length)
            {
                return false;
            }
            // type (63..56), code, checksum, identifier (31..16), sequence
            final long icmp = buf.getLong(l4, NET);
            if (!IcmpHeader.isQuery((int)(icmp >>> 56)))
            {
                return false;
            }
            final int id = (int)(icmp >>> 16) & 0xFFFF;
            ports = id << 16 | id;
        }
        else
        {
            return false;
        }
        out.protocol = protocol;
        out.srcIp = (int)w1;
        out.dstIp = buf.getInt(offset + Ipv4Header.DST_ADDRESS_OFFSET, NET);
        out.srcPort = ports >>> 16;
        out.dstPort = ports & 0xFFFF;
        return true;
    }

    // l3 is split into small methods so that C2 inlines all of it (a method over 325 bytecodes is compiled as
    // a separate call, with every live value spilled around it).

    /** The IPv4 header fields from the header's words (see {@link #l3}). */
    private static void storeHeaderFields(final ParsedPacket out, final long w0, final long w1, final int w2)
    {
        out.tos = (int)(w0 >>> 48) & 0xFF;
        out.totalLength = (int)(w0 >>> 32) & 0xFFFF;
        out.ipId = (int)(w0 >>> 16) & 0xFFFF;
        out.ttl = (int)(w1 >>> 56);
        out.protocol = (int)(w1 >>> 48) & 0xFF;
        out.ipChecksum = (int)(w1 >>> 32) & 0xFFFF;
        out.srcIp = (int)w1;
        out.dstIp = w2;
    }

    /**
     * The fragment fields from the flags / fragment offset word. Most packets are not fragments: their four
     * fragment fields are then left alone when already at their "absent" values (one load instead of four stores;
     * the parse is bound by its stores).
     */
    private static void storeFragmentFields(final ParsedPacket out, final int ff)
    {
        out.dontFragment = (ff & Ipv4Header.FLAG_DF) != 0;
        if ((ff & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) == 0)
        {
            if (out.isFragment) // the other three are at their absent values whenever isFragment is false
            {
                out.moreFragments = false;
                out.fragmentOffset = 0;
                out.isFragment = false;
                out.isFirstFragment = false;
            }
            return;
        }
        final boolean mf = (ff & Ipv4Header.FLAG_MF) != 0;
        final int fragmentOffset = (ff & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        out.moreFragments = mf;
        out.fragmentOffset = fragmentOffset;
        out.isFragment = mf || fragmentOffset != 0;
        out.isFirstFragment = mf && fragmentOffset == 0;
    }

    /** A header with options (IHL > 5): mark them and check them. */
    private static ParseStatus ipOptions(final DirectBuffer buf, final int offset, final int hl, final ParsedPacket out)
    {
        out.parserWrote |= ParsedPacket.WROTE_IP_OPTIONS;
        out.hasIpOptions = true;
        out.hasSourceRoute = false;
        return ipOptionsValid(buf, offset + Ipv4Header.OPTIONS_OFFSET, offset + hl, out) ?
            ParseStatus.OK : ParseStatus.BAD_IP_OPTIONS;
    }

    /** Store a checksum state unless already there (a reference store also costs a GC write barrier). */
    private static void setChecksumState(final ParsedPacket out, final L4ChecksumState state)
    {
        if (out.l4ChecksumState != state)
        {
            out.l4ChecksumState = state;
        }
    }

    /** A failure before any header field was read: those fields get their "absent" values. */
    private static ParseStatus earlyFailure(final ParsedPacket out, final ParseStatus status)
    {
        out.ipHeaderLength = 0;
        out.clearHeaderFields();
        return status;
    }

    /** The structural checks of ip_options_compile() for a received packet. */
    private static boolean ipOptionsValid(final DirectBuffer buf, final int start, final int end, final ParsedPacket out)
    {
        boolean rr = false;
        boolean ts = false;
        boolean srr = false;
        int i = start;
        while (i < end)
        {
            final int kind = buf.getByte(i) & 0xFF;
            if (kind == IPOPT_END)
            {
                return true;
            }
            if (kind == IPOPT_NOOP)
            {
                i++;
                continue;
            }
            final int left = end - i;
            if (left < 2)
            {
                return false;
            }
            final int optlen = buf.getByte(i + 1) & 0xFF;
            if (optlen < 2 || optlen > left)
            {
                return false;
            }
            final int ptr = optlen >= 3 ? buf.getByte(i + 2) & 0xFF : 0;
            switch (kind)
            {
                case IPOPT_LSRR:
                case IPOPT_SSRR:
                    if (optlen < 3 || ptr < 4 || srr)
                    {
                        return false;
                    }
                    srr = true;
                    out.hasSourceRoute = true;
                    break;
                case IPOPT_RR:
                    if (rr || optlen < 3 || ptr < 4 || (ptr <= optlen && ptr + 3 > optlen))
                    {
                        return false;
                    }
                    rr = true;
                    break;
                case IPOPT_TIMESTAMP:
                    if (ts || optlen < 4 || ptr < 5)
                    {
                        return false;
                    }
                    final int tsFlags = buf.getByte(i + 3) & 0xFF;
                    if (ptr <= optlen)
                    {
                        if (ptr + 3 > optlen)
                        {
                            return false;
                        }
                        final int mode = tsFlags & 0xF;
                        if ((mode == IPOPT_TS_TSANDADDR || mode == IPOPT_TS_PRESPEC) && ptr + 7 > optlen)
                        {
                            return false;
                        }
                    }
                    else if ((tsFlags & 0xF) != IPOPT_TS_PRESPEC && (tsFlags >> 4) == 15)
                    {
                        return false; // overflow counter would wrap
                    }
                    ts = true;
                    break;
                case IPOPT_RA:
                    if (optlen < 4)
                    {
                        return false;
                    }
                    break;
                default:
                    break; // unknown options are ignored on receive
            }
            i += optlen;
        }
        return true;
    }

    private static ParseStatus parseL4(final DirectBuffer buf, final ParsedPacket out, final boolean verify)
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
                out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
                out.l4ChecksumState = L4ChecksumState.BAD;
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
            setChecksumState(out, L4ChecksumState.VALID);
        }
        if (!TCP_VALID_FLAGS[out.tcpFlags & ~TCP_FLAGS_IGNORED & 0x3F])
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
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
            out.l4ChecksumState = L4ChecksumState.NONE;
            return ParseStatus.OK;
        }
        if (verify)
        {
            // Like nf_checksum(): over the whole IP payload, not just the UDP length.
            if (!Checksum.l4Valid(buf, out.l4Offset, len, out.srcIp, out.dstIp, IpProtocol.UDP))
            {
                out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
                out.l4ChecksumState = L4ChecksumState.BAD;
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
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
                out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
                out.l4ChecksumState = L4ChecksumState.NONE;
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
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
            if (!Checksum.icmpValid(buf, o, len))
            {
                out.l4ChecksumState = L4ChecksumState.BAD;
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
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
            if (!Checksum.partialValid(buf, out.l4Offset, coverage, len, out.srcIp, out.dstIp, IpProtocol.UDP))
            {
                out.l4ChecksumState = L4ChecksumState.BAD;
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
                out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
                out.l4ChecksumState = L4ChecksumState.BAD;
                return ParseStatus.BAD_L4_CHECKSUM;
            }
            out.parserWrote |= ParsedPacket.WROTE_CHECKSUM_STATE;
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
