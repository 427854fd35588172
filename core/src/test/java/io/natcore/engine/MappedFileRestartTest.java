/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a mapped-file table, connections survive an engine restart: translation, tracker state and timeouts come
 * back, so the established path carries on without a new binding.
 */
class MappedFileRestartTest
{
    private static final long T0 = 1_000_000_000_000L;

    @Test
    void aTranslatedConnectionSurvivesARestart(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("conntrack.table");
        final byte[] clash = TestPackets.udp("192.168.1.6", "172.16.2.65", 45000, 53, 64, 4);
        try (NatEngine engine = new NatEngine(EngineFixture.config().mappedFile(file).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            send(p, TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64), T0);
            send(p, TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, SYN | ACK, 5000, 1001, 64), T0 + 1);
            send(p, TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64), T0 + 2);
            send(p, TestPackets.udp("192.168.1.5", "172.16.2.65", 45000, 53, 64, 4), T0 + 3);
            send(p, clash, T0 + 4);
        }
        final int movedPort = TestPackets.u16(clash, 20);
        assertTrue(movedPort != 45000);

        try (NatEngine engine = new NatEngine(EngineFixture.config().mappedFile(file).build()))
        {
            assertEquals(3, engine.size());
            final PacketProcessor p = engine.newProcessor();
            final byte[] data = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
            assertEquals(Verdict.FORWARD, send(p, data, T0 + 5));
            assertEquals("172.16.3.5", TestPackets.dst(data));
            final byte[] reply = TestPackets.udp("172.16.3.5", "172.16.2.5", 5353, movedPort, 64, 4);
            assertEquals(Verdict.FORWARD, send(p, reply, T0 + 6));
            assertEquals("192.168.1.6", TestPackets.dst(reply));
            assertEquals(45000, TestPackets.u16(reply, 22));
            final StringBuilder dump = new StringBuilder();
            engine.dumpConntrack(dump, T0 + 7);
            assertTrue(dump.toString().contains("tcp      6 432000 ESTABLISHED src=192.168.1.5 dst=172.16.2.65 " +
                "sport=41000 dport=80 src=172.16.3.5 dst=172.16.2.5 sport=80 dport=41000 [ASSURED]"), dump.toString());
        }
    }

    private static Verdict send(final PacketProcessor p, final byte[] packet, final long now)
    {
        return p.process(new UnsafeBuffer(packet), 0, packet.length, ETH0, now);
    }
}
