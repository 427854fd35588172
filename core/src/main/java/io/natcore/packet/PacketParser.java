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
 * Stateless and thread safe: all methods are static. The L3 part is here, the L4 part in {@link L4Parser}.
 */
public final class PacketParser
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private static final int IPOPT_END = 0;
    private static final int IPOPT_NOOP = 1;
    private static final int IPOPT_RR = 7;
    private static final int IPOPT_TIMESTAMP = 68;
    private static final int IPOPT_LSRR = 131;
    private static final int IPOPT_SSRR = 137;
    private static final int IPOPT_RA = 148;
    private static final int IPOPT_TS_TSANDADDR = 1;
    private static final int IPOPT_TS_PRESPEC = 3;

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
            result = L4Parser.parse(buf, out, verifyL4Checksums);
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
}
