/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;

/**
 * {@code replay rewrite}: replays a capture through the engine and writes what it sends, as pcapng (interface
 * names, outbound flag) or classic pcap (LINUX_SLL2 "outgoing"), to a file or standard output.
 */
final class RewriteCommand
{
    static final String USAGE = String.join(System.lineSeparator(),
        "  rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcapng [--format pcapng|pcap] [--iface NAME]",
        "          [--checksums verify|ip|none] [-c N] [-v] [--connections] [--conntrack] [--seed N] [--sysctl SYSCTL]",
        "      feed every received packet of IN.pcap through the engine (clock = pcap timestamps) and write what",
        "      it sends to OUT: pcapng with the box's interface names and the outbound flag (default), or classic",
        "      pcap (LINUX_SLL2, outgoing, egress interface index); --out - writes standard output and the summary",
        "      goes to stderr (rewrite ... --out - | tcpdump -r -); --connections prints each connection as the",
        "      client sent it and as the server saw it; --conntrack prints the final connection table;",
        ReplayInput.USAGE);

    private RewriteCommand()
    {
    }

    static int run(final String[] args, final InputStream stdin, final PrintStream out, final PrintStream err,
        final EngineFactory factory) throws ReplayException, IOException, PcapFormatException
    {
        final Options o = ReplayInput.declare(new Options("rewrite")).value("--out").value("--format")
            .flag("--conntrack").flag("--connections").parse(args);
        if (!o.positional().isEmpty())
        {
            throw new ReplayException("rewrite: unexpected argument '" + o.positional().get(0) + "' (try rewrite --help)");
        }
        o.require("--rules", "--box", "--in", "--out");
        final String outFile = o.get("--out");
        // With the packets on standard output, everything else goes to stderr.
        final PrintStream report = "-".equals(outFile) ? err : out;
        final ReplayInput input = ReplayInput.open(o, null, factory, report);
        final TranslationLog log = new TranslationLog();
        if (o.has("--connections"))
        {
            input.replayer.observe(log);
        }
        PcapFormatException readError = null;
        // A file that is no capture fails here, before OUT is created.
        try (PcapReader reader = input.openReader(stdin))
        {
            try (PacketOutput output = PacketOutput.open(outFile, out,
                o.has("--format") ? o.get("--format") : "pcapng", input.box))
            {
                input.run(reader, output, err);
            }
            catch (final PcapFormatException ex)
            {
                readError = ex; // as tcpdump: what came before is written, then the error
            }
        }
        final VerdictSummary summary = input.replayer.summary();
        summary.print(report);
        report.println("wrote " + summary.sent + " packets to " + ("-".equals(outFile) ? "standard output" : outFile) +
            (readError != null ? " (the complete records before the error)" : ""));
        if (input.draws != null)
        {
            input.draws.deviations().forEach(d -> report.println("deviation: " + d));
        }
        if (o.has("--connections"))
        {
            final StringBuilder table = new StringBuilder();
            input.engine.dumpConntrack(table, input.replayer.lastTimestamp());
            report.println();
            log.print(report, input.rulesText, input.box::isLocalAddress, table.toString());
        }
        if (o.has("--conntrack"))
        {
            report.println("conntrack table at the last packet:");
            input.engine.dumpConntrack(report, input.replayer.lastTimestamp());
        }
        report.flush();
        input.warnAboutChecksums(err);
        if (readError != null)
        {
            throw readError;
        }
        return 0;
    }
}
