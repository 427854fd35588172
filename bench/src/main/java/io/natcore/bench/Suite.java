package io.natcore.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark suite behind BENCHMARKS.md's summary table ({@code bench/run-suite.sh}): runs every natcore
 * benchmark of {@link SuiteTable#rows()} with its peers in one JMH session, writes the results JSON (machine,
 * settings, score, error and B/op of every benchmark) and regenerates the table in BENCHMARKS.md.
 * <p>
 * {@code --quick} (1 warm-up and 3 measured iterations of 0.2 s) proves the suite end to end; its numbers are not
 * for quoting. {@code --table FILE.json} only regenerates the table, {@code --compare A.json B.json} prints two
 * runs (two VM sizes, two builds) side by side. Exit status 0, 2 on a usage or setup error.
 */
public final class Suite
{
    private static final String TRANSLATE = "TranslateBenchmark\\.(burst32|singlePacket|chmTranslate)$";
    private static final String NEW_CONNECTION = "NewConnectionBenchmark\\.newConnection$";

    /** One JMH session of the suite: an include pattern and its parameters. */
    private static final String[][][] GROUPS = {
        { { "FlowTableBenchmark\\.(lookupBurst|lookupHit|insertRemove)$" },
          { "impl", "flowtable", "concurrentHashMap", "chronicleMap", "nonBlockingHashMapLong" },
          { "entries", "10000", "1000000" } },
        { { TRANSLATE }, { "flows", "10000", "1000000" }, { "verify", "true" } },
        { { NEW_CONNECTION }, { "traffic", "dnatMasq", "mix" } },
        { { "ChecksumBenchmark\\.(rewriteFullRecompute|rewriteIncremental|rewritePrecomputedDelta)$" },
          { "size", "64", "1500" } } };

    /**
     * Groups run a second time with Agrona's bounds checks on (what users get without the flag), peer included:
     * {@link BenchJvm#BOUNDS_CHECKS_ON} replaces the benchmark's own {@code @Fork(jvmArgsAppend)}, and the results
     * are keyed with {@link SuiteTable#CHECKS_ON}.
     */
    private static final Set<String> ALSO_WITH_CHECKS_ON = Set.of(TRANSLATE, NEW_CONNECTION);

    private Suite()
    {
    }

    /** Run settings. */
    static final class Settings
    {
        int forks = 1;
        int warmupIterations = 3;
        int iterations = 5;
        long iterationMillis = 1000;
        String only;
        boolean quick;

        String describe()
        {
            return String.format(Locale.ROOT, "%sJMH %d fork(s), %d warm-up + %d measured iterations of %d ms, -prof gc",
                quick ? "QUICK (end-to-end check, not for quoting): " : "", forks, warmupIterations, iterations,
                iterationMillis);
        }
    }

