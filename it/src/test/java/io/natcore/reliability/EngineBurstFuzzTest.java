/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the burst path: one engine gets mutated traffic packet by packet ({@code process}), its twin gets the same
 * packets in bursts of 1..32 ({@code processBurst}, one batched table lookup per burst), both with the burst's clock.
 * The contract is "same results as {@code process} for each packet in order": every packet's verdict, reason, egress
 * and rewritten bytes must agree, and no guard byte may change. The twins' guards differ, so a read outside a packet
 * that matters is caught as well. 300,000 packets in CI ({@code -Dnatcore.fuzz.packets} scales it: a third).
 */
class EngineBurstFuzzTest
{
    private static final int MAX_BURST = 32;

    @Test
    void burstsOfMutatedPacketsGetExactlyTheResultsOfOneByOneProcessing()
    {
        final long seed = FuzzCorpus.seed() ^ 0xB0B5L;
        final long total = FuzzCorpus.packets(900_000) / 3;
        final List<Path> traces = CapturedPackets.traceDirs();
        final List<CapturedPackets.Packet> corpus = FuzzCorpus.corpusPackets();
        final PacketMutator mutator = new PacketMutator(seed);
        final GuardedPacketBuffer[] single = new GuardedPacketBuffer[MAX_BURST];
        final GuardedPacketBuffer[] burst = new GuardedPacketBuffer[MAX_BURST];
        final MutableDirectBuffer[] views = new MutableDirectBuffer[MAX_BURST];
        final int[] offsets = new int[MAX_BURST];
        final int[] lengths = new int[MAX_BURST];
        final int[] ingress = new int[MAX_BURST];
        final Verdict[] verdicts = new Verdict[MAX_BURST];
        final int[] egresses = new int[MAX_BURST];
        final Reason[] reasons = new Reason[MAX_BURST];
        final Verdict[] oneVerdict = new Verdict[MAX_BURST];
        final Reason[] oneReason = new Reason[MAX_BURST];
        final int[] oneEgress = new int[MAX_BURST];
        final MutableDirectBuffer[] singleViews = new MutableDirectBuffer[MAX_BURST];
        final byte[][] inputs = new byte[MAX_BURST][GuardedPacketBuffer.MAX_PACKET];
        for (int i = 0; i < MAX_BURST; i++)
        {
            single[i] = new GuardedPacketBuffer(0x11 * i);
            burst[i] = new GuardedPacketBuffer(0xFF - i);
        }
        // The engines may hold packets (HOLD) by reference until released: their buffers are not reused meanwhile.
        final HeldGuardedBuffers heldSingle = new HeldGuardedBuffers(0x11);
        final HeldGuardedBuffers heldBurst = new HeldGuardedBuffers(0xEE);
        final byte[] work = new byte[GuardedPacketBuffer.MAX_PACKET];
        long done = 0;
        long bursts = 0;
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
            final long budget = total / traces.size();
            final NatEngineConfig config = EngineSetup.fromTrace(dir).capacity(4096).seed(seed).build();
            try (NatEngine a = new NatEngine(config); NatEngine b = new NatEngine(config))
            {
                final PacketProcessor pa = a.newProcessor();
                final PacketProcessor pb = b.newProcessor();
                long now = stream.get(0).timeNanos;
                long n = 0;
                while (n < budget)
                {
                    final int k = (int)Math.min(budget - n, 1 + mutator.random().nextInt(MAX_BURST));
                    now += mutator.random().nextInt(1024) == 0 ? 600_000_000_000L : mutator.random().nextInt(50_000_000);
                    for (int i = 0; i < k; i++, n++)
                    {
                        final CapturedPackets.Packet p = (n % 3 != 2) ? stream.get((int)(n % stream.size())) :
                            corpus.get(mutator.random().nextInt(corpus.size()));
                        final CapturedPackets.Packet other = stream.get(mutator.random().nextInt(stream.size()));
                        final int len = mutator.mutate(p.ip, other.ip, work);
                        final int misalign = mutator.random().nextInt(8);
                        singleViews[i] = single[i].place(work, len, misalign);
                        views[i] = burst[i].place(work, len, misalign);
                        offsets[i] = burst[i].offset();
                        lengths[i] = len;
                        ingress[i] = p.ifIndex != 0 ? p.ifIndex : stream.get(0).ifIndex;
                        System.arraycopy(work, 0, inputs[i], 0, len);
                    }
                    for (int i = 0; i < k; i++)
                    {
                        oneVerdict[i] = pa.process(singleViews[i], single[i].offset(), lengths[i], ingress[i], now);
                        oneReason[i] = pa.reason();
                        oneEgress[i] = pa.egressIfIndex();
                        if (oneVerdict[i] == Verdict.HOLD)
                        {
                            heldSingle.hold(single[i], singleViews[i]);
                        }
                        assertTrue(heldSingle.drainReleased(pa), "a released packet's guards intact");
                    }
                    pb.processBurst(views, offsets, lengths, ingress, k, now, verdicts, egresses, reasons);
                    for (int i = 0; i < k; i++)
                    {
                        if (verdicts[i] == Verdict.HOLD)
                        {
                            heldBurst.hold(burst[i], views[i]);
                        }
                    }
                    assertTrue(heldBurst.drainReleased(pb), "a released packet's guards intact");
                    bursts++;
                    for (int i = 0; i < k; i++)
                    {
                        if (!single[i].guardsIntact() || !burst[i].guardsIntact())
                        {
                            fail("seed 0x" + Long.toHexString(seed) + " " + dir.getFileName() + ": write outside " +
                                "packet " + i + " of a burst of " + k + ": " + ParserTrackerFuzzTest.hex(inputs[i], lengths[i]));
                        }
                        if (oneVerdict[i] != verdicts[i] || oneReason[i] != reasons[i] || oneEgress[i] != egresses[i] ||
                            !single[i].samePacketBytes(burst[i]))
                        {
                            fail("seed 0x" + Long.toHexString(seed) + " " + dir.getFileName() + ": packet " + i +
                                " of a burst of " + k + ": one by one " + oneVerdict[i] + "/" + oneReason[i] + "/" +
                                oneEgress[i] + ", burst " + verdicts[i] + "/" + reasons[i] + "/" + egresses[i] +
                                "; inputs " + hexAll(inputs, lengths, k));
                        }
                    }
                    for (int i = 0; i < k; i++)
                    {
                        // A held packet's buffer stays with its engine; a released one is back in the spares.
                        single[i] = oneVerdict[i] == Verdict.HOLD ? heldSingle.take() : single[i];
                        burst[i] = verdicts[i] == Verdict.HOLD ? heldBurst.take() : burst[i];
                    }
                }
                done += n;
                assertEquals(List.of(), TableInvariants.check(a.table()));
                assertEquals(List.of(), TableInvariants.check(b.table()));
                assertEquals(a.table().inserts(), b.table().inserts(), dir + ": same connections created");
                assertEquals(0, a.table().earlyDrops() + b.table().earlyDrops(), "no eviction: seeds do not matter");
            }
        }
        assertTrue(done > 0);
        System.out.printf("EngineBurstFuzzTest: seed=0x%X packets=%d bursts=%d (1..%d packets each)%n", seed, done,
            bursts, MAX_BURST);
    }

    private static String hexAll(final byte[][] inputs, final int[] lengths, final int k)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k; i++)
        {
            sb.append(i == 0 ? "" : " ").append(ParserTrackerFuzzTest.hex(inputs[i], lengths[i]));
        }
        return sb.toString();
    }
}
