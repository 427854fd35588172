/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Several processors on several threads share one engine: the same flow opened at once by every thread becomes one
 * connection; distinct flows clashing on the masquerade port all get distinct ports; both directions of one
 * connection processed at once keep it consistent.
 */
class EngineConcurrencyTest
{
    private static final int THREADS = 4;
    private static final long T0 = 1_000_000_000_000L;

    private interface Body
    {
        void run(int thread, PacketProcessor p) throws Exception;
    }

    private static void inThreads(final NatEngine engine, final Body body) throws Exception
    {
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int id = t;
            final PacketProcessor p = engine.newProcessor();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    body.run(id, p);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertNull(failure.get());
    }

    @Test
    void theSameFirstPacketOnEveryThreadOpensOneConnection() throws Exception
    {
        for (int round = 0; round < 50; round++)
        {
            try (NatEngine engine = new NatEngine(EngineFixture.config().build()))
            {
                final Set<String> outputs = java.util.concurrent.ConcurrentHashMap.newKeySet();
                inThreads(engine, (t, p) ->
                {
                    final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
                    assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, T0));
                    outputs.add(TestPackets.hex(syn));
                });
                assertEquals(1, engine.size());
                assertEquals(1, outputs.size());
                final AtomicInteger news = new AtomicInteger();
                engine.pollEvents(e -> news.incrementAndGet(), 100);
                assertEquals(1, news.get());
            }
        }
    }

    @Test
    void clashingClientsOnManyThreadsGetDistinctPorts() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().capacity(8192).build()))
        {
            final Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
            final AtomicInteger forwarded = new AtomicInteger();
            inThreads(engine, (t, p) ->
            {
                for (int c = 0; c < 60; c++)
                {
                    // 240 masqueraded clients, all from source port 45000, to the same server: one keeps 45000,
                    // the others move, no two share a port.
                    final byte[] q = TestPackets.udp("192.168.1." + (t * 60 + c + 1), "172.16.2.65", 45000, 53, 64, 8);
                    if (p.process(new UnsafeBuffer(q), 0, q.length, ETH0, T0 + c) == Verdict.FORWARD)
                    {
                        forwarded.incrementAndGet();
                        ports.add(TestPackets.u16(q, 20));
                    }
                }
            });
            assertEquals(THREADS * 60, forwarded.get());
            assertEquals(THREADS * 60, ports.size());
            assertEquals(THREADS * 60, engine.size());
        }
    }

    @Test
    void bothDirectionsAtOnceKeepTheConnectionConsistent() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().build()))
        {
            final PacketProcessor setup = engine.newProcessor();
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
            final byte[] synAck = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, SYN | ACK, 5000, 1001, 64);
            final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
            setup.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, T0);
            setup.process(new UnsafeBuffer(synAck), 0, synAck.length, ETH0, T0 + 1);
            setup.process(new UnsafeBuffer(ack), 0, ack.length, ETH0, T0 + 2);
            final byte[] fromClient = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
            final byte[] fromServer = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, ACK, 5001, 1001, 64);
            final Set<String> seen = new HashSet<>();
            final AtomicInteger bad = new AtomicInteger();
            inThreads(engine, (t, p) ->
            {
                final byte[] template = (t & 1) == 0 ? fromClient : fromServer;
                final byte[] b = new byte[template.length];
                final UnsafeBuffer buf = new UnsafeBuffer(b);
                for (int i = 0; i < 100_000; i++)
                {
                    System.arraycopy(template, 0, b, 0, b.length);
                    if (p.process(buf, 0, b.length, ETH0, T0 + 10 + i) != Verdict.FORWARD ||
                        TestPackets.sum(b, 0, 20, 0) != 0xFFFF)
                    {
                        bad.incrementAndGet();
                    }
                }
                synchronized (seen)
                {
                    seen.add(TestPackets.src(b) + ">" + TestPackets.dst(b));
                }
            });
            assertEquals(0, bad.get());
            assertEquals(Set.of("172.16.2.5>172.16.3.5", "172.16.2.65>192.168.1.5"), seen);
            assertEquals(1, engine.size());
        }
    }
}
