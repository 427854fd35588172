/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * TCP conntrack states with the Linux kernel's numeric values ({@code enum tcp_conntrack}) and the
 * names {@code conntrack -L} prints. Plain {@code int} constants so the state fits one byte of an
 * off-heap entry and nothing boxes.
 *
 * <pre>
 *  value name          meaning (as seen by a man in the middle)
 *    0   NONE          nothing seen yet
 *    1   SYN_SENT      SYN seen in the original direction
 *    2   SYN_RECV      SYN/ACK seen
 *    3   ESTABLISHED   ACK after SYN/ACK seen
 *    4   FIN_WAIT      first FIN seen
 *    5   CLOSE_WAIT    FIN acknowledged
 *    6   LAST_ACK      FIN seen in both directions
 *    7   TIME_WAIT     last ACK seen
 *    8   CLOSE         RST seen
 *    9   SYN_SENT2     SYN from the reply direction too (simultaneous open)
 *   10   MAX           "invalid" marker in the transition table (sIV)
 *   11   IGNORE        "ignore" marker in the transition table (sIG)
 * </pre>
 */
public final class TcpState
{
    public static final int NONE = 0;
    public static final int SYN_SENT = 1;
    public static final int SYN_RECV = 2;
    public static final int ESTABLISHED = 3;
    public static final int FIN_WAIT = 4;
    public static final int CLOSE_WAIT = 5;
    public static final int LAST_ACK = 6;
    public static final int TIME_WAIT = 7;
    public static final int CLOSE = 8;
    public static final int SYN_SENT2 = 9;
    /** Number of real states; also the table's "invalid" marker (kernel {@code sIV}). */
    public static final int MAX = 10;
    /** Transition table marker: packet ignored, state unchanged (kernel {@code sIG}). */
    public static final int IGNORE = 11;

    private static final String[] NAMES =
    {
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT",
        "CLOSE", "SYN_SENT2", "INVALID", "IGNORE"
    };

    private TcpState()
    {
    }

    /**
     * Name as printed by {@code conntrack -L}; "UNKNOWN" for values outside the enum (never throws).
     *
     * @param state a state value.
     * @return its name, a constant string.
     */
    public static String name(final int state)
    {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN";
    }

    /**
     * True for the states the kernel lets early-drop evict first ({@code tcp_can_early_drop}).
     *
     * @param state a state value.
     * @return true for FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT and CLOSE.
     */
    public static boolean canEarlyDrop(final int state)
    {
        return state >= FIN_WAIT && state <= CLOSE;
    }
}
