/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stalled neighbour (it/lab/faults/stall.sh, box with {@code --table}): the gateway sends no ARP for 5 s, once in
 * steady state (nothing waits: the box keeps the MAC it confirmed) and once across a kill -9 + restart, so the new
 * box has no MAC for its gateway: packets wait in the bounded neighbour queue or are dropped with a counter; two
 * {@code stat} looks during the silence show a fresh heartbeat and the worker still reading its ring; once ARP
 * answers, traffic resumes by itself: every TCP connection runs to its end, the UDP stream keeps its source.
 */
class StalledNeighbourTest
{
    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (-?\\d+) ms ago");

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("StalledNeighbourTest");
    }

    @Test
    void packetsWaitOrAreCountedAndTrafficResumesByItself() throws Exception
    {
        final FaultRun run = FaultRun.run("stall", "", "--table " + FaultRun.OUT.resolve("stall/table"), Map.of(), 240);
        final String log = run.lab.read("engine.log");
        assertEquals(2, log.split("(?m)^ready$", -1).length - 1, "two starts: " + FaultRun.tail(log));
        assertTrue(log.contains("did not answer ARP yet"), "the box did not report its silent gateway: " +
            FaultRun.tail(log));

        final Map<String, Long> steady = run.stat("steady");
        assertEquals(0, FaultRun.workers(steady, "neighbour unresolved, queued"),
            "packets waited during the steady-state stall: " + steady);
        final Map<String, Long> s1 = run.stat("stalled-1");
        final Map<String, Long> s2 = run.stat("stalled-2");
        final long rx1 = FaultRun.workers(s1, "rx frames");
        final long rx2 = FaultRun.workers(s2, "rx frames");
        assertTrue(rx2 > rx1, "the worker read no frame between the two looks during the silence: " + rx1 + ", " + rx2);
        final long beat1 = heartbeatAge(run, "stalled-1");
        final long beat2 = heartbeatAge(run, "stalled-2");
        assertTrue(beat1 < 1000 && beat2 < 1000, "stale heartbeat during the silence: " + beat1 + ", " + beat2 + " ms");
        assertTrue(FaultRun.workers(s2, "neighbour unresolved, queued") > 0, "nothing queued: " + s2);

        final Map<String, Long> end = run.finalCounters();
        final long queued = FaultRun.workers(end, "neighbour unresolved, queued");
        final long timedOut = FaultRun.workers(end, "neighbour timeout, dropped");
        final long full = FaultRun.workers(end, "neighbour queue full, dropped");
        assertEquals(1L, end.get("neighbours resolved"), "the gateway was not resolved after the silence");

        run.longTcpConnectionsIntact(20, 250);
        final FaultRun.Stream stream = run.udpStream("main");
        assertEquals(1, stream.remotes().size(), "the stream's translated source changed: " + stream.remotes());

        final double off = run.seconds("stall.off");
        run.figure("silence across the restart ms", Math.round((run.seconds("stall.on") - off) * 1000));
        run.figure("ready after ms (waits 3 s for the gateway)", Math.round((run.seconds("stall.ready") - off) * 1000));
        run.figure("steady-state stall: packets queued", FaultRun.workers(steady, "neighbour unresolved, queued"));
        run.figure("ARP packets the fabric held back (steady / restart)",
            arpDropped(run, "arp-stall-steady.txt") + " / " + arpDropped(run, "arp-stall.txt"));
        run.figure("during: rx frames at the two looks", rx1 + ", " + rx2 + " (heartbeat " + beat1 + ", " + beat2 +
            " ms ago)");
        run.figure("queued / dropped after 3 s / dropped queue full", queued + " / " + timedOut + " / " + full);
        run.figure("arp requests sent by the worker", FaultRun.workers(end, "arp requests sent"));
        run.figure("established tcp connections intact", "20/20");
        run.figure("stream sent/received/lost", stream.sent() + "/" + stream.received() + "/" +
            (stream.sent() - stream.received()));
        run.report();
        assertTrue(timedOut > 0 && timedOut <= queued, "a 5 s silence outlasts the 3 s wait: queued " + queued +
            ", timed out " + timedOut + ", queue full " + full);
    }

    private static long heartbeatAge(final FaultRun run, final String snapshot) throws Exception
    {
        final Matcher m = HEARTBEAT.matcher(run.lab.read("stat-" + snapshot + ".txt"));
        assertTrue(m.find(), "no heartbeat in stat " + snapshot);
        return Long.parseLong(m.group(1));
    }

    private static String arpDropped(final FaultRun run, final String file) throws Exception
    {
        final Matcher m = Pattern.compile("counter packets (\\d+)").matcher(run.lab.read(file));
        return m.find() ? m.group(1) : "?";
    }
}
