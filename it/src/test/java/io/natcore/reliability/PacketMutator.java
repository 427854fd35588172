/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import java.util.SplittableRandom;

import static io.natcore.replay.TestPackets.put16;
import static io.natcore.replay.TestPackets.put32;
import static io.natcore.replay.TestPackets.repairChecksums;
import static io.natcore.replay.TestPackets.u16;
import static io.natcore.replay.TestPackets.u32;

/**
 * Seeded mutations of IPv4 packets for fuzzing: bit flips, truncation, header fields set to edge values, random
 * byte runs, trailing garbage, ICMP errors around random (often real) embedded headers. After mutating it usually
 * repairs the IP and L4 checksums with its own RFC 1071 sum (independent of {@code io.natcore.packet.Checksum}),
 * so that mutated packets get past checksum validation and reach the deeper code. Not thread-safe.
 */
final class PacketMutator
{
    /** Mutation kinds, counted for the report. */
    static final String[] KINDS = {
        "unchanged", "bit flips", "truncate", "ip field edge", "l4 field edge", "random bytes", "trailing bytes",
        "icmp error", "tcp options", "swap direction" };

    private static final int[] EDGE16 = { 0, 1, 7, 8, 19, 20, 21, 59, 60, 61, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF };

    private final SplittableRandom random;
    final long[] kindCounts = new long[KINDS.length];

    PacketMutator(final long seed)
    {
        random = new SplittableRandom(seed);
    }

    SplittableRandom random()
    {
        return random;
    }

    /**
     * Mutates {@code src} into {@code out}.
     *
     * @param src      original packet (IPv4 header first).
     * @param other    another captured packet, used as an embedded header for ICMP errors.
     * @param out      destination, at least {@link GuardedPacketBuffer#MAX_PACKET} bytes.
     * @return the mutated length.
     */
    int mutate(final byte[] src, final byte[] other, final byte[] out)
    {
        int len = Math.min(src.length, out.length);
        System.arraycopy(src, 0, out, 0, len);
        final int kind = random.nextInt(10) < 2 ? 0 : 1 + random.nextInt(KINDS.length - 1);
        kindCounts[kind]++;
        switch (kind)
        {
            case 0:
                return len;
            case 1:
                len = bitFlips(out, len);
                break;
            case 2:
                return random.nextInt(Math.max(1, len)); // truncation never repaired: cut is the point
            case 3:
                ipFieldEdge(out, len);
                break;
            case 4:
                l4FieldEdge(out, len);
                break;
            case 5:
                randomBytes(out, len);
                break;
            case 6:
                len = trailingBytes(out, len);
                break;
            case 7:
                len = icmpError(out, src, other);
                break;
            case 8:
                tcpOptions(out, len);
                break;
            default:
                swapDirection(out, len);
                break;
        }
        if (random.nextInt(10) < 7)
        {
            repairChecksums(out, len);
        }
        return len;
    }

    private int bitFlips(final byte[] b, final int len)
    {
        if (len == 0)
        {
            return 0;
        }
        final int flips = 1 + random.nextInt(8);
        // Most flips in the first 64 bytes: that is where the headers are.
        final int span = random.nextBoolean() ? Math.min(len, 64) : len;
        for (int i = 0; i < flips; i++)
        {
            final int at = random.nextInt(span);
            b[at] ^= (byte)(1 << random.nextInt(8));
        }
        return len;
    }

    private int edge16(final int len)
    {
        final int r = random.nextInt(EDGE16.length + 4);
        if (r < EDGE16.length)
        {
            return EDGE16[r];
        }
        return Math.max(0, Math.min(0xFFFF, len + r - EDGE16.length - 2)); // len-2 .. len+1
    }

    private void ipFieldEdge(final byte[] b, final int len)
    {
        if (len < 20)
        {
            return;
        }
        switch (random.nextInt(7))
        {
            case 0: // version / IHL
                b[0] = (byte)((random.nextBoolean() ? 0x40 : random.nextInt(16) << 4) | random.nextInt(16));
                break;
            case 1: // total length
                put16(b, 2, edge16(len));
                break;
            case 2: // flags + fragment offset
                put16(b, 6, random.nextBoolean() ? EDGE16[random.nextInt(EDGE16.length)] :
                    (random.nextInt(8) << 13) | random.nextInt(0x2000));
                break;
            case 3: // TTL
                b[8] = (byte)(random.nextInt(3));
                break;
            case 4: // protocol
                final int[] protos = { 0, 1, 6, 17, 47, 132, 255 };
                b[9] = (byte)protos[random.nextInt(protos.length)];
                break;
            case 5: // options: IHL to the maximum, option bytes random
                b[0] = (byte)0x4F;
                for (int i = 20; i < Math.min(len, 60); i++)
                {
                    b[i] = (byte)(random.nextInt(4) == 0 ? random.nextInt(256) : (i == 20 ? 7 + random.nextInt(132) : random.nextInt(44)));
                }
                break;
            default: // addresses to edge values: zero, broadcast, loopback, multicast
                final int[] addrs = { 0, -1, 0x7F000001, 0xE0000001, 0xAC100205 };
                put32(b, random.nextBoolean() ? 12 : 16, addrs[random.nextInt(addrs.length)]);
                break;
        }
    }

