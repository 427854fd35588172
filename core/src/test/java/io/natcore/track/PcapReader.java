/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test view of a trace: its IPv4 packets as byte arrays with time, interface and packet type, read with
 * {@link io.natcore.pcap.PcapReader}.
 */
final class PcapReader
{
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
        final List<Packet> out = new ArrayList<>();
        final PcapRecord rec = new PcapRecord();
        try (io.natcore.pcap.PcapReader reader = io.natcore.pcap.PcapReader.open(file))
        {
            while (reader.next(rec))
            {
                if (!rec.isIpv4())
                {
                    continue;
                }
                final byte[] ip = new byte[rec.capturedLength - rec.ipOffset];
                rec.buffer.getBytes(rec.ipOffset, ip);
                out.add(new Packet((int)rec.number, rec.timestampNanos, rec.packetType, rec.ifIndex, ip));
            }
        }
        catch (final PcapFormatException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        return out;
    }
}
