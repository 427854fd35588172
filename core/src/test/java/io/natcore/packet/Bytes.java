package io.natcore.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test-only packet builder on java.nio.ByteBuffer with its own naive (16-bit word by word) checksum, so
 * expected values never come from the code under test.
 */
final class Bytes
{
    static final int SRC = 0xC0A80105; // 192.168.1.5
    static final int DST = 0xAC100241; // 172.16.2.65

    private Bytes()
    {
    }

    /** Naive RFC 1071 sum over bytes [from, to) of an array, 16-bit words, odd byte padded. */
    static int naiveSum(final byte[] b, final int from, final int to)
    {
        long s = 0;
        for (int i = from; i < to; i += 2)
        {
            final int hi = b[i] & 0xFF;
            final int lo = i + 1 < to ? b[i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
            s = (s & 0xFFFF) + (s >>> 16);
        }
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    static int naiveAdd(final int a, final int b)
    {
        int s = a + b;
        s = (s & 0xFFFF) + (s >>> 16);
        return s;
    }

    /** Naive pseudo-header sum. */
    static int naivePseudo(final int src, final int dst, final int proto, final int len)
    {
        int s = 0;
        s = naiveAdd(s, src >>> 16);
        s = naiveAdd(s, src & 0xFFFF);
        s = naiveAdd(s, dst >>> 16);
        s = naiveAdd(s, dst & 0xFFFF);
        s = naiveAdd(s, proto);
        s = naiveAdd(s, len);
        return s;
    }

    /** IPv4 header, options given raw (length multiple of 4). Checksum filled naively. */
    static ByteBuffer ipv4(
        final int protocol, final int l4Length, final byte[] options, final int ttl, final int id, final int flagsFrag)
    {
        final int hl = 20 + options.length;
        final ByteBuffer b = ByteBuffer.allocate(hl + l4Length).order(ByteOrder.BIG_ENDIAN);
        b.put(0, (byte)(0x40 | (hl >> 2)));
        b.putShort(2, (short)(hl + l4Length));
        b.putShort(4, (short)id);
        b.putShort(6, (short)flagsFrag);
        b.put(8, (byte)ttl);
        b.put(9, (byte)protocol);
        b.putInt(12, SRC);
        b.putInt(16, DST);
        b.put(20, options);
        fixIp(b);
        return b;
    }

    static void fixIp(final ByteBuffer b)
    {
        final int hl = (b.get(0) & 0xF) << 2;
        b.putShort(10, (short)0);
        b.putShort(10, (short)~naiveSum(b.array(), 0, Math.min(hl, b.capacity())));
    }

    static int hl(final ByteBuffer b)
    {
        return (b.get(0) & 0xF) << 2;
    }

    /** Recompute the TCP/UDP checksum naively over the IP payload. */
    static void fixL4(final ByteBuffer b, final int checksumOffset)
    {
        final int hl = hl(b);
        final int len = b.capacity() - hl;
        final int proto = b.get(9) & 0xFF;
        b.putShort(hl + checksumOffset, (short)0);
        final int s = naiveAdd(naivePseudo(b.getInt(12), b.getInt(16), proto, len), naiveSum(b.array(), hl, hl + len));
        int c = ~s & 0xFFFF;
        if (proto == 17 && c == 0)
        {
            c = 0xFFFF;
        }
        b.putShort(hl + checksumOffset, (short)c);
    }

    static void fixIcmp(final ByteBuffer b)
    {
        final int hl = hl(b);
        b.putShort(hl + 2, (short)0);
        b.putShort(hl + 2, (short)~naiveSum(b.array(), hl, b.capacity()));
    }

    /** A TCP segment: 20-byte header + options + payload, checksum filled. */
    static ByteBuffer tcp(final int sport, final int dport, final int flags, final byte[] options, final int payload)
    {
        final int thl = 20 + options.length;
        final ByteBuffer b = ipv4(6, thl + payload, new byte[0], 64, 1, 0);
        final int o = 20;
        b.putShort(o, (short)sport);
        b.putShort(o + 2, (short)dport);
        b.putInt(o + 4, 1000);
        b.putInt(o + 8, 0);
        b.put(o + 12, (byte)((thl >> 2) << 4));
        b.put(o + 13, (byte)flags);
        b.putShort(o + 14, (short)8192);
        b.put(o + 20, options);
        for (int i = 0; i < payload; i++)
        {
            b.put(o + thl + i, (byte)('a' + i % 26));
        }
        fixL4(b, 16);
        return b;
    }

    static ByteBuffer udp(final int sport, final int dport, final int payload)
    {
        final ByteBuffer b = ipv4(17, 8 + payload, new byte[0], 64, 1, 0);
        b.putShort(20, (short)sport);
        b.putShort(22, (short)dport);
        b.putShort(24, (short)(8 + payload));
        for (int i = 0; i < payload; i++)
        {
            b.put(28 + i, (byte)'x');
        }
        fixL4(b, 6);
        return b;
    }

    /** ICMP error (type/code) quoting an inner datagram's first bytes. */
    static ByteBuffer icmpError(final int type, final int code, final byte[] quote)
    {
        final ByteBuffer b = ipv4(1, 8 + quote.length, new byte[0], 64, 7, 0);
        b.put(20, (byte)type);
        b.put(21, (byte)code);
        b.put(28, quote);
        fixIcmp(b);
        return b;
    }

    static ByteBuffer icmpEcho(final int type, final int id, final int seq, final int payload)
    {
        final ByteBuffer b = ipv4(1, 8 + payload, new byte[0], 64, 7, 0);
        b.put(20, (byte)type);
        b.putShort(24, (short)id);
        b.putShort(26, (short)seq);
        fixIcmp(b);
        return b;
    }

    static byte[] copy(final ByteBuffer b, final int length)
    {
        final byte[] out = new byte[length];
        System.arraycopy(b.array(), 0, out, 0, Math.min(length, b.capacity()));
        return out;
    }
}
