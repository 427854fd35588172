package io.natcore.packet;

/**
 * Mutable, reusable result of {@link PacketParser#parse}: plain public fields, one instance per thread.
 * <p>
 * Offsets are absolute within the parsed buffer. Addresses are ints in network order value
 * (172.16.2.5 == 0xAC100205), ports 0..65535. Fields not applicable to the packet are reset to 0 /
 * false / -1 by {@link #reset()}; fields after the point where a packet went wrong keep reset values.
 */
public final class ParsedPacket
{
    /** ICMP protocol number ({@link IpProtocol#ICMP}; kept for the benchmarks, which read it here). */
    public static final int PROTO_ICMP = IpProtocol.ICMP;
    /** TCP protocol number ({@link IpProtocol#TCP}; kept for the benchmarks). */
    public static final int PROTO_TCP = IpProtocol.TCP;
    /** UDP protocol number ({@link IpProtocol#UDP}; kept for the benchmarks). */
    public static final int PROTO_UDP = IpProtocol.UDP;

    /** Outcome of the last parse. */
    public ParseStatus status = ParseStatus.OK;

    // ---- L3 ----
    /** Offset of the IPv4 header. */
    public int ipOffset;
    /** IHL * 4. */
    public int ipHeaderLength;
    /** IP total length (trailing bytes past it are padding and ignored). */
    public int totalLength;
    /** Type of service byte. */
    public int tos;
    /** Identification. */
    public int ipId;
    /** TTL as received (TTL &lt;= 1 is the engine's business). */
    public int ttl;
    /** Protocol number. */
    public int protocol;
    /** Header checksum as carried. */
    public int ipChecksum;
    /** Source address. */
    public int srcIp;
    /** Destination address. */
    public int dstIp;
    /** True when the header carries options (IHL > 5). */
    public boolean hasIpOptions;
    /** True when the options carry a loose or strict source route. */
    public boolean hasSourceRoute;
    /** DF flag. */
    public boolean dontFragment;
    /** MF flag. */
    public boolean moreFragments;
    /** Fragment offset in bytes. */
    public int fragmentOffset;
    /** True when MF is set or the fragment offset is non-zero. */
    public boolean isFragment;
    /** True for the fragment at offset 0 with MF set (ports parsed, L4 checksum unverified). */
    public boolean isFirstFragment;

    // ---- L4 ----
    /** Offset of the L4 header (ipOffset + ipHeaderLength), also for fragments. */
    public int l4Offset;
    /** Bytes of IP payload (totalLength - ipHeaderLength). */
    public int l4Length;
    /** True when srcPort/dstPort hold ports (TCP, UDP, SCTP) or an ICMP query id. */
    public boolean hasPorts;
    /** Source port; ICMP query: identifier. */
    public int srcPort;
    /** Destination port; ICMP query: identifier. */
    public int dstPort;
    /** What is known of the L4 checksum. */
    public L4ChecksumState l4ChecksumState = L4ChecksumState.UNVERIFIED;
    /** L4 checksum as carried (TCP, UDP, ICMP), else 0. */
    public int l4Checksum;

    /** TCP flags byte. */
    public int tcpFlags;
    /** TCP sequence number. */
    public int tcpSeq;
    /** TCP acknowledgment number. */
    public int tcpAck;
    /** TCP window (unscaled). */
    public int tcpWindow;
    /** TCP data offset in bytes (header length). */
    public int tcpDataOffset;
    /** TCP payload length (l4Length - tcpDataOffset). */
    public int tcpPayloadLength;
    /** Window scale from a SYN's options, 0..14, or -1 (none, or not a SYN). */
    public int tcpWindowScale = -1;
    /** MSS option from a SYN, or -1. */
    public int tcpMss = -1;
    /** SACK-permitted option seen on a SYN. */
    public boolean tcpSackPermitted;

    /** UDP length field. */
    public int udpLength;

