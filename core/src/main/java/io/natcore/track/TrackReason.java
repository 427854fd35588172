/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * Why a tracker did not simply accept a packet: {@code int} codes for counters and logs, each named
 * after the kernel's log message it stands for. Accepted-but-ignored packets carry a reason too.
 */
public final class TrackReason
{
    public static final int NONE = 0;
    /** TCP: first packet of a flow cannot create a connection (SYN/ACK, FIN, RST, no flags). */
    public static final int TCP_INVALID_NEW = 1;
    /** TCP: first packet is not a SYN and mid-stream pickup ({@code tcp_loose}) is off. */
    public static final int TCP_PICKUP_DISABLED = 2;
    /** TCP: the transition table says invalid for this flag set in this state. */
    public static final int TCP_INVALID_TRANSITION = 3;
    /** TCP: SEQ is over the upper bound (over the receiver's window). Invalid. */
    public static final int TCP_SEQ_OVER = 4;
    /** TCP: ACK is over the upper bound (acks data not seen yet). Invalid. */
    public static final int TCP_ACK_OVER = 5;
    /** TCP: SEQ under the lower bound (already acked data retransmitted). Accepted, ignored. */
    public static final int TCP_SEQ_UNDER = 6;
    /** TCP: ACK under the lower bound (overly delayed). Accepted, ignored. */
    public static final int TCP_ACK_UNDER = 7;
    /** TCP: more bytes than the window allows, otherwise fine. Accepted, ignored. */
    public static final int TCP_OVERSHOT = 8;
    /** TCP: RST with a sequence number before the peer's highest ack. Invalid. */
    public static final int TCP_INVALID_RST = 9;
    /** TCP: the table says ignore (e.g. SYN in ESTABLISHED, retransmitted SYN/ACK). Accepted, not tracked. */
    public static final int TCP_IGNORED = 10;
    /** TCP: RFC 5961 challenge ACK after a SYN in LAST_ACK. Accepted, not tracked. */
    public static final int TCP_CHALLENGE_ACK = 11;
    /** TCP: SYN reopens a closed connection: destroy the entry and process the packet again. */
    public static final int TCP_REOPEN = 12;
    /** TCP: header cut short or data offset below 5. Invalid. */
    public static final int TCP_TRUNCATED = 13;
    /** TCP: invalid flag combination (e.g. SYN+FIN). Invalid. */
    public static final int TCP_BAD_FLAGS = 14;
    /** TCP: RST before any reply: the connection is destroyed, the packet accepted. */
    public static final int TCP_RST_UNREPLIED = 15;
    /** ICMP: type cannot open a connection (reply, unknown, ...). Invalid. */
    public static final int ICMP_INVALID_NEW = 16;
    /** ICMP: type above 18. Invalid. */
    public static final int ICMP_UNKNOWN_TYPE = 17;
    /** Fragment: overlaps a fragment already seen; the datagram is dropped. */
    public static final int FRAG_OVERLAP = 18;
    /** Fragment: exact duplicate of data already seen; this fragment is dropped. */
    public static final int FRAG_DUPLICATE = 19;
    /** Fragment: inconsistent length (data beyond the last fragment, empty fragment, ...). */
    public static final int FRAG_CORRUPT = 20;
    /** Fragment: no free slot in the fragment table. */
    public static final int FRAG_TABLE_FULL = 21;
    /** Fragment: non-first fragment whose first fragment is unknown and that cannot be parked. */
    public static final int FRAG_ORPHAN = 22;
    /** Fragment: the datagram was dropped earlier (overlap, corruption); later pieces follow it. */
    public static final int FRAG_DATAGRAM_DROPPED = 23;
    /** Fragment: too many fragments or holes for the bounded tracking of one datagram. */
    public static final int FRAG_TOO_MANY = 24;
    /** Fragment: the datagram did not complete within the reassembly timeout (kernel {@code ipfrag_time}). */
    public static final int FRAG_TIMEOUT = 25;
    /** Fragment: the reassembled datagram would pass 65535 bytes (kernel {@code ip_frag_reasm}: oversized). */
    public static final int FRAG_OVERSIZE = 26;

    private static final String[] NAMES =
    {
        "none", "tcp invalid new", "tcp pickup disabled", "tcp invalid transition", "tcp seq over",
        "tcp ack over", "tcp seq under", "tcp ack under", "tcp overshot", "tcp invalid rst", "tcp ignored",
        "tcp challenge ack", "tcp reopen", "tcp truncated", "tcp bad flags", "tcp rst unreplied",
        "icmp invalid new", "icmp unknown type", "fragment overlap", "fragment duplicate", "fragment corrupt",
        "fragment table full", "fragment orphan", "fragment datagram dropped", "fragment too many",
        "fragment reassembly timeout", "fragment oversize"
    };

    /** Number of reason codes (for counter arrays). */
    public static final int COUNT = NAMES.length;

    private TrackReason()
    {
    }

    /**
     * @param reason a reason code.
     * @return a constant label, "unknown" outside the range.
     */
    public static String name(final int reason)
    {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "unknown";
    }
}
