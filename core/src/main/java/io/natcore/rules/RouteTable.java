/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The box's main routing table with longest-prefix-match lookup, immutable once built and safe to
 * share between threads (final arrays, published by the constructor).
 * <p>
 * Layout: one open-addressing hash table per prefix length that occurs, visited from the longest
 * length down; a lookup masks the destination, probes, and stops at the first hit. No allocation,
 * cost proportional to the number of distinct prefix lengths (a handful on a real box).
 * Among routes to the same prefix the lowest metric wins (first one on a tie), as in the kernel.
 * Routes of type blackhole/unreachable/prohibit/throw are kept and answer "no route" (-1).
 */
public final class RouteTable
{
    /** Egress returned when no route matches (or the route is not unicast). */
    public static final int NO_ROUTE = -1;

    /** Route types the {@code ip route} text may carry. */
    public enum Type
    {
        /** A normal route. */
        UNICAST,
        /** Discard silently. */
        BLACKHOLE,
        /** Discard with host unreachable. */
        UNREACHABLE,
        /** Discard with administratively prohibited. */
        PROHIBIT,
        /** Fall through to the next table (none here: no route). */
        THROW
    }

    private final int[] prefixes;
    private final int[] prefixLengths;
    private final int[] gateways;
    private final int[] egressIfs;
    private final int[] preferredSources;
    private final int[] metrics;
    private final Type[] types;

    /** Distinct prefix lengths present, longest first. */
    private final int[] lengthOrder;
    /** Per entry of lengthOrder: hash slots holding prefix keys. */
    private final int[][] slotKeys;
    /** Per entry of lengthOrder: hash slots holding route indexes, -1 = empty. */
    private final int[][] slotRoutes;
    /**
     * Per first address byte: the lookup's answer for every address starting with it (a route index or -1), when
     * no route longer than 8 bits starts with that byte (every route covering such an address is then decided by
     * that byte alone); {@link #UNDECIDED} otherwise, and the lookup probes each prefix length.
     */
    private final int[] byFirstByte = new int[256];
    private static final int UNDECIDED = -2;

