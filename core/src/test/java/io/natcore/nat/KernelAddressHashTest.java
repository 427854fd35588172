/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The address of a NAT range is the one the kernel picked: expected values are the kernel's choices in trace
 * {@code 16-nat-address-range} (its {@code conntrack-events.txt}): DNAT to 172.16.3.5-172.16.3.7, SNAT to
 * 172.16.2.10-172.16.2.12.
 */
class KernelAddressHashTest
{
    private static final int LO = ip(172, 16, 3, 5);
    private static final int HI = ip(172, 16, 3, 7);
    private static final int PLAIN = ip(172, 16, 2, 71);
    private static final int PERSISTENT = ip(172, 16, 2, 72);

    private static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static int client(final int last)
    {
        return ip(192, 168, 1, last);
    }

    @Test
    void aPlainRangePicksTheKernelsBackEndForEachSourceAndDestination()
    {
        // client 192.168.1.N -> 172.16.2.71: the kernel's back end 172.16.3.X, for N = 5..12
        final int[] kernel = {7, 5, 7, 7, 5, 6, 7, 5};
        for (int n = 5; n <= 12; n++)
        {
            assertEquals(ip(172, 16, 3, kernel[n - 5]), KernelAddressHash.pick(client(n), PLAIN, false, LO, HI),
                "client 192.168.1." + n);
        }
    }

    @Test
    void persistentPicksTheKernelsBackEndFromTheSourceAlone()
    {
        // client 192.168.1.N -> 172.16.2.72 with --persistent: the kernel's back end, for N = 5..12
        final int[] kernel = {7, 7, 5, 5, 7, 7, 7, 5};
        for (int n = 5; n <= 12; n++)
        {
            final int expected = ip(172, 16, 3, kernel[n - 5]);
            assertEquals(expected, KernelAddressHash.pick(client(n), PERSISTENT, true, LO, HI), "client " + n);
            assertEquals(expected, KernelAddressHash.pick(client(n), PLAIN, true, LO, HI), "any destination " + n);
        }
    }

    @Test
    void snatToARangePicksTheKernelsSourceAddressFromTheSourceAndTheDestinationAfterDnat()
    {
        // client 192.168.1.N -> 172.16.2.73:9, DNAT to 172.16.3.5:7003, SNAT to 172.16.2.10-12: the kernel's
        // source address 172.16.2.X, for N = 5..12
        final int[] kernel = {12, 11, 10, 11, 11, 10, 10, 12};
        final int server = ip(172, 16, 3, 5);
        for (int n = 5; n <= 12; n++)
        {
            assertEquals(ip(172, 16, 2, kernel[n - 5]),
                KernelAddressHash.pick(client(n), server, false, ip(172, 16, 2, 10), ip(172, 16, 2, 12)), "client " + n);
        }
    }

    @Test
    void aSingleAddressRangeAlwaysPicksIt()
    {
        for (int n = 0; n < 256; n++)
        {
            assertEquals(LO, KernelAddressHash.pick(client(n), PLAIN, false, LO, LO));
        }
    }
}
