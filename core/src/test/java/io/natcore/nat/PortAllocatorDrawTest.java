/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recorded draw is taken only where the allocator's own rules allow it: in the rule's range or the original
 * port's class, and with a free reply tuple (or one a SYN may evict from a closing connection).
 */
class PortAllocatorDrawTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int CLIENT = 0xC0A80105;  // 192.168.1.5
    private static final int SERVER = 0xAC100305;  // 172.16.3.5
    private static final int BOX = 0xAC100205;     // 172.16.2.5
    private static final int VIP = 0xAC100245;     // 172.16.2.69

    private final PortAllocatorTest.FakeTable table = new PortAllocatorTest.FakeTable();
    private final PortAllocator allocator = new PortAllocator(new NatRandom(1));
    private final NatTuple out = new NatTuple();

    private DrawRefusal masquerade(final int proto, final int sport, final int drawnPort, final boolean syn)
    {
        final NatTuple orig = new NatTuple().set(proto, CLIENT, SERVER, sport, 7);
        final NatTuple draw = new NatTuple().set(proto, BOX, SERVER, drawnPort, proto == ICMP ? drawnPort : 7);
        return allocator.sourceDraw(orig, new NatRange().address(BOX), syn, table, draw, out);
    }

    @Test
    void aFreeDrawOfTheOriginalPortsClassIsTakenEvenWhereTheOriginalPortIsFree()
    {
        // The kernel drew 33384 (trace 10); the engine alone would have kept 40000.
        assertNull(masquerade(TCP, 40000, 33384, true));
        assertEquals(BOX, out.srcIp);
        assertEquals(33384, out.srcPort);
        assertEquals(SERVER, out.dstIp);
        assertEquals(7, out.dstPort);
    }

    @Test
    void aDrawOutsideTheOriginalPortsClassIsRefused()
    {
        assertEquals(DrawRefusal.PORT_CLASS, masquerade(UDP, 1000, 2000, false));
        assertEquals(DrawRefusal.PORT_CLASS, masquerade(UDP, 100, 600, false));
        assertEquals(DrawRefusal.PORT_CLASS, masquerade(UDP, 550, 511, false));
        assertNull(masquerade(UDP, 550, 600, false));
        assertNull(masquerade(UDP, 550, 550, false));
    }

    @Test
    void aDrawWhoseReplyTupleIsHeldIsRefused()
    {
        table.take(UDP, SERVER, BOX, 7, 12652);
        assertEquals(DrawRefusal.TAKEN, masquerade(UDP, 40000, 12652, false));
    }

    @Test
    void aSynMayTakeADrawHeldByAConnectionTheKernelWouldEvict()
    {
        table.take(TCP, SERVER, BOX, 7, 40000);
        table.evictable.add(PortAllocatorTest.FakeTable.key(TCP, SERVER, BOX, 7, 40000));
        assertEquals(DrawRefusal.TAKEN, masquerade(TCP, 40000, 40000, false), "not a SYN: no eviction");
        assertNull(masquerade(TCP, 40000, 40000, true));
        assertEquals(1, table.harderChecks);
        assertEquals(40000, out.srcPort);
    }

    @Test
    void aDrawOutsideTheRulesRangeIsRefused()
    {
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 40000, 7);
        final NatRange range = new NatRange().addresses(BOX, BOX + 1).ports(5000, 5001);
        assertEquals(DrawRefusal.PORT_RANGE, allocator.sourceDraw(orig, range, false, table,
            new NatTuple().set(UDP, BOX, SERVER, 5002, 7), out));
        assertEquals(DrawRefusal.ADDRESS, allocator.sourceDraw(orig, range, false, table,
            new NatTuple().set(UDP, BOX + 2, SERVER, 5000, 7), out));
        assertNull(allocator.sourceDraw(orig, range, false, table, new NatTuple().set(UDP, BOX + 1, SERVER, 5001, 7), out));
        assertEquals(BOX + 1, out.srcIp);
        assertEquals(5001, out.srcPort);
    }

    @Test
    void aNullBindingMayMoveThePortButNotTheAddress()
    {
        // No rule matched: the kernel's null binding keeps the address and moves the port only when it must.
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 40000, 7);
        final NatRange range = new NatRange().address(CLIENT);
        assertNull(allocator.sourceDraw(orig, range, false, table, new NatTuple().set(UDP, CLIENT, SERVER, 41000, 7), out));
        assertEquals(DrawRefusal.ADDRESS, allocator.sourceDraw(orig, range, false, table,
            new NatTuple().set(UDP, BOX, SERVER, 40000, 7), out));
    }

    @Test
    void aDrawWithAnotherDestinationIsRefusedAtTheSourceStep()
    {
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 40000, 7);
        assertEquals(DrawRefusal.DESTINATION, allocator.sourceDraw(orig, new NatRange().address(BOX), false, table,
            new NatTuple().set(UDP, BOX, SERVER, 40000, 8), out));
    }

    @Test
    void anIcmpDrawMayTakeAnyIdentifier()
    {
        assertNull(masquerade(ICMP, 4242, 17, false));
        assertEquals(17, out.srcPort);
        assertEquals(17, out.dstPort);
    }

    @Test
    void aDestinationDrawKeepsThePortOfARuleWithoutPortRange()
    {
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, VIP, 40000, 7);
        final NatRange range = new NatRange().address(SERVER);
        assertEquals(DrawRefusal.PORT_KEPT, allocator.destinationDraw(orig, range,
            new NatTuple().set(TCP, CLIENT, SERVER, 40000, 8), out));
        assertEquals(DrawRefusal.ADDRESS, allocator.destinationDraw(orig, range,
            new NatTuple().set(TCP, CLIENT, SERVER + 1, 40000, 7), out));
        assertNull(allocator.destinationDraw(orig, range, new NatTuple().set(TCP, BOX, SERVER, 33000, 7), out));
        assertEquals(SERVER, out.dstIp);
        assertEquals(7, out.dstPort);
        assertEquals(CLIENT, out.srcIp);
        assertEquals(40000, out.srcPort);
        assertTrue(table.plainChecks == 0 && table.harderChecks == 0, "the destination step asks nothing");
    }
}
