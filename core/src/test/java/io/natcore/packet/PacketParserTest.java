package io.natcore.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One hand-made packet per parse outcome; expected fields come from the ByteBuffer builder. */
class PacketParserTest
{
    private final ParsedPacket p = new ParsedPacket();

    private ParseStatus parse(final ByteBuffer b)
    {
        return parse(b.array(), b.capacity());
    }

    private ParseStatus parse(final byte[] b, final int length)
    {
        // parse at a non-zero offset in a larger buffer to catch absolute/relative offset mix-ups
        final byte[] big = new byte[length + 13];
        System.arraycopy(b, 0, big, 5, Math.min(b.length, length));
        final ParseStatus s = PacketParser.parse(new UnsafeBuffer(big), 5, length, p);
        assertEquals(s, p.status);
        return s;
    }

    @Test
    void validSynParsesWithPortsSeqFlagsAndValidChecksum()
    {
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.SYN, new byte[0], 0);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(TestPackets.SRC, p.srcIp);
        assertEquals(TestPackets.DST, p.dstIp);
        assertEquals(6, p.protocol);
        assertEquals(41000, p.srcPort);
        assertEquals(80, p.dstPort);
        assertTrue(p.hasPorts);
        assertEquals(1000, p.tcpSeq);
        assertEquals(TcpHeader.SYN, p.tcpFlags);
        assertEquals(8192, p.tcpWindow);
        assertEquals(20, p.tcpDataOffset);
        assertEquals(5 + 20, p.l4Offset);
        assertEquals(20, p.l4Length);
        assertEquals(64, p.ttl);
        assertEquals(L4ChecksumState.VALID, p.l4ChecksumState);
        assertEquals(-1, p.tcpWindowScale);
        assertFalse(p.isFragment);
    }

    @Test
    void synOptionsYieldWindowScaleMssAndSackPermitted()
    {
        // MSS 1460, SACK-permitted, NOP, window scale 7 (20 bytes with padding NOPs)
        final byte[] opts = {2, 4, 0x05, (byte)0xb4, 4, 2, 1, 3, 3, 7, 1, 1};
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.SYN, opts, 0);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(7, p.tcpWindowScale);
        assertEquals(1460, p.tcpMss);
        assertTrue(p.tcpSackPermitted);
        assertEquals(32, p.tcpDataOffset);
    }

    @Test
    void windowScaleAbove14IsClampedTo14LikeTheKernel()
    {
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.SYN | TcpHeader.ACK, new byte[] {3, 3, 20, 0}, 0);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(14, p.tcpWindowScale);
    }

    @Test
    void laterWindowScaleOptionWinsAndAMalformedOptionStopsTheWalk()
    {
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[] {3, 3, 2, 3, 3, 5, 1, 0}, 0)));
        assertEquals(5, p.tcpWindowScale);
        // option of length 1 is silly: the walk stops before the window scale
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[] {8, 1, 3, 3, 7, 0, 0, 0}, 0)));
        assertEquals(-1, p.tcpWindowScale);
        // not a SYN: window scale is not read
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2, TcpHeader.ACK, new byte[] {3, 3, 7, 0}, 0)));
        assertEquals(-1, p.tcpWindowScale);
    }

    @Test
    void ethernetPaddingPastTotalLengthIsIgnored()
    {
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.ACK, new byte[0], 0);
        final byte[] padded = TestPackets.copy(b, 60);
        padded[50] = 0x55;
        assertEquals(ParseStatus.OK, parse(padded, 60));
        assertEquals(40, p.totalLength);
        assertEquals(20, p.l4Length);
    }

    @Test
    void fewerThan20BytesIsTooShort()
    {
        assertEquals(ParseStatus.TOO_SHORT, parse(TestPackets.copy(TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[0], 0), 19), 19));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void version6IsBadVersion()
    {
        final ByteBuffer b = TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[0], 0);
        b.put(0, (byte)0x65);
        TestPackets.fixIp(b);
        assertEquals(ParseStatus.BAD_VERSION, parse(b));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void ihl4IsIhlTooSmall()
    {
        final ByteBuffer b = TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[0], 0);
        b.put(0, (byte)0x44);
        assertEquals(ParseStatus.IHL_TOO_SMALL, parse(b));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void ihlBeyondTheBytesIsTooShort()
    {
        final ByteBuffer b = TestPackets.ipv4(6, 0, new byte[0], 64, 1, 0);
        b.put(0, (byte)0x46);
        assertEquals(ParseStatus.TOO_SHORT, parse(b));
    }

    @Test
    void totalLengthBeyondTheFrameIsDropped()
    {
        final ByteBuffer b = TestPackets.tcp(41006, 80, TcpHeader.SYN, new byte[0], 0);
        b.putShort(2, (short)400);
        TestPackets.fixIp(b);
        assertEquals(ParseStatus.TOTAL_LENGTH_BEYOND_BUFFER, parse(b));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void totalLengthBelowHeaderIsDropped()
    {
        final ByteBuffer b = TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[0], 0);
        b.putShort(2, (short)19);
        TestPackets.fixIp(b);
        assertEquals(ParseStatus.TOTAL_LENGTH_BELOW_HEADER, parse(b));
    }

    @Test
    void wrongHeaderChecksumIsDropped()
    {
        final ByteBuffer b = TestPackets.tcp(41007, 80, TcpHeader.SYN, new byte[0], 0);
        b.putShort(10, (short)0xBEEF);
        assertEquals(ParseStatus.BAD_IP_CHECKSUM, parse(b));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void nopNopNopEolOptionsAreFine()
    {
        final ByteBuffer b = TestPackets.ipv4(17, 8, new byte[] {1, 1, 1, 0}, 64, 1, 0);
        b.putShort(24 + 4, (short)8);
        TestPackets.fixL4(b, 6);
        assertEquals(ParseStatus.OK, parse(b));
        assertTrue(p.hasIpOptions);
        assertEquals(24, p.ipHeaderLength);
        assertEquals(5 + 24, p.l4Offset);
    }

    @Test
    void optionLongerThanTheHeaderIsBadIpOptions()
    {
        // record route claiming 12 bytes in a 4-byte option area
        final ByteBuffer b = TestPackets.ipv4(17, 8, new byte[] {7, 12, 4, 0}, 64, 1, 0);
        assertEquals(ParseStatus.BAD_IP_OPTIONS, parse(b));
        assertTrue(p.status.isL3Drop());
    }

    @Test
    void timestampOptionWithPointerBelow5IsBadIpOptions()
    {
        final ByteBuffer b = TestPackets.ipv4(17, 8, new byte[] {68, 8, 4, 0, 0, 0, 0, 0}, 64, 1, 0);
        assertEquals(ParseStatus.BAD_IP_OPTIONS, parse(b));
    }

    @Test
    void wrongTcpChecksumIsL4Invalid()
    {
        final ByteBuffer b = TestPackets.tcp(41001, 80, TcpHeader.SYN, new byte[0], 0);
        b.putShort(36, (short)0x1234);
        assertEquals(ParseStatus.BAD_L4_CHECKSUM, parse(b));
        assertTrue(p.status.isL4Invalid());
        assertEquals(L4ChecksumState.BAD, p.l4ChecksumState);
        assertEquals(41001, p.srcPort);
    }

    @Test
    void synPlusFinIsBadFlagsButPshEceCwrAreIgnored()
    {
        assertEquals(ParseStatus.TCP_BAD_FLAGS, parse(TestPackets.tcp(41002, 80, TcpHeader.SYN | TcpHeader.FIN, new byte[0], 0)));
        assertTrue(p.status.isL4Invalid());
        assertEquals(ParseStatus.TCP_BAD_FLAGS, parse(TestPackets.tcp(1, 2, 0, new byte[0], 0)));
        assertEquals(ParseStatus.TCP_BAD_FLAGS, parse(TestPackets.tcp(1, 2, TcpHeader.FIN, new byte[0], 0)));
        assertEquals(ParseStatus.TCP_BAD_FLAGS, parse(TestPackets.tcp(1, 2, TcpHeader.SYN | TcpHeader.RST, new byte[0], 0)));
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2,
            TcpHeader.SYN | TcpHeader.ECE | TcpHeader.CWR, new byte[0], 0)));
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2,
            TcpHeader.FIN | TcpHeader.ACK | TcpHeader.PSH, new byte[0], 3)));
        assertEquals(ParseStatus.OK, parse(TestPackets.tcp(1, 2, TcpHeader.RST, new byte[0], 0)));
    }

    @Test
    void tcpCutTo12BytesIsL4Truncated()
    {
        final ByteBuffer full = TestPackets.tcp(41003, 80, TcpHeader.SYN, new byte[0], 0);
        final ByteBuffer b = ByteBuffer.wrap(TestPackets.copy(full, 32));
        b.putShort(2, (short)32);
        TestPackets.fixIp(b);
        assertEquals(ParseStatus.L4_TRUNCATED, parse(b));
        assertTrue(p.status.isL4Invalid());
        assertEquals(41003, p.srcPort);
    }

    @Test
    void tcpDataOffset15BeyondSegmentIsBadDataOffset()
    {
        final ByteBuffer b = TestPackets.tcp(41004, 80, TcpHeader.SYN, new byte[0], 0);
        b.put(32, (byte)0xF0);
        TestPackets.fixL4(b, 16);
        assertEquals(ParseStatus.TCP_BAD_DATA_OFFSET, parse(b));
        assertTrue(p.status.isL4Invalid());
    }

    @Test
    void tcpDataOffsetBelow5IsBadDataOffset()
    {
        final ByteBuffer b = TestPackets.tcp(1, 2, TcpHeader.SYN, new byte[0], 0);
        b.put(32, (byte)0x40);
        TestPackets.fixL4(b, 16);
        assertEquals(ParseStatus.TCP_BAD_DATA_OFFSET, parse(b));
    }

    @Test
    void udpLengthBeyondDatagramIsBadLength()
    {
        final ByteBuffer b = TestPackets.udp(41009, 53, 20);
        b.putShort(24, (short)200);
        TestPackets.fixL4(b, 6);
        assertEquals(ParseStatus.UDP_BAD_LENGTH, parse(b));
        assertTrue(p.status.isL4Invalid());
        final ByteBuffer c = TestPackets.udp(41009, 53, 20);
        c.putShort(24, (short)7);
        TestPackets.fixL4(c, 6);
        assertEquals(ParseStatus.UDP_BAD_LENGTH, parse(c));
    }

    @Test
    void udpChecksumZeroMeansNoneAndIsOk()
    {
        final ByteBuffer b = TestPackets.udp(41010, 53, 20);
        b.putShort(26, (short)0);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(L4ChecksumState.NONE, p.l4ChecksumState);
        assertEquals(41010, p.srcPort);
        assertEquals(28, p.udpLength);
    }

    @Test
    void wrongUdpChecksumIsL4Invalid()
    {
        final ByteBuffer b = TestPackets.udp(5, 53, 20);
        b.put(30, (byte)'z');
        assertEquals(ParseStatus.BAD_L4_CHECKSUM, parse(b));
    }

    @Test
    void udpCutTo4BytesIsL4Truncated()
    {
        final ByteBuffer b = TestPackets.ipv4(17, 4, new byte[0], 64, 1, 0);
        assertEquals(ParseStatus.L4_TRUNCATED, parse(b));
    }

    @Test
    void icmpEchoGivesIdAsBothPorts()
    {
        assertEquals(ParseStatus.OK, parse(TestPackets.icmpEcho(8, 0x4242, 3, 56)));
        assertEquals(8, p.icmpType);
        assertEquals(0x4242, p.icmpId);
        assertEquals(3, p.icmpSeq);
        assertEquals(0x4242, p.srcPort);
        assertEquals(0x4242, p.dstPort);
        assertFalse(p.isIcmpError);
        assertEquals(L4ChecksumState.VALID, p.l4ChecksumState);
    }

    @Test
    void wrongIcmpChecksumIsL4Invalid()
    {
        final ByteBuffer b = TestPackets.icmpEcho(8, 1, 1, 8);
        b.put(30, (byte)1);
        assertEquals(ParseStatus.BAD_L4_CHECKSUM, parse(b));
    }

    @Test
    void icmpTypeAbove18IsBadType()
    {
        assertEquals(ParseStatus.ICMP_BAD_TYPE, parse(TestPackets.icmpEcho(40, 1, 1, 8)));
        assertTrue(p.status.isL4Invalid());
    }

    @Test
    void icmpShorterThan8BytesIsL4Truncated()
    {
        assertEquals(ParseStatus.L4_TRUNCATED, parse(TestPackets.ipv4(1, 4, new byte[0], 64, 1, 0)));
    }

    @Test
    void portUnreachableGivesEmbeddedHeaderAndPorts()
    {
        final ByteBuffer inner = TestPackets.udp(5555, 53, 0);
        final ByteBuffer b = TestPackets.icmpError(3, 3, inner.array());
        assertEquals(ParseStatus.OK, parse(b));
        assertTrue(p.isIcmpError);
        assertEquals(3, p.icmpType);
        assertEquals(3, p.icmpCode);
        assertEquals(5 + 28, p.innerIpOffset);
        assertEquals(20, p.innerIpHeaderLength);
        assertEquals(17, p.innerProtocol);
        assertEquals(TestPackets.SRC, p.innerSrcIp);
        assertEquals(TestPackets.DST, p.innerDstIp);
        assertEquals(5 + 48, p.innerL4Offset);
        assertTrue(p.innerHasPorts);
        assertEquals(5555, p.innerSrcPort);
        assertEquals(53, p.innerDstPort);
        assertEquals(8, p.innerL4Available);
        assertFalse(p.hasPorts);
    }

    @Test
    void timeExceededAboutAnEchoGivesTheInnerIcmpId()
    {
        final ByteBuffer inner = TestPackets.icmpEcho(8, 0x777, 1, 0);
        assertEquals(ParseStatus.OK, parse(TestPackets.icmpError(11, 0, inner.array())));
        assertEquals(1, p.innerProtocol);
        assertEquals(8, p.innerIcmpType);
        assertEquals(0x777, p.innerSrcPort);
        assertTrue(p.innerHasPorts);
    }

    @Test
    void embeddedHeaderShorterThan20IsIcmpErrorTruncated()
    {
        final byte[] quote = TestPackets.copy(TestPackets.udp(1, 2, 0), 16);
        assertEquals(ParseStatus.ICMP_ERROR_TRUNCATED, parse(TestPackets.icmpError(3, 1, quote)));
        assertTrue(p.status.isL4Invalid());
    }

    @Test
    void embeddedUdpWithOnlyTwoBytesIsIcmpErrorTruncatedButFourBytesGivePorts()
    {
        assertEquals(ParseStatus.ICMP_ERROR_TRUNCATED, parse(TestPackets.icmpError(3, 3, TestPackets.copy(TestPackets.udp(1, 2, 20), 22))));
        // the kernel's tuple needs only the ports: 4 bytes are enough (the scenario's cut quote)
        assertEquals(ParseStatus.OK, parse(TestPackets.icmpError(3, 3, TestPackets.copy(TestPackets.udp(41000, 53, 20), 24))));
        assertEquals(4, p.innerL4Available);
        assertEquals(41000, p.innerSrcPort);
    }

    @Test
    void embeddedNonFirstFragmentIsBadInner()
    {
        final ByteBuffer inner = TestPackets.ipv4(17, 8, new byte[0], 64, 1, 100);
        assertEquals(ParseStatus.ICMP_ERROR_BAD_INNER, parse(TestPackets.icmpError(3, 3, inner.array())));
    }

    @Test
    void nonFirstFragmentIsOkWithoutPorts()
    {
        final ByteBuffer b = TestPackets.ipv4(17, 64, new byte[0], 64, 999, 100);
        assertEquals(ParseStatus.OK, parse(b));
        assertTrue(p.isFragment);
        assertFalse(p.isFirstFragment);
        assertEquals(800, p.fragmentOffset);
        assertFalse(p.hasPorts);
        assertEquals(999, p.ipId);
    }

    @Test
    void firstFragmentGivesPortsWithChecksumUnverified()
    {
        final ByteBuffer b = TestPackets.ipv4(17, 8, new byte[0], 64, 1001, Ipv4Header.FLAG_MF);
        b.putShort(20, (short)41013);
        b.putShort(22, (short)53);
        b.putShort(24, (short)108);
        b.putShort(26, (short)0x1234);
        assertEquals(ParseStatus.OK, parse(b));
        assertTrue(p.isFragment);
        assertTrue(p.isFirstFragment);
        assertTrue(p.moreFragments);
        assertEquals(41013, p.srcPort);
        assertEquals(53, p.dstPort);
        assertEquals(108, p.udpLength);
        assertEquals(L4ChecksumState.UNVERIFIED, p.l4ChecksumState);
    }

    @Test
    void sctpWithZeroLengthChunkIsInvalid()
    {
        // 16 zero bytes as in the scenario: the CRC32c of zero bytes is not 0, so the CRC check fails first
        final ByteBuffer b = TestPackets.ipv4(132, 16, new byte[0], 64, 1, 0);
        assertEquals(ParseStatus.BAD_L4_CHECKSUM, parse(b));
        assertTrue(p.status.isL4Invalid());
    }

    @Test
    void sctpWithRightCrcAndZeroChunkLengthIsMalformed()
    {
        final ByteBuffer b = TestPackets.ipv4(132, 16, new byte[0], 64, 1, 0);
        b.putShort(20, (short)5000);
        b.putShort(22, (short)80);
        putSctpCrc(b);
        assertEquals(ParseStatus.SCTP_MALFORMED, parse(b));
        assertEquals(5000, p.srcPort);
    }

    @Test
    void sctpInitWithRightCrcIsOk()
    {
        final ByteBuffer b = TestPackets.ipv4(132, 32, new byte[0], 64, 1, 0);
        b.put(32, (byte)1); // INIT
        b.putShort(34, (short)20);
        putSctpCrc(b);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(L4ChecksumState.VALID, p.l4ChecksumState);
    }

    /** CRC32c with java.util.zip (independent of the parser's table), written least significant byte first. */
    private static void putSctpCrc(final ByteBuffer b)
    {
        b.putInt(28, 0);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 20, b.capacity() - 20);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(28, (int)crc.getValue());
        b.order(java.nio.ByteOrder.BIG_ENDIAN);
    }

    @Test
    void greHasNoPortsAndIsOk()
    {
        final ByteBuffer b = TestPackets.ipv4(47, 24, new byte[0], 64, 1, 0);
        assertEquals(ParseStatus.OK, parse(b));
        assertFalse(p.hasPorts);
        assertEquals(47, p.protocol);
    }

    @Test
    void ttl1IsStillOkForTheParser()
    {
        final ByteBuffer b = TestPackets.tcp(41011, 80, TcpHeader.SYN, new byte[0], 0);
        b.put(8, (byte)1);
        TestPackets.fixIp(b);
        assertEquals(ParseStatus.OK, parse(b));
        assertEquals(1, p.ttl);
    }

    @Test
    void parseL3ReadsTheHeaderOnly()
    {
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.SYN | TcpHeader.FIN, new byte[0], 0);
        assertEquals(ParseStatus.OK, PacketParser.parseL3(new UnsafeBuffer(b.array()), 0, 40, p));
        assertEquals(20, p.l4Offset);
        assertFalse(p.hasPorts);
    }

    @Test
    void skippingChecksumVerificationAcceptsBadChecksums()
    {
        final ByteBuffer b = TestPackets.tcp(41001, 80, TcpHeader.SYN, new byte[0], 0);
        b.putShort(36, (short)0x1234);
        b.putShort(10, (short)0x1234);
        assertEquals(ParseStatus.OK, PacketParser.parse(new UnsafeBuffer(b.array()), 0, 40, p, false));
        assertEquals(L4ChecksumState.UNVERIFIED, p.l4ChecksumState);
        assertEquals(41001, p.srcPort);
    }

    @Test
    void checksumL4ChecksumValidAgreesWithTheParser()
    {
        final ByteBuffer b = TestPackets.udp(5, 53, 11);
        final UnsafeBuffer u = new UnsafeBuffer(b.array());
        assertEquals(ParseStatus.OK, PacketParser.parse(u, 0, b.capacity(), p));
        assertTrue(Checksum.l4ChecksumValid(u, p));
        u.putByte(29, (byte)(u.getByte(29) + 1));
        assertFalse(Checksum.l4ChecksumValid(u, p));
    }

    @Test
    void flyweightsReadAndWriteTheSameBytesAsByteBuffer()
    {
        final ByteBuffer b = TestPackets.tcp(41000, 80, TcpHeader.SYN, new byte[] {3, 3, 7, 0}, 0);
        final UnsafeBuffer u = new UnsafeBuffer(b.array());
        final Ipv4Header ip = new Ipv4Header().wrap(u, 0);
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(44, ip.totalLength());
        assertEquals(TestPackets.SRC, ip.srcAddress());
        assertTrue(ip.checksumValid());
        ip.ttl(63).dstAddress(0xAC100305).updateChecksum();
        assertEquals(63, b.get(8));
        assertEquals(0xAC100305, b.getInt(16));
        assertEquals(~TestPackets.sum(b.array(), 0, 20, 0) & 0xFFFF, 0);
        final TcpHeader tcp = new TcpHeader().wrap(u, 20);
        assertEquals(41000, tcp.srcPort());
        assertEquals(7, tcp.windowScale());
        tcp.srcPort(1024).window(100);
        assertEquals(1024, b.getShort(20) & 0xFFFF);
        assertEquals(100, b.getShort(34));
        final UdpHeader udp = new UdpHeader().wrap(u, 20).length(9);
        assertEquals(9, b.getShort(24));
        assertEquals(9, udp.length());
        final IcmpHeader icmp = new IcmpHeader().wrap(u, 20).type(3).code(1).id(77);
        assertEquals(3, b.get(20));
        assertEquals(77, icmp.id());
        assertEquals(28, icmp.embeddedOffset());
    }
}
