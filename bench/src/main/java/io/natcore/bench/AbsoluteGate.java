package io.natcore.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The latency gate's absolute mode, for dedicated hosts: one in-process run of {@link LatencyRound#measure} and
 * p99.9 / p99.99 compared with the thresholds of a properties file ({@code bench/latency-baseline.properties}).
 * On a shared VM the machine alone exceeds such thresholds (see {@link PlatformFloor}); there the relative gate
 * ({@link LatencyGate}) is the one that can gate a change.
 * <p>
 * The last five lines of output are p50, p99, p99.9, p99.99 and max in nanoseconds. Exit status: 0 pass,
 * 1 a threshold exceeded, 2 usage error or a packet not forwarded (a broken path must not pass).
 * <p>
 * Options: {@code --flows N --threads N --packets N (total, measured) --warmup N (per thread, not measured)
 * --pool N --thresholds FILE --record-baseline [--margin F] --no-floor --expiry-work N}. {@code --expiry-work 0} takes
 * expiry off the packet path (as an application running {@code NatEngine.expire} on a housekeeping thread would).
 * With {@code --record-baseline} the measured p99.9 and p99.99 times {@code 1 + margin} (default 0.25) are written to
 * the thresholds file and the run passes. Unless {@code --no-floor}, a control run ({@link PlatformFloor}) then
 * times a fixed spin of the packets' median length the same way and prints its tail, so a failing gate says whether
 * the machine alone would fail it.
 */
