package io.natcore.bench;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipFile;

/**
 * Relative per-packet latency gate: baseline and candidate builds of natcore's core measured on the same machine in
 * interleaved rounds, each round its own JVM running {@link LatencyRound}. The harness is this build's; each side
 * only swaps the core classes (its jar comes first on the class path), so both sides run the same workload.
 * <p>
 * Per round, p50, p99 and p99.9 are taken from the round's histogram. For each percentile the gate runs a one-sided
 * Mann-Whitney U test ({@link RankTest}, exact) of "candidate rounds are larger than baseline rounds" on the
 * per-round values; the family's alpha (default 0.03) is split evenly over the three percentiles (Bonferroni). A
 * percentile is WORSE when its p-value is below that share AND the ratio of the medians of the rounds exceeds
 * {@code 1 + min-effect} (default 0.03). Exit status: 0 pass, 1 a percentile is WORSE, 2 a setup error (bad option,
 * missing jar, a round that fails or drops a packet). {@code --absolute ...} runs {@link AbsoluteGate} instead.
 */
public final class LatencyGate
{
    static final double[] PERCENTILES = { 50, 99, 99.9 };
    static final String[] NAMES = { "p50", "p99", "p99.9" };
    static final int MIN_ROUNDS = 5;

    private LatencyGate()
    {
    }

    /** Gate settings. */
    static final class Options
    {
        String baseline;
        String candidate;
        int rounds = MIN_ROUNDS;
        String order = "ABAB";
        double alpha = 0.03;
        double minEffect = 0.03;
        double baselineSlowdown;
        double candidateSlowdown;
        Path plot;
        String classpath = System.getProperty("java.class.path");
        List<String> jvmOpts = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"));
        List<String> roundArgs = new ArrayList<>(List.of("--flows", "200000", "--packets", "1000000",
            "--warmup", "500000", "--threads", "1"));
    }

    /** One build's per-round percentiles and merged histogram. */
    static final class Side
    {
        final String name;
        final List<double[]> rounds = new ArrayList<>();
        final Histogram merged = new Histogram(LatencyRound.HIGHEST, 3);

        Side(final String name)
        {
            this.name = name;
        }

        double[] values(final int percentile)
        {
            final double[] v = new double[rounds.size()];
            for (int i = 0; i < v.length; i++)
            {
                v[i] = rounds.get(i)[percentile];
            }
            return v;
        }
    }

    /** A setup problem: exit status 2. */
    static final class SetupException extends Exception
    {
        private static final long serialVersionUID = 1L;

        SetupException(final String message)
        {
            super(message);
        }
    }

    /**
     * @param args see {@link #USAGE}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static final String USAGE = "usage: latency-gate.sh --baseline CORE.jar|--baseline-ref REF [--candidate CORE.jar]" +
        " [--rounds N>=5] [--order ABAB|ABBA] [--alpha A] [--min-effect F] [--plot FILE.svg]" +
        " [--flows N] [--packets N] [--warmup N] [--threads N] [--expiry-work N] [--jvm-opts \"...\"]" +
        " [--candidate-slowdown F] [--baseline-slowdown F]\n" +
        "       latency-gate.sh --absolute [--thresholds FILE] [--record-baseline] ...";

    /**
     * @param args options.
     * @return exit status.
     */
    public static int run(final String[] args)
    {
        if (args.length > 0 && args[0].equals("--absolute"))
        {
            try
            {
                return AbsoluteGate.run(Arrays.copyOfRange(args, 1, args.length));
            }
            catch (final Exception ex)
            {
                System.err.println("latency gate: " + ex);
                return 2;
            }
        }
        final Options o;
        try
        {
            o = parse(args);
        }
        catch (final RuntimeException | SetupException ex)
        {
            System.err.println("latency gate: " + ex.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try
        {
            return gate(o);
        }
        catch (final SetupException ex)
        {
            System.err.println("latency gate: " + ex.getMessage());
            return 2;
        }
        catch (final IOException | InterruptedException | java.util.zip.DataFormatException ex)
        {
            System.err.println("latency gate: " + ex);
            return 2;
        }
    }

    static Options parse(final String[] args) throws SetupException
    {
        final Options o = new Options();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--baseline": o.baseline = args[++i]; break;
                case "--candidate": o.candidate = args[++i]; break;
                case "--rounds": o.rounds = Integer.parseInt(args[++i]); break;
                case "--order": o.order = args[++i].toUpperCase(Locale.ROOT); break;
                case "--alpha": o.alpha = Double.parseDouble(args[++i]); break;
                case "--min-effect": o.minEffect = Double.parseDouble(args[++i]); break;
                case "--plot": o.plot = Paths.get(args[++i]); break;
                case "--classpath": o.classpath = args[++i]; break;
                case "--jvm-opts": o.jvmOpts = new ArrayList<>(Arrays.asList(args[++i].trim().split("\\s+"))); break;
                case "--candidate-slowdown": o.candidateSlowdown = Double.parseDouble(args[++i]); break;
                case "--baseline-slowdown": o.baselineSlowdown = Double.parseDouble(args[++i]); break;
                case "--flows": case "--packets": case "--warmup": case "--threads": case "--expiry-work":
                    Long.parseLong(args[i + 1]);
                    setRoundArg(o.roundArgs, a, args[++i]);
                    break;
                default: throw new SetupException("unknown option " + a);
            }
        }
        if (o.baseline == null)
        {
            throw new SetupException("--baseline CORE.jar is required");
        }
        if (o.rounds < MIN_ROUNDS)
        {
            throw new SetupException("--rounds must be at least " + MIN_ROUNDS);
        }
        if (!o.order.equals("ABAB") && !o.order.equals("ABBA"))
        {
            throw new SetupException("--order is ABAB or ABBA");
        }
        if (!(o.alpha > 0 && o.alpha < 1) || o.minEffect < 0)
        {
            throw new SetupException("--alpha must be in (0, 1), --min-effect >= 0");
        }
        checkCore(o.baseline);
        if (o.candidate != null)
        {
            checkCore(o.candidate);
        }
        return o;
    }

