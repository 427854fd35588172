/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.zip.CRC32C;

import static io.natcore.engine.EngineFixture.BOX;
import static io.natcore.engine.EngineFixture.ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Port translation of SCTP and UDP-Lite as the kernel's {@code sctp_manip_pkt} and {@code udplite_manip_pkt} do it:
 * SCTP's CRC32c is computed again after the port changes; UDP-Lite's ports are real ports (its header is UDP's, the
 * length field being the checksum coverage) and its checksum, mandatory, is updated. Expected bytes are built here
 * independently: {@link CRC32C} from the JDK, the one's complement sum of {@link TestPackets}.
 */
class SctpUdpLiteTranslationTest
{
    private static final long T0 = 1_000_000_000_000L;
    private static final String RULES = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        ":POSTROUTING ACCEPT [0:0]\n" +
        "-A PREROUTING -d 172.16.2.65/32 -i eth0 -p sctp -m multiport --dports 3868 -j DNAT --to-destination 172.16.3.5:3869\n" +
        // iptables maps no UDP-Lite ports (trace 25): an address DNAT, and MASQUERADE moves a clashing port.
        "-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udplite -j DNAT --to-destination 172.16.3.5\n" +
        "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE\n" +
        "COMMIT\n";
    private static final int SCTP = 132;
    private static final int UDPLITE = 136;

    private static byte[] ipv4(final int proto, final String src, final String dst, final int l4Length)
    {
        return TestPackets.ipv4(proto, TestPackets.ip(src), TestPackets.ip(dst), 64, 0, 0, new byte[0], l4Length);
    }

    /** SCTP common header (ports, verification tag, CRC32c) and one DATA chunk of 16 bytes. */
    private static byte[] sctp(final String src, final String dst, final int sport, final int dport)
    {
        final byte[] b = ipv4(SCTP, src, dst, 12 + 16);
        TestPackets.put16(b, 20, sport);
        TestPackets.put16(b, 22, dport);
        TestPackets.put32(b, 24, 0x11223344);
        b[32] = 0;                         // DATA
        b[33] = 3;                         // B|E
        TestPackets.put16(b, 34, 16);      // chunk length
        TestPackets.put32(b, 36, 1);       // TSN
        b[44] = 'h';
        b[45] = 'i';
        putCrc32c(b);
        return b;
    }

    private static int crc32c(final byte[] b)
    {
        return crc32c(b, 20);
    }

    private static int crc32c(final byte[] b, final int from)
    {
        final byte[] l4 = java.util.Arrays.copyOfRange(b, from, b.length);
        l4[8] = l4[9] = l4[10] = l4[11] = 0;
        final CRC32C crc = new CRC32C();
        crc.update(l4);
        return (int)crc.getValue();
    }

    /** RFC 9260 appendix B: the CRC goes on the wire least significant byte first. */
    private static void putCrc32c(final byte[] b)
    {
        putCrc32c(b, 20);
    }

    private static void putCrc32c(final byte[] b, final int from)
    {
        final int c = crc32c(b, from);
        b[from + 8] = (byte)c;
        b[from + 9] = (byte)(c >>> 8);
        b[from + 10] = (byte)(c >>> 16);
        b[from + 11] = (byte)(c >>> 24);
    }

    /** UDP-Lite (RFC 3828): UDP's header with the checksum coverage in place of the length. */
    private static byte[] udplite(final String src, final String dst, final int sport, final int dport,
        final int coverage)
    {
        final byte[] b = ipv4(UDPLITE, src, dst, 8 + 12);
        TestPackets.put16(b, 20, sport);
        TestPackets.put16(b, 22, dport);
        TestPackets.put16(b, 24, coverage);
        for (int i = 28; i < b.length; i++)
        {
            b[i] = (byte)('a' + i);
        }
        putUdpLiteChecksum(b);
        return b;
    }

