/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.RST;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketProcessorTest
{
    private static final long T0 = 1_000_000_000_000L;
    private NatEngine engine;
    private PacketProcessor p;
    private final List<String> events = new ArrayList<>();

    private void start(final NatEngineConfig.Builder config)
    {
        engine = new NatEngine(config.build());
        p = engine.newProcessor();
    }

    @AfterEach
    void close()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    private Verdict send(final byte[] packet, final long now)
    {
        final Verdict v = p.process(new UnsafeBuffer(packet), 0, packet.length, ETH0, now);
        engine.pollEvents(e -> events.add(e.toString().replaceAll(" id=\\d+$", "")), 100);
        return v;
    }

    @Test
    void aBrokenIpHeaderIsDroppedWithItsReason() throws Exception
    {
        start(EngineFixture.config());
        final byte[] badChecksum = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1, 0, 64);
        badChecksum[10] ^= 0x5A;
        assertEquals(Verdict.DROP, send(badChecksum, T0));
        assertEquals(Reason.IP_BAD_CHECKSUM, p.reason());

        final byte[] version6 = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1, 0, 64);
        version6[0] = 0x65;
        assertEquals(Verdict.DROP, send(version6, T0));
        assertEquals(Reason.IP_BAD_VERSION, p.reason());

        final byte[] shortIhl = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1, 0, 64);
        shortIhl[0] = 0x44;
        assertEquals(Verdict.DROP, send(shortIhl, T0));

        final byte[] cut = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1, 0, 64);
        assertEquals(Verdict.DROP, p.process(new UnsafeBuffer(cut), 0, 30, ETH0, T0));
        assertEquals(Reason.IP_BAD_TOTAL_LENGTH, p.reason());
        assertEquals(0, engine.size());
        assertEquals(4, engine.counter(Verdict.DROP));
    }

    @Test
    void aBadTcpChecksumIsForwardedUntranslatedWithTheTtlDecremented() throws Exception
    {
        start(EngineFixture.config());
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        TestPackets.put16(syn, 36, 0x1234);
        final byte[] sent = syn.clone();
        assertEquals(Verdict.INVALID, send(syn, T0));
        assertEquals(Reason.L4_BAD_CHECKSUM, p.reason());
        assertEquals(ETH0, p.egressIfIndex());
        assertEquals("172.16.2.65", TestPackets.dst(syn));
        assertEquals(63, syn[8]);
        assertEquals(0xFFFF, TestPackets.sum(syn, 0, 20, 0));
        syn[8] = sent[8];
        syn[10] = sent[10];
        syn[11] = sent[11];
        assertEquals(TestPackets.hex(sent), TestPackets.hex(syn));
        assertEquals(0, engine.size());
        assertTrue(events.isEmpty());
    }

    @Test
    void dropInvalidTurnsInvalidIntoDrop() throws Exception
    {
        start(EngineFixture.config().dropInvalid(true));
        final byte[] synFin = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41002, 80, SYN | 0x01, 1000, 0, 64);
        assertEquals(Verdict.DROP, send(synFin, T0));
        assertEquals(Reason.TCP_BAD_FLAGS, p.reason());
    }

    @Test
    void ttlOneIsTimeExceededAndOpensNothing() throws Exception
    {
        start(EngineFixture.config());
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41011, 80, SYN, 1000, 0, 1);
        final byte[] before = syn.clone();
        assertEquals(Verdict.TIME_EXCEEDED, send(syn, T0));
        assertEquals(Reason.TTL_EXPIRED, p.reason());
        assertEquals(0, engine.size());
        assertTrue(events.isEmpty());
        assertEquals(TestPackets.hex(before), TestPackets.hex(syn));
    }

    @Test
    void aConnectionIsTranslatedBothWaysAndReportedLikeConntrack() throws Exception
    {
        start(EngineFixture.config());
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
        assertEquals(Verdict.FORWARD, send(syn, T0));
        assertEquals(ETH0, p.egressIfIndex());
        assertEquals("172.16.2.5", TestPackets.src(syn));
        assertEquals("172.16.3.5", TestPackets.dst(syn));
        assertEquals(0xFFFF, TestPackets.sum(syn, 0, 20, 0));

        final byte[] synAck = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, SYN | ACK, 5000, 1001, 64);
        assertEquals(Verdict.FORWARD, send(synAck, T0 + 1000));
        assertEquals("172.16.2.65", TestPackets.src(synAck));
        assertEquals("192.168.1.5", TestPackets.dst(synAck));

        final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
        assertEquals(Verdict.FORWARD, send(ack, T0 + 2000));

        assertEquals(List.of(
            "    [NEW] tcp      6 120 SYN_SENT src=192.168.1.5 dst=172.16.2.65 sport=41000 dport=80 [UNREPLIED] " +
                "src=172.16.3.5 dst=172.16.2.5 sport=80 dport=41000",
            " [UPDATE] tcp      6 60 SYN_RECV src=192.168.1.5 dst=172.16.2.65 sport=41000 dport=80 " +
                "src=172.16.3.5 dst=172.16.2.5 sport=80 dport=41000",
            " [UPDATE] tcp      6 432000 ESTABLISHED src=192.168.1.5 dst=172.16.2.65 sport=41000 dport=80 " +
                "src=172.16.3.5 dst=172.16.2.5 sport=80 dport=41000 [ASSURED]"), events);

        final StringBuilder dump = new StringBuilder();
        engine.dumpConntrack(dump, T0 + 2_000_000_000L + 2000);
        assertEquals("ipv4     2 tcp      6 431998 ESTABLISHED src=192.168.1.5 dst=172.16.2.65 sport=41000 dport=80 " +
            "src=172.16.3.5 dst=172.16.2.5 sport=80 dport=41000 [ASSURED] mark=0 use=1 id=",
            dump.toString().replaceAll("id=\\d+\n$", "id="));
    }

    @Test
    void aResetBeforeAnyReplyDestroysTheConnection() throws Exception
    {
        start(EngineFixture.config());
        send(TestPackets.tcp("192.168.1.5", "172.16.2.65", 46002, 80, SYN, 1000, 0, 64), T0);
        final byte[] rst = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 46002, RST | ACK, 0, 1001, 64);
        assertEquals(Verdict.FORWARD, send(rst, T0 + 50_000));
        assertEquals("192.168.1.5", TestPackets.dst(rst));
        assertEquals(0, engine.size());
        assertEquals("[DESTROY] tcp      6 120 CLOSE src=192.168.1.5 dst=172.16.2.65 sport=46002 dport=80 " +
            "[UNREPLIED] src=172.16.3.5 dst=172.16.2.5 sport=80 dport=46002", events.get(events.size() - 1));
    }

    @Test
    void anIcmpErrorAboutNoConnectionAddressedToTheBoxIsLocal() throws Exception
    {
        start(EngineFixture.config());
        final byte[] about = TestPackets.udp("172.16.2.5", "172.16.3.5", 5555, 53, 64, 4);
        final byte[] error = TestPackets.icmpError("172.16.3.5", "172.16.2.5", 3, 3, about);
        assertEquals(Verdict.LOCAL, send(error, T0));
        assertEquals(Reason.ICMP_ERROR_UNRELATED, p.reason());
        assertEquals(-1, p.egressIfIndex());
    }

    @Test
    void anIcmpErrorRelatedToAConnectionIsTranslatedAndLeavesItAlone() throws Exception
    {
        start(EngineFixture.config());
        final byte[] query = TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 12);
        send(query, T0);
        final byte[] error = TestPackets.icmpError("172.16.3.5", "172.16.2.5", 3, 3, query);
        events.clear();
        assertEquals(Verdict.FORWARD, send(error, T0 + 1000));
        assertEquals("172.16.2.65", TestPackets.src(error));
        assertEquals("192.168.1.5", TestPackets.dst(error));
        assertEquals("192.168.1.5", TestPackets.dotted(TestPackets.u32(error, 28 + 12)));
        assertEquals("172.16.2.65", TestPackets.dotted(TestPackets.u32(error, 28 + 16)));
        assertEquals(53, TestPackets.u16(error, 48 + 2));
        assertEquals(0xFFFF, TestPackets.sum(error, 20, error.length - 20, 0));
        assertEquals(0xFFFF, TestPackets.sum(error, 28, 20, 0));
        assertTrue(events.isEmpty(), events.toString());
    }

    @Test
    void aPacketToTheBoxIsDeliveredLocallyAndTracked() throws Exception
    {
        // The kernel's conntrack confirms connections to the box at LOCAL_IN, whether a socket listens or not.
        start(EngineFixture.config());
        assertEquals(Verdict.LOCAL, send(TestPackets.udp("192.168.1.5", "172.16.2.5", 40000, 9999, 64, 4), T0));
        assertEquals(1, engine.size());
        assertEquals(-1, p.egressIfIndex());
    }

    @Test
    void anOrphanFragmentIsDroppedWhenNothingMayBeHeld() throws Exception
    {
        start(EngineFixture.config().fragmentsHeld(0));
        final byte[] frag = TestPackets.udp("192.168.1.5", "172.16.2.65", 1, 2, 64, 56);
        TestPackets.put16(frag, 6, 100);
        TestPackets.fixIpChecksum(frag, 0);
        assertEquals(Verdict.DROP, send(frag, T0));
        assertEquals(Reason.FRAG_ORPHAN, p.reason());
    }

    @Test
    void noRouteIsDropped() throws Exception
    {
        start(EngineFixture.config("ifindex 1 lo\nifindex 2 eth0\naddr eth0 172.16.2.5/24\n" +
            "route 172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.5\n", EngineFixture.RULES));
        assertEquals(Verdict.DROP, send(TestPackets.udp("192.168.1.5", "10.1.1.1", 40000, 53, 64, 4), T0));
        assertEquals(Reason.NO_ROUTE, p.reason());
    }

    @Test
    void anExhaustedPortRangeDropsWithItsReason() throws Exception
    {
        start(EngineFixture.config(EngineFixture.BOX, "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" +
            "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -p udp -j MASQUERADE --to-ports 5000\nCOMMIT\n"));
        assertEquals(Verdict.FORWARD, send(TestPackets.udp("192.168.1.5", "172.16.3.5", 40000, 7, 64, 4), T0));
        assertEquals(Verdict.DROP, send(TestPackets.udp("192.168.1.6", "172.16.3.5", 40000, 7, 64, 4), T0));
        assertEquals(Reason.NAT_EXHAUSTED, p.reason());
        assertEquals(1, engine.counter(Reason.NAT_EXHAUSTED));
    }

    @Test
    void aClashingSourcePortIsMovedWithinItsClass() throws Exception
    {
        start(EngineFixture.config());
        final byte[] first = TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 4);
        final byte[] second = TestPackets.udp("192.168.1.6", "172.16.2.65", 45000, 53, 64, 4);
        send(first, T0);
        assertEquals(Verdict.FORWARD, send(second, T0 + 1));
        assertEquals(45000, TestPackets.u16(first, 20));
        final int moved = TestPackets.u16(second, 20);
        assertTrue(moved >= 1024 && moved != 45000, "port " + moved);
        assertEquals(0xFFFF, TestPackets.sum(second, 20, second.length - 20,
            TestPackets.pseudo(TestPackets.u32(second, 12), TestPackets.u32(second, 16), 17, second.length - 20)));
    }

    @Test
    void expiryRemovesTimedOutConnectionsWithADestroyEvent() throws Exception
    {
        start(EngineFixture.config().expiryWorkPerPacket(0));
        send(TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 4), T0);
        assertEquals(0, engine.expire(T0 + 29_000_000_000L, 1024));
        assertEquals(1, engine.expire(T0 + 30_000_000_000L, 1024));
        engine.pollEvents(e -> events.add(e.toString().replaceAll(" id=\\d+$", "")), 100);
        assertEquals("[DESTROY] udp      17 src=192.168.1.5 dst=172.16.2.65 sport=45000 dport=53 [UNREPLIED] " +
            "src=172.16.3.5 dst=172.16.2.5 sport=5353 dport=45000", events.get(events.size() - 1));
        assertEquals(0, engine.size());
    }

    @Test
    void anEntryEvictedToMakeRoomGetsADestroyEventNamingItsTuples() throws Exception
    {
        // Four unreplied UDP connections (never ASSURED) fill a four-entry table; the fifth evicts one of them
        // (early drop: which one depends on the table's random seed). Expected lines written from the packets: the
        // rules DNAT 172.16.2.65:53 to 172.16.3.5:5353 and masquerade to 172.16.2.5, keeping the source port.
        start(EngineFixture.config().capacity(4).expiryWorkPerPacket(0));
        final String[] expected = new String[4];
        for (int i = 0; i < 4; i++)
        {
            assertEquals(Verdict.FORWARD, send(TestPackets.udp("192.168.1." + (5 + i), "172.16.2.65", 45000 + i, 53, 64, 4), T0 + i));
            expected[i] = "[DESTROY] udp      17 30 src=192.168.1." + (5 + i) + " dst=172.16.2.65 sport=" + (45000 + i) +
                " dport=53 [UNREPLIED] src=172.16.3.5 dst=172.16.2.5 sport=5353 dport=" + (45000 + i);
        }
        assertEquals(4, engine.size());
        events.clear();
        assertEquals(Verdict.FORWARD, send(TestPackets.udp("192.168.1.9", "172.16.2.65", 45009, 53, 64, 4), T0 + 10));
        assertEquals(1, engine.table().earlyDrops());
        assertEquals(4, engine.size());
        final List<String> destroys = new ArrayList<>();
        for (final String e : events)
        {
            if (e.startsWith("[DESTROY]"))
            {
                destroys.add(e);
            }
        }
        assertEquals(1, destroys.size(), events.toString());
        int gone = -1;
        for (int i = 0; i < 4; i++)
        {
            final int src = (192 << 24) | (168 << 16) | (1 << 8) | (5 + i);
            final int dst = (172 << 24) | (16 << 16) | (2 << 8) | 65;
            final boolean present = engine.table().lookup(FlowKey.k0(src, dst), FlowKey.k1(45000 + i, 53, 17, 0)) !=
                FlowTable.MISS;
            if (!present)
            {
                assertEquals(-1, gone, "only one connection evicted");
                gone = i;
            }
        }
        assertTrue(gone >= 0, "one of the four was evicted");
        assertEquals(expected[gone], destroys.get(0));
        assertEquals(1, engine.extraCounter(Counters.CONNECTIONS_DESTROYED));
    }

    @Test
    void aClientKeepsItsRemappedPortForANewDestination() throws Exception
    {
        // Kernel find_appropriate_src: once 192.168.1.6:45000 was moved to port X, its next connection from the
        // same source port (to another destination) reuses X when free there.
        start(EngineFixture.config());
        send(TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 4), T0);
        final byte[] clash = TestPackets.udp("192.168.1.6", "172.16.2.65", 45000, 53, 64, 4);
        send(clash, T0 + 1);
        final int moved = TestPackets.u16(clash, 20);
        assertTrue(moved != 45000);
        final byte[] elsewhere = TestPackets.udp("192.168.1.6", "172.16.3.9", 45000, 7, 64, 4);
        assertEquals(Verdict.FORWARD, send(elsewhere, T0 + 2));
        assertEquals(moved, TestPackets.u16(elsewhere, 20));
        assertEquals("172.16.2.5", TestPackets.src(elsewhere));
    }

    @Test
    void aClientsNewestMappingWinsEvenWhenItKeptThePort() throws Exception
    {
        // Kernel nf_nat_bysource: connections are added at the head of their source's chain and
        // find_appropriate_src returns the first in range, i.e. the newest. Here the newest mapping of
        // 192.168.1.6:45000 keeps the port (its older, moved mapping was taken for that destination), and the
        // next connection must follow it, not the older one.
        start(EngineFixture.config());
        send(TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 4), T0);
        final byte[] moved = TestPackets.udp("192.168.1.6", "172.16.2.65", 45000, 53, 64, 4);
        send(moved, T0 + 1);
        final int x = TestPackets.u16(moved, 20);
        assertTrue(x != 45000);
        final byte[] blocker = TestPackets.udp("192.168.1.7", "172.16.3.8", x, 7, 64, 4);
        assertEquals(Verdict.FORWARD, send(blocker, T0 + 2));
        assertEquals(x, TestPackets.u16(blocker, 20));
        final byte[] kept = TestPackets.udp("192.168.1.6", "172.16.3.8", 45000, 7, 64, 4);
        assertEquals(Verdict.FORWARD, send(kept, T0 + 3));
        assertEquals(45000, TestPackets.u16(kept, 20));
        final byte[] next = TestPackets.udp("192.168.1.6", "172.16.3.9", 45000, 7, 64, 4);
        assertEquals(Verdict.FORWARD, send(next, T0 + 4));
        assertEquals(45000, TestPackets.u16(next, 20));
    }

    @Test
    void withoutTtlDecrementOnlyTheTranslationChanges() throws Exception
    {
        start(EngineFixture.config().decrementTtl(false));
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
        assertEquals(Verdict.FORWARD, send(syn, T0));
        assertEquals(64, syn[8]);
        final byte[] expected = TestPackets.tcp("172.16.2.5", "172.16.3.5", 41000, 80, SYN, 1000, 0, 64);
        assertEquals(TestPackets.hex(expected), TestPackets.hex(syn));

        final byte[] routed = TestPackets.udp("172.16.2.9", "172.16.3.5", 4000, 4001, 64, 8);
        final byte[] before = routed.clone();
        assertEquals(Verdict.FORWARD, send(routed, T0));
        assertEquals(TestPackets.hex(before), TestPackets.hex(routed));
    }

    @Test
    void withNicVerifiedChecksumsABadTcpChecksumIsNotJudged() throws Exception
    {
        start(EngineFixture.config().checksumVerification(ChecksumVerification.NONE));
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        TestPackets.put16(syn, 36, 0x1234);
        assertEquals(Verdict.FORWARD, send(syn, T0));
        assertEquals("172.16.3.5", TestPackets.dst(syn));
        assertEquals(1, engine.size());
    }
}
