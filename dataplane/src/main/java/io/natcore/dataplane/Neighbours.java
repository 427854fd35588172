/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The dataplane's neighbour (ARP) table: next-hop IPv4 address to MAC, shared by every worker. Fixed capacity,
 * open addressing with linear probing; a slot, once claimed for an address, keeps it for the table's life (next
 * hops are few: the gateway and on-link hosts), so readers never see a slot change owner.
 * <p>
 * Concurrency: any thread claims a slot with a CAS on its address ({@code ips}, read acquire); the MAC is
 * published with a release store and read with an acquire load, so a reader that sees a MAC sees a whole one (a
 * MAC fits in one {@code long}). Confirmation and request times are written opaque: a stale read only delays or
 * repeats an ARP request. Permanent entries ({@code --neighbor IP=MAC}) are written before their address is
 * published and never change.
 * <p>
 * States, after the kernel's neighbour machine without its timers: no MAC (INCOMPLETE: a request goes out at
 * most every {@link #RETRY_NANOS}); MAC confirmed within {@link #REACHABLE_NANOS} (REACHABLE); older (STALE: the MAC
 * is still used, and a request refreshes it, as the kernel's DELAY/PROBE do).
 */
final class Neighbours
{
    /** No MAC known: the slot's address is unresolved. */
    static final long NO_MAC = -1L;
    /** Slot index returned when the table is full. */
    static final int FULL = -1;
    /** Between two requests for one address (the kernel's retrans_time, 1 s). */
    static final long RETRY_NANOS = 1_000_000_000L;
    /** A confirmed MAC is refreshed after this (the kernel's base_reachable_time, 30 s). */
    static final long REACHABLE_NANOS = 30_000_000_000L;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int mask;
    /** Address per slot; 0 = free (0.0.0.0 is never a next hop). CAS to claim, acquire to read. */
    private final int[] ips;
    /** MAC per slot, or {@link #NO_MAC}: release store, acquire load. */
    private final long[] macs;
    /** When the MAC was last confirmed by an ARP packet (opaque). */
    private final long[] confirmedAt;
    /** When a request was last sent (CAS so one thread sends it). */
    private final long[] requestedAt;
    /** Set before the address is published; never changes after. */
    private final boolean[] permanent;

    /** @param capacity slots (rounded up to a power of two). */
    Neighbours(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1);
        mask = size - 1;
        ips = new int[size];
        macs = new long[size];
        confirmedAt = new long[size];
        requestedAt = new long[size];
        permanent = new boolean[size];
        java.util.Arrays.fill(macs, NO_MAC);
    }

    private static int home(final int ip)
    {
        final int h = ip * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** @return the slot of {@code ip}, claiming one if absent, or {@link #FULL}. */
    int slot(final int ip)
    {
        return probe(ip, true);
    }

    /** @return the slot of {@code ip}, or {@link #FULL} when absent (never claims). */
    int find(final int ip)
    {
        return probe(ip, false);
    }

    /** Linear probe from {@code ip}'s home slot; at the first free slot, claims it (CAS) or stops. */
    private int probe(final int ip, final boolean claim)
    {
        for (int i = 0, s = home(ip) & mask; i <= mask; i++, s = (s + 1) & mask)
        {
            final int owner = (int)INTS.getAcquire(ips, s);
            if (owner == ip)
            {
                return s;
            }
            if (owner == 0)
            {
                if (!claim)
                {
                    return FULL;
                }
                // lost the race: the slot is ours anyway if the winner claimed it for the same address
                if (INTS.compareAndSet(ips, s, 0, ip) || (int)INTS.getAcquire(ips, s) == ip)
                {
                    return s;
                }
            }
        }
        return FULL;
    }

    /** @return the MAC of slot {@code s}, or {@link #NO_MAC}. */
    long mac(final int s)
    {
        return (long)LONGS.getAcquire(macs, s);
    }

    /** @return the address of slot {@code s} (0 when free). */
    int ip(final int s)
    {
        return (int)INTS.getAcquire(ips, s);
    }

    /** @return slots (for listing). */
    int capacity()
    {
        return mask + 1;
    }

    /** @return true for a slot set with {@link #addPermanent}. */
    boolean isPermanent(final int s)
    {
        return permanent[s];
    }

    /**
     * Whether the caller should send an ARP request for slot {@code s} now: unresolved and none sent within
     * {@link #RETRY_NANOS}, or stale and none sent within it. At most one caller per period gets true.
     */
    boolean claimRequest(final int s, final long now)
    {
        if (permanent[s])
        {
            return false;
        }
        final long mac = mac(s);
        if (mac != NO_MAC && now - (long)LONGS.getOpaque(confirmedAt, s) < REACHABLE_NANOS)
        {
            return false;
        }
        final long last = (long)LONGS.getOpaque(requestedAt, s);
        return (last == 0 || now - last >= RETRY_NANOS) && LONGS.compareAndSet(requestedAt, s, last, now);
    }

    /**
     * An ARP packet told us {@code ip} is at {@code mac}: update its entry if we have one (we asked, or it is a
     * next hop in use), as the kernel updates only existing entries from unsolicited ARP.
     *
     * @return true when an entry was updated.
     */
    boolean learn(final int ip, final long mac, final long now)
    {
        if (ip == 0)
        {
            return false;
        }
        final int s = find(ip);
        if (s == FULL || permanent[s])
        {
            return false;
        }
        LONGS.setOpaque(confirmedAt, s, now);
        LONGS.setRelease(macs, s, mac);
        return true;
    }

    /** A fixed entry ({@code --neighbor IP=MAC}); set-up only, before the workers start. */
    void addPermanent(final int ip, final long mac)
    {
        final int s = slot(ip);
        if (s == FULL)
        {
            throw new IllegalStateException("neighbour table full");
        }
        permanent[s] = true;
        LONGS.setRelease(macs, s, mac);
    }

    /** @return entries with a MAC (diagnostics; a racy count). */
    int resolvedCount()
    {
        int n = 0;
        for (int s = 0; s <= mask; s++)
        {
            if (ip(s) != 0 && mac(s) != NO_MAC)
            {
                n++;
            }
        }
        return n;
    }
}
