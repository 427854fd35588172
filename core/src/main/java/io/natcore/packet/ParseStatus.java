package io.natcore.packet;

/**
 * Outcome of {@link PacketParser#parse}: {@code OK} or the precise reason a packet is malformed.
 * <p>
 * The split follows the Linux kernel a NAT engine copies. L3 problems are found by
 * {@code ip_rcv_core()} (and {@code ip_options_compile()}) and the kernel DROPS the packet. L4 problems
 * are found by conntrack's {@code tcp_error()}, {@code udp_error()}, {@code icmp_error()},
 * {@code sctp_error()}, {@code udplite_error()}: the packet is INVALID to conntrack and the kernel forwards it untranslated.
 */
public enum ParseStatus
{
    /** Well formed (a non-first fragment is OK too: see {@link ParsedPacket#isFragment}). */
    OK(Kind.OK),

    /** Fewer than 20 bytes, or fewer than IHL * 4. */
    TOO_SHORT(Kind.L3_DROP),
    /** Version nibble is not 4. */
    BAD_VERSION(Kind.L3_DROP),
    /** IHL below 5 words. */
    IHL_TOO_SMALL(Kind.L3_DROP),
    /** IP total length larger than the bytes received. */
    TOTAL_LENGTH_BEYOND_BUFFER(Kind.L3_DROP),
    /** IP total length smaller than the header. */
    TOTAL_LENGTH_BELOW_HEADER(Kind.L3_DROP),
    /** IPv4 header checksum wrong. */
    BAD_IP_CHECKSUM(Kind.L3_DROP),
    /** IP options malformed as {@code ip_options_compile()} rejects them (the kernel answers parameter problem). */
    BAD_IP_OPTIONS(Kind.L3_DROP),

    /** L4 header shorter than its fixed part (TCP 20, UDP 8, ICMP 8, SCTP 12 bytes). */
    L4_TRUNCATED(Kind.L4_INVALID),
    /** TCP data offset below 5 words or beyond the segment. */
    TCP_BAD_DATA_OFFSET(Kind.L4_INVALID),
    /** UDP length field larger than the datagram or below 8. */
    UDP_BAD_LENGTH(Kind.L4_INVALID),
    /** TCP, UDP (non-zero), ICMP checksum or SCTP CRC32c wrong. */
    BAD_L4_CHECKSUM(Kind.L4_INVALID),
    /** TCP flag combination the kernel's {@code tcp_valid_flags} table rejects (e.g. SYN+FIN, none). */
    TCP_BAD_FLAGS(Kind.L4_INVALID),
    /** ICMP type above 18 (NR_ICMP_TYPES). */
    ICMP_BAD_TYPE(Kind.L4_INVALID),
    /** ICMP error whose embedded IPv4 header or L4 ports are cut short. */
    ICMP_ERROR_TRUNCATED(Kind.L4_INVALID),
    /** ICMP error whose embedded datagram is a non-first fragment (conntrack cannot take a tuple from it). */
    ICMP_ERROR_BAD_INNER(Kind.L4_INVALID),
    /** SCTP chunk with a length below 4 (conntrack's {@code do_basic_checks()}). */
    SCTP_MALFORMED(Kind.L4_INVALID),
    /** UDP-Lite checksum coverage of 1 to 7 bytes or beyond the datagram ({@code udplite_error}). */
    UDPLITE_BAD_COVERAGE(Kind.L4_INVALID),
    /** UDP-Lite checksum 0: UDP-Lite mandates one ({@code udplite_error}). */
    UDPLITE_NO_CHECKSUM(Kind.L4_INVALID);

    private enum Kind
    {
        OK, L3_DROP, L4_INVALID
    }

    private final Kind kind;

    ParseStatus(final Kind kind)
    {
        this.kind = kind;
    }

    /** @return true when the kernel drops the packet before conntrack (broken IPv4 header). */
    public boolean isL3Drop()
    {
        return kind == Kind.L3_DROP;
    }

    /** @return true when conntrack marks the packet INVALID (the kernel forwards it untranslated). */
    public boolean isL4Invalid()
    {
        return kind == Kind.L4_INVALID;
    }

    /** @return true for {@link #OK}. */
    public boolean isOk()
    {
        return kind == Kind.OK;
    }
}
