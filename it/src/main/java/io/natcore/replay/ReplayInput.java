/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.rules.BoxConfig;

/**
 * What {@code rewrite} and {@code show} share: the options naming a capture and the box it was taken on, and the
 * engine and replayer built from them.
 * <pre>
 *   --rules RULES --box BOX --in IN.pcap|-  [--iface NAME] [--seed N] [--sysctl SYSCTL] [--checksums verify|ip|none]
 *   [-c N] [-v]
 * </pre>
 * {@code show} also takes a trace folder instead (its rules.txt, box.txt, trace.pcap and sysctl.txt).
 */
final class ReplayInput
{
    /** The input options' lines of a command's usage. */
    static final String USAGE = String.join(System.lineSeparator(),
        "      --in - reads standard input; --iface NAME names the ingress interface for captures without one",
        "      (Ethernet, RAW, LINUX_SLL); -c N stops after N records; -v prints one line per record (number,",
        "      verdict, reason, the packet before and after); --seed N (decimal or 0x hex) fixes the NAT port/id",
        "      choice so runs repeat (default: a random seed per run, as the kernel's is); --sysctl SYSCTL sets the",
        "      conntrack timeouts from 'sysctl -a' lines (default: Linux's); --checksums verify|ip|none: which",
        "      received checksums the engine verifies (default verify; ip for a capture taken on a host with",
        "      checksum offload, whose TCP/UDP checksums are wrong); --draws-from CONNTRACK_EVENTS ('conntrack -E",
        "      -o timestamp,id' of the same traffic) makes each new connection try the kernel's NAT choice first;",
        "      each refused draw is printed as a deviation");

    /** Checksum failures above this share of the judged packets get a warning. */
    private static final double OFFLOAD_WARNING_SHARE = 0.5;

    final String name;
    final String rulesText;
    final BoxConfig box;
    final ReplayEngine engine;
    final Replayer replayer;
    final ChecksumMode checksums;
    /** The kernel's draws steering the engine (--draws-from), or null. */
    final KernelDraws draws;
    private final String in;

    private ReplayInput(final String name, final String rulesText, final BoxConfig box, final ReplayEngine engine,
        final Replayer replayer, final ChecksumMode checksums, final String in, final KernelDraws draws)
    {
        this.draws = draws;
        this.name = name;
        this.rulesText = rulesText;
        this.box = box;
        this.engine = engine;
        this.replayer = replayer;
        this.checksums = checksums;
        this.in = in;
    }

    /**
     * @param o a command's options.
     * @return {@code o} with the input options declared.
     */
    static Options declare(final Options o)
    {
        return o.value("--rules").value("--box").value("--in").value("--iface").value("--seed").value("--sysctl")
            .value("--checksums").value("--draws-from").value("-c", "--count").flag("-v", "--verbose");
    }

    /**
     * @param o          parsed options.
     * @param traceDir   a trace folder whose files stand in for --rules, --box, --in and --sysctl, or null.
     * @param factory    makes the engine.
     * @param verboseOut where -v lines go.
     * @return the engine and replayer, ready for {@link #openReader}.
     * @throws ReplayException if an option or file is wrong.
     */
    static ReplayInput open(final Options o, final Path traceDir, final EngineFactory factory,
        final PrintStream verboseOut) throws ReplayException
    {
        final String rules = pick(o, "--rules", traceDir, "rules.txt");
        final String boxFile = pick(o, "--box", traceDir, "box.txt");
        final String in = pick(o, "--in", traceDir, "trace.pcap");
        String sysctl = o.get("--sysctl");
        if (sysctl == null && traceDir != null && Files.exists(traceDir.resolve("sysctl.txt")))
        {
            sysctl = traceDir.resolve("sysctl.txt").toString();
        }
        if (rules == null || boxFile == null || in == null)
        {
            o.require("--rules", "--box", "--in");
        }
        final String rulesText = text(rules);
        final String boxText = text(boxFile);
        final String sysctlText = sysctl == null ? "" : text(sysctl);
        final BoxConfig box = TraceCheck.parseBox(boxText);
        int fixedIngress = -1;
        final String iface = o.get("--iface");
        if (iface != null)
        {
            fixedIngress = box.ifIndex(iface);
            if (fixedIngress < 0)
            {
                throw new ReplayException("--iface " + iface + ": the box file has no such interface");
            }
        }
        final ChecksumMode checksums = o.has("--checksums") ? ChecksumMode.parse(o.get("--checksums")) :
            ChecksumMode.VERIFY;
        final String drawsFrom = o.get("--draws-from");
        final KernelDraws draws = drawsFrom == null ? null : KernelDraws.parse(text(drawsFrom));
        final EngineFactory f = engineFactory(factory, o.get("--seed"), checksums);
        final ReplayEngine engine = draws == null ? f.create(rulesText, boxText, sysctlText) :
            f.create(rulesText, boxText, sysctlText, draws);
        final Replayer replayer = new Replayer(engine, box, fixedIngress).stopAfter(o.count("--count"));
        if (o.has("--verbose"))
        {
            replayer.observe(new VerboseLog(verboseOut, box));
        }
        final String name = traceDir != null ? traceDir.getFileName().toString() : "-".equals(in) ? "stdin" : in;
        return new ReplayInput(name, rulesText, box, engine, replayer, checksums, in, draws);
    }

