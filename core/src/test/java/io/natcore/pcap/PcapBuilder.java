/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.ByteArrayOutputStream;

/**
 * Builds classic pcap bytes by hand for reader tests, laid out from the format description
 * (not from the code under test).
 */
final class PcapBuilder
{
    private final boolean bigEndian;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PcapBuilder(final boolean bigEndian, final boolean nanos, final int linkType)
    {
        this.bigEndian = bigEndian;
        int32(nanos ? 0xA1B23C4D : 0xA1B2C3D4);
        int16(2);
        int16(4);
        int32(0);
        int32(0);
        int32(65535);
        int32(linkType);
    }

    PcapBuilder record(final long seconds, final long fraction, final byte[] data)
    {
        return record(seconds, fraction, data, data.length);
    }

    PcapBuilder record(final long seconds, final long fraction, final byte[] data, final int originalLength)
    {
        int32((int)seconds);
        int32((int)fraction);
        int32(data.length);
        int32(originalLength);
        out.writeBytes(data);
        return this;
    }

    byte[] bytes()
    {
        return out.toByteArray();
    }

    private void int32(final int v)
    {
        if (bigEndian)
        {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        else
        {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }
    }

    private void int16(final int v)
    {
        if (bigEndian)
        {
            out.write(v >>> 8);
            out.write(v);
        }
        else
        {
            out.write(v);
            out.write(v >>> 8);
        }
    }

    /** A minimal IPv4 header (20 bytes, UDP, no payload) starting with the version nibble. */
    static byte[] ipv4()
    {
        return hex("4500001c00010000401100000a0000010a000002" + "0035003500080000");
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

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts)
        {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
