/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: capture files as lists, read with the production {@link PcapReader} (classic pcap: Ethernet with
 * VLAN tags, LINUX_SLL, LINUX_SLL2, RAW). The one capture loader of core's tests.
 */
public final class TestCaptures
{
    /** Kernel traces (the project's copies). */
    public static final Path TRACES = Path.of("../it/src/test/resources/traces");

    /** One record (index 0-based in the file): the captured bytes and where its IPv4 packet starts (-1: none). */
    public record Frame(int index, long timeNanos, boolean sent, int ifIndex, byte[] data, int ipOffset)
    {
        /** @return true when the record holds an IPv4 packet. */
        public boolean isIpv4()
        {
            return ipOffset >= 0;
        }

        /** @return bytes from the IPv4 header to the end of the capture. */
        public int ipLength()
        {
            return data.length - ipOffset;
        }

        /** @return a copy of the IPv4 packet (header onwards, as captured). */
        public byte[] ip()
        {
            final byte[] ip = new byte[ipLength()];
            System.arraycopy(data, ipOffset, ip, 0, ip.length);
            return ip;
        }
    }

    private TestCaptures()
    {
    }

    /** @return the kernel traces folder: the project's copies, else the shared ones. */
    public static Path tracesRoot()
    {
        return Files.isDirectory(TRACES) ? TRACES : Path.of("/work/shared/traces");
    }

    /**
     * @return every record of a capture file.
     * @throws IOException when the file cannot be read or is not a whole capture.
     */
    public static List<Frame> read(final Path file) throws IOException
    {
        final List<Frame> frames = new ArrayList<>();
        try
        {
            readInto(file, frames);
        }
        catch (final PcapFormatException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        return frames;
    }

    /** @return every whole record of a capture file: a file cut inside a record ends the list there (corpus files). */
    public static List<Frame> readUpToCut(final Path file) throws IOException
    {
        final List<Frame> frames = new ArrayList<>();
        try
        {
            readInto(file, frames);
        }
        catch (final PcapFormatException cut)
        {
            return frames; // keep what was whole
        }
        return frames;
    }

    /** @return the IPv4 records of a capture file, in file order. */
    public static List<Frame> ipv4(final Path file) throws IOException
    {
        final List<Frame> out = new ArrayList<>();
        for (final Frame f : read(file))
        {
            if (f.isIpv4())
            {
                out.add(f);
            }
        }
        return out;
    }

    /** @return the files under {@code dir} whose names end with {@code suffix}, sorted. */
    public static List<Path> files(final Path dir, final String suffix) throws IOException
    {
        try (var s = Files.walk(dir))
        {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** @return the IPv4 packet (header onwards) of every IPv4 record of every pcap file under the folders. */
    public static List<byte[]> ipv4PacketsUnder(final Path... dirs) throws IOException
    {
        final List<byte[]> packets = new ArrayList<>();
        for (final Path dir : dirs)
        {
            for (final Path file : files(dir, ".pcap"))
            {
                for (final Frame f : readUpToCut(file))
                {
                    if (f.isIpv4() && f.ipLength() > 0)
                    {
                        packets.add(f.ip());
                    }
                }
            }
        }
        return packets;
    }

    private static void readInto(final Path file, final List<Frame> frames) throws IOException, PcapFormatException
    {
        final PcapRecord rec = new PcapRecord();
        try (PcapReader reader = PcapReader.open(file))
        {
            while (reader.next(rec))
            {
                final byte[] data = new byte[rec.capturedLength];
                rec.buffer.getBytes(0, data);
                frames.add(new Frame(frames.size(), rec.timestampNanos, rec.isOutgoing(), rec.ifIndex, data,
                    rec.isIpv4() ? rec.ipOffset : -1));
            }
        }
    }
}