    /**
     * @param args see the class comment and {@code bench/run-suite.sh --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    @SuppressWarnings("unchecked")
    static int run(final String[] args)
    {
        final Settings s = new Settings();
        Path out = Paths.get("bench/results/suite-results.json");
        Path doc = null;
        Path table = null;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        s.quick = true;
                        s.warmupIterations = 1;
                        s.iterations = 3;
                        s.iterationMillis = 200;
                        break;
                    case "--forks": s.forks = Integer.parseInt(args[++i]); break;
                    case "--warmup-iterations": s.warmupIterations = Integer.parseInt(args[++i]); break;
                    case "--iterations": s.iterations = Integer.parseInt(args[++i]); break;
                    case "--time-ms": s.iterationMillis = Long.parseLong(args[++i]); break;
                    case "--only": s.only = args[++i]; break;
                    case "--out": out = Paths.get(args[++i]); break;
                    case "--update-doc": doc = Paths.get(args[++i]); break;
                    case "--table": table = Paths.get(args[++i]); break;
                    case "--compare":
                        System.out.print(SuiteTable.compare(load(Paths.get(args[i + 1])), load(Paths.get(args[i + 2]))));
                        return 0;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (s.iterations < 3)
            {
                throw new IllegalArgumentException("--iterations must be at least 3 (JMH gives no error below)");
            }
        }
        catch (final RuntimeException | IOException ex)
        {
            System.err.println("run-suite: " + ex.getMessage());
            return 2;
        }
        try
        {
            final Map<String, Object> results = table != null ? load(table) : measure(s, out);
            if (table != null)
            {
                // the table points at the file it was generated from
                ((Map<String, Object>)results.get("settings")).put("resultsFile", table.toString());
            }
            if (table == null)
            {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, Json.write(results), StandardCharsets.UTF_8);
                System.out.println("results: " + out);
            }
            final String markdown = SuiteTable.markdown(results);
            System.out.println(markdown);
            if (doc != null)
            {
                Files.writeString(doc, SuiteTable.splice(Files.readString(doc, StandardCharsets.UTF_8), markdown),
                    StandardCharsets.UTF_8);
                System.out.println("updated " + doc);
            }
            return 0;
        }
        catch (final RunnerException | IOException | RuntimeException ex)
        {
            System.err.println("run-suite: " + ex);
            return 2;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(final Path file) throws IOException
    {
        final Object v = Json.read(Files.readString(file, StandardCharsets.UTF_8));
        if (!(v instanceof Map) || !((Map<String, Object>)v).containsKey("results"))
        {
            throw new IOException(file + ": not a suite results file");
        }
        return (Map<String, Object>)v;
    }

    private static Map<String, Object> measure(final Settings s, final Path out) throws RunnerException
    {
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final Map<String, Object> machine = MachineInfo.collect();
        final Map<String, Object> measured = new LinkedHashMap<>();
        final Set<String> flags = new LinkedHashSet<>();
        for (final String[][] group : GROUPS)
        {
            if (s.only != null && !group[0][0].contains(s.only))
            {
                continue;
            }
            run(s, group, false, measured, flags);
            if (ALSO_WITH_CHECKS_ON.contains(group[0][0]))
            {
                run(s, group, true, measured, flags);
            }
        }
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("description", s.describe());
        settings.put("started", started.toString());
        settings.put("minutes", Math.round(ChronoUnit.SECONDS.between(started, Instant.now()) / 6.0) / 10.0);
        settings.put("jvmFlags", String.join("; ", flags));
        settings.put("resultsFile", out.toString());
        final Map<String, Object> all = new LinkedHashMap<>();
        all.put("machine", machine);
        all.put("settings", settings);
        all.put("results", measured);
        return all;
    }

    /** One JMH session: a group's benchmarks, their results into {@code measured}, the forks' flags into {@code flags}. */
    private static void run(
        final Settings s,
        final String[][] group,
        final boolean checksOn,
        final Map<String, Object> measured,
        final Set<String> flags) throws RunnerException
    {
        final ChainedOptionsBuilder o = new OptionsBuilder()
            .include(BenchJvm.class.getPackageName() + "\\." + group[0][0])
            .forks(s.forks)
            .warmupIterations(s.warmupIterations)
            .warmupTime(TimeValue.milliseconds(s.iterationMillis))
            .measurementIterations(s.iterations)
            .measurementTime(TimeValue.milliseconds(s.iterationMillis))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true);
        if (checksOn)
        {
            o.jvmArgsAppend(BenchJvm.BOUNDS_CHECKS_ON);
        }
        for (int p = 1; p < group.length; p++)
        {
            final String[] values = new String[group[p].length - 1];
            System.arraycopy(group[p], 1, values, 0, values.length);
            o.param(group[p][0], values);
        }
        for (final RunResult r : new Runner(o.build()).run())
        {
            final List<String> params = new ArrayList<>();
            if (checksOn)
            {
                params.add(SuiteTable.CHECKS_ON);
            }
            for (final String k : r.getParams().getParamsKeys())
            {
                params.add(k + "=" + r.getParams().getParam(k));
            }
            final String bench = r.getParams().getBenchmark();
            final String key = SuiteTable.key(bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1),
                params.toArray(new String[0]));
            final Result primary = r.getPrimaryResult();
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("score", primary.getScore());
            m.put("error", primary.getScoreError());
            m.put("unit", primary.getScoreUnit());
            m.put("bytesPerOp", allocation(r));
            measured.put(key, m);
            flags.add(bench.substring(0, bench.lastIndexOf('.')).replace(BenchJvm.class.getPackageName() + ".", "") +
                " " + shortFlags(r.getParams().getJvmArgs()));
        }
    }

    private static Double allocation(final RunResult r)
    {
        for (final Map.Entry<String, Result> e : r.getSecondaryResults().entrySet())
        {
            if (e.getKey().endsWith("gc.alloc.rate.norm"))
            {
                return e.getValue().getScore();
            }
        }
        return null;
    }

    /** The fork's flags with the module opens Chronicle and Agrona need folded into a count. */
    static String shortFlags(final java.util.Collection<String> jvmArgs)
    {
        final List<String> kept = new ArrayList<>();
        int opens = 0;
        for (final String a : jvmArgs)
        {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports"))
            {
                opens++;
            }
            else
            {
                kept.add("`" + a + "`");
            }
        }
        if (opens > 0)
        {
            kept.add(opens + " `--add-opens/--add-exports`");
        }
        return kept.isEmpty() ? "(none)" : String.join(" ", kept);
    }
}
