/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayMainTest
{
    private static final String T05 = "05-reverse-dnat-to-onprem";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final EngineFactory factory, final String... args)
    {
        return ReplayMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), factory);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String trace(final String name, final String file)
    {
        return Traces.DIR.resolve(name).resolve(file).toString();
    }

    private static EngineFactory echo(final String name)
    {
        final TraceSource t = Traces.load(name);
        return (r, b) -> new KernelEchoEngine(t, name.startsWith("14-") ? Set.of(26L) : Set.of(), null);
    }

    private void assertOneLineError(final int status, final String expected)
    {
        assertEquals(2, status);
        final String e = err();
        assertTrue(e.startsWith("replay: "), e);
        assertTrue(e.contains(expected), e);
        assertEquals(1, e.split("\n").length, e);
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void noArgumentsPrintsUsageOnStderr()
    {
        assertEquals(2, run(ForwardAllEngine::new0));
        assertTrue(err().contains("rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcapng"), err());
        assertEquals("", out());
    }

    @Test
    void unknownCommandIsAnError()
    {
        assertEquals(2, run(ForwardAllEngine::new0, "frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"), err());
    }

    @Test
    void rewriteWritesEveryForwardedPacketAsSll2OutgoingWithTheEgressInterface(@TempDir final Path dir) throws Exception
    {
        final Path outFile = dir.resolve("out.pcap");
        final int status = run(ForwardAllEngine::new0, "rewrite", "--rules", trace(T05, "rules.txt"), "--box",
            trace(T05, "box.txt"), "--in", trace(T05, "trace.pcap"), "--out", outFile.toString(), "--format", "pcap", "--conntrack");
        assertEquals(0, status, err());
        // The input's received packets (SLL2 type 0), in order, are what a forward-everything engine sends.
        final List<byte[]> received = new ArrayList<>();
        for (final TestCaptures.Packet p : TestCaptures.records(Path.of(trace(T05, "trace.pcap"))))
        {
            if (!p.sent())
            {
                received.add(p.ip());
            }
        }
        int n = 0;
        try (PcapReader r = PcapReader.open(outFile))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                assertTrue(rec.isOutgoing());
                assertEquals(2, rec.ifIndex);
                assertArrayEquals(received.get(n), Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength));
                n++;
            }
        }
        assertEquals(41, n);
        assertTrue(out().contains("records 82: 41 received packets processed, 41 sent out; skipped 41 sent by the box"), out());
        assertTrue(out().contains("FORWARD"), out());
        assertTrue(out().contains("ESTABLISHED src=1.2.3.4"), out());
    }

    @Test
    void rewriteOfEthernetInputNeedsAnInterface(@TempDir final Path dir)
    {
        final String in = "../core/src/test/resources/corpus/zeek/tcp-syn-synack.pcap";
        final String[] base = {"rewrite", "--rules", trace(T05, "rules.txt"), "--box", trace(T05, "box.txt"), "--in", in,
            "--out", dir.resolve("o.pcap").toString()};
        assertOneLineError(run(ForwardAllEngine::new0, base), "give --iface NAME");
        out.reset();
        err.reset();
        final String[] withIface = Arrays.copyOf(base, base.length + 2);
        withIface[base.length] = "--iface";
        withIface[base.length + 1] = "eth0";
        assertEquals(0, run(ForwardAllEngine::new0, withIface), err());
        assertTrue(out().contains("sent out"), out());
    }

    @Test
    void aTruncatedInputIsOneLineOnStderr(@TempDir final Path dir) throws Exception
    {
        final Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(Path.of(trace(T05, "trace.pcap"))), 150));
        final int status = run(ForwardAllEngine::new0, "rewrite", "--rules", trace(T05, "rules.txt"), "--box",
            trace(T05, "box.txt"), "--in", cut.toString(), "--out", dir.resolve("o.pcap").toString());
        assertOneLineError(status, "truncated file: record 2 at byte offset 120");
    }

    @Test
    void aMissingFileIsOneLineOnStderr(@TempDir final Path dir)
    {
        final int status = run(ForwardAllEngine::new0, "rewrite", "--rules", "no-such-rules.txt", "--box",
            trace(T05, "box.txt"), "--in", trace(T05, "trace.pcap"), "--out", dir.resolve("o.pcap").toString());
        assertOneLineError(status, "no-such-rules.txt: no such file");
    }

    @Test
    void aMissingOptionIsNamed()
    {
        assertOneLineError(run(ForwardAllEngine::new0, "rewrite", "--rules"), "--rules needs a value");
    }

    @Test
    void checkEndsWithTheCountOfPassedAndFailedTraces()
    {
        final String d05 = Traces.DIR.resolve(T05).toString();
        assertEquals(0, run(echo(T05), "check", d05, d05));
        final String[] lines = out().split("\n");
        assertEquals("2 passed, 0 failed", lines[lines.length - 1]);
        assertTrue(lines[0].startsWith("PASS " + T05 + ": 41 kernel packets, 41 engine packets, 41 matched, 0 mismatches"),
            lines[0]);
    }

    @Test
    void checkPrintsEachMismatchWithItsPacketNumberAndFailsTheRun()
    {
        final String d05 = Traces.DIR.resolve(T05).toString();
        assertEquals(1, run(ForwardAllEngine::new0, "check", d05));
        final String text = out();
        final String[] lines = text.split("\n");
        assertEquals("0 passed, 1 failed", lines[lines.length - 1]);
        // The kernel's record 2 is the SYN after DNAT and masquerade; a router without NAT sends it unchanged.
        assertTrue(text.contains("packet #2 (engine output for input #1): TCP 172.16.2.5:33610 > 192.168.1.5:22 [S]: " +
            "ip.src kernel=172.16.2.5 engine=172.16.3.5; ip.dst kernel=192.168.1.5 engine=172.16.20.6"), text);
    }

    @Test
    void checkOfAFolderItCannotReadSaysSoOnStderrAndExitsTwoAfterCheckingTheOthers()
    {
        final String d05 = Traces.DIR.resolve(T05).toString();
        assertEquals(2, run(echo(T05), "check", "no-such-dir", d05));
        assertEquals("replay: check: no-such-dir: not a trace folder (expected a directory with rules.txt, box.txt, " +
            "trace.pcap)\n", err());
        final String[] lines = out().split("\n");
        assertTrue(lines[0].startsWith("PASS " + T05), out());
        assertEquals("1 passed, 0 failed, 1 unreadable", lines[lines.length - 1]);
    }

    @Test
    void demoShowsWhatTheServerSaw()
    {
        assertEquals(0, run(echo(T05), "demo"), err());
        final String text = out();
        // tcpdump of the trace: 172.16.3.5:33610 > 172.16.20.6:22 went out as 172.16.2.5:33610 > 192.168.1.5:22,
        // and clients.txt has the server's view: remote=172.16.2.5:33610.
        assertTrue(text.contains("tcp  client 172.16.3.5:33610 -> published 172.16.20.6:22  ==>  server saw " +
            "172.16.2.5:33610 -> 192.168.1.5:22"), text);
        assertTrue(text.contains("DNAT to 192.168.1.5:22, MASQUERADE to 172.16.2.5"), text);
        assertTrue(text.contains("remote=172.16.2.5:33610"), text);
        assertTrue(text.contains("Verdicts:"), text);
    }

    @Test
    void demoWithTheEngineShowsTheStatesTheKernelEndedIn()
    {
        assertEquals(0, run(EngineFactory.NATCORE, "demo"), err());
        final String text = out();
        // conntrack-final.txt of the trace: all three connections TIME_WAIT [ASSURED].
        assertEquals(3, text.split("at the end: TIME_WAIT \\[ASSURED\\]", -1).length - 1, text);
        assertTrue(text.contains("server saw 172.16.2.5:52428 -> 172.16.3.5:80"), text);
    }

    @Test
    void demoGivesAUdpConnectionItsOwnStateNotThatOfATcpConnectionOnTheSamePorts()
    {
        // Trace 10 has TCP and UDP connections from 192.168.1.5:40000 to 172.16.2.69:7. Its conntrack-final.txt:
        // the TCP one TIME_WAIT [ASSURED], the UDP one a line with no state word and no flags.
        assertEquals(0, run(EngineFactory.NATCORE, "demo", "10-masquerade-port-clash"), err());
        final String[] lines = out().split("\n");
        int udpSeen = 0;
        for (int i = 0; i + 1 < lines.length; i++)
        {
            if (lines[i].contains("udp  client 192.168.1.5:40000 -> published 172.16.2.69:7"))
            {
                udpSeen++;
                assertTrue(lines[i + 1].endsWith("at the end: in the table"), lines[i + 1]);
            }
        }
        assertEquals(1, udpSeen, out());
    }

    @Test
    void rewriteWithTheEngineWritesWhatTheKernelSent(@TempDir final Path dir) throws Exception
    {
        final Path outFile = dir.resolve("out.pcap");
        assertEquals(0, run(EngineFactory.NATCORE, "rewrite", "--rules", trace(T05, "rules.txt"), "--box",
            trace(T05, "box.txt"), "--in", trace(T05, "trace.pcap"), "--out", outFile.toString(), "--format", "pcap"), err());
        final List<String> kernel = new ArrayList<>();
        try (PcapReader r = PcapReader.open(Path.of(trace(T05, "trace.pcap"))))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                if (rec.isOutgoing())
                {
                    kernel.add(rec.ifIndex + " " + hex(rec));
                }
            }
        }
        final List<String> engine = new ArrayList<>();
        try (PcapReader r = PcapReader.open(outFile))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                assertTrue(rec.isOutgoing());
                engine.add(rec.ifIndex + " " + hex(rec));
            }
        }
        // No random ports, fragments or box-made packets in this trace: the same packets, byte for byte.
        java.util.Collections.sort(kernel);
        java.util.Collections.sort(engine);
        assertEquals(kernel, engine);
    }

    @Test
    void rewriteWithTheSameSeedRepeatsThePortsTheKernelDrewAtRandom(@TempDir final Path dir) throws Exception
    {
        // Trace 10 forces port clashes, so the engine draws ports from its seed.
        final String t10 = "10-masquerade-port-clash";
        final List<String> first = rewriteWithSeed(dir.resolve("a.pcap"), t10, "0x5EED");
        final List<String> again = rewriteWithSeed(dir.resolve("b.pcap"), t10, "24301");
        final List<String> other = rewriteWithSeed(dir.resolve("c.pcap"), t10, "7");
        assertEquals(first, again, "0x5EED and 24301 are the same seed");
        assertNotEquals(first, other, "a different seed draws different ports");
    }

    @Test
    void rewriteWithTheBoxsTimeoutsGivesAFreedPortAgain(@TempDir final Path dir) throws Exception
    {
        // Trace 20: 192.168.1.6:40000 clashed with 192.168.1.5:40000 (drawn port), both expired (3 s), then .6 sent
        // again and the kernel gave it the freed 40000 (clients.txt: "B2 ... remote=172.16.2.5:40000").
        final String t20 = "20-expiry-and-reuse";
        final List<Integer> withBox = masqueradedUdpPorts(dir.resolve("a.pcap"), t20, "--sysctl", trace(t20, "sysctl.txt"));
        assertEquals(List.of(40000, withBox.get(1), 40000), withBox.subList(0, 3));
        assertNotEquals(40000, withBox.get(1));
        // With Linux's 30 s UDP timeout the first .6 connection is still alive: it keeps its drawn port.
        final List<Integer> defaults = masqueradedUdpPorts(dir.resolve("b.pcap"), t20);
        assertEquals(defaults.get(1), defaults.get(2));
    }

    @Test
    void rewriteWithTheKernelsDrawsTakesThePortsTheKernelDrew(@TempDir final Path dir) throws Exception
    {
        // Trace 20: the kernel drew 27812 for 192.168.1.6:40000's first connection (conntrack-events.txt, and the
        // trace's own packets): with its draws the engine sends the same, and reports no deviation.
        final String t20 = "20-expiry-and-reuse";
        final List<Integer> ports = masqueradedUdpPorts(dir.resolve("a.pcap"), t20, "--sysctl",
            trace(t20, "sysctl.txt"), "--draws-from", trace(t20, "conntrack-events.txt"));
        assertEquals(List.of(40000, 27812, 40000), ports.subList(0, 3));
        assertFalse(out().contains("deviation"), out());
    }

    /** Source ports of the UDP datagrams the engine sent from 172.16.2.5, in order. */
    private List<Integer> masqueradedUdpPorts(final Path outFile, final String traceName, final String... more)
        throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("rewrite", "--rules", trace(traceName, "rules.txt"), "--box",
            trace(traceName, "box.txt"), "--in", trace(traceName, "trace.pcap"), "--out", outFile.toString(), "--format", "pcap"));
        args.addAll(Arrays.asList(more));
        assertEquals(0, run(EngineFactory.NATCORE, args.toArray(new String[0])), err());
        final List<Integer> ports = new ArrayList<>();
        try (PcapReader r = PcapReader.open(outFile))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                final int ip = rec.ipOffset;
                if (rec.buffer.getByte(ip + 9) == 17 && rec.buffer.getInt(ip + 12, java.nio.ByteOrder.BIG_ENDIAN) == 0xAC100205)
                {
                    ports.add(rec.buffer.getShort(ip + 20, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
                }
            }
        }
        return ports;
    }

    @Test
    void rewriteRefusesASeedThatIsNotANumber()
    {
        assertOneLineError(run(EngineFactory.NATCORE, "rewrite", "--rules", trace(T05, "rules.txt"), "--box",
            trace(T05, "box.txt"), "--in", trace(T05, "trace.pcap"), "--out", "unused.pcap", "--seed", "0xZZ"),
            "--seed 0xZZ: not a 64-bit number");
    }

    private List<String> rewriteWithSeed(final Path outFile, final String traceName, final String seed)
        throws Exception
    {
        assertEquals(0, run(EngineFactory.NATCORE, "rewrite", "--rules", trace(traceName, "rules.txt"), "--box",
            trace(traceName, "box.txt"), "--in", trace(traceName, "trace.pcap"), "--out", outFile.toString(), "--format", "pcap",
            "--seed", seed), err());
        final List<String> sent = new ArrayList<>();
        try (PcapReader r = PcapReader.open(outFile))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                sent.add(rec.ifIndex + " " + hex(rec));
            }
        }
        return sent;
    }

    private static String hex(final PcapRecord rec)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rec.ipLength; i++)
        {
            sb.append(String.format("%02x", rec.buffer.getByte(rec.ipOffset + i)));
        }
        return sb.toString();
    }

    @Test
    void demoOfAnUnknownTraceListsTheBundledOnes()
    {
        assertOneLineError(run(ForwardAllEngine::new0, "demo", "nope"), "no bundled trace named 'nope' (bundled: 01-dnat-within-azure");
    }
}