    /** ICMP type. */
    public int icmpType = -1;
    /** ICMP code. */
    public int icmpCode;
    /** ICMP query identifier. */
    public int icmpId;
    /** ICMP query sequence number. */
    public int icmpSeq;
    /** True for ICMP types 3, 4, 5, 11, 12 (the embedded datagram fields below are filled). */
    public boolean isIcmpError;

    // ---- embedded datagram of an ICMP error ----
    /** Offset of the embedded IPv4 header. */
    public int innerIpOffset;
    /** Embedded IHL * 4. */
    public int innerIpHeaderLength;
    /** Embedded total length field (as carried; usually larger than what is quoted). */
    public int innerTotalLength;
    /** Embedded protocol. */
    public int innerProtocol;
    /** Embedded source address. */
    public int innerSrcIp;
    /** Embedded destination address. */
    public int innerDstIp;
    /** Embedded header checksum as carried. */
    public int innerIpChecksum;
    /** Offset of the embedded L4 header. */
    public int innerL4Offset;
    /**
     * Bytes of embedded L4 header present in the message (the quote may be short of 8). Conntrack needs
     * only the 4 port bytes to relate the error, but the kernel's NAT rewrite of an embedded UDP header
     * needs all 8 and of an embedded TCP header 8 (ports + seq): with fewer it drops the error.
     */
    public int innerL4Available;
    /** True when innerSrcPort/innerDstPort hold ports, or the embedded ICMP query's id. */
    public boolean innerHasPorts;
    /** Embedded source port (ICMP query: id). */
    public int innerSrcPort;
    /** Embedded destination port (ICMP query: id). */
    public int innerDstPort;
    /** Embedded ICMP type, or -1. */
    public int innerIcmpType = -1;
    /** Embedded ICMP code. */
    public int innerIcmpCode;

    /** {@link #parserWrote} group: tcpFlags, tcpSeq, tcpAck, tcpWindow, tcpDataOffset, tcpPayloadLength. */
    static final int WROTE_TCP = 1;
    /** {@link #parserWrote} group: icmpType, icmpCode, icmpId, icmpSeq, isIcmpError. */
    static final int WROTE_ICMP = 2;
    /** {@link #parserWrote} group: the embedded-datagram fields. */
    static final int WROTE_INNER = 4;
    /** {@link #parserWrote} group: tcpWindowScale, tcpMss, tcpSackPermitted. */
    static final int WROTE_TCP_OPTIONS = 8;
    /** {@link #parserWrote} group: hasPorts, srcPort, dstPort. */
    static final int WROTE_PORTS = 16;
    /** {@link #parserWrote} group: udpLength. */
    static final int WROTE_UDP = 32;
    /** {@link #parserWrote} group: l4Checksum. */
    static final int WROTE_L4_CHECKSUM = 64;
    /** {@link #parserWrote} group: l4ChecksumState. */
    static final int WROTE_CHECKSUM_STATE = 128;
    /** {@link #parserWrote} group: hasIpOptions, hasSourceRoute. */
    static final int WROTE_IP_OPTIONS = 256;
    private static final int WROTE_ALL = 511;

    /**
     * Which field groups hold values written by the parser (not their reset values). The parser writes every field
     * of a group it touches and sets the group's bit; at the end of a parse it resets only the groups the previous
     * parse wrote and this one did not, so each field is stored once per packet (a TCP packet after a TCP packet
     * stores its TCP fields once, not reset-then-written).
     */
    int parserWrote;

    /**
     * Reset every field to its "absent" value.
     *
     * @return this.
     */
    public ParsedPacket reset()
    {
        parserWrote = 0;
        clearGroups(WROTE_ALL);
        clearHeaderFields();
        status = ParseStatus.OK;
        ipOffset = 0;
        ipHeaderLength = 0;
        return this;
    }

