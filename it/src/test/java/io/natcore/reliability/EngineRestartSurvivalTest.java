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
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.natcore.reliability.EngineChildMain.SERVER;
import static io.natcore.reliability.EngineChildMain.SERVER_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Engine-level restart survival across real process death. A child JVM ({@link EngineChildMain}) runs a
 * {@link NatEngine} over a memory-mapped table with trace 05's rules (DNAT of 172.16.2.65:80 and 172.16.20.5:80 to
 * 172.16.3.5:80, MASQUERADE of 192.168.1.0/24 to 172.16.2.5), establishes TCP connections whose client ports clash
 * on purpose (so the engine picks NAT ports only it knows), reports each binding once the handshake went through,
 * and is SIGKILLed ({@code Process.destroyForcibly()}) while it is still establishing and sending data. A new engine
 * on the same file then forwards a data segment in each direction of every reported connection with exactly the
 * child's rewrite and checksums that this test recomputes itself, and binds new connections to ports that clash
 * with no survivor.
 */
class EngineRestartSurvivalTest
{
    private static final String TRACE = "05-reverse-dnat-to-onprem";
    private static final int CAPACITY = 32768;
    private static final int WAIT_FOR = 3000;
    private static final int MASQ_IP = TestPackets.ip(172, 16, 2, 5);

    /** One {@code EST} line of the child. */
    private record Binding(int i, int client, int clientPort, int dialled, int natSrc, int natSrcPort, int natDst,
                           int natDstPort, int replySrc, int replySrcPort, int replyDst, int replyDstPort, long now)
    {
        static Binding parse(final String[] w)
        {
            final int[] v = new int[12];
            for (int k = 0; k < 12; k++)
            {
                v[k] = Integer.parseInt(w[1 + k]);
            }
            return new Binding(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                Long.parseLong(w[13]));
        }
    }

