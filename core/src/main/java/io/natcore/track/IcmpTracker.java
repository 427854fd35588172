/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * The Linux ICMP tracker ({@code nf_conntrack_proto_icmp.c}): which types are queries that open a
 * connection (echo, timestamp, information, address mask requests), the reply type of each, which
 * types are errors that may be RELATED to a connection, and the 30 s timeout. No per-connection
 * state. Stateless: share one instance.
 *
 * <pre>
 *  request            reply                 errors (RELATED, never create)
 *   8 echo        &lt;-&gt;  0 echo reply           3 destination unreachable
 *  13 timestamp   &lt;-&gt; 14 timestamp reply      4 source quench
 *  15 info        &lt;-&gt; 16 info reply           5 redirect
 *  17 address     &lt;-&gt; 18 address reply       11 time exceeded
 *                                            12 parameter problem
 *  types above 18: INVALID
 * </pre>
 */
public final class IcmpTracker
{
    /** Highest type the kernel knows ({@code NR_ICMP_TYPES}). */
    public static final int MAX_KNOWN_TYPE = 18;

    private final Timeouts timeouts;

    public IcmpTracker(final Timeouts timeouts)
    {
        this.timeouts = timeouts;
    }

    /**
     * @param type ICMP type.
     * @return true for types that can open a connection (kernel {@code valid_new}).
     */
    public static boolean isQuery(final int type)
    {
        return type == 8 || type == 13 || type == 15 || type == 17;
    }

    /**
     * @param type ICMP type.
     * @return true for error types handled as RELATED (kernel {@code icmp_is_err}).
     */
    public static boolean isError(final int type)
    {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /**
     * @param type ICMP type.
     * @return true when the kernel rejects the type outright (above 18).
     */
    public static boolean isUnknown(final int type)
    {
        return type < 0 || type > MAX_KNOWN_TYPE;
    }

    /**
     * Kernel {@code invmap}: the type of the other direction of a query/reply pair.
     *
     * @param type ICMP type.
     * @return the paired type, or -1 when the type has no pair (cannot be tracked).
     */
    public static int pairedType(final int type)
    {
        switch (type)
        {
            case 8: return 0;
            case 0: return 8;
            case 13: return 14;
            case 14: return 13;
            case 15: return 16;
            case 16: return 15;
            case 17: return 18;
            case 18: return 17;
            default: return -1;
        }
    }

    /**
     * One query or reply of a connection (errors never come here).
     *
     * @param originalType type of the packet that created the connection (original direction).
     * @param out          receives the decision: INVALID when that type cannot open a connection,
     *                     else ACCEPT with a 30 s refresh.
     * @return {@code out.verdict}.
     */
    public int packet(final int originalType, final TrackResult out)
    {
        out.clear();
        if (isUnknown(originalType))
        {
            out.verdict = TrackResult.INVALID;
            out.reason = TrackReason.ICMP_UNKNOWN_TYPE;
            return out.verdict;
        }
        if (!isQuery(originalType))
        {
            out.verdict = TrackResult.INVALID;
            out.reason = TrackReason.ICMP_INVALID_NEW;
            return out.verdict;
        }
        out.refresh = true;
        out.timeoutNanos = timeouts.icmp();
        return out.verdict;
    }

    /**
     * {@link #packet} as a value (the engine's established path, without a {@link TrackResult}).
     *
     * @param originalType type of the packet that created the connection.
     * @return the refresh timeout of an accepted query or reply, or -1 when {@link #packet} would return INVALID.
     */
    public long timeout(final int originalType)
    {
        return isQuery(originalType) ? timeouts.icmp() : -1;
    }
}
