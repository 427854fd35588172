/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpRateLimitTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void onePeerGetsABurstOfSixThenOnePerSecond()
    {
        final IcmpRateLimit limit = new IcmpRateLimit();
        final long t = 100 * S;
        int allowed = 0;
        for (int i = 0; i < 20; i++)
        {
            allowed += limit.allow(0xC0A80105, t) ? 1 : 0;
        }
        assertEquals(6, allowed, "icmp_ratelimit's burst (XRLIM_BURST_FACTOR 6)");
        assertFalse(limit.allow(0xC0A80105, t + S / 2));
        assertTrue(limit.allow(0xC0A80105, t + S + 1));
        assertFalse(limit.allow(0xC0A80105, t + S + 2));
    }

    @Test
    void allPeersTogetherGetFiftyAtOnceThenAThousandPerSecond()
    {
        final IcmpRateLimit limit = new IcmpRateLimit();
        final long t = 100 * S;
        int allowed = 0;
        for (int peer = 1; peer <= 200; peer++)
        {
            allowed += limit.allow(0x0A000000 + peer * 7919, t) ? 1 : 0;
        }
        assertEquals(50, allowed, "icmp_msgs_burst");
        allowed = 0;
        for (int peer = 201; peer <= 400; peer++)
        {
            allowed += limit.allow(0x0A000000 + peer * 7919, t + S / 100) ? 1 : 0;
        }
        assertEquals(10, allowed, "icmp_msgs_per_sec: 10 tokens in 10 ms");
    }
}
