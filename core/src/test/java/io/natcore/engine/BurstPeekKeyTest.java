/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The burst's key peek ({@link BurstScratch#peekKey}: a few header words, bounds checks only) must find the key the
 * full parse gives every packet the lookup sees (parsed OK, unfragmented TCP, UDP or ICMP query or reply), and when it
 * peeks a key for a packet that parses OK, that key must be the parse's. Over every received packet of the kernel
 * traces, at odd offsets, and the same mutated (bytes flipped, cut short).
 */
class BurstPeekKeyTest
{
    private static final String[] TRACES = {
        "01-dnat-within-azure", "04-snat-masquerade", "07-udp-dnat-masquerade", "08-icmp-echo-address-dnat",
        "09-icmp-errors-related", "11-many-flows", "12-udp-fragments", "13-lossy-links", "14-malformed-input"
    };

    @Test
    void peekedKeyIsTheParsedKeyOfEveryPacketTheLookupSees() throws Exception
    {
        final SplittableRandom rnd = new SplittableRandom(11);
        final BurstScratch burst = new BurstScratch();
        final ParsedPacket pkt = new ParsedPacket();
        final int zone = 3;
        int lookedUp = 0;
        for (final String name : TRACES)
        {
            for (final KernelTrace.Frame f : KernelTrace.load(name).frames)
            {
                for (int round = 0; round < 8; round++)
                {
                    final int offset = rnd.nextInt(5);
                    byte[] ip = f.ip.clone();
                    if (round > 0)
                    {
                        final int flips = 1 + rnd.nextInt(3);
                        for (int i = 0; i < flips; i++)
                        {
                            ip[rnd.nextInt(Math.min(ip.length, 48))] ^= (byte)(1 << rnd.nextInt(8));
                        }
                        if (rnd.nextInt(4) == 0)
                        {
                            ip = java.util.Arrays.copyOf(ip, rnd.nextInt(ip.length + 1));
                        }
                    }
                    final byte[] b = new byte[offset + ip.length + rnd.nextInt(3)];
                    System.arraycopy(ip, 0, b, offset, ip.length);
                    final UnsafeBuffer buf = new UnsafeBuffer(b);
                    final boolean peeked = burst.peekKey(buf, offset, ip.length, zone, 5);
                    final ParseStatus st = PacketParser.parse(buf, offset, ip.length, pkt, false, false);
                    if (!st.isOk() || pkt.isFragment || pkt.protocol == IpProtocol.ICMP && pkt.isIcmpError)
                    {
                        continue;
                    }
                    final int proto = pkt.protocol;
                    // Other ICMP types (neither query nor error) are declined and looked up after the parse.
                    final boolean keyed = proto == IpProtocol.TCP || proto == IpProtocol.UDP ||
                        proto == IpProtocol.ICMP && IcmpHeader.isQuery(pkt.icmpType);
                    final String what = name + " round " + round;
                    assertEquals(keyed, peeked, what + " proto " + proto);
                    if (keyed)
                    {
                        final int sport = proto == IpProtocol.ICMP ? pkt.icmpId : pkt.srcPort;
                        final int dport = proto == IpProtocol.ICMP ? pkt.icmpId : pkt.dstPort;
                        assertEquals(FlowKey.k0(pkt.srcIp, pkt.dstIp), burst.peekedK0(5), what);
                        assertEquals(FlowKey.k1(sport, dport, proto, zone), burst.peekedK1(5), what);
                        lookedUp++;
                    }
                }
            }
        }
        assertTrue(lookedUp > 5_000, lookedUp + " packets looked up");
    }
}
