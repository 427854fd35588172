package io.natcore.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Smoke test: every ChecksumBenchmark op runs after its setup, and each rewrite variant leaves a packet
 * whose checksums verify under a naive byte-by-byte RFC 1071 sum written here.
 */
class ChecksumBenchmarkTest
{
    @ParameterizedTest
    @ValueSource(ints = { 64, 1500 })
    void everyRewriteVariantKeepsBothChecksumsValidAcrossFlips(final int size)
    {
        final ChecksumBenchmark b = newBench(size);
        for (int i = 0; i < 3; i++)
        {
            b.rewriteFullRecompute();
            assertValid(b, size);
            b.rewriteIncremental();
            assertValid(b, size);
            b.rewritePrecomputedDelta();
            assertValid(b, size);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 64, 1500 })
    void rewriteMovesThePacketToTheOtherTuple(final int size)
    {
        final ChecksumBenchmark b = newBench(size);
        final int before = b.buf.getInt(12, java.nio.ByteOrder.BIG_ENDIAN);
        b.rewriteIncremental();
        assertNotEquals(before, b.buf.getInt(12, java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals(0xAC100205, b.buf.getInt(12, java.nio.ByteOrder.BIG_ENDIAN));
    }

    @ParameterizedTest
    @ValueSource(ints = { 64, 1500 })
    void singleFieldOpsAgreeWithANaiveRecompute(final int size)
    {
        final ChecksumBenchmark b = newBench(size);
        assertEquals(naiveIpChecksumFieldZeroed(b), b.ipHeaderFull());
        assertEquals(naiveTcpChecksumFieldZeroed(b, size), b.l4Full());
        // update16 + update32 of the A->B change must equal applyDelta of the A->B delta.
        final int viaDelta = b.applyDelta();
        b.update16();
        b.update32();
        b.rewritePrecomputedDelta();
        assertEquals(viaDelta, b.buf.getShort(20 + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
        assertValid(b, size);
    }

    private static ChecksumBenchmark newBench(final int size)
    {
        final ChecksumBenchmark b = new ChecksumBenchmark();
        b.size = size;
        b.setup();
        assertValid(b, size);
        return b;
    }

    private static void assertValid(final ChecksumBenchmark b, final int size)
    {
        assertEquals(0xFFFF, naiveSum(b, 0, 20, 0), "IP header checksum");
        final long pseudo = (b.buf.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(14, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(18, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) + 6 + (size - 20);
        assertEquals(0xFFFF, naiveSum(b, 20, size - 20, pseudo), "TCP checksum");
    }

    private static int naiveIpChecksumFieldZeroed(final ChecksumBenchmark b)
    {
        final int carried = b.buf.getShort(10, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return ~(int)fold(naiveSum(b, 0, 20, 0) + (~carried & 0xFFFF)) & 0xFFFF;
    }

    private static int naiveTcpChecksumFieldZeroed(final ChecksumBenchmark b, final int size)
    {
        final int carried = b.buf.getShort(36, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final long pseudo = (b.buf.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(14, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) +
            (b.buf.getShort(18, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) + 6 + (size - 20);
        return ~(int)fold(naiveSum(b, 20, size - 20, pseudo) + (~carried & 0xFFFF)) & 0xFFFF;
    }

    /** Byte-by-byte one's-complement sum (RFC 1071 section 4.1 reference algorithm), folded. */
    private static long naiveSum(final ChecksumBenchmark b, final int offset, final int length, final long start)
    {
        long sum = start;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = b.buf.getByte(offset + i) & 0xFF;
            final int lo = i + 1 < length ? b.buf.getByte(offset + i + 1) & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        return fold(sum);
    }

    private static long fold(final long value)
    {
        long s = value;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return s;
    }
}
