/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import io.natcore.replay.TestPackets;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.natcore.replay.TestPackets.ACK;
import static io.natcore.replay.TestPackets.PSH;
import static io.natcore.replay.TestPackets.SYN;
import static io.natcore.replay.TestPackets.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYN flood fills the table. With the rules of trace 04 (DNAT 172.16.2.65:80 to 172.16.3.5:80, MASQUERADE of
 * 192.168.1.0/24 behind 172.16.2.5), 40 clients complete handshakes (ASSURED), then 20,000 spoofed SYNs arrive for
 * a 1024-connection table. Throughout and afterwards the 40 established connections keep translating with their
 * original bindings (addresses, NAT port, valid checksums, in both directions); new connections get in by evicting
 * half-open (non-ASSURED) entries, as Linux early_drop does; and the counters say so: early drops, refusals
 * ({@link Reason#TABLE_FULL}), a full table.
 */
class SynFloodTableFullTest
{
    private static final int CAPACITY = 1024;
    private static final int ESTABLISHED = 40;
    private static final int FLOOD = 20_000;
    private static final int ETH0 = 2;
    private static final int CLIENT = ip(192, 168, 1, 5);
    private static final int VIP = ip(172, 16, 2, 65);
    private static final int SERVER = ip(172, 16, 3, 5);
    private static final int NAT = ip(172, 16, 2, 5);

    private final GuardedPacketBuffer guard = new GuardedPacketBuffer(0x3C);
    private long now = 1_000_000_000L;

    @Test
    void establishedConnectionsKeepTranslatingWhileASynFloodFillsTheTableAndNewOnesEvictHalfOpenEntries()
    {
        try (NatEngine engine = new NatEngine(EngineSetup.fromTrace(EngineSetup.trace("04-snat-masquerade"))
            .capacity(CAPACITY).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final int[] natPort = new int[ESTABLISHED];
            for (int i = 0; i < ESTABLISHED; i++)
            {
                natPort[i] = handshake(p, engine, 40_000 + i);
            }
            assertEquals(ESTABLISHED, engine.size());

            final int[] rounds = new int[ESTABLISHED];
            final SplittableRandom rnd = new SplittableRandom(7);
            long refused = 0;
            long admitted = 0;
            for (int n = 0; n < FLOOD; n++)
            {
                final int src = ip(198, 18, 0, 0) + rnd.nextInt(1 << 17);
                final Verdict v = send(p, TestPackets.tcp(src, VIP, 1024 + rnd.nextInt(60_000), 80, SYN,
                    rnd.nextInt(), 0, 0));
                if (v == Verdict.FORWARD)
                {
                    admitted++;
                }
                else
                {
                    assertEquals(Verdict.DROP, v);
                    assertEquals(Reason.TABLE_FULL, p.reason());
                    refused++;
                }
                if (n % 1000 == 999)
                {
                    for (int i = 0; i < ESTABLISHED; i++)
                    {
                        dataBothWays(p, i, natPort[i], ++rounds[i]);
                    }
                }
            }
            final FlowTable table = engine.table();
            assertEquals(CAPACITY, table.size(), "the flood filled the table");
            assertTrue(table.earlyDrops() > 10_000, "half-open entries were evicted: " + table.earlyDrops());
            assertEquals(refused, engine.counter(Reason.TABLE_FULL), "refusals counted as TABLE_FULL");
            assertEquals(table.fullRefusals(), refused, "table and engine agree on refusals");
            assertEquals(FLOOD, admitted + refused);
            for (int i = 0; i < ESTABLISHED; i++)
            {
                dataBothWays(p, i, natPort[i], ++rounds[i]);
            }

            // Legitimate new connections after the flood: each evicts a half-open entry and completes.
            final long dropsBefore = table.earlyDrops();
            int completed = 0;
            for (int i = 0; i < 20; i++)
            {
                if (tryHandshake(p, engine, ip(192, 168, 1, 6), 50_000 + i) > 0)
                {
                    completed++;
                }
            }
            assertTrue(completed >= 19, "new connections get in on a full table: " + completed + " of 20");
            assertTrue(table.earlyDrops() > dropsBefore);
            assertEquals(java.util.List.of(), TableInvariants.check(table));
            System.out.printf("SynFloodTableFullTest: capacity %d, %d established + %d SYNs: admitted %d (early " +
                "drops %d), refused %d (TABLE_FULL), established still translating %d/%d, new after flood %d/20%n",
                CAPACITY, ESTABLISHED, FLOOD, admitted, table.earlyDrops(), refused, ESTABLISHED, ESTABLISHED,
                completed);
        }
    }

    private int handshake(final PacketProcessor p, final NatEngine engine, final int sport)
    {
        final int port = tryHandshake(p, engine, CLIENT, sport);
        assertTrue(port > 0, "handshake " + sport);
        return port;
    }

    /** SYN, SYN-ACK, ACK through the engine; returns the NAT port, or -1 when the SYN was refused. */
    private int tryHandshake(final PacketProcessor p, final NatEngine engine, final int client, final int sport)
    {
        if (send(p, TestPackets.tcp(client, VIP, sport, 80, SYN, 1000, 0, 0)) != Verdict.FORWARD)
        {
            return -1;
        }
        final byte[] syn = out();
        assertEquals(NAT, TestPackets.srcIp(syn), "masqueraded");
        assertEquals(SERVER, TestPackets.dstIp(syn), "DNATed");
        assertTrue(TestPackets.checksumsValid(syn));
        final int port = TestPackets.srcPort(syn);
        assertEquals(Verdict.FORWARD, send(p, TestPackets.tcp(SERVER, NAT, 80, port, SYN | ACK, 5000, 1001, 0)));
        final byte[] synAck = out();
        assertEquals(client, TestPackets.dstIp(synAck));
        assertEquals(sport, TestPackets.dstPort(synAck));
        assertEquals(VIP, TestPackets.srcIp(synAck));
        assertEquals(Verdict.FORWARD, send(p, TestPackets.tcp(client, VIP, sport, 80, ACK, 1001, 5001, 0)));
        final long h = engine.table().lookup(io.natcore.table.FlowKey.k0(client, VIP),
            io.natcore.table.FlowKey.k1(sport, 80, 6, engine.config().zone()));
        assertTrue(h != FlowTable.MISS && engine.table().hasStatus(FlowTable.entry(h), FlowStatus.ASSURED),
            "assured after the handshake");
        return port;
    }

    /** Segment {@code round} of data each way on established connection {@code i}: translated as bound. */
    private void dataBothWays(final PacketProcessor p, final int i, final int natPort, final int round)
    {
        final int sport = 40_000 + i;
        final int cseq = 1001 + (round - 1) * 100;
        final int sseq = 5001 + (round - 1) * 100;
        assertEquals(Verdict.FORWARD, send(p, TestPackets.tcp(CLIENT, VIP, sport, 80, PSH | ACK, cseq, sseq, 100)),
            "client data on established connection " + i + " round " + round + ": " + p.reason());
        final byte[] up = out();
        assertEquals(NAT, TestPackets.srcIp(up));
        assertEquals(natPort, TestPackets.srcPort(up), "original NAT port kept");
        assertEquals(SERVER, TestPackets.dstIp(up));
        assertTrue(TestPackets.checksumsValid(up));
        assertEquals(Verdict.FORWARD, send(p, TestPackets.tcp(SERVER, NAT, 80, natPort, PSH | ACK, sseq, cseq + 100,
            100)), "server data on established connection " + i + " round " + round + ": " + p.reason());
        final byte[] down = out();
        assertEquals(CLIENT, TestPackets.dstIp(down));
        assertEquals(sport, TestPackets.dstPort(down));
        assertEquals(VIP, TestPackets.srcIp(down));
        assertTrue(TestPackets.checksumsValid(down));
    }

    private Verdict send(final PacketProcessor p, final byte[] packet)
    {
        final UnsafeBuffer view = guard.place(packet, packet.length, 0);
        now += 1_000_000;
        final Verdict v = p.process(view, guard.offset(), packet.length, ETH0, now);
        assertTrue(guard.guardsIntact());
        return v;
    }

    private byte[] out()
    {
        return guard.packetBytes();
    }
}