    private static void setRoundArg(final List<String> roundArgs, final String name, final String value)
    {
        final int at = roundArgs.indexOf(name);
        if (at >= 0)
        {
            roundArgs.set(at + 1, value);
        }
        else
        {
            roundArgs.add(name);
            roundArgs.add(value);
        }
    }

    /** A core build is a jar or classes directory holding the engine and no bench harness (it would shadow ours). */
    static void checkCore(final String path) throws SetupException
    {
        final File f = new File(path);
        final String engine = "io/natcore/engine/NatEngine.class";
        final String harness = "io/natcore/bench/LatencyRound.class";
        if (f.isDirectory())
        {
            if (!new File(f, engine).isFile())
            {
                throw new SetupException(path + ": no " + engine + " (not a natcore core build)");
            }
            if (new File(f, harness).isFile())
            {
                throw new SetupException(path + ": holds the bench harness; give the core classes or jar");
            }
            return;
        }
        try (ZipFile z = new ZipFile(f))
        {
            if (z.getEntry(engine) == null)
            {
                throw new SetupException(path + ": no " + engine + " (not a natcore-core jar)");
            }
            if (z.getEntry(harness) != null)
            {
                throw new SetupException(path + ": a benchmarks jar; give the natcore-core jar of that build");
            }
        }
        catch (final IOException ex)
        {
            throw new SetupException(path + ": " + ex.getMessage());
        }
    }

    /** @return true when round i (0-based, of 2 * rounds) runs the baseline. */
    static boolean baselineAt(final String order, final int i)
    {
        return order.equals("ABAB") ? i % 2 == 0 : (i % 4 == 0 || i % 4 == 3);
    }

    static int gate(final Options o) throws SetupException, IOException, InterruptedException,
        java.util.zip.DataFormatException
    {
        final Side a = new Side("baseline " + new File(o.baseline).getName());
        final Side b = new Side("candidate " + (o.candidate == null ? "(this build)" : new File(o.candidate).getName()));
        System.out.printf(Locale.ROOT, "latency gate (relative): %s vs %s, %d rounds each, order %s, round %s%n",
            a.name, b.name, o.rounds, o.order, String.join(" ", o.roundArgs));
        if (o.candidateSlowdown > 0 || o.baselineSlowdown > 0)
        {
            System.out.printf(Locale.ROOT, "injected slowdown (benchmark-only switch): baseline %.3f, candidate %.3f%n",
                o.baselineSlowdown, o.candidateSlowdown);
        }
        final long start = System.nanoTime();
        for (int i = 0; i < 2 * o.rounds; i++)
        {
            final boolean isA = baselineAt(o.order, i);
            final Side side = isA ? a : b;
            final Histogram h = round(o, isA ? o.baseline : o.candidate, isA ? o.baselineSlowdown : o.candidateSlowdown);
            final double[] v = new double[PERCENTILES.length];
            for (int p = 0; p < v.length; p++)
            {
                v[p] = h.getValueAtPercentile(PERCENTILES[p]);
            }
            side.rounds.add(v);
            side.merged.add(h);
            System.out.printf(Locale.ROOT, "round %2d %s  p50 %6.0f  p99 %6.0f  p99.9 %7.0f ns%n",
                i + 1, isA ? "A" : "B", v[0], v[1], v[2]);
        }
        final Verdict verdict = judge(a, b, o.alpha, o.minEffect);
        System.out.print(verdict.report);
        System.out.printf(Locale.ROOT, "gate time %.0f s%n", (System.nanoTime() - start) / 1e9);
        if (o.plot != null)
        {
            final Path parent = o.plot.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            Files.writeString(o.plot, PercentilePlot.svg("per-packet latency, " + String.join(" ", o.roundArgs) +
                ", " + o.rounds + " rounds each merged", new String[] { a.name, b.name },
                new Histogram[] { a.merged, b.merged }), StandardCharsets.UTF_8);
            System.out.println("plot: " + o.plot);
        }
        System.out.println(verdict.worse ? "GATE FAIL: " + verdict.summary : "GATE PASS: " + verdict.summary);
        return verdict.worse ? 1 : 0;
    }

