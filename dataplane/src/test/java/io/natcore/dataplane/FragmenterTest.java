/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FragmenterTest
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    /** A 20-byte-header IPv4 packet of {@code total} bytes, payload bytes counting up, valid header checksum. */
    private static byte[] packet(final int total, final int flagsFrag)
    {
        final byte[] p = new byte[total];
        p[0] = 0x45;
        p[2] = (byte)(total >> 8);
        p[3] = (byte)total;
        p[4] = 0x12;
        p[5] = 0x34;
        p[6] = (byte)(flagsFrag >> 8);
        p[7] = (byte)flagsFrag;
        p[8] = 64;
        p[9] = 17;
        p[12] = (byte)192;
        p[13] = (byte)168;
        p[14] = 1;
        p[15] = 5;
        p[16] = (byte)172;
        p[17] = 16;
        p[18] = 3;
        p[19] = 5;
        for (int i = 20; i < total; i++)
        {
            p[i] = (byte)i;
        }
        final int sum = onesComplement(p, 0, 20);
        p[10] = (byte)(sum >> 8);
        p[11] = (byte)sum;
        return p;
    }

    /** RFC 1071, written out here so the test does not lean on the checksum code it exercises. */
    private static int onesComplement(final byte[] b, final int off, final int len)
    {
        long sum = 0;
        for (int i = 0; i < len; i += 2)
        {
            sum += ((b[off + i] & 0xFF) << 8) | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    @Test
    void fragmentsCarryMultiplesOfEightAndReassembleToTheOriginal()
    {
        final byte[] orig = packet(3020, 0);
        final UnsafeBuffer in = new UnsafeBuffer(orig);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2000]);
        final byte[] reassembled = new byte[3000];
        int fragments = 0;
        boolean sawLast = false;
        for (int i = 0; ; i++)
        {
            final int len = Fragmenter.write(out, 0, in, 0, orig.length, 1500, i);
            if (len == 0)
            {
                break;
            }
            fragments++;
            assertTrue(len <= 1500, "fragment " + i + " is " + len + " bytes");
            assertEquals(len, out.getShort(2, NET) & 0xFFFF, "total length");
            assertEquals(0x1234, out.getShort(4, NET) & 0xFFFF, "identification kept");
            final int flagsFrag = out.getShort(6, NET) & 0xFFFF;
            final int offset = (flagsFrag & 0x1FFF) * 8;
            final boolean more = (flagsFrag & 0x2000) != 0;
            final byte[] header = new byte[20];
            out.getBytes(0, header);
            assertEquals(0, onesComplement(header, 0, 20), "header checksum of fragment " + i);
            if (more)
            {
                assertEquals(0, (len - 20) % 8, "a non-last fragment carries a multiple of 8");
            }
            else
            {
                sawLast = true;
            }
            out.getBytes(20, reassembled, offset, len - 20);
        }
        assertEquals(3, fragments);
        assertTrue(sawLast);
        assertArrayEquals(Arrays.copyOfRange(orig, 20, orig.length), reassembled);
    }

    @Test
    void aFragmentSplitAgainKeepsItsOffsetBaseAndItsMoreFragmentsBit()
    {
        // The second of three: offset 1480 (185 units), MF set; its own last piece must keep MF.
        final byte[] orig = packet(1500, 0x2000 | 185);
        final UnsafeBuffer in = new UnsafeBuffer(orig);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2000]);
        assertEquals(596, Fragmenter.write(out, 0, in, 0, orig.length, 600, 0));
        assertEquals(0x2000 | 185, out.getShort(6, NET) & 0xFFFF);
        Fragmenter.write(out, 0, in, 0, orig.length, 600, 2);
        final int last = out.getShort(6, NET) & 0xFFFF;
        assertEquals(0x2000 | (185 + 2 * 576 / 8), last, "last piece: MF of the original, offset after two pieces");
        assertEquals(0, Fragmenter.write(out, 0, in, 0, orig.length, 600, 3));
    }
}