    /** The sender's checksum: pseudo-header (protocol 136, IP payload length), then the covered bytes. */
    private static void putUdpLiteChecksum(final byte[] b)
    {
        putUdpLiteChecksum(b, UDPLITE);
    }

    private static void putUdpLiteChecksum(final byte[] b, final int pseudoProtocol)
    {
        final int udpLength = b.length - 20;
        final int coverage = TestPackets.u16(b, 24) == 0 ? udpLength : TestPackets.u16(b, 24);
        TestPackets.put16(b, 26, 0);
        int c = TestPackets.checksum(b, 20, coverage,
            TestPackets.pseudo(TestPackets.u32(b, 12), TestPackets.u32(b, 16), pseudoProtocol, udpLength));
        TestPackets.put16(b, 26, c == 0 ? 0xFFFF : c);
    }

    private static Verdict send(final PacketProcessor p, final byte[] b)
    {
        return p.process(new UnsafeBuffer(b), 0, b.length, ETH0, T0);
    }

    @Test
    void anSctpPortRewriteCarriesAValidCrc32c() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config(BOX, RULES).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] in = sctp("172.16.2.99", "172.16.2.65", 40000, 3868);
            final byte[] out = in.clone();
            assertEquals(Verdict.FORWARD, send(p, out));

            final byte[] expected = sctp("172.16.2.99", "172.16.3.5", 40000, 3869);
            expected[8] = 63;
            TestPackets.fixIpChecksum(expected, 0);
            assertEquals(TestPackets.hex(expected), TestPackets.hex(out));
        }
    }

    @Test
    void aFragmentedSctpPacketGetsTheCrc32cOfTheWholeReassembledPacket() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config(BOX, RULES).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            // One SCTP packet (common header, a DATA chunk of 16 + 84 bytes), valid CRC, cut into 48 + 48 + 16 bytes.
            final byte[] whole = new byte[12 + 100];
            TestPackets.put16(whole, 0, 40000);
            TestPackets.put16(whole, 2, 3868);
            TestPackets.put32(whole, 4, 0x55667788);
            whole[12] = 0;
            whole[13] = 3;
            TestPackets.put16(whole, 14, 100);
            for (int i = 28; i < whole.length; i++)
            {
                whole[i] = (byte)(i * 13);
            }
            putCrc32c(whole, 0);
            final int[][] pieces = {{0, 48}, {48, 96}, {96, whole.length}};
            final byte[][] out = new byte[3][];
            for (int f = 0; f < 3; f++)
            {
                final int len = pieces[f][1] - pieces[f][0];
                final byte[] b = ipv4(SCTP, "172.16.2.99", "172.16.2.65", len);
                TestPackets.put16(b, 4, 0x5C7F);
                TestPackets.put16(b, 6, (f < 2 ? 0x2000 : 0) | pieces[f][0] / 8);
                TestPackets.fixIpChecksum(b, 0);
                System.arraycopy(whole, pieces[f][0], b, 20, len);
                out[f] = b;
                assertEquals(Verdict.HOLD, send(p, b));
            }
            assertEquals(3, p.releasedCount());
            final byte[] reassembled = new byte[whole.length];
            for (int f = 0; f < 3; f++)
            {
                assertEquals(Verdict.FORWARD, p.releasedVerdict(f));
                System.arraycopy(out[f], 20, reassembled, pieces[f][0], pieces[f][1] - pieces[f][0]);
            }
            assertEquals(3869, TestPackets.u16(reassembled, 2), "the DNAT port");
            final byte[] expected = reassembled.clone();
            putCrc32c(expected, 0);
            assertEquals(TestPackets.hex(expected), TestPackets.hex(reassembled), "CRC32c of the whole packet");
        }
    }

    @Test
    void aUdpLitePortMovedByMasqueradeCarriesAChecksumUpdatedOverItsCoverage() throws Exception
    {
        // The NIC validated the checksum (the kernel's CHECKSUM_UNNECESSARY): conntrack does not verify it.
        try (NatEngine engine = new NatEngine(EngineFixture.config(BOX, RULES)
            .checksumVerification(ChecksumVerification.IP_HEADER_ONLY).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final int coverage : new int[] {0, 8, 12})
            {
                final int sport = 41000 + coverage;
                // Two clients, one source port: the second one's port clashes on 172.16.2.5 and is moved.
                final byte[] first = udplite("192.168.1.5", "172.16.2.65", sport, 5000, coverage);
                assertEquals(Verdict.FORWARD, send(p, first), "coverage " + coverage);
                final byte[] expectedFirst = udplite("172.16.2.5", "172.16.3.5", sport, 5000, coverage);
                expectedFirst[8] = 63;
                TestPackets.fixIpChecksum(expectedFirst, 0);
                assertEquals(TestPackets.hex(expectedFirst), TestPackets.hex(first), "coverage " + coverage);

                final byte[] second = udplite("192.168.1.6", "172.16.2.65", sport, 5000, coverage);
                assertEquals(Verdict.FORWARD, send(p, second), "coverage " + coverage);
                final int moved = TestPackets.u16(second, 20);
                assertNotEquals(sport, moved, "the clashing port was moved");
                final byte[] expectedSecond = udplite("172.16.2.5", "172.16.3.5", moved, 5000, coverage);
                expectedSecond[8] = 63;
                TestPackets.fixIpChecksum(expectedSecond, 0);
                assertEquals(TestPackets.hex(expectedSecond), TestPackets.hex(second), "coverage " + coverage);
            }
            assertEquals(6, engine.size());
        }
    }

    @Test
    void conntrackVerifiesUdpLiteWithTheUdpProtocolInThePseudoHeaderAsTheKernelDoes() throws Exception
    {
        // udplite_error calls nf_checksum_partial(..., IPPROTO_UDP, ...): trace 25 shows the kernel leaving a datagram
        // summed as senders do (protocol 136) untranslated, and translating one summed with protocol 17.
        try (NatEngine engine = new NatEngine(EngineFixture.config(BOX, RULES).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] asSent = udplite("172.16.2.99", "172.16.2.65", 41200, 5000, 0);
            assertEquals(Verdict.INVALID, send(p, asSent));
            assertEquals(Reason.L4_BAD_CHECKSUM, p.reason());

            final byte[] udpSummed = udplite("172.16.2.99", "172.16.2.65", 41201, 5000, 0);
            putUdpLiteChecksum(udpSummed, 17);
            assertEquals(Verdict.FORWARD, send(p, udpSummed));
            assertEquals("172.16.3.5", TestPackets.dst(udpSummed));
            assertEquals(1, engine.size());
        }
    }

    @Test
    void aUdpLiteDatagramWithoutChecksumOrWithABadCoverageIsInvalid() throws Exception
    {
        // nf_conntrack_proto_udp.c udplite_error: coverage 1-7 or beyond the datagram, and checksum 0, are INVALID.
        try (NatEngine engine = new NatEngine(EngineFixture.config(BOX, RULES).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] noChecksum = udplite("172.16.2.99", "172.16.2.65", 41100, 5000, 0);
            TestPackets.put16(noChecksum, 26, 0);
            assertEquals(Verdict.INVALID, send(p, noChecksum));
            assertEquals(Reason.UDPLITE_NO_CHECKSUM, p.reason());

            for (final int coverage : new int[] {4, 21})
            {
                final byte[] bad = udplite("172.16.2.99", "172.16.2.65", 41101, 5000, coverage == 4 ? 8 : 0);
                TestPackets.put16(bad, 24, coverage);
                assertEquals(Verdict.INVALID, send(p, bad), "coverage " + coverage);
                assertEquals(Reason.UDPLITE_BAD_COVERAGE, p.reason(), "coverage " + coverage);
            }
            assertEquals(0, engine.size());
        }
    }
}
