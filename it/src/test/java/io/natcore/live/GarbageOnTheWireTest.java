/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import io.natcore.reliability.MutatedPackets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage on the wire while real connections run (it/lab/faults/garbage.sh): trace 14's malformed cases and 5,000
 * packets from the fuzzer's mutator (seed {@link #SEED}) delivered to the NAT VM's NIC at 500 a second. The box
 * never dies (one start, a clean stop with its counters), the 20 long TCP connections and the UDP stream never
 * notice (every line echoed; the UDP stream keeps its source and loses at most 1%), the stat command shows trace
 * 14's reasons, and at the clean stop every IPv4 frame received has exactly one verdict and every packet dropped,
 * passed untranslated or expired is counted under a reason.
 */
class GarbageOnTheWireTest
{
    static final long SEED = 0x5EEDF0222026L;
    static final int PACKETS = 5000;

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("GarbageOnTheWireTest");
    }

    @Test
    void theBoxSurvivesAndRealConnectionsNeverNotice() throws Exception
    {
        Files.createDirectories(FaultRun.OUT);
        final Path mutated = FaultRun.OUT.resolve("garbage-mutated.hex");
        final long unchanged = MutatedPackets.write(mutated, SEED, PACKETS, 7, 45000); // not the live flows' ports
        final FaultRun run = FaultRun.run("garbage", "", "", Map.of("MUTATED", mutated.toString()), 240);
        final String log = run.lab.read("engine.log");
        assertEquals(1, log.split("(?m)^ready$", -1).length - 1, "the box started more than once: " + FaultRun.tail(log));
        run.longTcpConnectionsIntact(20, 200);
        final FaultRun.Stream stream = run.udpStream("main");
        assertEquals(1, stream.remotes().size(), "the stream's translated source changed: " + stream.remotes());
        final String flood = run.lab.read("flood.txt").trim();
        assertTrue(flood.startsWith("sent " + PACKETS + " "), "injection: " + flood);

        final Map<String, Long> after = run.stat("after");
        for (final String reason : new String[] {"reason ip: bad header checksum", "reason ip: version not 4",
            "reason tcp: invalid flags", "reason l4: bad checksum", "reason tcp: bad data offset"})
        {
            assertTrue(after.getOrDefault(reason, 0L) > 0, "stat after the injection shows no '" + reason + "'");
        }
        // the final counters (published at the clean stop, all at one instant): every IPv4 frame got a verdict
        final Map<String, Long> end = run.finalCounters();
        final long ipv4Frames = FaultRun.workers(end, "rx frames") - FaultRun.workers(end, "rx not ipv4 or arp") -
            FaultRun.workers(end, "arp received") - FaultRun.workers(end, "rx ipv4 not for our mac") -
            FaultRun.workers(end, "rx truncated, dropped") - FaultRun.workers(end, "side pool full, dropped");
        long verdicts = 0;
        long reasons = 0;
        for (final Map.Entry<String, Long> e : end.entrySet())
        {
            verdicts += e.getKey().startsWith("verdict ") ? e.getValue() : 0;
            reasons += e.getKey().startsWith("reason ") ? e.getValue() : 0;
        }
        assertEquals(ipv4Frames, verdicts, "IPv4 frames received vs verdicts counted");
        // every packet dropped, passed untranslated or expired has a reason; a LOCAL one may have one (an untracked
        // packet addressed to the box) or not (a reserved service)
        final long bad = end.getOrDefault("verdict DROP", 0L) + end.getOrDefault("verdict INVALID", 0L) +
            end.getOrDefault("verdict TIME_EXCEEDED", 0L);
        assertTrue(reasons >= bad && reasons <= bad + end.getOrDefault("verdict LOCAL", 0L),
            "reasons " + reasons + " vs DROP+INVALID+TIME_EXCEEDED " + bad + " (+ LOCAL " + end.get("verdict LOCAL") + ")");
        final long ringDrops = FaultRun.workers(end, "ring drops (full)");

        final long lost = stream.sent() - stream.received();
        run.figure("injected", "trace 14's cases + " + PACKETS + " mutated (" + unchanged + " unchanged), " + flood);
        run.figure("ipv4 frames judged", ipv4Frames + " (= verdicts counted)");
        run.figure("verdicts", "FORWARD " + end.get("verdict FORWARD") + ", LOCAL " + end.get("verdict LOCAL") +
            ", DROP " + end.get("verdict DROP") + ", INVALID " + end.get("verdict INVALID") + ", TIME_EXCEEDED " +
            end.get("verdict TIME_EXCEEDED"));
        run.figure("reasons counted", reasons + " in " + end.keySet().stream().filter(k -> k.startsWith("reason "))
            .count() + " kinds");
        run.figure("ring drops", ringDrops);
        run.figure("established tcp connections intact", "20/20");
        run.figure("stream sent/received/lost", stream.sent() + "/" + stream.received() + "/" + lost);
        run.report();
        assertEquals(0, ringDrops, "frames the ring dropped");
        assertTrue(lost <= stream.sent() / 100, "the stream lost " + lost + " of " + stream.sent());
    }
}
