/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live box restarted and reloaded under traffic (it/lab/faults/restart.sh, box run with {@code --table}): 20
 * long TCP connections (a line every 100 ms, echoed) and a UDP stream at 50 datagrams/s through DNAT + MASQUERADE
 * while the box is killed with SIGKILL and started again on its table file, then stopped with SIGTERM and started
 * again, then reloaded (SIGHUP) with a rule set that SNATs UDP to ports 30000-30099.
 * <ul>
 *   <li>every TCP connection runs to its end: one {@code remote=} (no reconnect), every line echoed in order, no
 *   RST anywhere in the capture;</li>
 *   <li>the UDP stream, and a UDP flow the server pushes (50 datagrams/s unprompted, so packets reach the NAT VM
 *   in every gap), keep one translated source through both restarts and the reload; datagrams lost are counted;</li>
 *   <li>the NAT VM's own kernel answers none of the box's packets (its ICMP OutDestUnreachs and TCP OutRsts do not
 *   move): in no gap and at no reload does the kernel see them unfiltered;</li>
 *   <li>after the reload a new UDP connection is SNATed into 30000-30099;</li>
 *   <li>figures: each gap (down to ready), packets the NAT VM received in it (the capture: lost, no box was
 *   reading), UDP datagrams lost, TCP retransmissions of both ends.</li>
 * </ul>
 */
class RestartUnderTrafficTest
{
    private static final int CONNECTIONS = 20;
    private static final int LINES = 330;

    @BeforeAll
    static void lab()
    {
        FaultRun.assumeLab("RestartUnderTrafficTest");
    }

    @Test
    void connectionsSurviveKillRestartStopStartAndReload() throws Exception
    {
        final FaultRun run = FaultRun.run("restart", "", "--table " + FaultRun.OUT.resolve("restart/table"),
            Map.of("LINES", Integer.toString(LINES)), 240);
        final String log = run.lab.read("engine.log");
        assertEquals(3, log.split("(?m)^ready$", -1).length - 1, "three starts: " + FaultRun.tail(log));
        assertTrue(log.contains("reloaded"), "reload: " + FaultRun.tail(log));

        run.longTcpConnectionsIntact(CONNECTIONS, LINES);
        final long resets = run.tcpResets();
        final FaultRun.Stream stream = run.udpStream("main");
        assertEquals(1, stream.remotes().size(), "the UDP stream's translated source changed: " + stream.remotes());
        final FaultRun.Stream push = run.udpStream("push");
        assertEquals(1, push.remotes().size(), "the pushed UDP flow's translated source changed: " + push.remotes());
        final String[] kernelStart = run.scenarioFigure("kernel.start").split(" ");
        final String[] kernelEnd = run.scenarioFigure("kernel.end").split(" ");
        final long unreachables = Long.parseLong(kernelEnd[0]) - Long.parseLong(kernelStart[0]);
        final long kernelResets = Long.parseLong(kernelEnd[1]) - Long.parseLong(kernelStart[1]);
        final TreeSet<String> reloaded = run.remotesAfter("udp 172.16.2.65 7 192.168.1.6 45001");
        assertEquals(1, reloaded.size(), "new UDP connection after the reload: " + reloaded);
        final int port = Integer.parseInt(reloaded.first().substring(reloaded.first().indexOf(':') + 1));
        assertTrue(reloaded.first().startsWith("172.16.2.5:") && port >= 30000 && port <= 30099,
            "a new UDP connection after the reload is not SNATed by the new rules: " + reloaded);
        assertTrue(!run.remotesAfter("tcp 172.16.2.65 7 192.168.1.6").isEmpty(), "new TCP connection after reload");

        for (final String gap : new String[] {"kill", "term"})
        {
            final double down = run.seconds(gap + ".down");
            final double ready = run.seconds(gap + ".ready");
            run.figure(gap + " gap ms", Math.round((ready - down) * 1000));
            run.figure(gap + " packets received in the gap", run.receivedBetween(down, ready));
        }
        run.figure("tcp connections intact", CONNECTIONS + "/" + CONNECTIONS);
        run.figure("tcp resets in capture", resets);
        run.figure("udp stream source", stream.remotes().get(0));
        run.figure("udp sent/received/lost", stream.sent() + "/" + stream.received() + "/" +
            (stream.sent() - stream.received()));
        run.figure("pushed udp source", push.remotes().get(0));
        run.figure("pushed udp sent/received/lost", push.sent() + "/" + push.received() + "/" +
            (push.sent() - push.received()));
        run.figure("NAT VM kernel: port unreachables / resets sent", unreachables + " / " + kernelResets);
        run.figure("tcp retransmissions onp", Long.parseLong(run.scenarioFigure("retransmits.onp.end")) -
            Long.parseLong(run.scenarioFigure("retransmits.onp.start")));
        run.figure("tcp retransmissions right", Long.parseLong(run.scenarioFigure("retransmits.right.end")) -
            Long.parseLong(run.scenarioFigure("retransmits.right.start")));
        run.figure("udp after reload", reloaded.first());
        run.report();
        assertEquals(0, resets, "TCP resets in the capture");
        assertEquals(0, unreachables + kernelResets, "the NAT VM's kernel answered packets of the box's connections " +
            "(ICMP unreachables " + unreachables + ", TCP resets " + kernelResets + ")");
    }
}
