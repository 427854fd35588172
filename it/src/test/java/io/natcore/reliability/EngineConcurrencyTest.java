/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.Counters;
import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.replay.TestPackets;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static io.natcore.replay.TestPackets.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several packet processors (one per thread) translate the same 512 UDP connections at once, in both directions,
 * while an expiry thread reaps and every processor reaps a little per packet. The connections are MASQUERADEd (trace
 * 04's rules) from two clients that use the same source ports pairwise, so every pair fights over one NAT port and
 * one of them must be remapped. Checked at every packet: the verdict is FORWARD, the rewritten addresses and ports
 * are the connection's binding (the first NAT port any thread saw for it, never another: no duplicated binding), the
 * checksums are valid (a torn read of the precomputed deltas would break them), and a reply to the NAT port reaches
 * the right client (no lost binding, no reply tuple shared). Checked afterwards: 64 connections left idle expired,
 * the 512 active ones are all present with their bindings, no two share a NAT port, {@link TableInvariants} hold,
 * and created - destroyed == live.
 * <p>
 * Duration {@code -Dnatcore.stress.seconds} (default 5), threads {@code -Dnatcore.stress.threads} (default 4).
 */
class EngineConcurrencyTest
{
    private static final int ACTIVE = 512;
    private static final int IDLE = 64;
    private static final int ETH0 = 2;
    private static final int SERVER = ip(172, 16, 3, 5);
    private static final int NAT = ip(172, 16, 2, 5);
    private static final long SECOND = 1_000_000_000L;

    static int client(final int c)
    {
        return ip(192, 168, 1, 5 + (c & 1));
    }

    static int sport(final int c)
    {
        return 30_000 + (c >> 1);
    }

    @Test
    void processorsOnManyThreadsTranslateTheSameConnectionsWithOneBindingEachAndLoseNone() throws Exception
    {
        final int threads = Integer.getInteger("natcore.stress.threads", 4);
        final long seconds = Long.getLong("natcore.stress.seconds", 5);
        final AtomicIntegerArray natPort = new AtomicIntegerArray(ACTIVE + IDLE);
        final AtomicLong clock = new AtomicLong(SECOND);
        final AtomicBoolean stop = new AtomicBoolean();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong packets = new AtomicLong();
        try (NatEngine engine = new NatEngine(EngineSetup.fromTrace(EngineSetup.trace("04-snat-masquerade"))
            .capacity(8192).build()))
        {
            final Worker setup = new Worker(engine.newProcessor(), natPort, failures, 1);
            for (int c = ACTIVE; c < ACTIVE + IDLE; c++)
            {
                setup.outgoing(c, clock.addAndGet(1000));
            }
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Worker w = new Worker(engine.newProcessor(), natPort, failures, 100 + t);
                all.add(new Thread(() ->
                {
                    FlowTableStressTest.awaitQuietly(start);
                    long n = 0;
                    while (!stop.get() && failures.size() < 20)
                    {
                        final int c = w.rnd.nextInt(ACTIVE);
                        final long now = clock.addAndGet(20_000); // 20 us of virtual time per packet
                        if (natPort.get(c) == 0 || w.rnd.nextBoolean())
                        {
                            w.outgoing(c, now);
                        }
                        else
                        {
                            w.reply(c, now);
                        }
                        n++;
                    }
                    packets.addAndGet(n);
                }, "processor-" + t));
            }
            final long[] reaped = new long[1];
            all.add(new Thread(() ->
            {
                FlowTableStressTest.awaitQuietly(start);
                while (!stop.get())
                {
                    reaped[0] += engine.expire(clock.get(), 512);
                    Thread.onSpinWait();
                }
            }, "expiry"));
            FlowTableStressTest.runFor(all, start, stop, seconds);
            assertEquals(List.of(), new ArrayList<>(failures));

            // Quiescent. Touch every active connection at T, then reap at T + 29 s: only the idle ones go.
            final long t = clock.addAndGet(2 * SECOND);
            for (int c = 0; c < ACTIVE; c++)
            {
                setup.outgoing(c, t);
            }
            while (engine.expire(t + 29 * SECOND, 1 << 20) > 0)
            {
                // reap everything due
            }
            final FlowTable table = engine.table();
            final Set<Integer> ports = new HashSet<>();
            for (int c = 0; c < ACTIVE + IDLE; c++)
            {
                final long h = table.lookup(FlowKey.k0(client(c), SERVER), FlowKey.k1(sport(c), 53, 17, 0));
                if (c >= ACTIVE)
                {
                    assertEquals(FlowTable.MISS, h, "idle connection " + c + " expired");
                    continue;
                }
                assertNotEquals(FlowTable.MISS, h, "active connection " + c + " present");
                assertEquals(natPort.get(c), table.newSrcPort(FlowTable.entry(h), FlowTable.DIR_ORIGINAL),
                    "binding of " + c);
                assertTrue(ports.add(natPort.get(c)), "NAT port " + natPort.get(c) + " bound twice");
            }
            assertEquals(List.of(), new ArrayList<>(failures));
            assertEquals(List.of(), TableInvariants.check(table));
            assertEquals(ACTIVE, engine.size());
            final long created = engine.extraCounter(Counters.CONNECTIONS_CREATED);
            final long destroyed = engine.extraCounter(Counters.CONNECTIONS_DESTROYED);
            assertEquals(created - destroyed, engine.size(), "created " + created + " - destroyed " + destroyed);
            assertTrue(engine.extraCounter(Counters.PORT_REMAPPED) >= ACTIVE / 2, "pairs clashed and were remapped");
            long verdicts = 0;
            for (final Verdict v : Verdict.values())
            {
                verdicts += engine.counter(v);
            }
            assertEquals(packets.get() + IDLE + ACTIVE, verdicts, "one verdict per packet");
            System.out.printf("EngineConcurrencyTest: %d processors + expiry x %d s: %d packets, %d connections " +
                "created, %d destroyed (idle reaped), port remaps %d, virtual time %d s%n", threads, seconds,
                packets.get(), created, destroyed, engine.extraCounter(Counters.PORT_REMAPPED), t / SECOND);
        }
    }

    /** One thread's processor, packet buffer and checks. */
    static final class Worker
    {
        final PacketProcessor p;
        final AtomicIntegerArray natPort;
        final Queue<String> failures;
        final SplittableRandom rnd;
        final GuardedPacketBuffer guard;

        Worker(final PacketProcessor p, final AtomicIntegerArray natPort, final Queue<String> failures, final int id)
        {
            this.p = p;
            this.natPort = natPort;
            this.failures = failures;
            this.rnd = new SplittableRandom(id);
            this.guard = new GuardedPacketBuffer(id);
        }

        void outgoing(final int c, final long now)
        {
            final byte[] out = send(TestPackets.udp(client(c), SERVER, sport(c), 53, 32), now);
            if (out == null)
            {
                failures.add("outgoing " + c + ": " + p.reason());
                return;
            }
            final int port = TestPackets.srcPort(out);
            if (TestPackets.srcIp(out) != NAT || TestPackets.dstIp(out) != SERVER || TestPackets.dstPort(out) != 53 ||
                !TestPackets.checksumsValid(out))
            {
                failures.add("outgoing " + c + " mistranslated: " + ParserTrackerFuzzTest.hex(out, out.length));
            }
            if (!natPort.compareAndSet(c, 0, port) && natPort.get(c) != port)
            {
                failures.add("connection " + c + " bound to " + natPort.get(c) + " and to " + port);
            }
        }

        void reply(final int c, final long now)
        {
            final int port = natPort.get(c);
            final byte[] out = send(TestPackets.udp(SERVER, NAT, 53, port, 48), now);
            if (out == null)
            {
                failures.add("reply to " + c + " (port " + port + ") not translated: " + p.reason());
                return;
            }
            if (TestPackets.dstIp(out) != client(c) || TestPackets.dstPort(out) != sport(c) ||
                TestPackets.srcIp(out) != SERVER || TestPackets.srcPort(out) != 53 || !TestPackets.checksumsValid(out))
            {
                failures.add("reply to " + c + " mistranslated: " + ParserTrackerFuzzTest.hex(out, out.length));
            }
        }

        /** @return the forwarded bytes, or null when the verdict was not FORWARD. */
        private byte[] send(final byte[] packet, final long now)
        {
            final UnsafeBuffer view = guard.place(packet, packet.length, rnd.nextInt(8));
            final Verdict v = p.process(view, guard.offset(), packet.length, ETH0, now);
            if (!guard.guardsIntact())
            {
                failures.add("write outside the packet");
            }
            return v == Verdict.FORWARD ? guard.packetBytes() : null;
        }
    }
}
