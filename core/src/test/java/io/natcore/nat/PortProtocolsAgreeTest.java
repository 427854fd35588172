/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.PacketParser;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The parser, the tuple and the rewriter agree on which protocols have ports: for every IP protocol, the parser reads
 * ports exactly when {@link NatTuple#hasPorts} says the NAT may choose them, and the rewriter then writes them where
 * the parser read them. (UDP-Lite and DCCP used to be rewritten without ever being read.)
 */
class PortProtocolsAgreeTest
{
    @Test
    void everyProtocolWithPortsIsParsedAndRewrittenAtTheSamePlace()
    {
        for (int proto = 0; proto < 256; proto++)
        {
            if (proto == 1)
            {
                continue; // ICMP: the query identifier stands for both ports (IcmpErrorTranslatorTest, RewriterTest)
            }
            final byte[] b = new byte[20 + 40];
            b[0] = 0x45;
            TestPackets.put16(b, 2, b.length);
            b[8] = 64;
            b[9] = (byte)proto;
            TestPackets.put32(b, 12, 0x0A000001);
            TestPackets.put32(b, 16, 0x0A000002);
            TestPackets.fixIpChecksum(b, 0);
            TestPackets.put16(b, 20, 0x1111);
            TestPackets.put16(b, 22, 0x2222);
            b[32] = 1; // an SCTP chunk of length 4 (type 1, INIT, alone), ignored by the others
            b[35] = 4;
            TestPackets.put16(b, 24, 0); // UDP(-Lite) length / coverage 0 (UDP: bad length; UDP-Lite: whole)
            TestPackets.put16(b, 26, 0xABCD); // a checksum, not verified below
            final ParsedPacket pkt = new ParsedPacket();
            PacketParser.parse(new UnsafeBuffer(b), 0, b.length, pkt, true, false);
            final boolean hasPorts = NatTuple.hasPorts(proto);
            assertEquals(hasPorts, pkt.hasPorts && pkt.srcPort == 0x1111 && pkt.dstPort == 0x2222, "proto " + proto);

            final NatTuple from = new NatTuple().set(proto, 0x0A000001, 0x0A000002, 0x1111, 0x2222);
            final NatTuple to = new NatTuple().set(proto, 0x0A000001, 0x0A000002, 0x3333, 0x4444);
            final int ops = Rewriter.ops(from, to);
            Rewriter.apply(new UnsafeBuffer(b), 0, 20, proto, true, b.length - 20,
                new NatRewrite().set(ops, to.srcIp, to.dstIp, to.srcPort, to.dstPort, 0, Rewriter.l4Delta(from, to)));
            assertEquals(hasPorts ? 0x3333 : 0x1111, TestPackets.u16(b, 20), "proto " + proto);
            assertEquals(hasPorts ? 0x4444 : 0x2222, TestPackets.u16(b, 22), "proto " + proto);
        }
    }
}
