/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader of classic pcap files with link type LINUX_SLL2 (276) or raw IPv4 (228/101):
 * enough to replay the reference traces. Not for production use (allocates per packet).
 */
final class PcapReader
{
    static final int LINKTYPE_LINUX_SLL2 = 276;
    static final int SLL2_HEADER = 20;
    static final int PACKET_OUTGOING = 4;

    /** One captured IPv4 packet. */
    static final class Packet
    {
        final int number;
        final long timeNanos;
        final int packetType;
        final int ifIndex;
        final byte[] ip;

        Packet(final int number, final long timeNanos, final int packetType, final int ifIndex, final byte[] ip)
        {
            this.number = number;
            this.timeNanos = timeNanos;
            this.packetType = packetType;
            this.ifIndex = ifIndex;
            this.ip = ip;
        }

        boolean received()
        {
            return packetType != PACKET_OUTGOING;
        }
    }

    private PcapReader()
    {
    }

    static List<Packet> read(final Path file) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D)
        {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        final boolean nanos = magic == 0xA1B23C4D;
        if (magic != 0xA1B2C3D4 && !nanos)
        {
            throw new IOException("not a classic pcap: " + file);
        }
        final int linkType = b.getInt(20) & 0x0FFFFFFF;
        final List<Packet> out = new ArrayList<>();
        int pos = 24;
        int number = 0;
        while (pos + 16 <= b.limit())
        {
            final long sec = b.getInt(pos) & 0xFFFFFFFFL;
            final long frac = b.getInt(pos + 4) & 0xFFFFFFFFL;
            final int caplen = b.getInt(pos + 8);
            pos += 16;
            number++;
            final long time = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
            int start = pos;
            int type = 0;
            int ifIndex = 0;
            if (linkType == LINKTYPE_LINUX_SLL2)
            {
                final int protocol = ((b.get(pos) & 0xFF) << 8) | (b.get(pos + 1) & 0xFF);
                ifIndex = ((b.get(pos + 4) & 0xFF) << 24) | ((b.get(pos + 5) & 0xFF) << 16) |
                    ((b.get(pos + 6) & 0xFF) << 8) | (b.get(pos + 7) & 0xFF);
                type = b.get(pos + 10) & 0xFF;
                start = pos + SLL2_HEADER;
                if (protocol != 0x0800)
                {
                    pos += caplen;
                    continue;
                }
            }
            final byte[] ip = new byte[pos + caplen - start];
            b.get(start, ip);
            out.add(new Packet(number, time, type, ifIndex, ip));
            pos += caplen;
        }
        return out;
    }
}
