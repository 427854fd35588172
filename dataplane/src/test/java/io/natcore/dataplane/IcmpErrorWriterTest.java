/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpErrorWriterTest
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    /**
     * Trace 14's time exceeded, as the kernel sent it (record "ICMP time exceeded in-transit" in
     * it/src/test/resources/traces/14-malformed-input/trace.pcap): about a TTL-1 SYN 192.168.1.5:41011 ->
     * 172.16.2.65:80, from 172.16.2.65 (the address the sender dialled), TOS 0xc0, TTL 64, quoting the whole
     * 40-byte packet. The identification (the kernel's counter, 0xe17e) and the header checksum over it are
     * blanked here: they are the writer's own choice.
     */
    private static final String KERNEL_ERROR_WITH_ID_0 =
        "45c000440000000040010000ac100241c0a801050b006519000000004500002800010000010649d1c0a80105ac100241a033" +
        "00500000000000000000500220007f600000";

    @Test
    void timeExceededIsTheKernelsBytesButTheIdentification()
    {
        final byte[] quoted = hex("4500002800010000010649d1c0a80105ac100241a03300500000000000000000500220007f600000");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[600]);
        final IcmpErrorWriter writer = new IcmpErrorWriter(0);
        final int len = writer.write(out, 0, 0xAC100241, new UnsafeBuffer(quoted), 0, quoted.length, 11, 0, 0);
        assertEquals(68, len);
        final byte[] got = new byte[len];
        out.getBytes(0, got);
        // the kernel's header checksum covers its identification: compare with both blanked
        got[10] = 0;
        got[11] = 0;
        assertEquals(KERNEL_ERROR_WITH_ID_0, hexOf(got));
    }

    @Test
    void theQuoteStopsAt576BytesInAll()
    {
        final byte[] big = new byte[1400];
        big[0] = 0x45;
        big[2] = (byte)(1400 >> 8);
        big[3] = (byte)(1400 & 0xFF);
        big[9] = 17;
        big[12] = 10;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2000]);
        assertEquals(576, new IcmpErrorWriter(0).write(out, 0, 1, new UnsafeBuffer(big), 0, big.length, 3, 4, 1500));
        assertEquals(1500, out.getInt(24, NET), "next-hop MTU in the second word");
    }

    @Test
    void noErrorAboutAnErrorALaterFragmentOrANonHostSource()
    {
        final byte[] p = hex("4500002800010000010649d1c0a80105ac100241a03300500000000000000000500220007f600000");
        assertTrue(IcmpErrorWriter.mayAnswer(new UnsafeBuffer(p), 0, p.length));
        final byte[] laterFragment = p.clone();
        laterFragment[7] = 1;
        assertFalse(IcmpErrorWriter.mayAnswer(new UnsafeBuffer(laterFragment), 0, p.length));
        final byte[] multicastSource = p.clone();
        multicastSource[12] = (byte)224;
        assertFalse(IcmpErrorWriter.mayAnswer(new UnsafeBuffer(multicastSource), 0, p.length));
        final byte[] icmpError = hex("45000024000100004001000ac0a80105ac1002410300000000000000");
        assertFalse(IcmpErrorWriter.mayAnswer(new UnsafeBuffer(icmpError), 0, icmpError.length));
    }

    static byte[] hex(final String s)
    {
        final byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static String hexOf(final byte[] b)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : b)
        {
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }
}
