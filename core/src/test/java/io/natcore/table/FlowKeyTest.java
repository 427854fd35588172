/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowKeyTest
{
    // 172.16.2.5 -> 8.8.8.8, written out by hand as the layout drawn in the Javadoc.
    private static final int SRC = 0xAC100205;
    private static final int DST = 0x08080808;

    @Test
    void k0PutsSourceHighAndDestinationLow()
    {
        assertEquals(0xAC100205_08080808L, FlowKey.k0(SRC, DST));
        assertEquals(0x08080808_AC100205L, FlowKey.k0(DST, SRC));
        assertEquals(0xFFFFFFFF_80000000L, FlowKey.k0(-1, Integer.MIN_VALUE));
    }

    @Test
    void k1PacksPortsProtocolAndZone()
    {
        assertEquals(0xD431_0035_0011_0007L, FlowKey.k1(54321, 53, 17, 7));
        assertEquals(0xFFFF_FFFF_00FF_FFFFL, FlowKey.k1(65535, 65535, 255, 65535));
        assertEquals(0x0001_0002_0006_0000L, FlowKey.k1(0x10001, 0x20002, 0x106, 0x10000), "only low bits are kept");
    }

    @Test
    void unpackingReturnsEachField()
    {
        final long k0 = FlowKey.k0(SRC, DST);
        final long k1 = FlowKey.k1(54321, 53, 17, 7);
        assertEquals(SRC, FlowKey.srcIp(k0));
        assertEquals(DST, FlowKey.dstIp(k0));
        assertEquals(54321, FlowKey.srcPort(k1));
        assertEquals(53, FlowKey.dstPort(k1));
        assertEquals(17, FlowKey.protocol(k1));
        assertEquals(7, FlowKey.zone(k1));
    }

    @Test
    void invertingSwapsAddressesAndPortsAndKeepsProtocolAndZone()
    {
        assertEquals(FlowKey.k0(DST, SRC), FlowKey.invertK0(FlowKey.k0(SRC, DST)));
        assertEquals(FlowKey.k1(53, 54321, 17, 7), FlowKey.invertK1(FlowKey.k1(54321, 53, 17, 7)));
        assertEquals(0xFFFF_0000_0006_0001L, FlowKey.invertK1(0x0000_FFFF_0006_0001L));
    }
}
