/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Bits of an entry's status word. Positions follow Linux {@code enum ip_conntrack_status} (IPS_*_BIT) so dumps
 * and events can print them the same way. {@link #CONFIRMED} is owned by the table: set by insert, cleared by
 * remove; the status update methods of {@link FlowTable} never let callers change it.
 */
public final class FlowStatus
{
    /** Expected connection (helper expectation). */
    public static final int EXPECTED = 1;
    /** A packet was seen in the reply direction. */
    public static final int SEEN_REPLY = 1 << 1;
    /** Connection is assured: not a candidate for early drop. */
    public static final int ASSURED = 1 << 2;
    /** Entry is in the table (live). Table-owned. */
    public static final int CONFIRMED = 1 << 3;
    /** Source NAT applies in the original direction. */
    public static final int SRC_NAT = 1 << 4;
    /** Destination NAT applies in the original direction. */
    public static final int DST_NAT = 1 << 5;
    /** TCP sequence numbers need adjusting. */
    public static final int SEQ_ADJUST = 1 << 6;
    /** Source NAT binding done. */
    public static final int SRC_NAT_DONE = 1 << 7;
    /** Destination NAT binding done. */
    public static final int DST_NAT_DONE = 1 << 8;
    /** Connection is being torn down. */
    public static final int DYING = 1 << 9;
    /** Timeout must not be refreshed. */
    public static final int FIXED_TIMEOUT = 1 << 10;
    /** Template entry. */
    public static final int TEMPLATE = 1 << 11;
    /** Untracked. */
    public static final int UNTRACKED = 1 << 12;
    /** Has a helper. */
    public static final int HELPER = 1 << 13;
    /** Offloaded. */
    public static final int OFFLOAD = 1 << 14;
    /** Bits callers may not set or clear. */
    public static final int TABLE_OWNED = CONFIRMED;

    private FlowStatus()
    {
    }
}
