/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.replay.TestCaptures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The IPv4 packets of the traces and the corpus for the reliability tests, read with {@link TestCaptures}. Frames
 * that do not carry IPv4 are skipped. Test code: allocates freely.
 */
final class CapturedPackets
{

    /** One captured IPv4 packet. */
    static final class Packet
    {
        /** Bytes from the IPv4 header to the end of the captured frame. */
        final byte[] ip;
        /** Interface index (SLL2), else 0. */
        final int ifIndex;
        /** True when the capturing box sent it (SLL/SLL2 packet type 4). */
        final boolean sentByBox;
        /** Capture timestamp in nanoseconds. */
        final long timeNanos;
        /** Which file it came from. */
        final String source;

        Packet(final byte[] ip, final int ifIndex, final boolean sentByBox, final long timeNanos, final String source)
        {
            this.ip = ip;
            this.ifIndex = ifIndex;
            this.sentByBox = sentByBox;
            this.timeNanos = timeNanos;
            this.source = source;
        }
    }

    private CapturedPackets()
    {
    }

    /** Trace folders of the it module (each with trace.pcap, rules.txt, box.txt), sorted. */
    static List<Path> traceDirs()
    {
        final Path root = Path.of("src/test/resources/traces");
        try (Stream<Path> s = Files.list(root))
        {
            return s.filter(p -> Files.isRegularFile(p.resolve("trace.pcap"))).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Every pcap of the shared corpus copy in the core module, sorted. */
    static List<Path> corpusFiles()
    {
        final Path root = Path.of("../core/src/test/resources/corpus");
        try (Stream<Path> s = Files.walk(root))
        {
            return s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The IPv4 packets of a pcap file, read with {@link TestCaptures}; a file cut mid-record ends there. */
    static List<Packet> read(final Path file)
    {
        final String source = file.getParent().getFileName() + "/" + file.getFileName();
        final List<Packet> out = new ArrayList<>();
        try
        {
            for (final TestCaptures.Packet p : TestCaptures.recordsUpToCut(file))
            {
                if (p.ipv4() && p.ip().length > 0)
                {
                    out.add(new Packet(p.ip(), Math.max(p.ifIndex(), 0), p.sent(), p.timeNanos(), source));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out;
    }
}
