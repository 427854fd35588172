/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import io.natcore.replay.TestChecksums;

/**
 * Hand-built IPv4 packets for comparator tests, with checksums from {@link TestChecksums}.
 */
final class Packets
{
    static final int CLIENT = 0xC0A80105; // 192.168.1.5
    static final int MASQ = 0xAC100205;   // 172.16.2.5
    static final int SERVER = 0xAC100305; // 172.16.3.5
    static final int ROUTER = 0x0A090909; // 10.9.9.9

    private Packets()
    {
    }

    static byte[] ipv4(final int proto, final int src, final int dst, final int id, final int ttl, final byte[] l4)
    {
        final byte[] b = new byte[20 + l4.length];
        b[0] = 0x45;
        b[2] = (byte)(b.length >> 8);
        b[3] = (byte)b.length;
        b[4] = (byte)(id >> 8);
        b[5] = (byte)id;
        b[8] = (byte)ttl;
        b[9] = (byte)proto;
        put32(b, 12, src);
        put32(b, 16, dst);
        System.arraycopy(l4, 0, b, 20, l4.length);
        TestChecksums.fixIpHeader(b);
        return b;
    }

    static byte[] udp(final int src, final int sport, final int dst, final int dport, final int id, final int ttl,
        final boolean withChecksum)
    {
        final byte[] l4 = new byte[8 + 12];
        l4[0] = (byte)(sport >> 8);
        l4[1] = (byte)sport;
        l4[2] = (byte)(dport >> 8);
        l4[3] = (byte)dport;
        l4[5] = (byte)l4.length;
        for (int i = 8; i < l4.length; i++)
        {
            l4[i] = (byte)('a' + i);
        }
        if (withChecksum)
        {
            l4[6] = 1; // any non-zero: fixL4 recomputes only a present checksum
        }
        final byte[] b = ipv4(17, src, dst, id, ttl, l4);
        TestChecksums.fixL4(b);
        return b;
    }

    /** A 20-byte TCP header without payload; {@code flags} as in the header (0x02 SYN, 0x10 ACK, ...). */
    static byte[] tcp(final int src, final int sport, final int dst, final int dport, final int id, final int ttl,
        final long seq, final int flags)
    {
        final byte[] l4 = new byte[20];
        l4[0] = (byte)(sport >> 8);
        l4[1] = (byte)sport;
        l4[2] = (byte)(dport >> 8);
        l4[3] = (byte)dport;
        put32(l4, 4, (int)seq);
        l4[12] = 0x50;
        l4[13] = (byte)flags;
        l4[14] = (byte)0xFA;
        final byte[] b = ipv4(6, src, dst, id, ttl, l4);
        TestChecksums.fixL4(b);
        return b;
    }

    static byte[] icmpError(final int type, final int code, final int src, final int dst, final int id, final int ttl,
        final byte[] quoted)
    {
        final byte[] l4 = new byte[8 + quoted.length];
        l4[0] = (byte)type;
        l4[1] = (byte)code;
        System.arraycopy(quoted, 0, l4, 8, quoted.length);
        final byte[] b = ipv4(1, src, dst, id, ttl, l4);
        TestChecksums.fixL4(b);
        return b;
    }

    static void put32(final byte[] b, final int off, final int v)
    {
        b[off] = (byte)(v >>> 24);
        b[off + 1] = (byte)(v >>> 16);
        b[off + 2] = (byte)(v >>> 8);
        b[off + 3] = (byte)v;
    }

    static void setSport(final byte[] ip, final int port)
    {
        ip[20] = (byte)(port >> 8);
        ip[21] = (byte)port;
        TestChecksums.fixL4(ip);
    }
}
