/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up input the box refuses: one line on stderr, exit status 2, as iptables and tcpdump do. */
class DataplaneMainTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args)
    {
        return DataplaneMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errLine()
    {
        final String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), "one line on stderr: " + e);
        return e;
    }

    @Test
    void helpPrintsTheUsageAndExitsZero()
    {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--interface IFACE"));
    }

    @Test
    void missingRequiredOptionsAreOneLineAndExitTwo()
    {
        assertEquals(2, run("--rules", "r.txt"));
        assertTrue(errLine().contains("--rules, --box and --interface are required"));
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo()
    {
        assertEquals(2, run("--rules", "r", "--box", "b", "--interface", "eth0", "--frobnicate"));
        assertTrue(errLine().contains("unknown option '--frobnicate'"));
    }

    @Test
    void aBadNeighborOrReservationIsOneLineAndExitTwo()
    {
        assertEquals(2, run("--rules", "r", "--box", "b", "--interface", "eth0", "--neighbor", "172.16.2.1=zz"));
        assertTrue(errLine().contains("--neighbor 172.16.2.1=zz"));
        err.reset();
        assertEquals(2, run("--rules", "r", "--box", "b", "--interface", "eth0", "--reserve", "sctp:22"));
        assertTrue(errLine().contains("protocol must be tcp or udp"));
    }

    @Test
    void anUnknownInterfaceIsOneLineAndExitTwo(@TempDir final Path dir) throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules"), "*nat\nCOMMIT\n");
        final Path box = Files.writeString(dir.resolve("box"), "ifindex 1 lo\naddr lo 127.0.0.1/8\n");
        assertEquals(2, run("--rules", rules.toString(), "--box", box.toString(), "--interface", "nosuch0",
            "--dir", dir.resolve("run").toString()));
        assertTrue(errLine().contains("unknown interface 'nosuch0'"));
    }

    @Test
    void whatTheRulesFileHoldsButTheBoxDoesNotEnforceIsWarnedAboutAtLoad(@TempDir final Path dir) throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules"), "*filter\n:INPUT ACCEPT [0:0]\n" +
            ":FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n" +
            ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o lo -j MASQUERADE\nCOMMIT\n");
        final Path box = Files.writeString(dir.resolve("box"), "ifindex 1 lo\naddr lo 127.0.0.1/8\n");
        final Dataplane dp = new Dataplane(DataplaneOptions.parse(new String[] {"--rules", rules.toString(), "--box",
            box.toString(), "--interface", "lo", "--dir", dir.resolve("run").toString()}));
        final PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            dp.load(rules, box);
        }
        finally
        {
            System.setErr(saved);
        }
        final String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("natcore-dataplane: warning: " + rules + ": line 3: policy DROP of filter FORWARD is not " +
            "enforced"), e);
    }

    @Test
    void statWithoutARunningBoxIsOneLineAndExitTwo(@TempDir final Path dir)
    {
        assertEquals(2, run("stat", "--dir", dir.toString()));
        assertTrue(errLine().contains("no counters file"));
    }
}
