/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.natcore.replay.TestPackets;
import org.junit.jupiter.api.Test;

class PacketLayoutTest
{
    /** Trace 05 record 2 (tcpdump -x): the kernel's SYN 172.16.2.5:33610 > 192.168.1.5:22 with 20 bytes of options. */
    private static final String SYN = "4500003c53f140003e067908ac100205c0a80105834a0016" +
        "6cda66c300000000a002faf023d50000020405b40402080a53030f73000000000103030a";

    private static byte[] hex(final String s)
    {
        final byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void namesTheFieldsOfATcpSegment()
    {
        final PacketLayout l = new PacketLayout(hex(SYN));
        assertEquals("ip.ttl", l.fieldAt(8).name);
        assertEquals("ip.checksum", l.fieldAt(11).name);
        assertEquals("ip.src", l.fieldAt(15).name);
        assertEquals("tcp.sport", l.fieldAt(20).name);
        assertEquals("tcp.dport", l.fieldAt(23).name);
        assertEquals("tcp.flags", l.fieldAt(33).name);
        assertEquals("tcp.checksum", l.fieldAt(36).name);
        assertEquals("tcp.options", l.fieldAt(59).name);
        assertEquals("172.16.2.5", l.fieldAt(12).value(hex(SYN)));
        assertEquals("33610", l.fieldAt(20).value(hex(SYN)));
        assertEquals("TCP 172.16.2.5:33610 > 192.168.1.5:22 [S]", l.summary());
    }

    @Test
    void namesTheQuotedPacketOfAnIcmpError()
    {
        final byte[] quoted = TestPackets.udpWithId(TestPackets.MASQ, 46000, TestPackets.SERVER, 5001, 30231, 61, true);
        final byte[] error = TestPackets.icmpError(3, 3, TestPackets.SERVER, TestPackets.MASQ, 27474, 63, quoted);
        final PacketLayout l = new PacketLayout(error);
        assertEquals("icmp.type", l.fieldAt(20).name);
        assertEquals("icmp.inner.ip.ttl", l.fieldAt(28 + 8).name);
        assertEquals("icmp.inner.ip.src", l.fieldAt(28 + 12).name);
        assertEquals("icmp.inner.udp.sport", l.fieldAt(48).name);
        assertEquals("icmp.inner.udp.checksum", l.fieldAt(54).name);
        assertEquals("icmp.inner.udp.payload", l.fieldAt(56).name);
    }

    @Test
    void bytesBeyondTheTotalLengthAreTheTrailerAndACutHeaderIsNamedSo()
    {
        final byte[] padded = new byte[60];
        System.arraycopy(hex(SYN), 0, padded, 0, 40);
        padded[2] = 0;
        padded[3] = 40;
        final PacketLayout l = new PacketLayout(padded);
        assertEquals("trailer", l.fieldAt(45).name);
        final byte[] cut = new byte[30];
        System.arraycopy(hex(SYN), 0, cut, 0, 30);
        cut[3] = 30;
        assertEquals("tcp.ack(cut)", new PacketLayout(cut).fieldAt(29).name);
    }
}
