/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.replay.TestPackets;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import io.natcore.table.SeededFlowHasher;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash flooding through the engine, configured as a user would (builder defaults). The attacker knows the code,
 * hence every default, including the engine's default seed; it crafts 1200 SYNs whose original tuples share one home
 * slot under that seed and sends them through a DNAT rule. The engine's table must hash with a secret of its own, so
 * that the longest probe stays short ({@link HashFloodTest#MAX_PROBE}).
 */
class EngineHashFloodTest
{
    private static final int CAPACITY = 4096;
    private static final int FLOOD = 1200;
    /** The engine builder's default seed, as anyone reading NatEngineConfig sees it. */
    private static final long DEFAULT_ENGINE_SEED = 0x6E6174636F7265L;

    @Test
    void synsCraftedAgainstTheDefaultSeedDoNotBuildALongProbeRunInTheEnginesTable()
    {
        final int vip = TestPackets.ip(172, 16, 2, 65);
        final int slots = new FlowTableConfig().capacity(CAPACITY).slotCount();
        final SeededFlowHasher attackerView = new SeededFlowHasher(DEFAULT_ENGINE_SEED);
        final long[][] keys = new long[FLOOD][];
        int found = 0;
        for (long i = 0; found < FLOOD; i++)
        {
            final int src = TestPackets.ip(11, 0, 0, 0) + (int)(i >>> 16);
            final int sport = (int)(i & 0xFFFF);
            final long k0 = FlowKey.k0(src, vip);
            final long k1 = FlowKey.k1(sport, 80, 6, 0);
            if (sport >= 1024 && HashFloodTest.home(attackerView.hash(k0, k1), slots) == 0)
            {
                keys[found++] = new long[] { k0, k1 };
            }
        }
        final GuardedPacketBuffer guard = new GuardedPacketBuffer(0);
        try (NatEngine engine = new NatEngine(EngineSetup.fromTrace(EngineSetup.trace("04-snat-masquerade"))
            .capacity(CAPACITY).build()))
        {
            assertEquals(slots, engine.table().slotCount(), "attacker computed the engine's geometry");
            final PacketProcessor p = engine.newProcessor();
            long now = 1_000_000_000L;
            for (final long[] k : keys)
            {
                final byte[] syn = TestPackets.tcp(FlowKey.srcIp(k[0]), vip, FlowKey.srcPort(k[1]), 80,
                    TestPackets.SYN, 1, 0, 0);
                final UnsafeBuffer view = guard.place(syn, syn.length, 0);
                assertEquals(Verdict.FORWARD, p.process(view, guard.offset(), syn.length, 2, now += 1000));
            }
            assertEquals(FLOOD, engine.size());
            int max = 0;
            for (final long[] k : keys)
            {
                assertTrue(engine.table().lookup(k[0], k[1]) != FlowTable.MISS);
                max = Math.max(max, engine.table().probeLength(k[0], k[1]));
            }
            System.out.printf("EngineHashFloodTest: %d SYNs crafted for the default seed: max probe %d (bound %d)%n",
                FLOOD, max, HashFloodTest.MAX_PROBE);
            assertTrue(max <= HashFloodTest.MAX_PROBE, "max probe " + max + ": the table hashes with a predictable " +
                "seed (NatEngine passes NatEngineConfig.seed to FlowTableConfig.seed)");
        }
    }
}
