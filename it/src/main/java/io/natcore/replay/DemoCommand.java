/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import io.natcore.rules.BoxConfig;
import org.agrona.concurrent.UnsafeBuffer;

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

    static int run(final String[] args, final PrintStream out, final EngineFactory factory)
        throws ReplayException, IOException, PcapFormatException
    {
        if (args.length > 2)
        {
            throw new ReplayException("demo takes at most one trace name (bundled: " +
                String.join(", ", TraceSource.bundledNames()) + ")");
        }
        final TraceSource trace = TraceSource.bundled(args.length == 2 ? args[1] : DEFAULT_TRACE);
        final BoxConfig box = TraceCheck.parseBox(trace.box());
        final ReplayEngine engine = factory.create(trace.rules(), trace.box(), trace.sysctl());
        final Replayer ingress = new Replayer(engine, box, -1);
        final VerdictSummary summary = ingress.summary();
        final TranslationLog log = new TranslationLog();
        final UnsafeBuffer work = new UnsafeBuffer(new byte[0]);
        long last = 0;
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(trace.pcap()), trace.name() + "/trace.pcap"))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                summary.records++;
                last = rec.timestampNanos;
                if (rec.isOutgoing() || !rec.isIpv4())
                {
                    if (rec.isOutgoing())
                    {
                        summary.skippedOutgoing++;
                    }
                    else
                    {
                        summary.skippedNonIpv4++;
                    }
                    continue;
                }
                final byte[] ip = Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength);
                final FlowTuple in = FlowTuple.of(ip, 0, ip.length);
                final FlowTuple quoted = FlowTuple.quotedBy(ip, 0, ip.length);
                final boolean laterFragment = FlowTuple.isLaterFragment(ip, 0, ip.length);
                final byte[] before = ip.clone();
                work.wrap(ip);
                final boolean send = engine.process(work, 0, ip.length, ingress.ingressOf(rec), rec.timestampNanos);
                summary.countLast();
                final String verdict = engine.verdictName(engine.verdict());
                if (send && !"FORWARD".equals(verdict))
                {
                    summary.sent++;
                    log.forwardedUntranslated(rec.number, before, before.length, verdict, engine.reasonName(engine.reason()));
                }
                else if (send)
                {
                    summary.sent++;
                    log.forwarded(in, FlowTuple.of(ip, 0, Replayer.ipPacketLength(work, 0, ip.length)), quoted,
                        laterFragment);
                }
                else
                {
                    log.notForwarded(rec.number, before, before.length, verdict, engine.reasonName(engine.reason()));
                }
            }
        }
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
        return 0;
    }
}
