/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Established, assured connections keep translating while a SYN flood fills a small table (early drops, full
 * refusals) and another thread expires entries on the same clock, as the dataplane's worker and housekeeper do.
 */
class EstablishedUnderChurnTest
{
    private static final long T0 = 1_000_000_000_000L;
    private static final int CONNECTIONS = 20;

    @Test
    void assuredConnectionsSurviveASynFloodAndConcurrentExpiry() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().capacity(1024).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final AtomicLong clock = new AtomicLong(T0);
            final int[] masq = new int[CONNECTIONS];
            for (int c = 0; c < CONNECTIONS; c++)
            {
                final int port = 40000 + c;
                final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", port, 80, SYN, 1000, 0, 64);
                assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, clock.get()));
                masq[c] = TestPackets.u16(syn, 20);
                final byte[] synAck = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, masq[c], SYN | ACK, 5000, 1001, 64);
                assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(synAck), 0, synAck.length, ETH0, clock.get()));
                final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.65", port, 80, ACK, 1001, 5001, 64);
                assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(ack), 0, ack.length, ETH0, clock.get()));
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread expirer = new Thread(() ->
            {
                try
                {
                    while (!stop.get())
                    {
                        engine.expire(clock.get(), 4096);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            expirer.start();
            final SplittableRandom random = new SplittableRandom(11);
            final byte[] b = new byte[40];
            final UnsafeBuffer buf = new UnsafeBuffer(b);
            String lost = null;
            try
            {
                for (int round = 0; round < 400_000 && lost == null; round++)
                {
                    final long now = clock.addAndGet(1_000_000); // 1 ms a round: flood entries time out too
                    for (int f = 0; f < 4; f++)
                    {
                        final byte[] syn = TestPackets.tcp("192.168.1." + (100 + random.nextInt(151)), "172.16.2.65",
                            1024 + random.nextInt(60000), 80, SYN, random.nextInt(), 0, 64);
                        p.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, now);
                    }
                    final int c = round % CONNECTIONS;
                    final boolean fromClient = (round / CONNECTIONS & 1) == 0;
                    final byte[] seg = fromClient ?
                        TestPackets.tcp("192.168.1.5", "172.16.2.65", 40000 + c, 80, ACK, 1001, 5001, 64) :
                        TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, masq[c], ACK, 5001, 1001, 64);
                    System.arraycopy(seg, 0, b, 0, seg.length);
                    final Verdict v = p.process(buf, 0, seg.length, ETH0, now);
                    if (v != Verdict.FORWARD)
                    {
                        lost = "round " + round + " connection " + c + (fromClient ? " client" : " server") + ": " +
                            v + " " + p.reason() + ", size " + engine.size() + ", early drops " +
                            engine.table().earlyDrops() + ", expired " + engine.table().expired();
                    }
                }
            }
            finally
            {
                stop.set(true);
                expirer.join();
            }
            assertNull(failure.get());
            assertNull(lost, lost);
        }
    }
}
