package io.natcore.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumTest
{
    private static UnsafeBuffer hex(final String s)
    {
        final String h = s.replace(" ", "");
        final byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return new UnsafeBuffer(b);
    }

    @Test
    void rfc1071Section3ExampleSumsTo0xddf2AndChecksum0x220d()
    {
        final UnsafeBuffer b = hex("0001 f203 f4f5 f6f7");
        assertEquals(0xDDF2, Checksum.sum(b, 0, 8));
        assertEquals(0x220D, Checksum.checksum(b, 0, 8));
    }

    @Test
    void rfc1071ExampleGivesSameSumAtEveryOffsetAndAlignment()
    {
        final byte[] raw = {0x00, 0x01, (byte)0xf2, 0x03, (byte)0xf4, (byte)0xf5, (byte)0xf6, (byte)0xf7};
        for (int shift = 0; shift < 9; shift++)
        {
            final byte[] big = new byte[32];
            System.arraycopy(raw, 0, big, shift, raw.length);
            assertEquals(0xDDF2, Checksum.sum(new UnsafeBuffer(big), shift, 8), "shift " + shift);
        }
    }

    @Test
    void ipv4HeaderFromTheTextbookChecksumsTo0xe345()
    {
        final UnsafeBuffer b = hex("4500 0028 1ffd 4000 8006 0000 c0a8 3b0a c0a8 3b32");
        assertEquals(0xE345, Checksum.ipv4HeaderChecksum(b, 0, 20));
        assertFalse(Checksum.ipv4HeaderValid(b, 0, 20));
        b.putShort(10, (short)0xE345, java.nio.ByteOrder.BIG_ENDIAN);
        assertTrue(Checksum.ipv4HeaderValid(b, 0, 20));
        // computing with the right checksum already in place ignores the field
        assertEquals(0xE345, Checksum.ipv4HeaderChecksum(b, 0, 20));
    }

    @Test
    void rfc1624ExampleUpdateGivesZeroNotMinusZero()
    {
        assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void udpUpdateKeepsZeroMeaningNoChecksum()
    {
        assertEquals(0, Checksum.updateUdp16(0, 0x1234, 0x5678));
        assertEquals(0, Checksum.updateUdp32(0, 0x0A000001, 0xC0A80001));
    }

    @Test
    void udpUpdateWritesComputedZeroAs0xffff()
    {
        assertEquals(0xFFFF, Checksum.updateUdp16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void fastSumEqualsNaiveSumForRandomLengthsAndOffsets()
    {
        final SplittableRandom rnd = new SplittableRandom(42);
        final byte[] data = new byte[1600];
        final UnsafeBuffer b = new UnsafeBuffer(data);
        for (int n = 0; n < 50_000; n++)
        {
            rnd.nextBytes(data);
            final int off = rnd.nextInt(64);
            final int len = rnd.nextInt(data.length - off);
            assertEquals(TestPackets.sum(data, off, off + len - off, 0), Checksum.sum(b, off, len));
        }
    }

    @Test
    void sumOfAllOnesAndAllZerosFoldsAsOnesComplement()
    {
        final UnsafeBuffer ones = new UnsafeBuffer(new byte[1500]);
        ones.setMemory(0, 1500, (byte)0xFF);
        assertEquals(0xFFFF, Checksum.sum(ones, 0, 1500));
        assertEquals(0, Checksum.sum(new UnsafeBuffer(new byte[64]), 0, 64));
    }

    @Test
    void tcpAndUdpChecksumsMatchANaivePseudoHeaderComputation()
    {
        final ByteBuffer tcp = TestPackets.tcp(41000, 80, TcpHeader.SYN, new byte[0], 37);
        final UnsafeBuffer t = new UnsafeBuffer(tcp.array());
        assertEquals(tcp.getShort(36) & 0xFFFF, Checksum.tcpChecksum(t, 20, tcp.capacity() - 20, TestPackets.SRC, TestPackets.DST));
        assertTrue(Checksum.l4Valid(t, 20, tcp.capacity() - 20, TestPackets.SRC, TestPackets.DST, 6));

        final ByteBuffer udp = TestPackets.udp(41009, 53, 21);
        final UnsafeBuffer u = new UnsafeBuffer(udp.array());
        assertEquals(udp.getShort(26) & 0xFFFF, Checksum.udpChecksum(u, 20, udp.capacity() - 20, TestPackets.SRC, TestPackets.DST));
        assertTrue(Checksum.l4Valid(u, 20, udp.capacity() - 20, TestPackets.SRC, TestPackets.DST, 17));
        u.putByte(30, (byte)(u.getByte(30) ^ 1));
        assertFalse(Checksum.l4Valid(u, 20, udp.capacity() - 20, TestPackets.SRC, TestPackets.DST, 17));
    }

    @Test
    void icmpChecksumMatchesNaive()
    {
        final ByteBuffer echo = TestPackets.icmpEcho(8, 0x1234, 7, 33);
        final UnsafeBuffer e = new UnsafeBuffer(echo.array());
        assertEquals(echo.getShort(22) & 0xFFFF, Checksum.icmpChecksum(e, 20, echo.capacity() - 20));
    }

    @Test
    void precomputedFourTupleDeltaEqualsSequentialUpdates()
    {
        final int hc = 0x1C46;
        final int seq = Checksum.update16(Checksum.update16(
            Checksum.update32(Checksum.update32(hc, 0xC0A80105, 0xAC100205), 0xAC100241, 0xAC100305), 41000, 1024),
            80, 8080);
        final int d = Checksum.delta(0xC0A80105, 0xAC100241, 41000, 80, 0xAC100205, 0xAC100305, 1024, 8080);
        assertEquals(seq, Checksum.applyDelta(hc, d));
    }
}
