/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.table.EvictionListener;
import io.natcore.table.ExpiryListener;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceMappingsConcurrencyTest
{
    private static final int ZONE = 0;

    /**
     * One thread binds (records short-lived and long-lived connections, finds them), another expires the short-lived
     * ones through the listener, as the engine's processors do: a long-lived mapping must be found every time
     * (an expiry hand-over never unlinks a connection recorded after it), and the entries the expiring thread
     * removes are reused all along.
     */
    @Test
    void expiryOnAnotherThreadNeverHidesALiveMapping() throws Exception
    {
        final int capacity = 4096;
        final int[] longLived = new int[64];
        java.util.Arrays.fill(longLived, -1);
        // A full table evicts (on the binding thread, inside insert) when expiry lags: that connection is gone.
        final EvictionListener onEvicted = (t, e) ->
        {
            for (int i = 0; i < longLived.length; i++)
            {
                longLived[i] = longLived[i] == e ? -1 : longLived[i];
            }
        };
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(capacity).evictionListener(onEvicted)))
        {
            final SourceMappings mappings = new SourceMappings(table, ZONE);
            final AtomicLong clock = new AtomicLong(1_000);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong expired = new AtomicLong();
            final ExpiryListener listener = (t, e) ->
            {
                mappings.expiredOpaque(e);
                expired.incrementAndGet();
            };
            final Thread expirer = new Thread(() ->
            {
                while (!stop.get())
                {
                    table.expire(clock.get(), 256, listener);
                }
            });
            expirer.start();
            final SplittableRandom rnd = new SplittableRandom(7);
            final int[] longPorts = new int[64];
            int port = 0;
            long checks = 0;
            final long end = System.nanoTime() + 1_500_000_000L;
            try
            {
                while (System.nanoTime() < end)
                {
                    final long now = clock.addAndGet(1);
                    port = (port + 1) & 0xFFFF;
                    final boolean keep = rnd.nextInt(8) == 0;
                    final int ip = 0x0A000001 + rnd.nextInt(16);
                    final int e = table.insert(FlowKey.k0(ip, 0x08080808), FlowKey.k1(port, 53, 17, ZONE),
                        FlowKey.k0(0x08080808, 0x0B000000 | port), FlowKey.k1(53, port, 17, ZONE));
                    if (e < 0)
                    {
                        continue;
                    }
                    table.putDeadlineOpaque(e, keep ? Long.MAX_VALUE : now + 1 + rnd.nextInt(50));
                    mappings.record(17, ip, port, e);
                    if (keep)
                    {
                        final int slot = rnd.nextInt(longLived.length);
                        if (longLived[slot] >= 0)
                        {
                            table.remove(longLived[slot]); // a death outside expiry
                        }
                        longLived[slot] = e;
                        longPorts[slot] = ip << 16 | port;
                    }
                    final int slot = rnd.nextInt(longLived.length);
                    final int held = longLived[slot];
                    if (held >= 0)
                    {
                        final int heldIp = 0x0A000000 | (longPorts[slot] >>> 16);
                        final int heldPort = longPorts[slot] & 0xFFFF;
                        final int got = mappings.find(17, heldIp, heldPort, now);
                        assertEquals(held, got, "long-lived mapping");
                        checks++;
                    }
                }
            }
            finally
            {
                stop.set(true);
                expirer.join();
            }
            assertTrue(checks > 1000, "checks " + checks);
            assertTrue(expired.get() > 1000, "expired " + expired.get());
        }
    }
}
