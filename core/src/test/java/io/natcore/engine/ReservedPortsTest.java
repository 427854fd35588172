/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.ReservedPorts;
import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Source NAT never hands out a port of the box's own services on a box address: a client whose source port is the
 * box's ssh port is masqueraded to another port, though the port is free in the table (without the reservation
 * the kernel's choice keeps it: {@code nf_nat_used_tuple} finds no clash).
 */
class ReservedPortsTest
{
    private static final long T0 = 1_000_000_000_000L;

    private static int masqueradedSourcePort(final ReservedPorts reserved, final int clientPort) throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().reservedPorts(reserved).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", clientPort, 80, SYN, 1, 0, 64);
            assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(syn), 0, syn.length, ETH0, T0));
            return ((syn[20] & 0xFF) << 8) | (syn[21] & 0xFF);
        }
    }

    @Test
    void aClientPortEqualToAReservedServicePortIsMovedWhenMasqueraded() throws Exception
    {
        assertEquals(22, masqueradedSourcePort(ReservedPorts.NONE, 22), "no reservation: the port is kept");
        final int moved = masqueradedSourcePort(ReservedPorts.parse("tcp:22"), 22);
        assertNotEquals(22, moved);
        assertEquals(0, moved / 512, "moved within its class (1-511), as nf_nat_l4proto_unique_tuple does");
        assertEquals(40000, masqueradedSourcePort(ReservedPorts.parse("tcp:22,udp:40000"), 40000),
            "a UDP reservation leaves TCP alone");
    }

    @Test
    void aReservationListIsParsedAndPrintedBack()
    {
        assertEquals("tcp:22,tcp:8080-8081,udp:500", ReservedPorts.parse("tcp:22, tcp:8080-8081,udp:500").toString());
        assertThrows(IllegalArgumentException.class, () -> ReservedPorts.parse("tcp:0"));
        assertThrows(IllegalArgumentException.class, () -> ReservedPorts.parse("22"));
        assertThrows(IllegalArgumentException.class, () -> ReservedPorts.parse("tcp:9-8"));
    }
}
