/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The box's main routing table with longest-prefix-match lookup, immutable once built and safe to
 * share between threads (final arrays, published by the constructor).
 * <p>
 * Layout: the answers as a trie of 8-bit strides (one array; a lookup reads one line per address byte it needs,
 * most addresses are decided by the first one or two), built from one open-addressing hash table per prefix
 * length that occurs (visited from the longest length down), which also answers when the trie would be too big.
 * No allocation.
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
     * The lookup's answers as a multibit trie of 8-bit strides in one array: node k is {@code trie[256k, 256k+256)},
     * indexed by the next address byte (node 0 by the first). An entry is a route index, -1 (no route), or a child
     * node {@code c} stored as {@code -2 - c} when some route longer than the bytes consumed so far starts under it.
     * A lookup reads one line per address byte it needs: most addresses are decided by the first byte or two, and
     * every route covering an address of a decided entry covers that entry's whole block, so the entry is the
     * longest-prefix match of all of them. Null when the routes would need more than {@link #MAX_TRIE_NODES} nodes
     * (many long prefixes): the lookup then probes each prefix length ({@link #lookupByLength}).
     */
    private final int[] trie;
    /** Trie size cap: 1 MiB of answers. */
    static final int MAX_TRIE_NODES = 1024;
    /**
     * Per route, its three answers on one line for a few routes: [unicast ? 1 : 0, egress ifindex, gateway]
     * ({@link #egressOf}, {@link #nextHopOf} read nothing else).
     */
    private final int[] forwarding;

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
        forwarding = new int[3 * n];
        for (int i = 0; i < n; i++)
        {
            forwarding[3 * i] = types[i] == Type.UNICAST ? 1 : 0;
            forwarding[3 * i + 1] = egressIfs[i];
            forwarding[3 * i + 2] = gateways[i];
        }
        trie = buildTrie();
    }

    /** The trie of {@link #trie}, or null when it needs more than {@link #MAX_TRIE_NODES} nodes. */
    private int[] buildTrie()
    {
        // Nodes: the root, and one per distinct 8-, 16- or 24-bit block holding the start of a longer route.
        final Set<Long> blocks = new HashSet<>();
        for (int i = 0; i < prefixes.length; i++)
        {
            for (int depth = 1; depth <= 3; depth++)
            {
                if (prefixLengths[i] > 8 * depth)
                {
                    blocks.add((long)depth << 32 | (prefixes[i] & Ipv4Text.mask(8 * depth) & 0xFFFF_FFFFL));
                }
            }
        }
        if (blocks.size() + 1 > MAX_TRIE_NODES)
        {
            return null;
        }
        final int[] t = new int[(blocks.size() + 1) << 8];
        final int[] used = {1};
        fillNode(t, 0, 0, 0, blocks, used);
        return t;
    }

    /** Fill node {@code node} covering {@code prefix}/{@code 8 * depth}; children are allocated from {@code used[0]}. */
    private void fillNode(
        final int[] t, final int node, final int prefix, final int depth, final Set<Long> blocks,
        final int[] used)
    {
        final int shift = 24 - 8 * depth;
        for (int b = 0; b < 256; b++)
        {
            final int block = prefix | (b << shift);
            if (depth < 3 && blocks.contains((long)(depth + 1) << 32 | (block & 0xFFFF_FFFFL)))
            {
                final int child = used[0]++;
                t[(node << 8) | b] = -2 - child;
                fillNode(t, child, block, depth + 1, blocks, used);
            }
            else
            {
                // No route longer than this block starts inside it: one answer for all its addresses.
                t[(node << 8) | b] = lookupByLength(block);
            }
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
        final int[] t = trie;
        if (t == null)
        {
            return lookupByLength(dstIp);
        }
        int v = t[dstIp >>> 24];
        if (v >= NO_ROUTE)
        {
            return v;
        }
        v = t[((-2 - v) << 8) | ((dstIp >>> 16) & 0xFF)];
        if (v >= NO_ROUTE)
        {
            return v;
        }
        v = t[((-2 - v) << 8) | ((dstIp >>> 8) & 0xFF)];
        if (v >= NO_ROUTE)
        {
            return v;
        }
        return t[((-2 - v) << 8) | (dstIp & 0xFF)];
    }

    /**
     * Longest-prefix match by probing each prefix length present, longest first (the general path {@link #lookup}
     * answers from the trie built with it).
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
        return route < 0 || forwarding[3 * route] == 0 ? NO_ROUTE : forwarding[3 * route + 1];
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
        if (route < 0 || forwarding[3 * route] == 0)
        {
            return 0;
        }
        final int gateway = forwarding[3 * route + 2];
        return gateway != 0 ? gateway : dstIp;
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
