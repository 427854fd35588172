/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import io.natcore.replay.compare.KernelComparator;
import io.natcore.replay.compare.Mismatch;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.RuleParseException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code replay check} for one trace: replays the received packets through a fresh engine in
 * memory, and the packets the box's own stack sent ({@link KernelComparator#isOwnStack}: the forward of no received
 * packet) through its OUTPUT entry point as the stack wrote them ({@link StackPackets}), and hands both the kernel's
 * and the engine's packets to a {@link KernelComparator}.
 * When the trace has the kernel's {@code conntrack-events.txt}, the engine is steered by the kernel's draws
 * ({@link KernelDraws}) and the comparison is byte-exact, without port pairing; a draw the engine refused and an
 * eviction unlike the kernel's are deviations, and fail the trace.
 */
public final class TraceCheck
{
    /** The outcome for one trace. */
    public static final class Result
    {
        /** Trace folder name. */
        public final String name;
        /** The comparator after {@code finish()}, or null if the run stopped on an error. */
        public KernelComparator comparator;
        /** Verdict counts, or null if the engine could not be built. */
        public VerdictSummary summary;
        /** An error that stopped the run, or null. */
        public String error;
        /** True when the engine was steered by the kernel's draws (the trace has conntrack events). */
        public boolean steered;
        /** Refused draws and evictions unlike the kernel's ({@link KernelDraws#deviations()}); empty when not steered. */
        public List<String> deviations = new ArrayList<>();

        Result(final String name)
        {
            this.name = name;
        }

        /**
         * @return true if the engine matched the kernel.
         */
        public boolean passed()
        {
            return error == null && comparator != null && comparator.passed() && deviations.isEmpty();
        }

        /**
         * @return the mismatches (empty on error).
         */
        public List<Mismatch> mismatches()
        {
            return comparator == null ? new ArrayList<>() : comparator.mismatches();
        }

        /**
         * Prints a header line, then each mismatch.
         *
         * @param out     destination.
         * @param verbose also print packets set aside and the verdict summary.
         */
        public void print(final PrintStream out, final boolean verbose)
        {
            if (error != null)
            {
                out.println("FAIL " + name + ": " + error);
                return;
            }
            final KernelComparator c = comparator;
            out.printf("%s %s: %d kernel packets, %d engine packets, %d matched, %d mismatches" +
                    " (TTL masked %d, %s, box's own packets set aside %d)%n",
                passed() ? "PASS" : "FAIL", name, c.kernelCount(), c.engineCount(), c.matchedCount(),
                c.mismatches().size(), c.ttlMaskedCount(), steered ? deviations.size() + " deviations from the " +
                "kernel's draws" : "ports drawn differently " + c.randomisedPortCount(), c.excluded().size());
            for (final String d : deviations)
            {
                out.println("  deviation: " + d);
            }
            for (final Mismatch m : c.mismatches())
            {
                out.println("  " + m);
            }
            if (verbose)
            {
                for (final String s : c.excluded())
                {
                    out.println("  note: " + s);
                }
                for (final String s : c.portsDrawnDifferently())
                {
                    out.println("  note: " + s + " (rule 2)");
                }
                if (summary != null)
                {
                    summary.print(out);
                }
            }
        }
    }

    private TraceCheck()
    {
    }

    /**
     * Runs one trace.
     *
     * @param trace   the trace.
     * @param factory makes the engine.
     * @return the outcome; errors are captured in it, not thrown.
     */
    public static Result run(final TraceSource trace, final EngineFactory factory)
    {
        return run(trace, factory, null);
    }