    @Test
    void establishedConnectionsKeepTheirBindingsAfterSigkillOfTheEngineProcess(@TempDir final Path dir)
        throws Exception
    {
        final long start = System.nanoTime();
        final Path file = dir.resolve("conntrack.table");
        final Path trace = EngineSetup.trace(TRACE).toAbsolutePath();
        final Path log = dir.resolve("child.log");
        final Process child = startChild(file, trace, log);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (child.isAlive() && System.nanoTime() < deadline && count(Files.readString(log), "\nEST ") < WAIT_FOR)
        {
            Thread.sleep(10);
        }
        final boolean aliveAtKill = child.isAlive();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no unmap, no msync
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child gone");
        assertTrue(aliveAtKill, "child was running when killed: " + Files.readString(log));
        assertNotEquals(0, child.exitValue(), "killed, not exited");

        final List<Binding> est = new ArrayList<>();
        final String[] lines = Files.readString(log).split("\n", -1);
        boolean opened = false;
        boolean done = false;
        long traffic = 0;
        for (int n = 0; n < lines.length - 1; n++) // the last line may have been cut by the kill: not a fact
        {
            final String[] w = lines[n].split(" +");
            switch (w[0])
            {
                case "OPENED" -> opened = true;
                case "EST" -> est.add(Binding.parse(w));
                case "TRAFFIC" -> traffic = Long.parseLong(w[1]);
                case "DONE" -> done = true;
                default -> throw new AssertionError("child said: " + lines[n]);
            }
        }
        assertTrue(opened, "child started");
        assertTrue(est.size() >= WAIT_FOR, "connections established before the kill: " + est.size());
        assertTrue(traffic > 0, "data ran before the kill");

        // The child's own report is consistent with the rules: DNAT to the server, MASQUERADE to eth0's address,
        // reply rewritten back to the dialled address and the client, one NAT port per connection.
        final Set<Integer> survivorPorts = new HashSet<>();
        int moved = 0;
        long lastNow = 0;
        for (final Binding b : est)
        {
            assertEquals(MASQ_IP, b.natSrc());
            assertEquals(SERVER, b.natDst());
            assertEquals(SERVER_PORT, b.natDstPort());
            assertEquals(b.dialled(), b.replySrc());
            assertEquals(SERVER_PORT, b.replySrcPort());
            assertEquals(b.client(), b.replyDst());
            assertEquals(b.clientPort(), b.replyDstPort());
            assertTrue(survivorPorts.add(b.natSrcPort()), "one reply tuple per connection: " + b);
            moved += b.natSrcPort() != b.clientPort() ? 1 : 0;
            lastNow = Math.max(lastNow, b.now());
        }
        assertTrue(moved > est.size() / 2, "most ports were chosen by the engine, not kept: " + moved);

        long now = lastNow + TimeUnit.SECONDS.toNanos(1);
        final int survived;
        final int fresh;
        int lost = 0;
        try (NatEngine engine = new NatEngine(EngineSetup.fromTrace(trace).capacity(16).mappedFile(file).build()))
        {
            // The child is single-threaded: the SIGKILL can catch at most one entry inside its seqlock (a data
            // packet being tracked), and reopening discards that entry as torn. Every other one must survive.
            assertTrue(engine.size() >= est.size() - 1, "table size after reopen " + engine.size());
            final FlowTable table = engine.table();
            final PacketProcessor p = engine.newProcessor();
            int ok = 0;
            for (final Binding b : est)
            {
                if (table.lookup(FlowKey.k0(b.client(), b.dialled()), FlowKey.k1(b.clientPort(), SERVER_PORT, 6, 0)) ==
                    FlowTable.MISS)
                {
                    lost++;
                    survivorPorts.remove(b.natSrcPort()); // gone with its entry: free for a newcomer again
                    continue;
                }
                final byte[] up = TestPackets.tcp(b.client(), b.dialled(), b.clientPort(), SERVER_PORT,
                    TestPackets.ACK | TestPackets.PSH, EngineChildMain.clientIsn(b.i()) + 1,
                    EngineChildMain.serverIsn(b.i()) + 1, 64);
                assertEquals(Verdict.FORWARD, send(p, up, now += 1000), "original direction " + b);
                assertRewrite(up, b.natSrc(), b.natSrcPort(), b.natDst(), b.natDstPort(), b);
                final byte[] down = TestPackets.tcp(SERVER, b.natSrc(), SERVER_PORT, b.natSrcPort(),
                    TestPackets.ACK | TestPackets.PSH, EngineChildMain.serverIsn(b.i()) + 1,
                    EngineChildMain.clientIsn(b.i()) + 1, 64);
                assertEquals(Verdict.FORWARD, send(p, down, now += 1000), "reply direction " + b);
                assertRewrite(down, b.replySrc(), b.replySrcPort(), b.replyDst(), b.replyDstPort(), b);
                ok++;
            }
            survived = ok;

            // New connections after the restart, from clients the child never used, with the client ports the
            // survivors used: each is bound to a NAT port no survivor (and no other newcomer) holds.
            final Set<Integer> taken = new HashSet<>(survivorPorts);
            int n = 0;
            for (int k = 0; k < 512; k++)
            {
                final int client = TestPackets.ip(192, 168, 1, 250 + (k >> 8));
                final int cport = 40000 + (k & 255);
                final int dialled = (k & 1) == 0 ? TestPackets.ip(172, 16, 2, 65) : TestPackets.ip(172, 16, 20, 5);
                final byte[] syn = TestPackets.tcp(client, dialled, cport, SERVER_PORT, TestPackets.SYN, 77 + k, 0, 0);
                assertEquals(Verdict.FORWARD, send(p, syn, now += 1000), "new SYN " + k);
                assertTrue(TestPackets.checksumsValid(syn));
                assertEquals(MASQ_IP, TestPackets.srcIp(syn));
                assertEquals(SERVER, TestPackets.dstIp(syn));
                final int port = TestPackets.srcPort(syn);
                assertTrue(taken.add(port), "new connection " + k + " got NAT port " + port + ", already bound");
                final byte[] synAck = TestPackets.tcp(SERVER, MASQ_IP, SERVER_PORT, port,
                    TestPackets.SYN | TestPackets.ACK, 9000 + k, 78 + k, 0);
                assertEquals(Verdict.FORWARD, send(p, synAck, now += 1000), "new SYN-ACK " + k);
                assertTrue(TestPackets.checksumsValid(synAck));
                assertEquals(dialled, TestPackets.srcIp(synAck));
                assertEquals(client, TestPackets.dstIp(synAck));
                assertEquals(cport, TestPackets.dstPort(synAck));
                n++;
            }
            fresh = n;
        }
        assertTrue(lost <= 1, "only the entry caught mid-write may be discarded; lost " + lost);
        assertEquals(est.size() - lost, survived);
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start); // reported, not judged
        System.out.printf("EngineRestartSurvivalTest: child killed after %d connections established (%d NAT ports " +
                "moved off the client port), %d packets, still establishing: %b; %d survived with their bindings " +
                "(both directions, checksums recomputed), %d discarded as caught mid-write; %d new connections bound " +
                "without a clash; %d ms%n",
            est.size(), moved, traffic, !done, survived, lost, fresh, millis);
    }

    private static void assertRewrite(
        final byte[] packet, final int src, final int sport, final int dst, final int dport, final Binding b)
    {
        assertEquals(src, TestPackets.srcIp(packet), "source address " + b);
        assertEquals(sport, TestPackets.srcPort(packet), "source port " + b);
        assertEquals(dst, TestPackets.dstIp(packet), "destination address " + b);
        assertEquals(dport, TestPackets.dstPort(packet), "destination port " + b);
        assertTrue(TestPackets.checksumsValid(packet), "IP and TCP checksums " + b);
    }

    private static Process startChild(final Path file, final Path trace, final Path log) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineChildMain.class.getName());
        cmd.add(file.toString());
        cmd.add(trace.toString());
        cmd.add(Integer.toString(CAPACITY));
        // Output to a file, not a pipe: after a SIGKILL the JDK's pipe draining was seen to drop the last lines.
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1))
        {
            n++;
        }
        return n;
    }

    private static Verdict send(final PacketProcessor p, final byte[] packet, final long now)
    {
        return p.process(new UnsafeBuffer(packet), 0, packet.length, EngineChildMain.ETH0, now);
    }
}
