/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.pcap.TestCaptures;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.NatRuleSet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: one kernel trace folder (pcap with LINUX_SLL2 frames, rules.txt, box.txt), read with
 * {@link TestCaptures}.
 */
final class KernelTrace
{
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
        return TestCaptures.tracesRoot();
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
        final List<Frame> frames = new ArrayList<>();
        for (final TestCaptures.Frame f : TestCaptures.ipv4(file))
        {
            if (f.ipLength() > 0)
            {
                frames.add(new Frame(f.timeNanos(), f.sent(), f.ifIndex(), f.ip()));
            }
        }
        // Capture points stamp independently: a packet may be listed before one stamped earlier.
        frames.sort(java.util.Comparator.comparingLong(f -> f.timeNanos));
        return frames;
    }
}