    private void l4FieldEdge(final byte[] b, final int len)
    {
        if (len < 20)
        {
            return;
        }
        final int l4 = (b[0] & 0xF) * 4;
        if (l4 < 20 || l4 + 4 > len)
        {
            return;
        }
        final int proto = b[9] & 0xFF;
        if (proto == 6 && l4 + 14 <= len)
        {
            switch (random.nextInt(4))
            {
                case 0:
                    b[l4 + 12] = (byte)(random.nextInt(16) << 4); // data offset
                    break;
                case 1:
                    b[l4 + 13] = (byte)random.nextInt(256); // flags
                    break;
                case 2:
                    put32(b, l4 + 4 + 4 * random.nextInt(2), random.nextBoolean() ? random.nextInt() : -1);
                    break;
                default:
                    put16(b, l4 + random.nextInt(2) * 2, edge16(len)); // a port
                    break;
            }
        }
        else if (proto == 17 && l4 + 8 <= len)
        {
            if (random.nextBoolean())
            {
                put16(b, l4 + 4, edge16(len - l4)); // UDP length
            }
            else
            {
                put16(b, l4 + random.nextInt(2) * 2, edge16(len)); // a port
            }
        }
        else if (proto == 1)
        {
            b[l4] = (byte)random.nextInt(random.nextBoolean() ? 20 : 256);
            b[l4 + 1] = (byte)random.nextInt(random.nextBoolean() ? 16 : 256);
        }
        else
        {
            put16(b, l4, edge16(len));
        }
    }

    private void randomBytes(final byte[] b, final int len)
    {
        if (len == 0)
        {
            return;
        }
        final int at = random.nextInt(len);
        final int n = Math.min(len - at, 1 + random.nextInt(16));
        for (int i = 0; i < n; i++)
        {
            b[at + i] = (byte)random.nextInt(256);
        }
    }

    private int trailingBytes(final byte[] b, final int len)
    {
        final int extra = Math.min(b.length - len, 1 + random.nextInt(64));
        for (int i = 0; i < extra; i++)
        {
            b[len + i] = (byte)random.nextInt(256);
        }
        return len + extra;
    }

    private void tcpOptions(final byte[] b, final int len)
    {
        final int l4 = (b[0] & 0xF) * 4;
        if ((b[9] & 0xFF) != 6 || l4 < 20 || l4 + 20 > len)
        {
            return;
        }
        final int dataOffset = 5 + random.nextInt(11);
        b[l4 + 12] = (byte)(dataOffset << 4);
        final int end = Math.min(len, l4 + dataOffset * 4);
        for (int i = l4 + 20; i < end; i++)
        {
            // option kinds near the ones the tracker parses (2 MSS, 3 wscale, 4 SACK-perm, 5 SACK), lengths small
            b[i] = (byte)(random.nextInt(3) == 0 ? random.nextInt(256) : random.nextInt(8));
        }
    }

    /** Swap source and destination (addresses and ports): the packet now looks like a reply. */
    private void swapDirection(final byte[] b, final int len)
    {
        if (len < 20)
        {
            return;
        }
        final int s = u32(b, 12);
        put32(b, 12, u32(b, 16));
        put32(b, 16, s);
        final int l4 = (b[0] & 0xF) * 4;
        final int proto = b[9] & 0xFF;
        if ((proto == 6 || proto == 17) && l4 >= 20 && l4 + 4 <= len)
        {
            final int sp = u16(b, l4);
            put16(b, l4, u16(b, l4 + 2));
            put16(b, l4 + 2, sp);
        }
    }

    /**
     * An ICMP error whose embedded datagram is a captured packet (sometimes turned around, so it names a tracked
     * connection as seen from its other end), cut to a random length and sometimes corrupted.
     */
    private int icmpError(final byte[] out, final byte[] src, final byte[] other)
    {
        final byte[] inner = random.nextBoolean() ? src : other;
        final int innerCut = Math.min(inner.length, random.nextInt(4) == 0 ? random.nextInt(80) :
            20 + random.nextInt(Math.max(1, Math.min(inner.length, 576) - 19)));
        final int len = Math.min(out.length, 28 + innerCut);
        final byte[] embedded = new byte[Math.max(innerCut, 0)];
        System.arraycopy(inner, 0, embedded, 0, innerCut);
        if (random.nextBoolean())
        {
            swapDirection(embedded, embedded.length);
        }
        if (random.nextInt(3) == 0)
        {
            if (random.nextBoolean())
            {
                bitFlips(embedded, embedded.length);
            }
            else
            {
                ipFieldEdge(embedded, embedded.length);
            }
        }
        // Outer header: from the embedded packet's destination (a router on the path) back to its source.
        out[0] = 0x45;
        out[1] = 0;
        put16(out, 2, len);
        put16(out, 4, random.nextInt(0x10000));
        put16(out, 6, 0);
        out[8] = (byte)(1 + random.nextInt(64));
        out[9] = 1;
        final int innerSrc = embedded.length >= 20 ? u32(embedded, 12) : random.nextInt();
        final int innerDst = embedded.length >= 20 ? u32(embedded, 16) : random.nextInt();
        put32(out, 12, random.nextInt(4) == 0 ? random.nextInt() : innerDst);
        put32(out, 16, innerSrc);
        final int[] types = { 3, 3, 3, 11, 11, 12, 4, 5, random.nextInt(256) };
        out[20] = (byte)types[random.nextInt(types.length)];
        out[21] = (byte)random.nextInt(random.nextBoolean() ? 16 : 256);
        put16(out, 22, 0);
        put32(out, 24, random.nextInt(8) == 0 ? random.nextInt() : 0);
        System.arraycopy(embedded, 0, out, 28, len - 28);
        return len;
    }
}