    RouteTable(final List<Route> routes)
    {
        final int n = routes.size();
        prefixes = new int[n];
        prefixLengths = new int[n];
        gateways = new int[n];
        egressIfs = new int[n];
        preferredSources = new int[n];
        metrics = new int[n];
        types = new Type[n];
        final boolean[] lengthPresent = new boolean[33];
        int distinct = 0;
        for (int i = 0; i < n; i++)
        {
            final Route r = routes.get(i);
            prefixes[i] = r.prefix & Ipv4Text.mask(r.prefixLength);
            prefixLengths[i] = r.prefixLength;
            gateways[i] = r.gateway;
            egressIfs[i] = r.egressIf;
            preferredSources[i] = r.preferredSource;
            metrics[i] = r.metric;
            types[i] = r.type;
            if (!lengthPresent[r.prefixLength])
            {
                lengthPresent[r.prefixLength] = true;
                distinct++;
            }
        }
        lengthOrder = new int[distinct];
        slotKeys = new int[distinct][];
        slotRoutes = new int[distinct][];
        int k = 0;
        for (int len = 32; len >= 0; len--)
        {
            if (!lengthPresent[len])
            {
                continue;
            }
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (prefixLengths[i] == len)
                {
                    count++;
                }
            }
            // Power-of-two capacity at most half full keeps probe chains short.
            int capacity = 4;
            while (capacity < count * 2)
            {
                capacity <<= 1;
            }
            final int[] keys = new int[capacity];
            final int[] values = new int[capacity];
            Arrays.fill(values, -1);
            for (int i = 0; i < n; i++)
            {
                if (prefixLengths[i] != len)
                {
                    continue;
                }
                int slot = hash(prefixes[i]) & (capacity - 1);
                while (values[slot] != -1 && keys[slot] != prefixes[i])
                {
                    slot = (slot + 1) & (capacity - 1);
                }
                if (values[slot] == -1 || metrics[i] < metrics[values[slot]])
                {
                    keys[slot] = prefixes[i];
                    values[slot] = i;
                }
            }
            lengthOrder[k] = len;
            slotKeys[k] = keys;
            slotRoutes[k] = values;
            k++;
        }
        final boolean[] longerRoute = new boolean[256];
        for (int i = 0; i < n; i++)
        {
            if (prefixLengths[i] > 8)
            {
                longerRoute[prefixes[i] >>> 24] = true;
            }
        }
        for (int b = 0; b < 256; b++)
        {
            byFirstByte[b] = longerRoute[b] ? UNDECIDED : lookupByLength(b << 24);
        }
    }

    private static int hash(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Longest-prefix match. No allocation.
     *
     * @param dstIp destination address.
     * @return index of the chosen route (see accessors), or -1 when no route covers dstIp.
     */
    public int lookup(final int dstIp)
    {
        final int decided = byFirstByte[dstIp >>> 24];
        return decided != UNDECIDED ? decided : lookupByLength(dstIp);
    }

    /**
     * Longest-prefix match by probing each prefix length present, longest first (the general path {@link #lookup}
     * shortcuts by the first address byte).
     */
    int lookupByLength(final int dstIp)
    {
        final int[] order = lengthOrder;
        for (int k = 0; k < order.length; k++)
        {
            final int key = dstIp & Ipv4Text.mask(order[k]);
            final int[] keys = slotKeys[k];
            final int[] values = slotRoutes[k];
            final int mask = keys.length - 1;
            int slot = hash(key) & mask;
            int route;
            while ((route = values[slot]) != -1)
            {
                if (keys[slot] == key)
                {
                    return route;
                }
                slot = (slot + 1) & mask;
            }
        }
        return -1;
    }

    /**
     * @param dstIp destination address.
     * @return egress interface index, or {@link #NO_ROUTE} when no unicast route covers dstIp.
     */
    public int lookupEgress(final int dstIp)
    {
        return egressOf(lookup(dstIp));
    }

    /**
     * The egress of a {@link #lookup} result, so one lookup serves both this and {@link #nextHopOf}.
     *
     * @param route a {@link #lookup} result (-1 allowed).
     * @return egress interface index, or {@link #NO_ROUTE} when the route is missing or not unicast.
     */
    public int egressOf(final int route)
    {
        return route < 0 || types[route] != Type.UNICAST ? NO_ROUTE : egressIfs[route];
    }

    /**
     * The next hop of a {@link #lookup} result: {@code nextHopOf(lookup(d), d) == lookupNextHop(d)}.
     *
     * @param route a {@link #lookup} result (-1 allowed).
     * @param dstIp the destination that was looked up.
     * @return the gateway, or dstIp for an on-link route; 0 when the route is missing or not unicast.
     */
    public int nextHopOf(final int route, final int dstIp)
    {
        if (route < 0 || types[route] != Type.UNICAST)
        {
            return 0;
        }
        return gateways[route] != 0 ? gateways[route] : dstIp;
    }

    /**
     * @param dstIp destination address.
     * @return the gateway, or dstIp itself for an on-link route; 0 when there is no unicast route.
     */
    public int lookupNextHop(final int dstIp)
    {
        return nextHopOf(lookup(dstIp), dstIp);
    }

    /** @return number of routes. */
    public int size()
    {
        return prefixes.length;
    }

    /** @param route route index. @return its (masked) destination prefix. */
    public int prefix(final int route)
    {
        return prefixes[route];
    }

    /** @param route route index. @return its prefix length. */
    public int prefixLength(final int route)
    {
        return prefixLengths[route];
    }

    /** @param route route index. @return gateway, 0 when on-link. */
    public int gateway(final int route)
    {
        return gateways[route];
    }

    /** @param route route index. @return egress ifindex, -1 for a non-unicast route without dev. */
    public int egressIf(final int route)
    {
        return egressIfs[route];
    }

    /** @param route route index. @return the {@code src} hint, 0 when none. */
    public int preferredSource(final int route)
    {
        return preferredSources[route];
    }

    /** @param route route index. @return metric. */
    public int metric(final int route)
    {
        return metrics[route];
    }

    /** @param route route index. @return type. */
    public Type type(final int route)
    {
        return types[route];
    }

    /** One route as a dataplane or the box.txt parser supplies it. */
    static final class Route
    {
        final int prefix;
        final int prefixLength;
        final int gateway;
        final int egressIf;
        final int preferredSource;
        final int metric;
        final Type type;

        Route(
            final int prefix,
            final int prefixLength,
            final int gateway,
            final int egressIf,
            final int preferredSource,
            final int metric,
            final Type type)
        {
            this.prefix = prefix;
            this.prefixLength = prefixLength;
            this.gateway = gateway;
            this.egressIf = egressIf;
            this.preferredSource = preferredSource;
            this.metric = metric;
            this.type = type;
        }
    }

    static RouteTable of(final List<Route> routes)
    {
        return new RouteTable(new ArrayList<>(routes));
    }
}
