/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.RST;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The box's own traffic, as the kernel's nat hooks at LOCAL_OUT and LOCAL_IN treat it: connections the box opens
 * ({@link PacketProcessor#processOutput}: nat OUTPUT's DNAT and REDIRECT, then POSTROUTING) and connections to the
 * box ({@link PacketProcessor#process} with verdict LOCAL: PREROUTING's REDIRECT, the nat INPUT chain's SNAT), each
 * with its replies translated back. Every expected packet is built by {@link Packets} with checksums summed from
 * scratch; the conntrack events are the kernel's {@code conntrack -E} lines for the same connection.
 */
class BoxOwnTrafficTest
{
    private static final String RULES = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        ":POSTROUTING ACCEPT [0:0]\n" +
        "-A PREROUTING -d 172.16.2.5/32 -i eth0 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 3128\n" +
        "-A INPUT -s 192.168.1.0/24 -i eth0 -p udp -m udp --dport 53 -j SNAT --to-source 172.16.2.99\n" +
        "-A OUTPUT -d 172.16.2.80/32 -o eth0 -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.16.3.7:8443\n" +
        "-A OUTPUT -d 172.16.3.5/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128\n" +
        "-A OUTPUT -o lo -p tcp -m tcp --dport 444 -j DNAT --to-destination 172.16.3.7:8444\n" +
        "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE\n" +
        "COMMIT\n";
    private static final long T0 = 1_000_000_000L;

    private final NatEngine engine;
    private final PacketProcessor p;
    private final List<String> events = new ArrayList<>();

    BoxOwnTrafficTest() throws Exception
    {
        engine = new NatEngine(EngineFixture.config(EngineFixture.BOX, RULES).events(true).build());
        p = engine.newProcessor();
    }

    @AfterEach
    void close()
    {
        engine.close();
    }

    private Verdict received(final byte[] packet, final long now)
    {
        final Verdict v = p.process(new UnsafeBuffer(packet), 0, packet.length, ETH0, now);
        engine.pollEvents(e -> events.add(e.toString().strip().replaceAll(" id=\\d+$", "")), 100);
        return v;
    }

    private Verdict sent(final byte[] packet, final long now)
    {
        final Verdict v = p.processOutput(new UnsafeBuffer(packet), 0, packet.length, now);
        engine.pollEvents(e -> events.add(e.toString().strip().replaceAll(" id=\\d+$", "")), 100);
        return v;
    }

    @Test
    void outputDnatTranslatesTheBoxsConnectionAndItsRepliesBack()
    {
        final byte[] syn = TestPackets.tcp("172.16.2.5", "172.16.2.80", 40000, 443, SYN, 100, 0, 64);
        assertEquals(Verdict.FORWARD, sent(syn, T0));
        assertEquals(ETH0, p.egressIfIndex());
        // The box's own packet keeps its TTL: nothing is forwarded.
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.7", 40000, 8443, SYN, 100, 0, 64), syn);
        assertEquals(List.of("[NEW] tcp      6 120 SYN_SENT src=172.16.2.5 dst=172.16.2.80 sport=40000 dport=443 " +
            "[UNREPLIED] src=172.16.3.7 dst=172.16.2.5 sport=8443 dport=40000"), events);

        final byte[] synAck = TestPackets.tcp("172.16.3.7", "172.16.2.5", 8443, 40000, SYN | ACK, 500, 101, 63);
        assertEquals(Verdict.LOCAL, received(synAck, T0 + 1));
        assertEquals(-1, p.egressIfIndex());
        assertArrayEquals(TestPackets.tcp("172.16.2.80", "172.16.2.5", 443, 40000, SYN | ACK, 500, 101, 63), synAck);

        final byte[] ack = TestPackets.tcp("172.16.2.5", "172.16.2.80", 40000, 443, ACK, 101, 501, 64);
        assertEquals(Verdict.FORWARD, sent(ack, T0 + 2));
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.7", 40000, 8443, ACK, 101, 501, 64), ack);
        assertTrue(events.get(events.size() - 1).contains("ESTABLISHED"), events.toString());
        assertEquals(1, engine.size());
    }

    @Test
    void outputRulesMatchTheInterfaceTheOriginalDestinationRoutesTo()
    {
        // OUTPUT's -o is the route before DNAT: the box's own address routes through lo, 172.16.3.9 through eth0.
        final byte[] toSelf = TestPackets.tcp("172.16.2.5", "172.16.2.5", 40002, 444, SYN, 100, 0, 64);
        assertEquals(Verdict.FORWARD, sent(toSelf, T0));
        assertEquals(ETH0, p.egressIfIndex());
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.7", 40002, 8444, SYN, 100, 0, 64), toSelf);
        final byte[] out = TestPackets.tcp("172.16.2.5", "172.16.3.9", 40002, 444, SYN, 100, 0, 64);
        assertEquals(Verdict.FORWARD, sent(out, T0));
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.9", 40002, 444, SYN, 100, 0, 64), out);
    }

    @Test
    void preroutingRedirectDeliversToTheLocalProxyPortAndTheProxysAnswersLeaveFromTheDialledPort()
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 8080, SYN, 7, 0, 63);
        assertEquals(Verdict.LOCAL, received(syn, T0));
        // The ingress interface's primary address and --to-ports; TTL untouched (delivered, not forwarded).
        assertArrayEquals(TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 3128, SYN, 7, 0, 63), syn);
        assertEquals(List.of("[NEW] tcp      6 120 SYN_SENT src=192.168.1.5 dst=172.16.2.5 sport=50000 dport=8080 " +
            "[UNREPLIED] src=172.16.2.5 dst=192.168.1.5 sport=3128 dport=50000"), events);

        final byte[] synAck = TestPackets.tcp("172.16.2.5", "192.168.1.5", 3128, 50000, SYN | ACK, 900, 8, 64);
        assertEquals(Verdict.FORWARD, sent(synAck, T0 + 1));
        assertEquals(ETH0, p.egressIfIndex());
        // Not masqueraded: the source is the box, and the reply follows the connection's reply tuple only.
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "192.168.1.5", 8080, 50000, SYN | ACK, 900, 8, 64), synAck);

        final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 8080, ACK, 8, 901, 63);
        assertEquals(Verdict.LOCAL, received(ack, T0 + 2));
        assertArrayEquals(TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 3128, ACK, 8, 901, 63), ack);
        assertEquals(1, engine.size());
    }

    @Test
    void outputRedirectLoopsTheBoxsConnectionBackToLocalhostAndTheProxysAnswerComesFromTheDialledAddress()
    {
        final byte[] syn = TestPackets.tcp("172.16.2.5", "172.16.3.5", 40001, 80, SYN, 100, 0, 64);
        assertEquals(Verdict.LOCAL, sent(syn, T0));
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "127.0.0.1", 40001, 3128, SYN, 100, 0, 64), syn);
        assertEquals(List.of("[NEW] tcp      6 120 SYN_SENT src=172.16.2.5 dst=172.16.3.5 sport=40001 dport=80 " +
            "[UNREPLIED] src=127.0.0.1 dst=172.16.2.5 sport=3128 dport=40001"), events);

        // The proxy's answer is sent by the box too, and delivered to the box.
        final byte[] synAck = TestPackets.tcp("127.0.0.1", "172.16.2.5", 3128, 40001, SYN | ACK, 900, 101, 64);
        assertEquals(Verdict.LOCAL, sent(synAck, T0 + 1));
        assertArrayEquals(TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 40001, SYN | ACK, 900, 101, 64), synAck);
    }

    @Test
    void inputSnatRewritesTheSourceOfAConnectionToTheBoxAndTheBoxsAnswerGoesBackToTheClient()
    {
        final byte[] query = TestPackets.udp("192.168.1.5", "172.16.2.5", 5353, 53, 63, 12);
        assertEquals(Verdict.LOCAL, received(query, T0));
        assertArrayEquals(TestPackets.udp("172.16.2.99", "172.16.2.5", 5353, 53, 63, 12), query);
        assertEquals(List.of("[NEW] udp      17 30 src=192.168.1.5 dst=172.16.2.5 sport=5353 dport=53 [UNREPLIED] " +
            "src=172.16.2.5 dst=172.16.2.99 sport=53 dport=5353"), events);

        final byte[] answer = TestPackets.udp("172.16.2.5", "172.16.2.99", 53, 5353, 64, 20);
        assertEquals(Verdict.FORWARD, sent(answer, T0 + 1));
        // Routed to the original client (via the default gateway on eth0), not to the SNAT address.
        assertEquals(ETH0, p.egressIfIndex());
        assertArrayEquals(TestPackets.udp("172.16.2.5", "192.168.1.5", 53, 5353, 64, 20), answer);
    }

    @Test
    void theBoxsOwnPacketWithTtlOneIsSentNotExpired()
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50001, 8080, SYN, 7, 0, 1);
        assertEquals(Verdict.LOCAL, received(syn, T0));
        final byte[] synAck = TestPackets.tcp("172.16.2.5", "192.168.1.5", 3128, 50001, SYN | ACK, 900, 8, 1);
        assertEquals(Verdict.FORWARD, sent(synAck, T0 + 1));
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "192.168.1.5", 8080, 50001, SYN | ACK, 900, 8, 1), synAck);
    }

    @Test
    void aForwardedConnectionIsStillMasqueradedBesideTheBoxsOwn()
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.3.9", 50002, 22, SYN, 7, 0, 64);
        assertEquals(Verdict.FORWARD, received(syn, T0));
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.9", 50002, 22, SYN, 7, 0, 63), syn);
    }

    @Test
    void theBoxsUntrackedPacketIsSentUntranslatedWithItsTtl()
    {
        // A reset opens no connection (tcp_new): INVALID, sent as it is, TTL 1 included.
        final byte[] reset = TestPackets.tcp("172.16.2.5", "172.16.3.9", 40003, 22, RST, 1, 0, 1);
        assertEquals(Verdict.INVALID, sent(reset, T0));
        assertEquals(ETH0, p.egressIfIndex());
        assertArrayEquals(TestPackets.tcp("172.16.2.5", "172.16.3.9", 40003, 22, RST, 1, 0, 1), reset);
        assertEquals(0, engine.size());
    }

    @Test
    void withoutLocalTrackingAConnectionToTheBoxIsLeftToTheHostUntracked() throws Exception
    {
        // The dataplane's mode: the host's stack answers the box's own services, so the engine never sees the
        // answers; every packet of such a connection is LOCAL as it came, and nothing enters the table.
        try (NatEngine host = new NatEngine(EngineFixture.config(EngineFixture.BOX, RULES).trackLocalDelivery(false)
            .build()))
        {
            final PacketProcessor q = host.newProcessor();
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 22, SYN, 100, 0, 64);
            final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 22, ACK, 101, 5001, 64);
            final byte[] synCopy = syn.clone();
            final byte[] ackCopy = ack.clone();
            assertEquals(Verdict.LOCAL, q.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, T0));
            assertEquals(Verdict.LOCAL, q.process(new UnsafeBuffer(ack), 0, ack.length, ETH0, T0 + 1));
            assertArrayEquals(synCopy, syn);
            assertArrayEquals(ackCopy, ack);
            assertEquals(0, host.size());
            // forwarded traffic is still tracked
            final byte[] fwd = TestPackets.tcp("192.168.1.5", "172.16.2.65", 50001, 80, SYN, 100, 0, 64);
            assertEquals(Verdict.FORWARD, q.process(new UnsafeBuffer(fwd), 0, fwd.length, ETH0, T0 + 2));
            assertEquals(1, host.size());
        }
        // the default tracks the connection to the box
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.5", 50000, 22, SYN, 100, 0, 64);
        assertEquals(Verdict.LOCAL, received(syn, T0));
        assertEquals(1, engine.size());
    }
}
