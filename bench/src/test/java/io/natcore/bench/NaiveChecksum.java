package io.natcore.bench;

import org.agrona.DirectBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Byte-by-byte RFC 1071 checks written independently of core's Checksum, for the smoke tests. */
final class NaiveChecksum
{
    private NaiveChecksum()
    {
    }

    /** Asserts the IPv4 header checksum and the TCP, UDP or ICMP checksum of a packet at offset 0 verify. */
    static void assertIpv4AndL4Valid(final DirectBuffer b, final int length, final String what)
    {
        final int ihl = (b.getByte(0) & 0x0F) * 4;
        final int total = u16(b, 2);
        assertEquals(length, total, what + ": total length");
        assertEquals(0xFFFF, sum(b, 0, ihl, 0), what + ": IP header checksum");
        final int proto = b.getByte(9) & 0xFF;
        final int l4Length = total - ihl;
        final long pseudo = u16(b, 12) + u16(b, 14) + u16(b, 16) + u16(b, 18) + proto + l4Length;
        switch (proto)
        {
            case 6:
                assertEquals(0xFFFF, sum(b, ihl, l4Length, pseudo), what + ": TCP checksum");
                break;
            case 17:
                if (u16(b, ihl + 6) != 0)
                {
                    assertEquals(0xFFFF, sum(b, ihl, l4Length, pseudo), what + ": UDP checksum");
                }
                break;
            case 1:
                assertEquals(0xFFFF, sum(b, ihl, l4Length, 0), what + ": ICMP checksum");
                break;
            default:
                break;
        }
    }

    static int u16(final DirectBuffer b, final int at)
    {
        return (b.getByte(at) & 0xFF) << 8 | (b.getByte(at + 1) & 0xFF);
    }

    static long sum(final DirectBuffer b, final int offset, final int length, final long start)
    {
        long s = start;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = b.getByte(offset + i) & 0xFF;
            final int lo = i + 1 < length ? b.getByte(offset + i + 1) & 0xFF : 0;
            s += hi << 8 | lo;
        }
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return s;
    }
}
