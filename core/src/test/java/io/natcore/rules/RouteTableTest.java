/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RouteTableTest
{
    private static final int[] LENGTHS = {0, 4, 8, 9, 12, 16, 24, 26, 32};
    private static final int[] FIRST_BYTES = {10, 172, 192, 8};

    /** Longest prefix, then lowest metric, then the first listed: a scan of every route. */
    private static int scan(final List<RouteTable.Route> routes, final int address)
    {
        int best = -1;
        for (int i = 0; i < routes.size(); i++)
        {
            final RouteTable.Route r = routes.get(i);
            final int mask = Ipv4Text.mask(r.prefixLength);
            if ((address & mask) != (r.prefix & mask))
            {
                continue;
            }
            if (best < 0 || r.prefixLength > routes.get(best).prefixLength ||
                (r.prefixLength == routes.get(best).prefixLength && r.metric < routes.get(best).metric))
            {
                best = i;
            }
        }
        return best;
    }

    private static int randomAddress(final SplittableRandom rnd)
    {
        return rnd.nextInt(4) == 0 ? rnd.nextInt() :
            (FIRST_BYTES[rnd.nextInt(FIRST_BYTES.length)] << 24) | (rnd.nextInt(4) << 16) | rnd.nextInt(1 << 10);
    }

    @Test
    void theFirstByteShortcutGivesTheLongestPrefixMatchOfEveryRoute()
    {
        final SplittableRandom rnd = new SplittableRandom(20261126L);
        for (int round = 0; round < 300; round++)
        {
            final List<RouteTable.Route> routes = new ArrayList<>();
            final int n = rnd.nextInt(0, 12);
            for (int i = 0; i < n; i++)
            {
                final int length = LENGTHS[rnd.nextInt(LENGTHS.length)];
                final RouteTable.Type type = rnd.nextInt(5) == 0 ? RouteTable.Type.BLACKHOLE : RouteTable.Type.UNICAST;
                routes.add(new RouteTable.Route(randomAddress(rnd) & Ipv4Text.mask(length), length, 0,
                    1 + rnd.nextInt(3), 0, rnd.nextInt(3), type));
            }
            final RouteTable table = RouteTable.of(routes);
            for (int k = 0; k < 200; k++)
            {
                final int address = randomAddress(rnd);
                final String where = "round " + round + " address " + Ipv4Text.format(address);
                final int expected = scan(routes, address);
                assertEquals(expected, table.lookupByLength(address), where + " (by length)");
                assertEquals(expected, table.lookup(address), where);
            }
        }
    }

    @Test
    void theLookupGivesTheLongestPrefixMatchNextToEveryRouteOfEveryLength()
    {
        final SplittableRandom rnd = new SplittableRandom(4711L);
        for (int round = 0; round < 200; round++)
        {
            final List<RouteTable.Route> routes = new ArrayList<>();
            final int n = rnd.nextInt(1, 40);
            final int base = (FIRST_BYTES[rnd.nextInt(FIRST_BYTES.length)] << 24) | (rnd.nextInt(2) << 16);
            for (int i = 0; i < n; i++)
            {
                final int length = rnd.nextInt(33);
                final int prefix = (base | rnd.nextInt(1 << 12)) & Ipv4Text.mask(length);
                final RouteTable.Type type = rnd.nextInt(6) == 0 ? RouteTable.Type.UNREACHABLE : RouteTable.Type.UNICAST;
                routes.add(new RouteTable.Route(prefix, length, rnd.nextBoolean() ? 0 : base | 1, 1 + rnd.nextInt(3), 0,
                    rnd.nextInt(2), type));
            }
            final RouteTable table = RouteTable.of(routes);
            for (int k = 0; k < 400; k++)
            {
                // Inside a route, just outside it (one bit past its prefix flipped), or anywhere near the base.
                final RouteTable.Route r = routes.get(rnd.nextInt(n));
                final int inside = r.prefix | (rnd.nextInt() & ~Ipv4Text.mask(r.prefixLength));
                final int address = switch (rnd.nextInt(3))
                {
                    case 0 -> inside;
                    case 1 -> r.prefixLength == 0 ? inside : inside ^ (1 << (32 - r.prefixLength));
                    default -> base | rnd.nextInt(1 << 13);
                };
                final String where = "round " + round + " address " + Ipv4Text.format(address);
                final int expected = scan(routes, address);
                assertEquals(expected, table.lookup(address), where);
                assertEquals(expected < 0 || routes.get(expected).type != RouteTable.Type.UNICAST ? RouteTable.NO_ROUTE :
                    routes.get(expected).egressIf, table.lookupEgress(address), where + " (egress)");
            }
        }
    }
}