    /** The gate's decision and its printed table. */
    static final class Verdict
    {
        final boolean worse;
        final String summary;
        final String report;

        Verdict(final boolean worse, final String summary, final String report)
        {
            this.worse = worse;
            this.summary = summary;
            this.report = report;
        }
    }

    /**
     * @param a         baseline rounds.
     * @param b         candidate rounds.
     * @param alpha     family-wise significance level, split over the percentiles.
     * @param minEffect smallest ratio above 1 of the rounds' medians that can fail the gate.
     * @return the verdict.
     */
    static Verdict judge(final Side a, final Side b, final double alpha, final double minEffect)
    {
        final double perTest = alpha / PERCENTILES.length;
        final StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "%-6s %28s %28s %7s %8s  %s%n", "", "baseline median [min..max] spread",
            "candidate median [min..max] spread", "ratio", "p", "verdict"));
        final StringBuilder summary = new StringBuilder();
        boolean worse = false;
        for (int p = 0; p < PERCENTILES.length; p++)
        {
            final double[] va = a.values(p);
            final double[] vb = b.values(p);
            final double ma = RankTest.median(va);
            final double mb = RankTest.median(vb);
            final double ratio = mb / ma;
            final double pWorse = RankTest.pGreater(va, vb);
            final double pBetter = RankTest.pGreater(vb, va);
            final boolean isWorse = pWorse < perTest && ratio > 1 + minEffect;
            final boolean isBetter = pBetter < perTest && ratio < 1 - minEffect;
            final String v = isWorse ? "WORSE" : isBetter ? "better" : "same within noise";
            r.append(String.format(Locale.ROOT, "%-6s %28s %28s %7.3f %8.4f  %s%n", NAMES[p], describe(va),
                describe(vb), ratio, isBetter ? pBetter : pWorse, v));
            summary.append(summary.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.3fx", NAMES[p], ratio));
            worse |= isWorse;
        }
        r.append(String.format(Locale.ROOT,
            "test: one-sided exact Mann-Whitney U on per-round values (%d vs %d rounds), alpha %.3f split over %d " +
            "percentiles (%.4f each); WORSE needs p below that and a ratio of medians above %.3f%n",
            a.rounds.size(), b.rounds.size(), alpha, PERCENTILES.length, perTest, 1 + minEffect));
        return new Verdict(worse, "candidate/baseline " + summary, r.toString());
    }

    /** "median [min..max] spread%" with spread = (max - min) / median. */
    static String describe(final double[] v)
    {
        final double[] s = v.clone();
        Arrays.sort(s);
        final double m = RankTest.median(s);
        return String.format(Locale.ROOT, "%.0f [%.0f..%.0f] %.1f%%", m, s[0], s[s.length - 1],
            100 * (s[s.length - 1] - s[0]) / m);
    }

    /** Run one round in its own JVM and return its histogram. */
    private static Histogram round(final Options o, final String core, final double slowdown)
        throws SetupException, IOException, InterruptedException, java.util.zip.DataFormatException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(o.jvmOpts);
        cmd.addAll(Arrays.asList(BenchJvm.EXPORT_MISC, BenchJvm.OPEN_MISC, BenchJvm.OPEN_LANG, BenchJvm.OPEN_REFLECT,
            BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL,
            BenchJvm.EXPORT_REF, BenchJvm.EXPORT_NIO_CH, BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS,
            BenchJvm.BOUNDS_CHECKS_OFF));
        if (slowdown > 0)
        {
            cmd.add("-D" + LatencyRound.SLOWDOWN_PROPERTY + "=" + slowdown);
        }
        cmd.add("-cp");
        cmd.add(core == null ? o.classpath : core + File.pathSeparator + o.classpath);
        cmd.add(LatencyRound.class.getName());
        cmd.addAll(o.roundArgs);
        final Path err = Files.createTempFile("latency-round", ".err");
        try
        {
            final Process proc = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            final String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            final int status = proc.waitFor();
            if (status != 0)
            {
                throw new SetupException("round with " + (core == null ? "this build" : core) + " exited " + status +
                    (status == LatencyRound.BROKEN_PATH ? " (packets not forwarded)" : "") + ": " +
                    lastLine(Files.readString(err, StandardCharsets.UTF_8) + out));
            }
            for (final String line : out.split("\n"))
            {
                if (line.startsWith(LatencyRound.HIST_PREFIX))
                {
                    return LatencyRound.decode(line.substring(LatencyRound.HIST_PREFIX.length()));
                }
            }
            throw new SetupException("round printed no histogram: " + lastLine(out));
        }
        finally
        {
            Files.deleteIfExists(err);
        }
    }

    private static String lastLine(final String text)
    {
        final String[] lines = text.trim().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
