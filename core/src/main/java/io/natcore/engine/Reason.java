/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.ParseStatus;
import io.natcore.track.TrackReason;

/**
 * Why a packet got its verdict, one constant per cause, each with a stable counter id and a label
 * (Aeron {@code SystemCounterDescriptor} style). {@link #NONE} for plain forwards.
 */
public enum Reason
{
    /** Nothing special: forwarded, or delivered locally. */
    NONE(0, "none"),

    /** Fewer bytes than an IPv4 header. */
    IP_TOO_SHORT(1, "ip: too short"),
    /** Version is not 4. */
    IP_BAD_VERSION(2, "ip: version not 4"),
    /** IHL below 5. */
    IP_BAD_IHL(3, "ip: header length below 20"),
    /** Total length beyond the bytes received or below the header. */
    IP_BAD_TOTAL_LENGTH(4, "ip: bad total length"),
    /** Header checksum wrong. */
    IP_BAD_CHECKSUM(5, "ip: bad header checksum"),
    /** Options malformed (the router answers parameter problem). */
    IP_BAD_OPTIONS(6, "ip: bad options"),

    /** L4 header shorter than its fixed part. */
    L4_TRUNCATED(10, "l4: header truncated"),
    /** TCP data offset below 5 or beyond the segment. */
    TCP_BAD_DATA_OFFSET(11, "tcp: bad data offset"),
    /** UDP length field inconsistent with the datagram. */
    UDP_BAD_LENGTH(12, "udp: bad length"),
    /** TCP, UDP, ICMP checksum or SCTP CRC wrong. */
    L4_BAD_CHECKSUM(13, "l4: bad checksum"),
    /** TCP flag combination conntrack rejects. */
    TCP_BAD_FLAGS(14, "tcp: invalid flags"),
    /** ICMP type above 18. */
    ICMP_BAD_TYPE(15, "icmp: unknown type"),
    /** ICMP error quoting too little of the datagram. */
    ICMP_ERROR_TRUNCATED(16, "icmp: error quote truncated"),
    /** ICMP error quoting something conntrack cannot take a tuple from. */
    ICMP_ERROR_BAD_INNER(17, "icmp: error quote unusable"),
    /** SCTP chunk malformed. */
    SCTP_MALFORMED(18, "sctp: malformed"),
    /** UDP-Lite checksum coverage below the header or beyond the datagram. */
    UDPLITE_BAD_COVERAGE(19, "udplite: bad checksum coverage"),
    /** UDP-Lite without a checksum. */
    UDPLITE_NO_CHECKSUM(9, "udplite: checksum missing"),

    /** TCP: this segment cannot open a connection (SYN/ACK, FIN, RST without one; pickup disabled). */
    TCP_INVALID_NEW(20, "tcp: cannot open a connection"),
    /** TCP: state machine says invalid. */
    TCP_INVALID_TRANSITION(21, "tcp: invalid in this state"),
    /** TCP: outside the window. */
    TCP_OUT_OF_WINDOW(22, "tcp: out of window"),
    /** TCP: RST with an unacceptable sequence number. */
    TCP_INVALID_RST(23, "tcp: invalid rst"),
    /** ICMP: a type that opens no connection (a reply, ...) with no connection. */
    ICMP_INVALID_NEW(24, "icmp: cannot open a connection"),
    /** ICMP error about no known connection. */
    ICMP_ERROR_UNRELATED(25, "icmp: error about no connection"),
    /** Other tracker invalid verdicts. */
    TRACK_INVALID(26, "track: invalid"),
    /** The tracker said drop. */
    TRACK_DROP(27, "track: drop"),

    /** TTL would reach zero. */
    TTL_EXPIRED(30, "ttl expired"),
    /** No route to the (translated) destination. */
    NO_ROUTE(31, "no route"),
    /** MASQUERADE on an interface without an address. */
    MASQUERADE_NO_ADDRESS(32, "masquerade: no address"),
    /** No free port or id in the NAT range. */
    NAT_EXHAUSTED(33, "nat: range exhausted"),
    /** Connection table full (no early-drop victim). */
    TABLE_FULL(34, "table: full"),
    /** The chosen tuple clashed at insertion. */
    INSERT_CLASH(35, "table: insert clash"),

    /** Fragment overlapping one seen. */
    FRAG_OVERLAP(40, "fragment: overlap"),
    /** Exact duplicate fragment. */
    FRAG_DUPLICATE(41, "fragment: duplicate"),
    /** Fragment lengths inconsistent. */
    FRAG_CORRUPT(42, "fragment: corrupt"),
    /** No room to follow another datagram. */
    FRAG_TABLE_FULL(43, "fragment: table full"),
    /** Non-first fragment with no first fragment. */
    FRAG_ORPHAN(44, "fragment: orphan"),
    /** Fragment of a datagram already dropped. */
    FRAG_DATAGRAM_DROPPED(45, "fragment: datagram dropped"),
    /** Too many fragments for bounded tracking. */
    FRAG_TOO_MANY(46, "fragment: too many"),
    /** Non-first fragment before its first fragment, and the processor's held-fragment store is full. */
    FRAG_HELD_FULL(47, "fragment: held store full"),
    /** The datagram did not complete within the fragment timeout (kernel {@code ipfrag_time}). */
    FRAG_TIMEOUT(48, "fragment: reassembly timeout"),
    /** The reassembled datagram would pass 65535 bytes. */
    FRAG_OVERSIZE(49, "fragment: datagram over 65535 bytes"),
    /** The fragments mix not-ECT and ECN-capable codepoints ({@code ip_frag_ecn_table}: invalid). */
    FRAG_ECN_INVALID(50, "fragment: invalid ECN mix");

