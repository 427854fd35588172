/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.Counters;
import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the whole engine. For each trace, two engines built from the trace's rules and box (same seed, so they
 * decide alike) get the same stream: the trace's received packets and the corpus packets, mostly mutated
 * ({@link PacketMutator}), in trace order with a clock that sometimes jumps minutes ahead (expiry). Each packet sits
 * between guard regions ({@link GuardedPacketBuffer}) whose bytes differ between the two engines. Checked at every
 * packet: no exception escapes, no guard byte changed (no write outside {@code [offset, offset+length)}), and both
 * engines give the same verdict, reason, egress and rewritten bytes (no read outside the packet that matters).
 * Checked after each trace: {@link TableInvariants} on both tables, and the verdict counters add up to the packets.
 * <p>
 * CI: 2,000,000 packets (4,000,000 engine calls). Long run: {@code -Dnatcore.fuzz.packets=10000000}, seed with
 * {@code -Dnatcore.fuzz.seed}; see RELIABILITY.md.
 */
class EngineFuzzTest
{
    @Test
    void mutatedTrafficNeverThrowsNeverWritesOutsideThePacketAndLeavesTheTableSound()
    {
        final long seed = FuzzCorpus.seed();
        final long total = FuzzCorpus.packets(2_000_000);
        final List<Path> traces = CapturedPackets.traceDirs();
        final List<CapturedPackets.Packet> corpus = FuzzCorpus.corpusPackets();
        assertTrue(traces.size() >= 14 && corpus.size() > 100, "traces and corpus present");
        final PacketMutator mutator = new PacketMutator(seed);
        final HeldGuardedBuffers buffersA = new HeldGuardedBuffers(0x00);
        final HeldGuardedBuffers buffersB = new HeldGuardedBuffers(0xFF);
        final byte[] work = new byte[GuardedPacketBuffer.MAX_PACKET];
        final Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
        final Map<Reason, Long> reasons = new EnumMap<>(Reason.class);
        long done = 0;
        long maxLive = 0;
        long events = 0;
        long icmpErrorsTranslated = 0;
        long fragmentsFollowed = 0;
        long created = 0;

        for (int t = 0; t < traces.size(); t++)
        {
            final Path dir = traces.get(t);
            final List<CapturedPackets.Packet> stream = new ArrayList<>();
            for (final CapturedPackets.Packet p : CapturedPackets.read(dir.resolve("trace.pcap")))
            {
                if (!p.sentByBox)
                {
                    stream.add(p);
                }
            }
            final int ifIndex = stream.get(0).ifIndex;
            final long budget = total / traces.size() + (t < total % traces.size() ? 1 : 0);
            final NatEngineConfig config = EngineSetup.fromTrace(dir).capacity(4096).seed(seed).build();
            try (NatEngine a = new NatEngine(config); NatEngine b = new NatEngine(config))
            {
                final PacketProcessor pa = a.newProcessor();
                final PacketProcessor pb = b.newProcessor();
                long now = stream.get(0).timeNanos;
                for (long n = 0; n < budget; n++)
                {
                    // Two in three packets from the trace (in order, so connections form), one from the corpus.
                    final CapturedPackets.Packet p = (n % 3 != 2) ? stream.get((int)(n % stream.size())) :
                        corpus.get(mutator.random().nextInt(corpus.size()));
                    final CapturedPackets.Packet other = stream.get(mutator.random().nextInt(stream.size()));
                    final int len = mutator.mutate(p.ip, other.ip, work);
                    final int misalign = mutator.random().nextInt(8);
                    // A fresh buffer per packet unless the last one came back: the engine may hold packets (HOLD).
                    final GuardedPacketBuffer bufA = buffersA.take();
                    final GuardedPacketBuffer bufB = buffersB.take();
                    final UnsafeBuffer va = bufA.place(work, len, misalign);
                    final UnsafeBuffer vb = bufB.place(work, len, misalign);
                    final int ingress = p.ifIndex != 0 && mutator.random().nextInt(8) != 0 ? p.ifIndex : ifIndex;
                    now += mutator.random().nextInt(4096) == 0 ? 600_000_000_000L : mutator.random().nextInt(20_000_000);
                    final Verdict va1;
                    final Verdict vb1;
                    try
                    {
                        va1 = pa.process(va, bufA.offset(), len, ingress, now);
                        vb1 = pb.process(vb, bufB.offset(), len, ingress, now);
                    }
                    catch (final RuntimeException | AssertionError ex)
                    {
                        throw new AssertionError(where(seed, dir, done + n, p) + "exception escaped; input " +
                            ParserTrackerFuzzTest.hex(work, len), ex);
                    }
                    if (!bufA.guardsIntact() || !bufB.guardsIntact())
                    {
                        fail(where(seed, dir, done + n, p) + "write outside the packet; input " +
                            ParserTrackerFuzzTest.hex(work, len));
                    }
                    if (va1 != vb1 || pa.reason() != pb.reason() || pa.egressIfIndex() != pb.egressIfIndex() ||
                        !bufA.samePacketBytes(bufB))
                    {
                        fail(where(seed, dir, done + n, p) + "result depends on bytes outside the packet: " + va1 +
                            "/" + pa.reason() + " vs " + vb1 + "/" + pb.reason() + "; input " +
                            ParserTrackerFuzzTest.hex(work, len));
                    }
                    if (va1 == Verdict.HOLD)
                    {
                        buffersA.hold(bufA, va);
                        buffersB.hold(bufB, vb);
                    }
                    else
                    {
                        buffersA.give(bufA);
                        buffersB.give(bufB);
                    }
                    if (!buffersA.drainReleased(pa) || !buffersB.drainReleased(pb))
                    {
                        fail(where(seed, dir, done + n, p) + "write outside a held packet");
                    }
                    verdicts.merge(va1, 1L, Long::sum);
                    reasons.merge(pa.reason(), 1L, Long::sum);
                    if ((n & 0xFFF) == 0)
                    {
                        maxLive = Math.max(maxLive, a.size());
                        events += a.pollEvents(e -> { }, 1 << 16);
                        b.pollEvents(e -> { }, 1 << 16);
                    }
                }
                done += budget;
                for (final NatEngine e : new NatEngine[] { a, b })
                {
                    assertEquals(List.of(), TableInvariants.check(e.table()), dir + ": table invariants");
                    // Twins agree only while nothing depends on the table's (random, per-table) hash seed: with
                    // no eviction, slot positions are invisible in verdicts, ports and bytes.
                    assertEquals(0, e.table().earlyDrops(), dir + ": no eviction, so the twins' seeds do not matter");
                    long sum = 0;
                    for (final Verdict v : Verdict.values())
                    {
                        sum += e.counter(v);
                    }
                    assertEquals(budget, sum, dir + ": every packet got exactly one verdict");
                    e.dumpConntrack(new StringBuilder(), now);
                }
                assertEquals(a.table().inserts(), b.table().inserts(), dir + ": twins created the same connections");
                icmpErrorsTranslated += a.extraCounter(Counters.ICMP_ERRORS_TRANSLATED);
                fragmentsFollowed += a.extraCounter(Counters.FRAGMENTS_FOLLOWED);
                created += a.extraCounter(Counters.CONNECTIONS_CREATED);
            }
        }
        assertEquals(total, done);
        assertTrue(verdicts.getOrDefault(Verdict.FORWARD, 0L) > total / 20, "enough packets translated: " + verdicts);
        assertTrue(icmpErrorsTranslated > 0 && fragmentsFollowed > 0, "ICMP error and fragment paths reached");
        System.out.printf("EngineFuzzTest: seed=0x%X packets=%d (x2 engines) traces=%d connections=%d maxLive=%d " +
            "events=%d icmpErrorsTranslated=%d fragmentsFollowed=%d%n  verdicts=%s%n  reasons=%s%n  mutations=%s%n",
            seed, done, traces.size(), created, maxLive, events, icmpErrorsTranslated, fragmentsFollowed, verdicts,
            reasons, ParserTrackerFuzzTest.kinds(mutator));
    }

    private static String where(final long seed, final Path dir, final long n, final CapturedPackets.Packet p)
    {
        return "seed 0x" + Long.toHexString(seed) + ", trace " + dir.getFileName() + ", packet " + n + " (from " +
            p.source + "): ";
    }
}
