/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDP flood with random source ports against a MASQUERADE of 256 ports (it/lab/faults/udp-flood.sh): once the
 * ports toward the destination are taken, every new flow is dropped and counted as {@code nat: range exhausted}
 * (seen through {@code stat} during the flood); the established UDP stream keeps its port and its datagrams, and 20
 * long TCP connections run to their end.
 */
class UdpFloodTest
{
    static final String EXHAUSTED = "reason nat: range exhausted";

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("UdpFloodTest");
    }

    @Test
    void portsRunOutForTheFloodNotForEstablishedFlows() throws Exception
    {
        final FaultRun run = FaultRun.run("udp-flood", "", "", Map.of(), 240);
        run.longTcpConnectionsIntact(20, 180);
        final FaultRun.Stream stream = run.udpStream("main");
        assertEquals(1, stream.remotes().size(), "the stream's translated source changed: " + stream.remotes());
        final int port = Integer.parseInt(stream.remotes().get(0).split(":")[1]);
        assertTrue(port >= 20000 && port <= 20255, "stream not masqueraded into the range: " + stream.remotes());
        final String flood = run.lab.read("flood.txt").trim();
        assertTrue(flood.startsWith("sent "), "flood: " + flood);
        final long sent = Long.parseLong(flood.split(" ")[1]);
        final Map<String, Long> during = run.stat("during");
        final Map<String, Long> end = run.stat("end");
        assertTrue(during.getOrDefault(EXHAUSTED, 0L) > 0, "no exhaustion counted during the flood: " + during);
        final long exhausted = end.getOrDefault(EXHAUSTED, 0L);
        // at most 255 of the flood's flows got one of the 256 ports (the stream holds one); the rest were refused
        assertTrue(exhausted > sent / 2 && exhausted <= sent, "exhausted " + exhausted + " of " + sent);
        final long lost = stream.sent() - stream.received();
        run.figure("flood datagrams sent", flood);
        run.figure("nat: range exhausted during / end", during.get(EXHAUSTED) + " / " + exhausted);
        run.figure("connections during the flood", during.get("connections"));
        run.figure("stream source", stream.remotes().get(0));
        run.figure("stream sent/received/lost", stream.sent() + "/" + stream.received() + "/" + lost);
        run.figure("established tcp connections intact", "20/20");
        run.report();
        assertTrue(lost <= stream.sent() / 100, "the established stream lost " + lost + " of " + stream.sent());
    }
}
