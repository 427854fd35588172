/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.rules.BoxConfig;

/**
 * {@code replay demo [TRACE]}: replays a bundled reference trace and prints the translations as
 * a network engineer thinks of them: who talked to whom, which address the server saw, the
 * connection states at the end, and a verdict summary.
 */
final class DemoCommand
{
    /** The trace the README's main command shows. */
    static final String DEFAULT_TRACE = "05-reverse-dnat-to-onprem";

    private DemoCommand()
    {
    }

    static final String USAGE = String.join(System.lineSeparator(),
        "  demo [TRACE] [--svg FILE]",
        "      replay a bundled kernel trace (default " + DEFAULT_TRACE + ") and print who talked",
        "      to whom, what the server saw, the connection states and the verdicts; --svg FILE also draws",
        "      the connections as a sequence diagram (open it in a browser)");

    static int run(final String[] args, final PrintStream out, final EngineFactory factory)
        throws ReplayException, IOException, PcapFormatException
    {
        final Options o = new Options("demo").value("--svg").parse(args);
        if (o.positional().size() > 1)
        {
            throw new ReplayException("demo takes at most one trace name (bundled: " +
                String.join(", ", TraceSource.bundledNames()) + ")");
        }
        final TraceSource trace = TraceSource.bundled(o.positional().isEmpty() ? DEFAULT_TRACE : o.positional().get(0));
        final BoxConfig box = TraceCheck.parseBox(trace.box());
        final ReplayEngine engine = factory.create(trace.rules(), trace.box(), trace.sysctl());
        final Replayer replayer = new Replayer(engine, box, -1);
        final VerdictSummary summary = replayer.summary();
        final TranslationLog log = new TranslationLog();
        replayer.observe(log);
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(trace.pcap()), trace.name() + "/trace.pcap"))
        {
            replayer.run(reader, (record, ts, egressIf, buffer, offset, length) -> { });
        }
        final long last = replayer.lastTimestamp();
        final StringBuilder dump = new StringBuilder();
        engine.dumpConntrack(dump, last);

        out.println("natcore demo: the bundled kernel trace '" + trace.name() + "' replayed through the engine");
        out.println();
        out.println("NAT rules (iptables-save, as the kernel ran them):");
        for (final String line : trace.rules().split("\n"))
        {
            if (line.startsWith("-A "))
            {
                out.println("  " + line);
            }
        }
        out.println();
        out.println("The lab: on-premises VMs 192.168.1.5/.6 (behind a VPN gateway), left VNet 172.16.1.5, right VNet");
        out.println("172.16.3.5, the NAT VM 172.16.2.5 (one NIC, eth0) behind a load balancer; UDRs send the published");
        out.println("addresses to it. Each line: what the client sent  ==>  what the box forwarded to the server.");
        out.println();
        log.print(out, trace.rules(), box::isLocalAddress, dump.toString());
        if (!trace.clients().isBlank())
        {
            out.println();
            out.println("What the clients printed in the real kernel run (clients.txt; RemoteAddr = what the server saw):");
            for (final String line : trace.clients().split("\n"))
            {
                out.println("  " + line);
            }
        }
        out.println();
        out.println("Verdicts:");
        summary.print(out);
        out.println();
        out.println("Connection table at the last packet (conntrack -L form):");
        out.print(dump.length() == 0 ? "  (empty)\n" : dump.toString());
        out.println();
        out.println("Other traces: " + String.join(" ", TraceSource.bundledNames()));
        out.println("Compare with the kernel: java -jar it/target/replay.jar check it/src/test/resources/traces/*/");
        if (o.has("--svg"))
        {
            SequenceDiagram.write(Path.of(o.get("--svg")), "natcore demo: " + trace.name(), log, trace.rules(),
                box::isLocalAddress, out);
        }
        return 0;
    }
}
