/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz and concurrency at once: four processors on one engine (trace 11's rules, many flows) each feed their own
 * seeded stream of mutated trace and corpus packets, on a shared clock that sometimes jumps minutes ahead, while an
 * expiry thread reaps. Connections are created, refreshed, closed, clashed over and expired from several threads at
 * once, ICMP errors look up entries being removed. No exception may escape, no guard byte may change, and afterwards
 * {@link TableInvariants} hold and every packet got exactly one verdict. Bounded time:
 * {@code -Dnatcore.stress.seconds} (default 5).
 */
class EngineConcurrentFuzzTest
{
    @Test
    void processorsFuzzedConcurrentlyNeverThrowNeverWriteOutsideTheirPacketAndLeaveTheTableSound() throws Exception
    {
        final int threads = Integer.getInteger("natcore.stress.threads", 4);
        final long seconds = Long.getLong("natcore.stress.seconds", 5);
        final long seed = FuzzCorpus.seed();
        final Path dir = EngineSetup.trace("11-many-flows");
        final List<CapturedPackets.Packet> stream = new ArrayList<>();
        for (final CapturedPackets.Packet p : CapturedPackets.read(dir.resolve("trace.pcap")))
        {
            if (!p.sentByBox)
            {
                stream.add(p);
            }
        }
        final List<CapturedPackets.Packet> corpus = FuzzCorpus.corpusPackets();
        final AtomicLong clock = new AtomicLong(stream.get(0).timeNanos);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong packets = new AtomicLong();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final CountDownLatch start = new CountDownLatch(1);
        try (NatEngine engine = new NatEngine(EngineSetup.fromTrace(dir).capacity(2048).build()))
        {
            final List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final PacketProcessor p = engine.newProcessor();
                final PacketMutator mutator = new PacketMutator(seed + t);
                final GuardedPacketBuffer guard = new GuardedPacketBuffer(t * 0x35);
                final int offset = t * 997;
                all.add(new Thread(() ->
                {
                    FlowTableStressTest.awaitQuietly(start);
                    final byte[] work = new byte[GuardedPacketBuffer.MAX_PACKET];
                    long n = 0;
                    while (!stop.get() && failures.isEmpty())
                    {
                        final CapturedPackets.Packet src = (n % 3 != 2) ?
                            stream.get((int)((n + offset) % stream.size())) :
                            corpus.get(mutator.random().nextInt(corpus.size()));
                        final int len = mutator.mutate(src.ip, stream.get(mutator.random().nextInt(stream.size())).ip,
                            work);
                        final UnsafeBuffer view = guard.place(work, len, mutator.random().nextInt(8));
                        final long now = clock.addAndGet(mutator.random().nextInt(1 << 16) == 0 ?
                            120_000_000_000L : mutator.random().nextInt(2_000_000));
                        try
                        {
                            p.process(view, guard.offset(), len, src.ifIndex != 0 ? src.ifIndex : 2, now);
                        }
                        catch (final RuntimeException | AssertionError ex)
                        {
                            failures.add("exception " + ex + " on " + ParserTrackerFuzzTest.hex(work, len));
                        }
                        if (!guard.guardsIntact())
                        {
                            failures.add("write outside the packet: " + ParserTrackerFuzzTest.hex(work, len));
                        }
                        n++;
                    }
                    packets.addAndGet(n);
                }, "fuzz-" + t));
            }
            all.add(new Thread(() ->
            {
                FlowTableStressTest.awaitQuietly(start);
                while (!stop.get())
                {
                    engine.expire(clock.get(), 256);
                    engine.pollEvents(e -> { }, 4096);
                    Thread.onSpinWait();
                }
            }, "expiry"));
            FlowTableStressTest.runFor(all, start, stop, seconds);
            assertEquals(List.of(), new ArrayList<>(failures));
            assertEquals(List.of(), TableInvariants.check(engine.table()));
            long verdicts = 0;
            for (final Verdict v : Verdict.values())
            {
                verdicts += engine.counter(v);
            }
            assertEquals(packets.get(), verdicts, "one verdict per packet");
            assertTrue(engine.table().inserts() > 1000, "connections were created: " + engine.table().inserts());
            System.out.printf("EngineConcurrentFuzzTest: %d processors + expiry x %d s, seed 0x%X: %d packets, " +
                "%d connections created, %d removed, %d early drops, %d live%n", threads, seconds, seed, packets.get(),
                engine.table().inserts(), engine.table().removes(), engine.table().earlyDrops(), engine.size());
        }
    }
}
