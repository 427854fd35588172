/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighboursTest
{
    private static final int GW = 0xAC100201;
    private static final long MAC = 0x123456789ABCL;
    private static final long S = 1_000_000_000L;

    @Test
    void anUnresolvedNextHopIsAskedForOncePerSecond()
    {
        final Neighbours n = new Neighbours(16);
        final int slot = n.slot(GW);
        assertEquals(Neighbours.NO_MAC, n.mac(slot));
        assertTrue(n.claimRequest(slot, 10 * S));
        assertFalse(n.claimRequest(slot, 10 * S + S / 2));
        assertTrue(n.claimRequest(slot, 11 * S));
    }

    @Test
    void arpUpdatesOnlyNextHopsInUseAndAStaleEntryIsRefreshedWhileStillUsed()
    {
        final Neighbours n = new Neighbours(16);
        assertFalse(n.learn(GW, MAC, 1), "unsolicited ARP for an address we never used is not learned");
        final int slot = n.slot(GW);
        assertTrue(n.learn(GW, MAC, 5 * S));
        assertEquals(MAC, n.mac(slot));
        assertFalse(n.claimRequest(slot, 6 * S), "reachable: no request");
        assertTrue(n.claimRequest(slot, 5 * S + Neighbours.REACHABLE_NANOS), "stale: refresh");
        assertEquals(MAC, n.mac(slot), "the stale MAC is still used meanwhile");
    }

    @Test
    void aPermanentEntryIsNeverAskedForNorOverwritten()
    {
        final Neighbours n = new Neighbours(16);
        n.addPermanent(GW, MAC);
        final int slot = n.find(GW);
        assertFalse(n.claimRequest(slot, 100 * S));
        assertFalse(n.learn(GW, 0x1111L, 1));
        assertEquals(MAC, n.mac(slot));
    }

    @Test
    void threadsClaimingOneAddressGetOneSlotAndOneRequest() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final Neighbours n = new Neighbours(16);
            final CountDownLatch go = new CountDownLatch(1);
            final int[] slots = new int[4];
            final AtomicInteger requests = new AtomicInteger();
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++)
            {
                final int id = t;
                threads[t] = new Thread(() ->
                {
                    try
                    {
                        go.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    slots[id] = n.slot(GW);
                    if (n.claimRequest(slots[id], 7 * S))
                    {
                        requests.incrementAndGet();
                    }
                });
                threads[t].start();
            }
            go.countDown();
            for (final Thread t : threads)
            {
                t.join();
            }
            assertEquals(1, requests.get());
            for (final int s : slots)
            {
                assertEquals(slots[0], s);
            }
        }
    }
}
