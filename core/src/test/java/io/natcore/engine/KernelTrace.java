/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.NatRuleSet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: one kernel trace folder (pcap with LINUX_SLL2 frames, rules.txt, box.txt), read independently of
 * the code under test.
 */
final class KernelTrace
{
    static final int PACKET_OUTGOING = 4;

    /** One captured IPv4 packet. */
    static final class Frame
    {
        final long timeNanos;
        final boolean sent;
        final int ifIndex;
        final byte[] ip;

        Frame(final long timeNanos, final boolean sent, final int ifIndex, final byte[] ip)
        {
            this.timeNanos = timeNanos;
            this.sent = sent;
            this.ifIndex = ifIndex;
            this.ip = ip;
        }
    }

    final String name;
    final Path dir;
    final List<Frame> frames;

    private KernelTrace(final String name, final Path dir, final List<Frame> frames)
    {
        this.name = name;
        this.dir = dir;
        this.frames = frames;
    }

    static Path root()
    {
        final Path local = Path.of("..", "it", "src", "test", "resources", "traces");
        return Files.isDirectory(local) ? local : Path.of("/work/shared/traces");
    }

    static KernelTrace load(final String name) throws IOException
    {
        final Path dir = root().resolve(name);
        return new KernelTrace(name, dir, readPcap(dir.resolve("trace.pcap")));
    }

    String text(final String file) throws IOException
    {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    NatEngineConfig.Builder config() throws Exception
    {
        final BoxConfig box = BoxConfig.parse(text("box.txt"));
        final NatRuleSet rules = IptablesSaveParser.parse(text("rules.txt")).bind(box);
        return NatEngineConfig.builder().rules(rules).box(box).capacity(4096).seed(42);
    }

    static List<Frame> readPcap(final Path file) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        final int magic = b.getInt(0);
        final ByteOrder order;
        boolean nanos = false;
        if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D)
        {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magic == 0xA1B23C4D;
        }
        else
        {
            order = ByteOrder.LITTLE_ENDIAN;
            final int m = Integer.reverseBytes(magic);
            nanos = m == 0xA1B23C4D;
        }
        b.order(order);
        final int linkType = b.getInt(20);
        if (linkType != 276)
        {
            throw new IOException("expected LINUX_SLL2, got " + linkType);
        }
        final List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit())
        {
            final long sec = b.getInt(at) & 0xFFFF_FFFFL;
            final long frac = b.getInt(at + 4) & 0xFFFF_FFFFL;
            final int caplen = b.getInt(at + 8);
            final int data = at + 16;
            final ByteBuffer frame = b.duplicate().order(ByteOrder.BIG_ENDIAN);
            final int protocol = frame.getShort(data) & 0xFFFF;
            final int ifIndex = frame.getInt(data + 4);
            final int packetType = frame.get(data + 10) & 0xFF;
            if (protocol == 0x0800 && caplen > 20)
            {
                final byte[] ip = new byte[caplen - 20];
                System.arraycopy(b.array(), data + 20, ip, 0, ip.length);
                frames.add(new Frame(sec * 1_000_000_000L + (nanos ? frac : frac * 1000), packetType == PACKET_OUTGOING,
                    ifIndex, ip));
            }
            at = data + caplen;
        }
        // Capture points stamp independently: a packet may be listed before one stamped earlier.
        frames.sort(java.util.Comparator.comparingLong(f -> f.timeNanos));
        return frames;
    }
}
