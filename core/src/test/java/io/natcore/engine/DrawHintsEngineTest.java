/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.DrawHints;
import io.natcore.nat.DrawRefusal;
import io.natcore.nat.NatTuple;
import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.natcore.engine.EngineFixture.ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The engine steered by a record of the kernel's draws: a new connection takes its recorded tuple when the rules
 * allow it, and a refused draw is reported with its reason while the engine chooses by itself.
 */
class DrawHintsEngineTest
{
    private static final long T0 = 1_000_000_000_000L;
    private static final int BOX = TestPackets.ip("172.16.2.5");
    private static final int SERVER = TestPackets.ip("172.16.3.5");

    private static NatTuple original(final String client, final int sport)
    {
        return new NatTuple().set(17, TestPackets.ip(client), TestPackets.ip("172.16.2.65"), sport, 53);
    }

    private static NatTuple translated(final int port)
    {
        return new NatTuple().set(17, BOX, SERVER, port, 5353);
    }

    @Test
    void aConnectionTakesTheKernelsDrawWhereItsOwnChoiceWouldHaveKeptThePort() throws Exception
    {
        final DrawHints hints = new DrawHints(1);
        hints.add(original("192.168.1.5", 40000), translated(33384));
        try (NatEngine engine = new NatEngine(EngineFixture.config().drawHints(hints).build()))
        {
            final byte[] udp = TestPackets.udp("192.168.1.5", "172.16.2.65", 40000, 53, 64, 8);
            assertEquals(Verdict.FORWARD, engine.newProcessor().process(new UnsafeBuffer(udp), 0, udp.length, ETH0, T0));
            assertEquals(33384, TestPackets.u16(udp, 20));
            assertEquals(5353, TestPackets.u16(udp, 22));
            assertEquals(DrawHints.TAKEN, hints.outcome(0));
        }
    }

    @Test
    void aDrawOfAPortTheEngineHoldsIsRefusedAsTaken() throws Exception
    {
        // The first client keeps 40000 (no draw recorded for it); the kernel's record gives the second client 40000
        // too, which the engine's table holds: the draw is refused and the engine draws another port.
        final DrawHints hints = new DrawHints(1);
        hints.add(original("192.168.1.6", 40000), translated(40000));
        try (NatEngine engine = new NatEngine(EngineFixture.config().drawHints(hints).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] first = TestPackets.udp("192.168.1.5", "172.16.2.65", 40000, 53, 64, 8);
            assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(first), 0, first.length, ETH0, T0));
            assertEquals(40000, TestPackets.u16(first, 20));

            final byte[] second = TestPackets.udp("192.168.1.6", "172.16.2.65", 40000, 53, 64, 8);
            assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(second), 0, second.length, ETH0, T0 + 1));
            final int port = TestPackets.u16(second, 20);
            assertNotEquals(40000, port);
            assertEquals(DrawRefusal.TAKEN.ordinal(), hints.outcome(0));
            assertEquals(port, hints.engineChoiceOf(0, new NatTuple()).srcPort);
        }
    }

    @Test
    void aDrawOutsideTheRulesDestinationIsRefused() throws Exception
    {
        final DrawHints hints = new DrawHints(1);
        hints.add(original("192.168.1.5", 40000), new NatTuple().set(17, BOX, SERVER, 40000, 53));
        try (NatEngine engine = new NatEngine(EngineFixture.config().drawHints(hints).build()))
        {
            final byte[] udp = TestPackets.udp("192.168.1.5", "172.16.2.65", 40000, 53, 64, 8);
            assertEquals(Verdict.FORWARD, engine.newProcessor().process(new UnsafeBuffer(udp), 0, udp.length, ETH0, T0));
            assertEquals(5353, TestPackets.u16(udp, 22));
            // The rule's --to-destination 172.16.3.5:5353 is a port range of one.
            assertEquals(DrawRefusal.PORT_RANGE.ordinal(), hints.outcome(0));
        }
    }
}