    private static final Reason[] BY_ID;

    static
    {
        int max = 0;
        for (final Reason r : values())
        {
            max = Math.max(max, r.id);
        }
        BY_ID = new Reason[max + 1];
        for (final Reason r : values())
        {
            if (BY_ID[r.id] != null)
            {
                throw new IllegalStateException("duplicate reason id " + r.id);
            }
            BY_ID[r.id] = r;
        }
    }

    private final int id;
    private final String label;

    Reason(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /** @return stable counter id. */
    public int id()
    {
        return id;
    }

    /** @return human readable label. */
    public String label()
    {
        return label;
    }

    /** @return largest id in use. */
    public static int maxId()
    {
        return BY_ID.length - 1;
    }

    /**
     * @param id a counter id.
     * @return the reason, or null when unused.
     */
    public static Reason get(final int id)
    {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /**
     * @param status a parse failure.
     * @return the reason for it.
     */
    public static Reason of(final ParseStatus status)
    {
        switch (status)
        {
            case OK: return NONE;
            case TOO_SHORT: return IP_TOO_SHORT;
            case BAD_VERSION: return IP_BAD_VERSION;
            case IHL_TOO_SMALL: return IP_BAD_IHL;
            case TOTAL_LENGTH_BEYOND_BUFFER:
            case TOTAL_LENGTH_BELOW_HEADER: return IP_BAD_TOTAL_LENGTH;
            case BAD_IP_CHECKSUM: return IP_BAD_CHECKSUM;
            case BAD_IP_OPTIONS: return IP_BAD_OPTIONS;
            case L4_TRUNCATED: return L4_TRUNCATED;
            case TCP_BAD_DATA_OFFSET: return TCP_BAD_DATA_OFFSET;
            case UDP_BAD_LENGTH: return UDP_BAD_LENGTH;
            case BAD_L4_CHECKSUM: return L4_BAD_CHECKSUM;
            case TCP_BAD_FLAGS: return TCP_BAD_FLAGS;
            case ICMP_BAD_TYPE: return ICMP_BAD_TYPE;
            case ICMP_ERROR_TRUNCATED: return ICMP_ERROR_TRUNCATED;
            case ICMP_ERROR_BAD_INNER: return ICMP_ERROR_BAD_INNER;
            case SCTP_MALFORMED: return SCTP_MALFORMED;
            case UDPLITE_BAD_COVERAGE: return UDPLITE_BAD_COVERAGE;
            case UDPLITE_NO_CHECKSUM: return UDPLITE_NO_CHECKSUM;
            default: return status.isL3Drop() ? IP_BAD_TOTAL_LENGTH : TRACK_INVALID;
        }
    }

    /**
     * @param trackReason a {@link TrackReason} of a refused packet.
     * @return the reason the packet is counted under.
     */
    static Reason ofTrack(final int trackReason)
    {
        switch (trackReason)
        {
            case TrackReason.TCP_INVALID_NEW:
            case TrackReason.TCP_PICKUP_DISABLED:
                return Reason.TCP_INVALID_NEW;
            case TrackReason.TCP_INVALID_TRANSITION:
                return Reason.TCP_INVALID_TRANSITION;
            case TrackReason.TCP_SEQ_OVER:
            case TrackReason.TCP_ACK_OVER:
                return Reason.TCP_OUT_OF_WINDOW;
            case TrackReason.TCP_INVALID_RST:
                return Reason.TCP_INVALID_RST;
            case TrackReason.TCP_TRUNCATED:
                return Reason.L4_TRUNCATED;
            case TrackReason.TCP_BAD_FLAGS:
                return Reason.TCP_BAD_FLAGS;
            case TrackReason.ICMP_INVALID_NEW:
                return Reason.ICMP_INVALID_NEW;
            case TrackReason.ICMP_UNKNOWN_TYPE:
                return Reason.ICMP_BAD_TYPE;
            default:
                return Reason.TRACK_INVALID;
        }
    }

    /**
     * @param trackReason a {@link TrackReason} FRAG_* value.
     * @return the reason the fragment is counted under.
     */
    static Reason ofFragment(final int trackReason)
    {
        switch (trackReason)
        {
            case TrackReason.FRAG_OVERLAP: return Reason.FRAG_OVERLAP;
            case TrackReason.FRAG_DUPLICATE: return Reason.FRAG_DUPLICATE;
            case TrackReason.FRAG_CORRUPT: return Reason.FRAG_CORRUPT;
            case TrackReason.FRAG_TABLE_FULL: return Reason.FRAG_TABLE_FULL;
            case TrackReason.FRAG_DATAGRAM_DROPPED: return Reason.FRAG_DATAGRAM_DROPPED;
            case TrackReason.FRAG_TOO_MANY: return Reason.FRAG_TOO_MANY;
            case TrackReason.FRAG_TIMEOUT: return Reason.FRAG_TIMEOUT;
            case TrackReason.FRAG_OVERSIZE: return Reason.FRAG_OVERSIZE;
            default: return Reason.FRAG_ORPHAN;
        }
    }
}
