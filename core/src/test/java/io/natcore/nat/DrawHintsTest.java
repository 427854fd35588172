/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Draws are found by original tuple, each tuple's in recording order, whatever order the tuples come in. */
class DrawHintsTest
{
    private static NatTuple udp(final int src, final int sport)
    {
        return new NatTuple().set(17, src, 0xAC100305, sport, 7);
    }

    @Test
    void eachOriginalTupleGetsItsOwnDrawsInOrder()
    {
        final DrawHints h = new DrawHints(3);
        h.add(udp(1, 40000), udp(9, 40000));
        h.add(udp(2, 40000), udp(9, 33384));
        h.add(udp(1, 40000), udp(9, 50000));

        // The second tuple first: draw order is not what keys the record.
        final int second = h.find(udp(2, 40000));
        assertEquals(33384, h.copyTo(second, new NatTuple()).srcPort);
        h.taken(second);
        assertEquals(DrawHints.NONE, h.find(udp(2, 40000)));

        final int first = h.find(udp(1, 40000));
        assertEquals(40000, h.copyTo(first, new NatTuple()).srcPort);
        h.refused(first, DrawRefusal.TAKEN, udp(9, 1234));
        final int third = h.find(udp(1, 40000));
        assertEquals(50000, h.copyTo(third, new NatTuple()).srcPort);

        assertEquals(DrawRefusal.TAKEN.ordinal(), h.outcome(0));
        assertEquals(1234, h.engineChoiceOf(0, new NatTuple()).srcPort);
        assertEquals(DrawHints.TAKEN, h.outcome(1));
        assertEquals(DrawHints.UNUSED, h.outcome(2));
        assertEquals(1, h.originalOf(2, new NatTuple()).srcIp);
        assertEquals(DrawHints.NONE, h.find(udp(3, 40000)));
    }

    @Test
    void aFullRecordRefusesMore()
    {
        final DrawHints h = new DrawHints(1);
        h.add(udp(1, 1), udp(1, 1));
        assertThrows(IllegalStateException.class, () -> h.add(udp(2, 1), udp(2, 1)));
    }
}
