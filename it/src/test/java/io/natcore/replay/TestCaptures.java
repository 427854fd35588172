/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: a capture file's records as a list, read with the production {@link PcapReader}. The one capture
 * loader of the {@code it} module's tests.
 */
public final class TestCaptures
{
    /**
     * One record.
     *
     * @param number    record number in the file, 1-based.
     * @param timeNanos capture time.
     * @param sent      a cooked capture marked it as sent by the capturing host.
     * @param ifIndex   interface index (-1 when the format has none).
     * @param ipv4      it holds an IPv4 packet.
     * @param ip        the IPv4 packet as captured (empty when none).
     */
    public record Packet(long number, long timeNanos, boolean sent, int ifIndex, boolean ipv4, byte[] ip)
    {
    }

    private TestCaptures()
    {
    }

    /**
     * @return every record of a capture file, in file order.
     * @throws IOException when the file cannot be read or is not a whole capture.
     */
    public static List<Packet> records(final Path file) throws IOException
    {
        final List<Packet> out = new ArrayList<>();
        try
        {
            readInto(file, out);
        }
        catch (final PcapFormatException ex)
        {
            throw new IOException(file + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    /** @return the IPv4 records of a capture file, in file order. */
    public static List<Packet> ipv4(final Path file) throws IOException
    {
        final List<Packet> out = new ArrayList<>();
        for (final Packet p : records(file))
        {
            if (p.ipv4())
            {
                out.add(p);
            }
        }
        return out;
    }

    /** @return the whole records of a capture file: a file cut inside a record ends the list there (corpus files). */
    public static List<Packet> recordsUpToCut(final Path file) throws IOException
    {
        final List<Packet> out = new ArrayList<>();
        try
        {
            readInto(file, out);
        }
        catch (final PcapFormatException cut)
        {
            return out;
        }
        return out;
    }

    private static void readInto(final Path file, final List<Packet> out) throws IOException, PcapFormatException
    {
        final PcapRecord rec = new PcapRecord();
        try (PcapReader reader = PcapReader.open(file))
        {
            while (reader.next(rec))
            {
                final byte[] ip = new byte[rec.isIpv4() ? rec.ipLength : 0];
                if (ip.length > 0)
                {
                    rec.buffer.getBytes(rec.ipOffset, ip);
                }
                out.add(new Packet(rec.number, rec.timestampNanos, rec.isOutgoing(), rec.ifIndex, rec.isIpv4(), ip));
            }
        }
    }
}
