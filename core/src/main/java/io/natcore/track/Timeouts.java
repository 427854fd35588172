/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import java.util.concurrent.TimeUnit;

/**
 * Connection timeouts in nanoseconds, Linux defaults ({@code nf_conntrack_*_timeout_*} sysctls),
 * each settable. Read on the packet path; configure before the engine starts (plain fields).
 */
public final class Timeouts
{
    /** TCP per-state timeouts indexed by {@link TcpState} value (index 0, NONE, is unused). */
    private final long[] tcp = new long[TcpState.MAX];
    private long tcpUnacknowledged = s(300);
    private long tcpMaxRetrans = s(300);
    private long udpUnreplied = s(30);
    private long udpStream = s(120);
    private long udpStreamAfter = s(2);
    private long icmp = s(30);
    private long generic = s(600);
    private long greUnreplied = s(30);
    private long greReplied = s(180);
    private long fragment = s(30);

    /** Linux defaults. */
    public Timeouts()
    {
        tcp[TcpState.SYN_SENT] = s(120);
        tcp[TcpState.SYN_RECV] = s(60);
        tcp[TcpState.ESTABLISHED] = s(432000);
        tcp[TcpState.FIN_WAIT] = s(120);
        tcp[TcpState.CLOSE_WAIT] = s(60);
        tcp[TcpState.LAST_ACK] = s(30);
        tcp[TcpState.TIME_WAIT] = s(120);
        tcp[TcpState.CLOSE] = s(10);
        tcp[TcpState.SYN_SENT2] = s(120);
    }

    private static long s(final long seconds)
    {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    /**
     * @param state a {@link TcpState} value 1..9.
     * @return the timeout of that state in nanos (0 for NONE or out of range).
     */
    public long tcp(final int state)
    {
        return state > 0 && state < TcpState.MAX ? tcp[state] : 0;
    }

    public Timeouts tcp(final int state, final long nanos)
    {
        if (state > 0 && state < TcpState.MAX)
        {
            tcp[state] = nanos;
        }
        return this;
    }

    /** @return timeout while data is unacknowledged (kernel TCP_CONNTRACK_UNACK, 300 s). */
    public long tcpUnacknowledged()
    {
        return tcpUnacknowledged;
    }

    public Timeouts tcpUnacknowledged(final long nanos)
    {
        tcpUnacknowledged = nanos;
        return this;
    }

    /** @return timeout after too many retransmissions or a zero window (kernel TCP_CONNTRACK_RETRANS, 300 s). */
    public long tcpMaxRetrans()
    {
        return tcpMaxRetrans;
    }

    public Timeouts tcpMaxRetrans(final long nanos)
    {
        tcpMaxRetrans = nanos;
        return this;
    }

    /** @return UDP timeout before a stream is recognised (30 s). */
    public long udpUnreplied()
    {
        return udpUnreplied;
    }

    public Timeouts udpUnreplied(final long nanos)
    {
        udpUnreplied = nanos;
        return this;
    }

    /** @return UDP timeout of a stream: replied, and still active {@link #udpStreamAfter()} after creation (120 s). */
    public long udpStream()
    {
        return udpStream;
    }

    public Timeouts udpStream(final long nanos)
    {
        udpStream = nanos;
        return this;
    }

    /** @return how long after creation a replied UDP flow must still see traffic to become a stream (2 s). */
    public long udpStreamAfter()
    {
        return udpStreamAfter;
    }

    public Timeouts udpStreamAfter(final long nanos)
    {
        udpStreamAfter = nanos;
        return this;
    }

    /** @return ICMP query timeout (30 s). */
    public long icmp()
    {
        return icmp;
    }

    public Timeouts icmp(final long nanos)
    {
        icmp = nanos;
        return this;
    }

    /** @return timeout for protocols without a tracker (600 s). */
    public long generic()
    {
        return generic;
    }

    public Timeouts generic(final long nanos)
    {
        generic = nanos;
        return this;
    }

    /** @return GRE timeout until a reply is seen (30 s). */
    public long greUnreplied()
    {
        return greUnreplied;
    }

    public Timeouts greUnreplied(final long nanos)
    {
        greUnreplied = nanos;
        return this;
    }

    /** @return GRE timeout once replied (180 s). */
    public long greReplied()
    {
        return greReplied;
    }

    public Timeouts greReplied(final long nanos)
    {
        greReplied = nanos;
        return this;
    }

    /** @return how long an incomplete fragmented datagram is remembered (kernel ipfrag_time, 30 s). */
    public long fragment()
    {
        return fragment;
    }

    public Timeouts fragment(final long nanos)
    {
        fragment = nanos;
        return this;
    }
}
