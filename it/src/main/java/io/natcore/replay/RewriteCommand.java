/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapWriter;
import io.natcore.pcap.Sll2Header;
import io.natcore.rules.BoxConfig;

/**
 * {@code replay rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcap [--iface NAME] [--conntrack]
 * [--seed N] [--sysctl SYSCTL] [--draws-from CONNTRACK_EVENTS]}:
 * replays a capture through the engine and writes what it sends as LINUX_SLL2 "outgoing".
 */
final class RewriteCommand
{
    private RewriteCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final EngineFactory factory) throws ReplayException, IOException, PcapFormatException
    {
        String rules = null;
        String box = null;
        String in = null;
        String outFile = null;
        String iface = null;
        boolean conntrack = false;
        String seed = null;
        String sysctl = null;
        String drawsFrom = null;
        for (int i = 1; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--rules": rules = value(args, ++i, "--rules"); break;
                case "--box": box = value(args, ++i, "--box"); break;
                case "--in": in = value(args, ++i, "--in"); break;
                case "--out": outFile = value(args, ++i, "--out"); break;
                case "--iface": iface = value(args, ++i, "--iface"); break;
                case "--conntrack": conntrack = true; break;
                case "--seed": seed = value(args, ++i, "--seed"); break;
                case "--sysctl": sysctl = value(args, ++i, "--sysctl"); break;
                case "--draws-from": drawsFrom = value(args, ++i, "--draws-from"); break;
                default: throw new ReplayException("rewrite: unknown option '" + args[i] + "' (try --help)");
            }
        }
        if (rules == null || box == null || in == null || outFile == null)
        {
            throw new ReplayException("rewrite needs --rules RULES --box BOX --in IN.pcap --out OUT.pcap");
        }
        final String rulesText = new String(TraceSource.read(Path.of(rules)), StandardCharsets.UTF_8);
        final String boxText = new String(TraceSource.read(Path.of(box)), StandardCharsets.UTF_8);
        final String sysctlText = sysctl == null ? "" :
            new String(TraceSource.read(Path.of(sysctl)), StandardCharsets.UTF_8);
        final BoxConfig boxConfig = TraceCheck.parseBox(boxText);
        int fixedIngress = -1;
        if (iface != null)
        {
            fixedIngress = boxConfig.ifIndex(iface);
            if (fixedIngress < 0)
            {
                throw new ReplayException("--iface " + iface + ": the box file has no such interface");
            }
        }
        final EngineFactory f = seed == null ? factory : seeded(factory, parseSeed(seed));
        final KernelDraws draws = drawsFrom == null ? null :
            KernelDraws.parse(new String(TraceSource.read(Path.of(drawsFrom)), StandardCharsets.UTF_8));
        final ReplayEngine engine = draws == null ? f.create(rulesText, boxText, sysctlText) :
            f.create(rulesText, boxText, sysctlText, draws);
        final Replayer replayer = new Replayer(engine, boxConfig, fixedIngress);
        try (PcapReader reader = PcapReader.open(Path.of(in));
            PcapWriter writer = PcapWriter.create(Path.of(outFile)))
        {
            replayer.run(reader, (record, ts, egressIf, buffer, offset, length) ->
                writer.writeSll2(ts, egressIf, Sll2Header.PACKET_OUTGOING, buffer, offset, length));
        }
        replayer.summary().print(out);
        out.println("wrote " + replayer.summary().sent + " packets to " + outFile);
        if (draws != null)
        {
            draws.deviations().forEach(d -> out.println("deviation: " + d));
        }
        if (conntrack)
        {
            out.println("conntrack table at the last packet:");
            engine.dumpConntrack(out, replayer.lastTimestamp());
            out.flush();
        }
        return 0;
    }

    /** The seeded real engine; a test's own factory has no seed to set, so --seed is refused for it. */
    private static EngineFactory seeded(final EngineFactory factory, final long seed) throws ReplayException
    {
        if (factory != EngineFactory.NATCORE)
        {
            throw new ReplayException("--seed applies to the natcore engine only");
        }
        return EngineFactory.natcoreSeeded(seed);
    }

    /** Decimal or 0x-prefixed hexadecimal, as a signed or unsigned 64-bit value. */
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

    static String value(final String[] args, final int i, final String option) throws ReplayException
    {
        if (i >= args.length || args[i].startsWith("--"))
        {
            throw new ReplayException(option + " needs a value");
        }
        return args[i];
    }
}
