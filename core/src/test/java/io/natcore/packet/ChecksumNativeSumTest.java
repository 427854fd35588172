package io.natcore.packet;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verification sums read native-order longs, load the last 0..7 bytes with one long ending at the range's end
 * and fold with rotations. Each is checked against an independent big-endian byte-pair sum written here: every
 * length 0..300 (odd ones included) at every offset mod 8, ranges ending exactly at the buffer's capacity (the
 * tail load is the buffer's last 8 bytes), ranges starting at 0, on heap and direct buffers.
 */
class ChecksumNativeSumTest
{
    /** One's-complement sum of big-endian 16-bit words, an odd last byte padded with zero; folded, 0 only for 0. */
    private static int referenceSum(final byte[] b, final int from, final int to)
    {
        long s = 0;
        for (int i = from; i < to; i += 2)
        {
            s += ((b[i] & 0xFF) << 8) | (i + 1 < to ? b[i + 1] & 0xFF : 0);
        }
        while (s > 0xFFFF)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    private static UnsafeBuffer[] buffersOver(final byte[] data)
    {
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(data.length, 64), 0, data.length);
        direct.putBytes(0, data);
        return new UnsafeBuffer[] {new UnsafeBuffer(data), direct};
    }

    @Test
    void sumEqualsReferenceForEveryLengthAtEveryOffsetModEight()
    {
        final SplittableRandom rnd = new SplittableRandom(21);
        final byte[] data = new byte[320];
        rnd.nextBytes(data);
        int cases = 0;
        for (final UnsafeBuffer b : buffersOver(data))
        {
            for (int off = 0; off < 16; off++)
            {
                for (int len = 0; off + len <= data.length && len <= 300; len++)
                {
                    final int expected = referenceSum(data, off, off + len);
                    assertEquals(expected, Checksum.sum(b, off, len), "sum off=" + off + " len=" + len);
                    assertEquals(expected, Checksum.fold(Checksum.sumWide(b, off, len)), "sumWide off=" + off);
                    cases++;
                }
            }
        }
        assertTrue(cases > 9000);
    }

    @Test
    void rangesEndingAtTheBufferCapacityAreSummedWithoutReadingPastIt()
    {
        final SplittableRandom rnd = new SplittableRandom(22);
        for (int capacity = 1; capacity <= 80; capacity++)
        {
            final byte[] data = new byte[capacity];
            rnd.nextBytes(data);
            for (final UnsafeBuffer b : buffersOver(data))
            {
                for (int off = 0; off <= capacity; off++)
                {
                    // Bounds checks are on in the tests: a read past the capacity would throw.
                    assertEquals(referenceSum(data, off, capacity), Checksum.sum(b, off, capacity - off),
                        "capacity=" + capacity + " off=" + off);
                }
            }
        }
    }

    @Test
    void allOnesAndAllZerosKeepTheirOnesComplementMeaningAtEveryLength()
    {
        for (int len = 1; len <= 64; len++)
        {
            final byte[] ones = new byte[len];
            java.util.Arrays.fill(ones, (byte)0xFF);
            final UnsafeBuffer b = new UnsafeBuffer(ones);
            assertEquals(referenceSum(ones, 0, len), Checksum.sum(b, 0, len), "ones len=" + len);
            assertEquals(0, Checksum.sum(new UnsafeBuffer(new byte[len]), 0, len), "zeros len=" + len);
        }
    }

    @Test
    void foldEqualsARepeatedSixteenBitFoldForAnyUnsignedLong()
    {
        final SplittableRandom rnd = new SplittableRandom(23);
        final long[] corners = {0L, 1L, 0xFFFFL, 0x10000L, 0xFFFF_FFFFL, 0x1_0000_0000L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
            0xFFFF_0000_0000_0001L, 0x0001_FFFE_0000_0000L};
        for (final long v : corners)
        {
            assertEquals(referenceFold(v), Checksum.fold(v), Long.toHexString(v));
        }
        for (int n = 0; n < 1_000_000; n++)
        {
            final long v = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextLong() >>> rnd.nextInt(64);
            assertEquals(referenceFold(v), Checksum.fold(v), Long.toHexString(v));
        }
    }

    /** Unsigned v folded 16 bits at a time with end-around carry. */
    private static int referenceFold(final long v)
    {
        long s = (v & 0xFFFF) + ((v >>> 16) & 0xFFFF) + ((v >>> 32) & 0xFFFF) + (v >>> 48);
        while (s > 0xFFFF)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    @Test
    void l4AndIcmpAndHeaderVerificationAcceptCorrectSumsAndRejectAnyFlippedBit()
    {
        final SplittableRandom rnd = new SplittableRandom(24);
        final byte[] data = new byte[400];
        for (int n = 0; n < 20_000; n++)
        {
            rnd.nextBytes(data);
            final int off = rnd.nextInt(24);
            final int len = 4 + rnd.nextInt(300);
            final int src = rnd.nextInt();
            final int dst = rnd.nextInt();
            final int proto = rnd.nextBoolean() ? 6 : 17;
            // Independent pseudo-header sum: source, destination, zero+protocol, length as big-endian words.
            final long pseudo = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + proto + len;
            data[off + 2] = 0;
            data[off + 3] = 0;
            long s = referenceSum(data, off, off + len) + pseudo;
            while (s > 0xFFFF)
            {
                s = (s & 0xFFFF) + (s >>> 16);
            }
            final int checksum = ~(int)s & 0xFFFF;
            data[off + 2] = (byte)(checksum >>> 8);
            data[off + 3] = (byte)checksum;
            final UnsafeBuffer b = rnd.nextBoolean() ? new UnsafeBuffer(data) : buffersOver(data)[1];
            assertTrue(Checksum.l4Valid(b, off, len, src, dst, proto), "valid n=" + n);
            final int bit = rnd.nextInt(len * 8);
            final int at = off + (bit >>> 3);
            b.putByte(at, (byte)(b.getByte(at) ^ (1 << (bit & 7))));
            assertFalse(Checksum.l4Valid(b, off, len, src, dst, proto), "flipped bit " + bit + " n=" + n);

            // The same bytes as an ICMP message / IPv4 header: no pseudo-header.
            final UnsafeBuffer c = new UnsafeBuffer(data.clone());
            c.putShort(off + 2, (short)0);
            final int icmp = ~referenceSum(c.byteArray(), off, off + len) & 0xFFFF;
            c.putShort(off + 2, (short)icmp, ByteOrder.BIG_ENDIAN);
            assertTrue(Checksum.icmpValid(c, off, len), "icmp n=" + n);
            final int hl = 20 + 4 * rnd.nextInt(11);
            c.putShort(off + 10, (short)0);
            final int ip = ~referenceSum(c.byteArray(), off, off + hl) & 0xFFFF;
            c.putShort(off + 10, (short)ip, ByteOrder.BIG_ENDIAN);
            assertTrue(Checksum.ipv4HeaderValid(c, off, hl), "header hl=" + hl);
            c.putByte(off + 1, (byte)(c.getByte(off + 1) ^ 0x10));
            assertFalse(Checksum.ipv4HeaderValid(c, off, hl), "header flipped hl=" + hl);
        }
    }
}
