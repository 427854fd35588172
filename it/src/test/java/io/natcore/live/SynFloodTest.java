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
 * A SYN flood against a DNAT address through the live box (it/lab/faults/syn-flood.sh, {@code --capacity 1024}):
 * 600 spoofed SYNs a second for 10 s fill the table while 20 established connections keep translating (every
 * line echoed, no reset, no reconnect); the table's early drops and the refusals show in the box's {@code stat}
 * output during the flood; after it, 20 new connections open.
 */
class SynFloodTest
{
    static final String EARLY_DROPS = "table early drops (unassured connections evicted when full)";
    private static final int CAPACITY = 1024;

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("SynFloodTest");
    }

    @Test
    void establishedConnectionsKeepTranslatingAndNewOnesOpenAfterTheFlood() throws Exception
    {
        final FaultRun run = FaultRun.run("syn-flood", "", "--capacity " + CAPACITY, Map.of(), 240);
        run.longTcpConnectionsIntact(20, 200);
        final String flood = run.lab.read("flood.txt").trim();
        assertTrue(flood.startsWith("sent "), "flood: " + flood);
        final long syns = Long.parseLong(flood.split(" ")[1]);
        final Map<String, Long> during = run.stat("during");
        final Map<String, Long> after = run.stat("after");
        final long earlyDuring = during.getOrDefault(EARLY_DROPS, -1L);
        final long early = after.getOrDefault(EARLY_DROPS, -1L);
        final long full = after.getOrDefault("reason table: full", 0L);
        assertTrue(earlyDuring > 0, "no early drop in stat during the flood: " + during);
        assertTrue(during.getOrDefault("connections", 0L) > CAPACITY * 9 / 10,
            "the table did not fill: " + during.get("connections") + " of " + CAPACITY);
        // every SYN of the flood was admitted (a new entry, by an early drop once full) or refused as table full
        final long created = after.getOrDefault("verdict FORWARD", 0L);
        assertTrue(early + full > 0 && early + full <= syns, "early drops " + early + " + full " + full + " vs " + syns);

        final String clients = run.lab.read("clients.txt");
        final int opened = clients.split("\nline 1\n", -1).length - 1;
        assertEquals(20, opened, "new connections after the flood: " + FaultRun.tail(clients));
        assertTrue(!clients.contains("(exit"), "a client failed after the flood: " + FaultRun.tail(clients));

        run.figure("syns sent", syns + " (" + run.lab.read("flood.txt").trim() + ")");
        run.figure("connections during the flood", during.get("connections") + " of " + CAPACITY);
        run.figure("early drops during / after", earlyDuring + " / " + early);
        run.figure("refused table full", full);
        run.figure("packets forwarded (all traffic)", created);
        run.figure("established connections intact", "20/20");
        run.figure("new connections after the flood", opened + "/20");
        run.report();
    }
}