    /**
     * The IPv4 header fields the parser writes on every packet that reaches them ({@code tos} ..
     * {@code dstIp}) and the fragment and L4 position fields after them: the parser clears them only on the
     * early failures that stop before writing them, instead of storing every field twice per packet.
     */
    void clearHeaderFields()
    {
        tos = 0;
        totalLength = 0;
        ipId = 0;
        ttl = 0;
        protocol = 0;
        ipChecksum = 0;
        srcIp = 0;
        dstIp = 0;
        clearFragmentFields();
    }

    /** The fragment and L4 position fields (see {@link #clearHeaderFields()}). */
    void clearFragmentFields()
    {
        dontFragment = false;
        moreFragments = false;
        fragmentOffset = 0;
        isFragment = false;
        isFirstFragment = false;
        l4Offset = 0;
        l4Length = 0;
    }

    /**
     * Start of a parse: forget which groups are written (the parse marks what it writes).
     *
     * @return the groups the previous parse left written, for {@link #endParse(int, ParseStatus)}.
     */
    int beginParse()
    {
        final int previous = parserWrote;
        parserWrote = 0;
        return previous;
    }

    /**
     * End of a parse: reset the groups the previous parse wrote and this one did not (fields written by other
     * code meanwhile are not noticed: call {@link #reset()}), and store the status.
     *
     * @param previous from {@link #beginParse()}.
     * @param result   the parse's status.
     */
    void endParse(final int previous, final ParseStatus result)
    {
        final int stale = previous & ~parserWrote;
        if (stale != 0)
        {
            clearGroups(stale);
        }
        if (status != result) // usually unchanged (OK): skip the store and its GC write barrier
        {
            status = result;
        }
    }

    /** Reset the given field groups to their "absent" values. */
    private void clearGroups(final int groups)
    {
        if ((groups & WROTE_TCP) != 0)
        {
            tcpFlags = 0;
            tcpSeq = 0;
            tcpAck = 0;
            tcpWindow = 0;
            tcpDataOffset = 0;
            tcpPayloadLength = 0;
        }
        if ((groups & WROTE_TCP_OPTIONS) != 0)
        {
            tcpWindowScale = -1;
            tcpMss = -1;
            tcpSackPermitted = false;
        }
        if ((groups & WROTE_PORTS) != 0)
        {
            hasPorts = false;
            srcPort = 0;
            dstPort = 0;
        }
        if ((groups & WROTE_UDP) != 0)
        {
            udpLength = 0;
        }
        if ((groups & WROTE_L4_CHECKSUM) != 0)
        {
            l4Checksum = 0;
        }
        if ((groups & WROTE_CHECKSUM_STATE) != 0)
        {
            l4ChecksumState = L4ChecksumState.UNVERIFIED;
        }
        if ((groups & WROTE_IP_OPTIONS) != 0)
        {
            hasIpOptions = false;
            hasSourceRoute = false;
        }
        if ((groups & WROTE_ICMP) != 0)
        {
            icmpType = -1;
            icmpCode = 0;
            icmpId = 0;
            icmpSeq = 0;
            isIcmpError = false;
        }
        if ((groups & WROTE_INNER) != 0)
        {
            resetInner();
        }
    }

    void resetInner()
    {
        innerIpOffset = 0;
        innerIpHeaderLength = 0;
        innerTotalLength = 0;
        innerProtocol = 0;
        innerSrcIp = 0;
        innerDstIp = 0;
        innerIpChecksum = 0;
        innerL4Offset = 0;
        innerL4Available = 0;
        innerHasPorts = false;
        innerSrcPort = 0;
        innerDstPort = 0;
        innerIcmpType = -1;
        innerIcmpCode = 0;
    }

    /** @return the source "port" of the connection key: the port, an ICMP packet's identifier, else 0. */
    public int keySrcPort()
    {
        if (protocol == IpProtocol.ICMP)
        {
            return icmpId;
        }
        return hasPorts ? srcPort : 0;
    }

    /** @return the destination "port" of the connection key: the port, an ICMP packet's identifier, else 0. */
    public int keyDstPort()
    {
        if (protocol == IpProtocol.ICMP)
        {
            return icmpId;
        }
        return hasPorts ? dstPort : 0;
    }
}
