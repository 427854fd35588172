package io.natcore.packet;

import io.natcore.pcap.TestCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated and cut real packets, each in a buffer of exactly its length (so any read past the given length
 * throws from Agrona's bounds checks): the parser never throws and its offsets stay inside the packet.
 */
class ParserFuzzTest
{
    @Test
    void mutatedAndCutPacketsNeverThrowAndOffsetsStayInBounds() throws Exception
    {
        final List<byte[]> seeds = TestCaptures.ipv4PacketsUnder(CapturedPacketsTest.TRACES, CapturedPacketsTest.CORPUS);
        final SplittableRandom rnd = new SplittableRandom(7);
        final ParsedPacket p = new ParsedPacket();
        final Map<ParseStatus, Integer> seen = new EnumMap<>(ParseStatus.class);
        for (int n = 0; n < 300_000; n++)
        {
            final byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            final int length = rnd.nextInt(4) == 0 ? rnd.nextInt(seed.length + 1) : seed.length;
            final byte[] d = new byte[length];
            System.arraycopy(seed, 0, d, 0, length);
            final int flips = rnd.nextInt(4);
            for (int i = 0; i < flips && length > 0; i++)
            {
                final int at = rnd.nextInt(Math.min(length, rnd.nextBoolean() ? 64 : length));
                d[at] = (byte)rnd.nextInt(256);
            }
            final UnsafeBuffer b = new UnsafeBuffer(d);
            if (length >= 20 && rnd.nextBoolean())
            {
                final int hl = (d[0] & 0xF) << 2;
                if (hl >= 20 && hl <= length)
                {
                    b.putShort(10, (short)0);
                    b.putShort(10, (short)~TestPackets.sum(d, 0, hl, 0), java.nio.ByteOrder.BIG_ENDIAN);
                }
            }
            try
            {
                final ParseStatus s = PacketParser.parse(b, 0, length, p);
                assertEquals(s, p.status);
                seen.merge(s, 1, Integer::sum);
                if (!s.isL3Drop())
                {
                    assertTrue(p.totalLength <= length && p.l4Offset + p.l4Length == p.totalLength, "case " + n);
                }
                if (s.isOk() && p.isIcmpError)
                {
                    assertTrue(p.innerIpOffset + 20 <= p.l4Offset + p.l4Length, "case " + n);
                }
                Checksum.l4ChecksumValid(b, p);
            }
            catch (final RuntimeException e)
            {
                fail("case " + n + " threw " + e, e);
            }
        }
        assertTrue(seen.size() >= 12, "statuses reached: " + seen);
    }
}