    /**
     * Runs one trace with every received packet taken as arriving on one interface ({@code check --iface}).
     *
     * @param trace   the trace.
     * @param factory makes the engine.
     * @param iface   the ingress interface's name in the box file, or null to take the capture's.
     * @return the outcome; errors are captured in it, not thrown.
     */
    public static Result run(final TraceSource trace, final EngineFactory factory, final String iface)
    {
        final Result result = new Result(trace.name());
        try
        {
            final BoxConfig box = parseBox(trace.box());
            final KernelDraws draws = trace.events().isBlank() ? null : KernelDraws.parse(trace.events());
            final ReplayEngine engine = draws == null ? factory.create(trace.rules(), trace.box(), trace.sysctl()) :
                factory.create(trace.rules(), trace.box(), trace.sysctl(), draws);
            result.steered = engine.steered();
            final VerdictSummary summary = new VerdictSummary(engine);
            result.summary = summary;
            final KernelComparator comparator = new KernelComparator(trace.rules(), trace.box(), !result.steered)
                .compareOwnStackPackets();
            noteReceived(trace, comparator);
            final StackPackets stack = new StackPackets(draws == null ? List.of() : draws.connections());
            final UnsafeBuffer work = new UnsafeBuffer(new byte[0]);
            final int fixedIngress = iface == null ? -1 : box.ifIndex(iface);
            if (iface != null && fixedIngress < 0)
            {
                throw new ReplayException("--iface " + iface + ": the box file has no such interface");
            }
            final Replayer ingress = new Replayer(engine, box, fixedIngress);
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(trace.pcap()), trace.name() + "/trace.pcap"))
            {
                final PcapRecord rec = new PcapRecord();
                while (reader.next(rec))
                {
                    summary.records++;
                    if (!rec.isIpv4())
                    {
                        summary.skippedNonIpv4++;
                        continue;
                    }
                    final byte[] ip = Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength);
                    if (rec.isOutgoing())
                    {
                        final byte[] sent = trim(ip);
                        comparator.onKernelSent(rec.number, sent);
                        if (comparator.isOwnStack(sent))
                        {
                            // The box's own stack sent it (rule 5): through the engine's OUTPUT entry point, as the
                            // stack wrote it, and the engine's result is compared with what the kernel sent.
                            final byte[] own = stack.asTheStackSentIt(sent, rec.timestampNanos);
                            work.wrap(own == sent ? sent.clone() : own);
                            final boolean send = engine.processOutput(work, 0, own.length, rec.timestampNanos);
                            summary.countLastOwn();
                            if (send)
                            {
                                summary.sent++;
                                comparator.onEngineSent(rec.number, Arrays.copyOf(work.byteArray(), own.length));
                            }
                        }
                        else
                        {
                            summary.skippedOutgoing++;
                        }
                        continue;
                    }
                    comparator.rewriteInbound(ip);
                    work.wrap(ip);
                    final int ingressIf = ingress.ingressOf(rec);
                    final boolean send = engine.process(work, 0, ip.length, ingressIf, rec.timestampNanos);
                    summary.countLast();
                    if (send)
                    {
                        summary.sent++;
                        comparator.onEngineSent(rec.number, Arrays.copyOf(ip, Replayer.ipPacketLength(work, 0, ip.length)));
                    }
                    // Fragments held until their first fragment (this one) came: out after it.
                    for (int i = 0; i < engine.releasedCount(); i++)
                    {
                        if (engine.releasedSent(i))
                        {
                            summary.sent++;
                            final byte[] out = new byte[engine.releasedLength(i)];
                            engine.releasedBuffer(i).getBytes(engine.releasedOffset(i), out);
                            comparator.onEngineSent(rec.number, out);
                        }
                    }
                }
            }
            comparator.finish();
            result.comparator = comparator;
            if (result.steered)
            {
                result.deviations = draws.deviations();
            }
        }
        catch (final ReplayException | PcapFormatException ex)
        {
            result.error = ex.getMessage();
        }
        catch (final IOException ex)
        {
            result.error = "read error: " + ex.getMessage();
        }
        catch (final RuntimeException ex)
        {
            if (System.getenv("REPLAY_DEBUG") != null)
            {
                ex.printStackTrace();
            }
            final StackTraceElement[] at = ex.getStackTrace();
            result.error = "engine failed: " + ex + (at.length > 0 ? " at " + at[0] : "");
        }
        return result;
    }

    /**
     * Every packet the box received, before the replay: rules 4 and 5 judge what the kernel sent against all of them
     * (capture points stamp independently, so a forwarded packet may be listed before the one it forwards).
     */
    private static void noteReceived(final TraceSource trace, final KernelComparator comparator)
        throws IOException, PcapFormatException
    {
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(trace.pcap()), trace.name() + "/trace.pcap"))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                if (rec.isIpv4() && !rec.isOutgoing())
                {
                    comparator.onReceived(rec.number,
                        Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength));
                }
            }
        }
    }

    static BoxConfig parseBox(final String text) throws ReplayException
    {
        try
        {
            return BoxConfig.parse(text);
        }
        catch (final RuleParseException ex)
        {
            throw new ReplayException("box file: " + ex.getMessage(), ex);
        }
    }

    private static byte[] trim(final byte[] ip)
    {
        final int n = Replayer.ipPacketLength(new UnsafeBuffer(ip), 0, ip.length);
        return n == ip.length ? ip : Arrays.copyOf(ip, n);
    }
}
