/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;

/**
 * {@code replay show}: the demo's view of any capture: each connection as the client sent it and as the server
 * saw it, the packets not translated, the verdict counts, and with {@code --svg FILE} the same as a sequence
 * diagram.
 */
final class ShowCommand
{
    static final String USAGE = String.join(System.lineSeparator(),
        "  show (TRACE_DIR | --rules RULES --box BOX --in IN.pcap) [--svg FILE] [--iface NAME]",
        "       [--checksums verify|ip|none] [-c N] [-v] [--seed N] [--sysctl SYSCTL]",
        "      replay a capture (or a trace folder: rules.txt, box.txt, trace.pcap, sysctl.txt) and print each",
        "      connection as the client sent it ==> as the server saw it, what was not translated and the",
        "      verdicts; --svg FILE also draws them as a sequence diagram (open it in a browser);",
        ReplayInput.USAGE);

    private ShowCommand()
    {
    }

    static int run(final String[] args, final InputStream stdin, final PrintStream out, final PrintStream err,
        final EngineFactory factory) throws ReplayException, IOException, PcapFormatException
    {
        final Options o = ReplayInput.declare(new Options("show")).value("--svg").parse(args);
        if (o.positional().size() > 1)
        {
            throw new ReplayException("show takes one trace folder (try show --help)");
        }
        Path dir = null;
        if (o.positional().size() == 1)
        {
            dir = Path.of(o.positional().get(0));
            if (!Files.isDirectory(dir))
            {
                throw new ReplayException(dir + ": not a trace folder (expected a directory with rules.txt, box.txt, " +
                    "trace.pcap)");
            }
        }
        final ReplayInput input = ReplayInput.open(o, dir, factory, out);
        final TranslationLog log = new TranslationLog();
        input.replayer.observe(log);
        try (PcapReader reader = input.openReader(stdin))
        {
            input.run(reader, (record, ts, egressIf, buffer, offset, length) -> { }, err);
        }
        final StringBuilder table = new StringBuilder();
        input.engine.dumpConntrack(table, input.replayer.lastTimestamp());
        out.println("natcore show: " + input.name + " replayed through the engine");
        out.println();
        log.print(out, input.rulesText, input.box::isLocalAddress, table.toString());
        out.println();
        out.println("Verdicts:");
        input.replayer.summary().print(out);
        if (o.has("--svg"))
        {
            SequenceDiagram.write(Path.of(o.get("--svg")), input.name, log, input.rulesText, input.box::isLocalAddress,
                out);
        }
        out.flush();
        input.warnAboutChecksums(err);
        return 0;
    }
}
