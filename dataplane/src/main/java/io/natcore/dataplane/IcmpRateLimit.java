/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

/**
 * The kernel's limits on the ICMP errors it sends, per worker: a global token bucket ({@code icmp_msgs_per_sec}
 * 1000, {@code icmp_msgs_burst} 50) and a per-destination one ({@code icmp_ratelimit} 1000 ms a token, burst 6 as
 * {@code XRLIM_BURST_FACTOR}) kept in a small direct-mapped cache of destinations (a collision only shares a bucket).
 * Single thread; nothing allocates after construction.
 */
final class IcmpRateLimit
{
    static final long GLOBAL_PER_SECOND = 1000;
    static final long GLOBAL_BURST = 50;
    static final long PEER_INTERVAL_NANOS = 1_000_000_000L;
    static final long PEER_BURST = 6;

    private static final int PEERS = 256;
    private final int[] peerIp = new int[PEERS];
    /** Per peer: the time its bucket was full minus the tokens since spent, in nanoseconds ({@code rate_last}). */
    private final long[] peerCredit = new long[PEERS];
    private long globalTokens = GLOBAL_BURST;
    private long globalLast;

    /** @return true when an error to {@code dstIp} may go out now (and takes its tokens). */
    boolean allow(final int dstIp, final long now)
    {
        final long refill = (now - globalLast) * GLOBAL_PER_SECOND / 1_000_000_000L;
        if (refill > 0)
        {
            globalTokens = Math.min(GLOBAL_BURST, globalTokens + refill);
            globalLast = now;
        }
        if (globalTokens <= 0)
        {
            return false;
        }
        final int slot = (dstIp * 0x9E3779B9) >>> 24;
        long credit;
        if (peerIp[slot] != dstIp || peerCredit[slot] == 0)
        {
            peerIp[slot] = dstIp;
            credit = PEER_BURST * PEER_INTERVAL_NANOS;
        }
        else
        {
            credit = Math.min(PEER_BURST * PEER_INTERVAL_NANOS, now - peerCredit[slot]);
        }
        if (credit < PEER_INTERVAL_NANOS)
        {
            return false;
        }
        peerCredit[slot] = now - (credit - PEER_INTERVAL_NANOS);
        if (peerCredit[slot] == 0)
        {
            peerCredit[slot] = 1;
        }
        globalTokens--;
        return true;
    }
}
