/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability.jcstress;

import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.replay.TestPackets;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A stale destroy: connection A (UDP, unreplied) has timed out but is not reaped. One thread gets a packet of A (the
 * fast path destroys A and opens it again); the other runs expiry, then opens connection B, which the free list may
 * give A's entry. Whatever the order, B survives and both connections are live: a destroy decided for A never
 * removes the connection that reused its entry.
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "B live, A reopened")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "B removed by A's late destroy (0, _), or a connection lost or doubled")
@State
public class StaleDestroyStress
{
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;
    private static final long LATE = T0 + 60 * SECOND;
    private static final int ETH0 = 2;
    private static final int A_SRC = 0xC0A80105; // 192.168.1.5
    private static final int B_SRC = 0xC0A80106; // 192.168.1.6
    private static final int SERVER = 0xAC100305; // 172.16.3.5
    private static final NatEngineConfig CONFIG = config();

    private final NatEngine engine = new NatEngine(CONFIG);
    private final PacketProcessor p1 = engine.newProcessor();
    private final PacketProcessor p2 = engine.newProcessor();
    private final byte[] a = udp(A_SRC, 40000, 7000);
    private final byte[] b = udp(B_SRC, 41000, 7001);

    public StaleDestroyStress()
    {
        final byte[] first = udp(A_SRC, 40000, 7000);
        p1.process(new UnsafeBuffer(first), 0, first.length, ETH0, T0);
    }

    @Actor
    public void lateAPacket()
    {
        p1.process(new UnsafeBuffer(a), 0, a.length, ETH0, LATE);
    }

    @Actor
    public void expiryThenB()
    {
        engine.expire(LATE, 64);
        p2.process(new UnsafeBuffer(b), 0, b.length, ETH0, LATE);
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        final long bHandle = engine.table().lookup(FlowKey.k0(B_SRC, SERVER), FlowKey.k1(41000, 7001, 17, 0));
        r.r1 = bHandle == FlowTable.MISS ? 0 : 1;
        r.r2 = (int)engine.size();
        engine.close();
    }

    private static NatEngineConfig config()
    {
        try
        {
            final BoxConfig box = BoxConfig.parse("ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\n" +
                "addr eth0 172.16.2.5/24\nroute default via 172.16.2.1 dev eth0\n" +
                "route 172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.5\n");
            return NatEngineConfig.builder().box(box).rules(IptablesSaveParser.parse("*nat\n" +
                ":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" +
                "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n").bind(box))
                .capacity(16).seed(7).expiryWorkPerPacket(0).events(false).build();
        }
        catch (final Exception ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A UDP datagram to the server with 4 payload bytes, IPv4 header checksum set, UDP checksum 0 (none). */
    private static byte[] udp(final int src, final int sport, final int dport)
    {
        final byte[] l4 = new byte[12];
        TestPackets.put16(l4, 0, sport);
        TestPackets.put16(l4, 2, dport);
        TestPackets.put16(l4, 4, l4.length);
        return TestPackets.ipv4(17, src, SERVER, 0, 0, 64, l4);
    }
}
