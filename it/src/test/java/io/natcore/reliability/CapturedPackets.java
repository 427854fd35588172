/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the IPv4 packets of classic pcap files (micro or nanosecond, either byte order) for the reliability tests.
 * Link types: Ethernet (with 802.1Q / 802.1ad tags), Linux SLL, Linux SLL2, raw IPv4. Frames that do not carry
 * IPv4 are skipped. Test code: allocates freely.
 */
final class CapturedPackets
{
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_RAW = 101;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final int LINKTYPE_IPV4 = 228;
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int ETHERTYPE_IPV4 = 0x0800;

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

    static List<Packet> read(final Path file)
    {
        try
        {
            return parse(Files.readAllBytes(file), file.getParent().getFileName() + "/" + file.getFileName());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static List<Packet> parse(final byte[] bytes, final String source)
    {
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = b.getInt(0);
        boolean nanos = false;
        if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D)
        {
            nanos = magic == 0xA1B23C4D;
        }
        else
        {
            b.order(ByteOrder.BIG_ENDIAN);
            final int m = b.getInt(0);
            if (m != 0xA1B2C3D4 && m != 0xA1B23C4D)
            {
                throw new IllegalArgumentException(source + ": not a classic pcap");
            }
            nanos = m == 0xA1B23C4D;
        }
        final int linkType = b.getInt(20) & 0xFFFF;
        final List<Packet> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= bytes.length)
        {
            final long sec = b.getInt(at) & 0xFFFF_FFFFL;
            final long frac = b.getInt(at + 4) & 0xFFFF_FFFFL;
            final int incl = b.getInt(at + 8);
            final int start = at + 16;
            if (incl < 0 || start + incl > bytes.length)
            {
                break;
            }
            final long time = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
            at = start + incl;
            final Packet p = frame(bytes, start, incl, linkType, time, source);
            if (p != null)
            {
                out.add(p);
            }
        }
        return out;
    }

    private static Packet frame(
        final byte[] bytes, final int start, final int length, final int linkType, final long time, final String source)
    {
        final ByteBuffer f = ByteBuffer.wrap(bytes, start, length).slice().order(ByteOrder.BIG_ENDIAN);
        int ipAt;
        int ifIndex = 0;
        boolean sent = false;
        switch (linkType)
        {
            case LINKTYPE_ETHERNET:
            {
                int typeAt = 12;
                while (typeAt + 2 <= length)
                {
                    final int type = f.getShort(typeAt) & 0xFFFF;
                    if (type == 0x8100 || type == 0x88A8 || type == 0x9100)
                    {
                        typeAt += 4;
                        continue;
                    }
                    if (type != ETHERTYPE_IPV4)
                    {
                        return null;
                    }
                    break;
                }
                ipAt = typeAt + 2;
                break;
            }
            case LINKTYPE_LINUX_SLL:
                if (length < 16 || (f.getShort(14) & 0xFFFF) != ETHERTYPE_IPV4)
                {
                    return null;
                }
                sent = (f.getShort(0) & 0xFFFF) == 4;
                ipAt = 16;
                break;
            case LINKTYPE_LINUX_SLL2:
                if (length < 20 || (f.getShort(0) & 0xFFFF) != ETHERTYPE_IPV4)
                {
                    return null;
                }
                ifIndex = f.getInt(4);
                sent = (f.get(10) & 0xFF) == 4;
                ipAt = 20;
                break;
            case LINKTYPE_RAW:
            case LINKTYPE_IPV4:
                ipAt = 0;
                break;
            default:
                return null;
        }
        if (ipAt >= length)
        {
            return null;
        }
        final byte[] ip = new byte[length - ipAt];
        System.arraycopy(bytes, start + ipAt, ip, 0, ip.length);
        return new Packet(ip, ifIndex, sent, time, source);
    }
}
