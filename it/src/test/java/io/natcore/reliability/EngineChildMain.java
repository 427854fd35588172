/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.replay.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM for {@link EngineRestartSurvivalTest}: a {@link NatEngine} over a mapped file with trace 05's rules and box
 * (DNAT to 172.16.3.5:80, MASQUERADE to 172.16.2.5) establishes TCP connections one after another, with data on
 * earlier ones in between, until it is killed. Test code.
 * <p>
 * Arguments: {@code file traceDir capacity}. Reports on stdout, each line after the fact it states:
 * {@code OPENED size}; {@code EST i clientIp sport dstIp  natSrcIp natSrcPort natDstIp natDstPort  replySrcIp
 * replySrcPort  nowNanos} once connection {@code i}'s handshake went through, with the rewrite the engine gave its
 * ACK (original direction) and its SYN-ACK (reply direction); {@code TRAFFIC packets nowNanos} now and then.
 * Client ports repeat across client addresses, so most connections clash on the MASQUERADE reply tuple and get a
 * port only the engine chose.
 */
final class EngineChildMain
{
    /** Unbuffered: each line is one write once println returns (System.out buffers when stdout is not a terminal). */
    private static final PrintStream OUT =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);

    static final long T0 = 1_000_000_000_000L;
    static final int ETH0 = 2;
    static final int SERVER = TestPackets.ip(172, 16, 3, 5);
    static final int SERVER_PORT = 80;

    private EngineChildMain()
    {
    }

    /** Client address of connection {@code i}: 192.168.1.10 .. 192.168.1.209 (MASQUERADEd out of eth0). */
    static int clientIp(final int i)
    {
        return TestPackets.ip(192, 168, 1, 10 + (i / 256) % 200);
    }

    /** Client port of connection {@code i}: 40000 .. 40255, repeated for every client address. */
    static int clientPort(final int i)
    {
        return 40000 + (i % 256);
    }

    /** Address the client dials: two public addresses, both DNATed to 172.16.3.5:80 by trace 05's rules. */
    static int dialledIp(final int i)
    {
        return (i & 1) == 0 ? TestPackets.ip(172, 16, 2, 65) : TestPackets.ip(172, 16, 20, 5);
    }

    static int clientIsn(final int i)
    {
        return 1_000_000 + i * 7919;
    }

    static int serverIsn(final int i)
    {
        return 500_000_000 + i * 104_729;
    }

    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final Path trace = Path.of(args[1]);
        final int capacity = Integer.parseInt(args[2]);
        final NatEngine engine = new NatEngine(EngineSetup.fromTrace(trace).capacity(capacity).mappedFile(file).build());
        final PacketProcessor p = engine.newProcessor();
        OUT.println("OPENED " + engine.size());
        long now = T0;
        long packets = 0;
        final int limit = capacity / 2; // more than the parent waits for: killed while still establishing
        final int[] natSrcPort = new int[limit];
        final int[] natSrcIp = new int[limit];
        for (int i = 0; i < limit; i++)
        {
            final int c = clientIp(i);
            final int cp = clientPort(i);
            final byte[] syn = TestPackets.tcp(c, dialledIp(i), cp, SERVER_PORT, TestPackets.SYN, clientIsn(i), 0, 0);
            if (send(p, syn, now += 1000) != Verdict.FORWARD)
            {
                OUT.println("FAILED syn " + i);
                continue;
            }
            natSrcIp[i] = TestPackets.srcIp(syn);
            natSrcPort[i] = TestPackets.srcPort(syn);
            final byte[] synAck = TestPackets.tcp(SERVER, natSrcIp[i], SERVER_PORT, natSrcPort[i],
                TestPackets.SYN | TestPackets.ACK, serverIsn(i), clientIsn(i) + 1, 0);
            final byte[] ack = TestPackets.tcp(c, dialledIp(i), cp, SERVER_PORT, TestPackets.ACK,
                clientIsn(i) + 1, serverIsn(i) + 1, 0);
            if (send(p, synAck, now += 1000) != Verdict.FORWARD || send(p, ack, now += 1000) != Verdict.FORWARD)
            {
                OUT.println("FAILED handshake " + i);
                continue;
            }
            packets += 3;
            OUT.println("EST " + i + " " + c + " " + cp + " " + dialledIp(i) + "  " + TestPackets.srcIp(ack) + " " +
                TestPackets.srcPort(ack) + " " + TestPackets.dstIp(ack) + " " + TestPackets.dstPort(ack) + "  " +
                TestPackets.srcIp(synAck) + " " + TestPackets.srcPort(synAck) + " " + TestPackets.dstIp(synAck) + " " +
                TestPackets.dstPort(synAck) + "  " + now);
            // Traffic on earlier connections: a client segment and a server segment, each in window.
            for (int k = 0; k < 4; k++)
            {
                final int j = (int)((i * 2654435761L + k * 40503L) % (i + 1));
                final byte[] up = TestPackets.tcp(clientIp(j), dialledIp(j), clientPort(j), SERVER_PORT,
                    TestPackets.ACK | TestPackets.PSH, clientIsn(j) + 1, serverIsn(j) + 1, 64);
                final byte[] down = TestPackets.tcp(SERVER, natSrcIp[j], SERVER_PORT, natSrcPort[j],
                    TestPackets.ACK | TestPackets.PSH, serverIsn(j) + 1, clientIsn(j) + 1, 64);
                send(p, up, now += 1000);
                send(p, down, now += 1000);
                packets += 2;
            }
            if ((i & 255) == 255)
            {
                OUT.println("TRAFFIC " + packets + " " + now);
            }
        }
        OUT.println("DONE " + packets + " " + now);
        // Keep the process (and its mapping) alive until the parent kills it.
        while (true)
        {
            for (int j = 0; j < limit; j++)
            {
                final byte[] up = TestPackets.tcp(clientIp(j), dialledIp(j), clientPort(j), SERVER_PORT,
                    TestPackets.ACK | TestPackets.PSH, clientIsn(j) + 1, serverIsn(j) + 1, 64);
                send(p, up, now += 1000);
            }
        }
    }

    private static Verdict send(final PacketProcessor p, final byte[] packet, final long now)
    {
        return p.process(new UnsafeBuffer(packet), 0, packet.length, ETH0, now);
    }
}
