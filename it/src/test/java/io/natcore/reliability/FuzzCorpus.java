/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets fuzzing starts from: every IPv4 packet of the it traces and of the shared corpus copy, plus the
 * figures the tests print (seed, packet count). The count and seed come from system properties so the long run is
 * the same test with bigger numbers:
 * {@code -Dnatcore.fuzz.packets=10000000 -Dnatcore.fuzz.seed=...}.
 */
final class FuzzCorpus
{
    /** Default seed: fixed so CI is reproducible; override with {@code -Dnatcore.fuzz.seed}. */
    static final long DEFAULT_SEED = 0x5EED_F022_2026L;

    private FuzzCorpus()
    {
    }

    static long seed()
    {
        final String s = System.getProperty("natcore.fuzz.seed");
        return s == null || s.isBlank() ? DEFAULT_SEED : Long.decode(s.trim());
    }

    static long packets(final long ciDefault)
    {
        final String s = System.getProperty("natcore.fuzz.packets");
        return s == null || s.isBlank() ? ciDefault : Long.parseLong(s.trim().replace("_", ""));
    }

    /** Every corpus pcap's packets (not the traces). */
    static List<CapturedPackets.Packet> corpusPackets()
    {
        final List<CapturedPackets.Packet> all = new ArrayList<>();
        for (final Path p : CapturedPackets.corpusFiles())
        {
            all.addAll(CapturedPackets.read(p));
        }
        return all;
    }

    /** Every trace's packets, in trace order, then the corpus. */
    static List<CapturedPackets.Packet> allPackets()
    {
        final List<CapturedPackets.Packet> all = new ArrayList<>();
        for (final Path dir : CapturedPackets.traceDirs())
        {
            all.addAll(CapturedPackets.read(dir.resolve("trace.pcap")));
        }
        all.addAll(corpusPackets());
        return all;
    }
}