public final class AbsoluteGate
{
    static final String P999_KEY = "p99.9.max.nanos";
    static final String P9999_KEY = "p99.99.max.nanos";
    static final long DEFAULT_P999 = 1_000;
    static final long DEFAULT_P9999 = 5_000;
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);

    private AbsoluteGate()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception on setup failure.
     */
    public static void main(final String[] args) throws Exception
    {
        System.exit(run(args));
    }

    /**
     * Run the gate.
     *
     * @param args see the class comment.
     * @return exit status.
     * @throws Exception on setup failure.
     */
    public static int run(final String[] args) throws Exception
    {
        final Workload w = new Workload(1_000_000, 2, 10_000_000, 2_000_000);
        Path baseline = Paths.get("bench/latency-baseline.properties");
        boolean record = false;
        boolean floor = true;
        double margin = 0.25;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                final int taken = w.accept(args, i);
                if (taken >= 0)
                {
                    i = taken;
                    continue;
                }
                switch (args[i])
                {
                    case "--thresholds": baseline = Paths.get(args[++i]); break;
                    case "--record-baseline": record = true; break;
                    case "--margin": margin = Double.parseDouble(args[++i]); break;
                    case "--no-floor": floor = false; break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            w.check();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("latency gate --absolute: " + ex.getMessage());
            System.err.println("usage: latency-gate.sh --absolute [--flows N] [--threads N] [--packets N] [--warmup N]" +
                " [--pool N] [--thresholds FILE] [--record-baseline [--margin F]] [--no-floor] [--expiry-work N]");
            return 2;
        }
        final int flows = w.flows;
        final int threads = w.threads;
        final long packets = w.packets;
        final long warmup = w.warmup;

        final long[] thresholds = readBaseline(baseline);
        final long timerP50 = timerOverheadP50();

        final LatencyRound.Result r = w.measure();
        final Histogram all = r.histogram;
        final long bad = r.notForwarded;
        final long longestRun = r.runNanos;
        final double setupSeconds = r.setupSeconds;
        final long perThread = packets / threads;
        final long p50 = all.getValueAtPercentile(50);
        final long p99 = all.getValueAtPercentile(99);
        final long p999 = all.getValueAtPercentile(99.9);
        final long p9999 = all.getValueAtPercentile(99.99);
        final long max = all.getMaxValue();
        final Histogram platform = floor ? PlatformFloor.measure(threads, perThread, p50) : null;

        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT,
            "latency gate: flows=%d threads=%d packets=%d (%d per thread) warmup=%d per thread pool=%d expiry-work=%s%n",
            flows, threads, perThread * threads, perThread, warmup, r.poolSize,
            System.getProperty(Trace05.EXPIRY_WORK_PROPERTY, "engine default")));
        out.append(String.format(Locale.ROOT, "setup %.1f s, measured run %.2f s, %.2f Mpps per thread%n",
            setupSeconds, longestRun / 1e9, perThread * 1e3 / Math.max(1, longestRun)));
        out.append(String.format(Locale.ROOT,
            "timer: a System.nanoTime() pair costs p50 %d ns on this machine; every sample below includes it%n",
            timerP50));
        if (platform != null)
        {
            out.append(String.format(Locale.ROOT,
                "platform floor (control: a fixed spin of median %d ns timed the same way, same threads and sample " +
                "count, no packets): p99 %d, p99.9 %d, p99.99 %d, max %d ns%n",
                platform.getValueAtPercentile(50), platform.getValueAtPercentile(99),
                platform.getValueAtPercentile(99.9), platform.getValueAtPercentile(99.99), platform.getMaxValue()));
        }
        int status = 0;
        if (bad > 0)
        {
            out.append("GATE ERROR: ").append(bad).append(" packets were not forwarded (broken path)\n");
            status = 2;
        }
        else if (record)
        {
            final long newP999 = (long)Math.ceil(p999 * (1 + margin));
            final long newP9999 = (long)Math.ceil(p9999 * (1 + margin));
            writeBaseline(baseline, newP999, newP9999, margin, flows, threads, packets);
            out.append(String.format(Locale.ROOT, "BASELINE RECORDED in %s: p99.9 <= %d ns, p99.99 <= %d ns%n",
                baseline, newP999, newP9999));
        }
        else
        {
            out.append(String.format(Locale.ROOT, "baseline %s: p99.9 <= %d ns, p99.99 <= %d ns%n",
                baseline, thresholds[0], thresholds[1]));
            if (p999 > thresholds[0] || p9999 > thresholds[1])
            {
                out.append("GATE FAIL:").append(exceeded(p999, p9999, thresholds)).append('\n');
                if (platform != null)
                {
                    final long f999 = platform.getValueAtPercentile(99.9);
                    final long f9999 = platform.getValueAtPercentile(99.99);
                    if (f999 > thresholds[0] || f9999 > thresholds[1])
                    {
                        out.append("note: the platform floor alone exceeds").append(exceeded(f999, f9999, thresholds))
                            .append(": that tail is the machine's (timer ticks, hypervisor, scheduler), not the ")
                            .append("packet path's\n");
                    }
                }
                status = 1;
            }
            else
            {
                out.append("GATE PASS\n");
            }
        }
        out.append(String.format(Locale.ROOT, "p50    %d ns%n", p50));
        out.append(String.format(Locale.ROOT, "p99    %d ns%n", p99));
        out.append(String.format(Locale.ROOT, "p99.9  %d ns%n", p999));
        out.append(String.format(Locale.ROOT, "p99.99 %d ns%n", p9999));
        out.append(String.format(Locale.ROOT, "max    %d ns%n", max));
        System.out.print(out);
        System.out.flush();
        return status;
    }

    /** " p99.9 X ns > T ns" and/or " p99.99 ..." for each percentile above its threshold. */
    static String exceeded(final long p999, final long p9999, final long[] thresholds)
    {
        final StringBuilder sb = new StringBuilder();
        if (p999 > thresholds[0])
        {
            sb.append(String.format(Locale.ROOT, " p99.9 %d ns > %d ns", p999, thresholds[0]));
        }
        if (p9999 > thresholds[1])
        {
            sb.append(String.format(Locale.ROOT, " p99.99 %d ns > %d ns", p9999, thresholds[1]));
        }
        return sb.toString();
    }

    /** Median cost of two back-to-back nanoTime calls: what every sample carries on top of process(). */
    static long timerOverheadP50()
    {
        final Histogram h = new Histogram(HIGHEST, 3);
        for (int i = 0; i < 2_000_000; i++)
        {
            final long t0 = System.nanoTime();
            final long t1 = System.nanoTime();
            h.recordValue(Math.min(Math.max(0, t1 - t0), HIGHEST));
        }
        return h.getValueAtPercentile(50);
    }

    /**
     * @param file baseline file; defaults when absent.
     * @return {p99.9 max, p99.99 max} in ns.
     * @throws IOException when unreadable.
     */
    static long[] readBaseline(final Path file) throws IOException
    {
        final Properties p = new Properties();
        if (Files.exists(file))
        {
            try (InputStream in = Files.newInputStream(file))
            {
                p.load(in);
            }
        }
        return new long[] {
            Long.parseLong(p.getProperty(P999_KEY, Long.toString(DEFAULT_P999)).trim()),
            Long.parseLong(p.getProperty(P9999_KEY, Long.toString(DEFAULT_P9999)).trim()) };
    }

    private static void writeBaseline(
        final Path file,
        final long p999,
        final long p9999,
        final double margin,
        final int flows,
        final int threads,
        final long packets) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1))
        {
            w.write("# Per-packet latency gate thresholds (ns), read by io.natcore.bench.LatencyGate.\n");
            w.write("# Recorded with --record-baseline: measured value x " + (1 + margin) + " (flows=" + flows +
                " threads=" + threads + " packets=" + packets + ").\n");
            w.write("# Samples include one System.nanoTime() pair (~20-25 ns). See BENCHMARKS.md.\n");
            w.write(P999_KEY + "=" + p999 + "\n");
            w.write(P9999_KEY + "=" + p9999 + "\n");
        }
    }
}
