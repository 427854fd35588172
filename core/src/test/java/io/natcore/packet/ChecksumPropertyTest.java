package io.natcore.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded property loop (over a million cases): an RFC 1624 incremental update of a TCP, UDP or IPv4 header
 * checksum for a random 16- or 32-bit field change equals a full recompute after the change. One case in
 * eight picks the new value that drives the full recompute to 0 (the -0 corner).
 */
class ChecksumPropertyTest
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int CASES = 1_200_000;
    private static final int IP = 0;
    private static final int L4 = 20;

    @Test
    void incrementalUpdateEqualsFullRecomputeForRandomPacketsAndFieldChanges()
    {
        final SplittableRandom rnd = new SplittableRandom(0x5EEDL);
        final byte[] data = new byte[20 + 128];
        final UnsafeBuffer b = new UnsafeBuffer(data);
        int zeroResults = 0;
        int udpNone = 0;
        for (int n = 0; n < CASES; n++)
        {
            final int kind = rnd.nextInt(3); // 0 TCP, 1 UDP, 2 IPv4 header
            final int l4Len = 8 + rnd.nextInt(100) + (kind == 0 ? 12 : 0);
            for (int i = 0; i < 20 + l4Len; i += 8)
            {
                b.putLong(i, rnd.nextLong());
            }
            b.putByte(IP, (byte)0x45);
            b.putShort(IP + 2, (short)(20 + l4Len), NET);
            b.putByte(IP + 9, (byte)(kind == 1 ? 17 : 6));
            if (kind == 2)
            {
                zeroResults += ipCase(rnd, b) ? 1 : 0;
                continue;
            }
            final int csOff = L4 + (kind == 0 ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
            final int proto = kind == 0 ? 6 : 17;
            int src = b.getInt(IP + 12, NET);
            int dst = b.getInt(IP + 16, NET);
            if (kind == 1)
            {
                b.putShort(L4 + 4, (short)l4Len, NET);
            }
            final boolean none = kind == 1 && rnd.nextInt(16) == 0;
            int hc = none ? 0 : full(b, l4Len, src, dst, proto, csOff);
            b.putShort(csOff, (short)hc, NET);

            final int field = rnd.nextInt(4); // src ip, dst ip, src port, dst port
            final boolean wide = field < 2;
            final int fieldOff = wide ? IP + 12 + 4 * field : L4 + 2 * (field - 2);
            final int oldValue = wide ? b.getInt(fieldOff, NET) : b.getShort(fieldOff, NET) & 0xFFFF;
            int newValue = wide ? rnd.nextInt() : rnd.nextInt(0x10000);
            if (!wide && rnd.nextInt(8) == 0)
            {
                // pick the value that makes the full sum 0xFFFF (recomputed checksum 0)
                b.putShort(fieldOff, (short)0, NET);
                b.putShort(csOff, (short)0, NET);
                final int rest = TestPackets.add16(
                    TestPackets.pseudoSum(src, dst, proto, l4Len), TestPackets.sum(data, L4, L4 + l4Len - L4, 0));
                newValue = ~rest & 0xFFFF;
                b.putShort(csOff, (short)hc, NET);
            }
            final int updated;
            if (kind == 1)
            {
                updated = wide ? Checksum.updateUdp32(hc, oldValue, newValue) :
                    Checksum.updateUdp16(hc, oldValue, newValue);
            }
            else
            {
                updated = wide ? Checksum.update32(hc, oldValue, newValue) : Checksum.update16(hc, oldValue, newValue);
            }
            if (wide)
            {
                b.putInt(fieldOff, newValue, NET);
            }
            else
            {
                b.putShort(fieldOff, (short)newValue, NET);
            }
            src = b.getInt(IP + 12, NET);
            dst = b.getInt(IP + 16, NET);
            final int expected = none ? 0 : full(b, l4Len, src, dst, proto, csOff);
            if (updated != expected)
            {
                fail("case " + n + " kind " + kind + " field " + field + " hc " + Integer.toHexString(hc) +
                    " old " + Integer.toHexString(oldValue) + " new " + Integer.toHexString(newValue) +
                    " updated " + Integer.toHexString(updated) + " expected " + Integer.toHexString(expected));
            }
            zeroResults += (expected == 0 || (kind == 1 && expected == 0xFFFF && !none)) ? 1 : 0;
            udpNone += none ? 1 : 0;
        }
        assertTrue(zeroResults > 10_000, "the -0 corner was exercised: " + zeroResults);
        assertTrue(udpNone > 10_000, "UDP no-checksum exercised: " + udpNone);
    }

    /** Full recompute with UDP's 0 -> 0xFFFF rule, using the (vector-tested) full checksum. */
    private static int full(
        final UnsafeBuffer b, final int l4Len, final int src, final int dst, final int proto, final int csOff)
    {
        return proto == 17 ? Checksum.udpChecksum(b, L4, l4Len, src, dst) :
            Checksum.l4Checksum(b, L4, l4Len, src, dst, proto, csOff - L4);
    }

    /** IPv4 header: change id, TTL+protocol word, or an address; returns whether the result was 0. */
    private static boolean ipCase(final SplittableRandom rnd, final UnsafeBuffer b)
    {
        final int hc = Checksum.ipv4HeaderChecksum(b, IP, 20);
        b.putShort(IP + 10, (short)hc, NET);
        final int field = rnd.nextInt(4);
        final int updated;
        if (field < 2)
        {
            final int off = IP + 12 + 4 * field;
            final int old = b.getInt(off, NET);
            final int nv = rnd.nextInt();
            updated = Checksum.update32(hc, old, nv);
            b.putInt(off, nv, NET);
        }
        else
        {
            final int off = field == 2 ? IP + 4 : IP + 8;
            final int old = b.getShort(off, NET) & 0xFFFF;
            final int nv = field == 3 ? ((old & 0xFF) | (((old >>> 8) - 1) & 0xFF) << 8) : rnd.nextInt(0x10000);
            updated = Checksum.update16(hc, old, nv);
            b.putShort(off, (short)nv, NET);
        }
        final int expected = Checksum.ipv4HeaderChecksum(b, IP, 20);
        assertEquals(expected, updated);
        b.putShort(IP + 10, (short)updated, NET);
        assertTrue(Checksum.ipv4HeaderValid(b, IP, 20));
        return expected == 0;
    }

    @Test
    void precomputedFourTupleDeltaAppliedToTcpAndUdpEqualsFullRecompute()
    {
        final SplittableRandom rnd = new SplittableRandom(0xDE17AL);
        final byte[] data = new byte[20 + 128];
        final UnsafeBuffer b = new UnsafeBuffer(data);
        for (int n = 0; n < 300_000; n++)
        {
            final boolean udp = rnd.nextBoolean();
            final int l4Len = 20 + rnd.nextInt(100);
            for (int i = 0; i < 20 + l4Len; i += 8)
            {
                b.putLong(i, rnd.nextLong());
            }
            final int proto = udp ? 17 : 6;
            final int csOff = L4 + (udp ? UdpHeader.CHECKSUM_OFFSET : TcpHeader.CHECKSUM_OFFSET);
            if (udp)
            {
                b.putShort(L4 + 4, (short)l4Len, NET);
            }
            final int s0 = b.getInt(12, NET);
            final int d0 = b.getInt(16, NET);
            final int sp0 = b.getShort(L4, NET) & 0xFFFF;
            final int dp0 = b.getShort(L4 + 2, NET) & 0xFFFF;
            final int hc = full(b, l4Len, s0, d0, proto, csOff);
            b.putShort(csOff, (short)hc, NET);
            // the engine's case: only some fields change, the others keep their value
            final int s1 = rnd.nextBoolean() ? rnd.nextInt() : s0;
            final int d1 = rnd.nextBoolean() ? rnd.nextInt() : d0;
            final int sp1 = rnd.nextBoolean() ? rnd.nextInt(0x10000) : sp0;
            final int dp1 = rnd.nextBoolean() ? rnd.nextInt(0x10000) : dp0;
            final int delta = Checksum.delta(s0, d0, sp0, dp0, s1, d1, sp1, dp1);
            final int updated = udp ? Checksum.applyDeltaUdp(hc, delta) : Checksum.applyDelta(hc, delta);
            b.putInt(12, s1, NET);
            b.putInt(16, d1, NET);
            b.putShort(L4, (short)sp1, NET);
            b.putShort(L4 + 2, (short)dp1, NET);
            assertEquals(full(b, l4Len, s1, d1, proto, csOff), updated, "case " + n);
        }
    }
}
