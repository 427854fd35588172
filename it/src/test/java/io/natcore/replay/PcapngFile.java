/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test's own pcapng reader, written from the format's specification (draft-ietf-opsawg-pcapng) and sharing no
 * code with the writer: section header, interface descriptions (link type, if_name, if_tsresol) and enhanced
 * packets (interface id, timestamp, data, epb_flags). Either byte order; throws on anything malformed.
 */
final class PcapngFile
{
    record Interface(int linkType, String name, int tsresol)
    {
    }

    record Packet(int interfaceId, long timestamp, byte[] data, int originalLength, long flags)
    {
    }

    final List<Interface> interfaces = new ArrayList<>();
    final List<Packet> packets = new ArrayList<>();

    PcapngFile(final byte[] file)
    {
        final ByteBuffer b = ByteBuffer.wrap(file);
        if (b.getInt(0) != 0x0A0D0D0A && Integer.reverseBytes(b.getInt(0)) != 0x0A0D0D0A)
        {
            throw new IllegalArgumentException("no section header block first");
        }
        final int bom = b.order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        b.order(bom == 0x1A2B3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        if (b.getInt(8) != 0x1A2B3C4D)
        {
            throw new IllegalArgumentException("bad byte-order magic");
        }
        int at = 0;
        while (at < file.length)
        {
            final int type = b.getInt(at);
            final int length = b.getInt(at + 4);
            if (length < 12 || length % 4 != 0 || at + length > file.length || b.getInt(at + length - 4) != length)
            {
                throw new IllegalArgumentException("bad block length " + length + " at " + at);
            }
            if (type == 1)
            {
                String name = null;
                int tsresol = 6; // the specification's default: microseconds
                for (final byte[][] opt : options(b, at + 16, at + length - 4))
                {
                    final int code = opt[0][0];
                    if (code == 2)
                    {
                        name = new String(opt[1], StandardCharsets.UTF_8);
                    }
                    else if (code == 9)
                    {
                        tsresol = opt[1][0];
                    }
                }
                interfaces.add(new Interface(b.getShort(at + 8) & 0xFFFF, name, tsresol));
            }
            else if (type == 6)
            {
                final int captured = b.getInt(at + 20);
                final byte[] data = Arrays.copyOfRange(file, at + 28, at + 28 + captured);
                long flags = -1;
                for (final byte[][] opt : options(b, at + 28 + ((captured + 3) & ~3), at + length - 4))
                {
                    if (opt[0][0] == 2)
                    {
                        flags = ByteBuffer.wrap(opt[1]).order(b.order()).getInt() & 0xFFFF_FFFFL;
                    }
                }
                final long ts = (b.getInt(at + 12) & 0xFFFF_FFFFL) << 32 | (b.getInt(at + 16) & 0xFFFF_FFFFL);
                packets.add(new Packet(b.getInt(at + 8), ts, data, b.getInt(at + 24), flags));
            }
            at += length;
        }
    }

    /** Options from {@code from} to {@code end}: each as {{code}, value}; stops at opt_endofopt. */
    private static List<byte[][]> options(final ByteBuffer b, final int from, final int end)
    {
        final List<byte[][]> out = new ArrayList<>();
        int at = from;
        while (at + 4 <= end)
        {
            final int code = b.getShort(at) & 0xFFFF;
            final int len = b.getShort(at + 2) & 0xFFFF;
            if (code == 0)
            {
                break;
            }
            final byte[] value = new byte[len];
            b.get(at + 4, value);
            out.add(new byte[][] {{(byte)code}, value});
            at += 4 + ((len + 3) & ~3);
        }
        return out;
    }
}