    private static String pick(final Options o, final String option, final Path dir, final String file)
    {
        final String v = o.get(option);
        return v != null ? v : dir != null ? dir.resolve(file).toString() : null;
    }

    private static String text(final String file) throws ReplayException
    {
        return new String(TraceSource.read(Path.of(file)), StandardCharsets.UTF_8);
    }

    /** The real engine with the seed and checksums asked for; a test's own factory takes neither. */
    private static EngineFactory engineFactory(final EngineFactory factory, final String seed,
        final ChecksumMode checksums) throws ReplayException
    {
        if (factory != EngineFactory.NATCORE)
        {
            if (seed != null || checksums != ChecksumMode.VERIFY)
            {
                throw new ReplayException((seed != null ? "--seed" : "--checksums") +
                    " applies to the natcore engine only");
            }
            return factory;
        }
        return EngineFactory.natcore(seed != null, seed == null ? 0 : parseSeed(seed), checksums);
    }

    /**
     * Decimal or 0x-prefixed hexadecimal, as a signed or unsigned 64-bit value.
     *
     * @param text the seed.
     * @return its value.
     * @throws ReplayException if it is not a number.
     */
    static long parseSeed(final String text) throws ReplayException
    {
        try
        {
            final String t = text.trim();
            if (t.startsWith("0x") || t.startsWith("0X"))
            {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t);
        }
        catch (final NumberFormatException ex)
        {
            throw new ReplayException("--seed " + text + ": not a 64-bit number (decimal or 0x hex)");
        }
    }

    /**
     * @param stdin standard input, for {@code --in -}.
     * @return the capture's reader.
     * @throws IOException         if it cannot be read.
     * @throws PcapFormatException if it is not a pcap file.
     */
    PcapReader openReader(final InputStream stdin) throws IOException, PcapFormatException
    {
        return "-".equals(in) ? new PcapReader(stdin, "stdin") : PcapReader.open(Path.of(in));
    }

    /**
     * Replays the capture, with a progress line on stderr when that is a terminal.
     *
     * @param reader the capture.
     * @param sink   gets the packets the engine sends.
     * @param err    standard error.
     * @throws IOException         on a read or write error.
     * @throws PcapFormatException if the capture is malformed (the packets before it have gone to the sink).
     * @throws ReplayException     if a packet's interface is unknown or none is given.
     */
    void run(final PcapReader reader, final Replayer.Sink sink, final PrintStream err)
        throws IOException, PcapFormatException, ReplayException
    {
        final Progress progress = Progress.onTerminal(err);
        replayer.progress(progress);
        try
        {
            replayer.run(reader, sink);
        }
        finally
        {
            if (progress != null)
            {
                progress.done();
            }
        }
    }

    /**
     * Warns when most packets failed their TCP/UDP/ICMP checksum: the mark of a capture taken on a host whose NIC
     * fills in checksums (offload), which the engine then forwards untranslated as INVALID.
     *
     * @param err where the warning goes.
     */
    void warnAboutChecksums(final PrintStream err)
    {
        final VerdictSummary s = replayer.summary();
        final long bad = s.reasonTotal("L4_BAD_CHECKSUM");
        if (checksums == ChecksumMode.VERIFY && s.processed > 0 && bad > OFFLOAD_WARNING_SHARE * s.processed)
        {
            err.println("replay: warning: " + bad + " of " + s.processed + " packets had a bad TCP/UDP/ICMP " +
                "checksum and went out untranslated (INVALID); a capture taken on a host with checksum offload " +
                "looks like this: try --checksums ip");
        }
    }
}
