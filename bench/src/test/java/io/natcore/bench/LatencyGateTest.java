package io.natcore.bench;

import io.natcore.engine.NatEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relative gate: its verdict on synthetic rounds, its round order, its setup checks, and two tiny real runs. */
class LatencyGateTest
{
    @TempDir
    Path dir;

    /** Rounds whose percentiles are base x (1 + shift) x lognormal noise of the given relative sigma. */
    private static LatencyGate.Side synthetic(final SplittableRandom rnd, final double shift, final double sigma)
    {
        final LatencyGate.Side s = new LatencyGate.Side("synthetic");
        final double[] base = { 450, 1000, 1300 };
        for (int r = 0; r < LatencyGate.MIN_ROUNDS; r++)
        {
            final double[] v = new double[base.length];
            for (int p = 0; p < v.length; p++)
            {
                v[p] = base[p] * (1 + shift) * Math.exp(sigma * gaussian(rnd));
            }
            s.rounds.add(v);
        }
        return s;
    }

    private static double gaussian(final SplittableRandom rnd)
    {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static int failures(final double shift, final double sigma, final int trials)
    {
        final SplittableRandom rnd = new SplittableRandom(42);
        int failed = 0;
        for (int t = 0; t < trials; t++)
        {
            if (LatencyGate.judge(synthetic(rnd, 0, sigma), synthetic(rnd, shift, sigma), 0.03, 0.03).worse)
            {
                failed++;
            }
        }
        return failed;
    }

    @Test
    void equalDistributionsPassAtLeast97PercentOfTrials()
    {
        // Three percentiles at 0.01 each (4/252 is the next exact level above): at most about 3% fail.
        final int failed = failures(0, 0.05, 1000);
        assertTrue(failed <= 30, failed + " of 1000 A/A trials failed");
    }

    @Test
    void aTwentyPercentShiftWithFivePercentNoiseFailsAtLeast95PercentOfTrials()
    {
        final int failed = failures(0.20, 0.05, 1000);
        assertTrue(failed >= 950, failed + " of 1000 shifted trials failed");
    }

    @Test
    void aShiftBelowTheMinimumEffectNeverFailsEvenWhenSignificant()
    {
        // 2% shift, no noise: the rank test separates completely but 1.02 < 1 + min-effect 0.03.
        assertEquals(0, failures(0.02, 0, 100));
    }

    @Test
    void aFasterCandidateIsReportedBetterAndPasses()
    {
        final SplittableRandom rnd = new SplittableRandom(7);
        final LatencyGate.Verdict v = LatencyGate.judge(synthetic(rnd, 0, 0.02), synthetic(rnd, -0.3, 0.02), 0.03, 0.03);
        assertFalse(v.worse);
        assertTrue(v.report.contains("better"), v.report);
    }

    @Test
    void bothOrdersRunEachBuildOnceEveryTwoRounds()
    {
        final StringBuilder abab = new StringBuilder();
        final StringBuilder abba = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            abab.append(LatencyGate.baselineAt("ABAB", i) ? 'A' : 'B');
            abba.append(LatencyGate.baselineAt("ABBA", i) ? 'A' : 'B');
        }
        assertEquals("ABABABAB", abab.toString());
        assertEquals("ABBAABBA", abba.toString());
    }

    @Test
    void fewerThanFiveRoundsMissingBaselineAndABenchmarksJarAreSetupErrors() throws Exception
    {
        final String core = coreClasses();
        assertEquals(2, LatencyGate.run(new String[] { "--baseline", core, "--rounds", "4" }));
        assertEquals(2, LatencyGate.run(new String[] { "--rounds", "5" }));
        assertEquals(2, LatencyGate.run(new String[] { "--baseline", dir.resolve("absent.jar").toString() }));
        final Path harness = Paths.get(LatencyRound.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThrows(LatencyGate.SetupException.class, () -> LatencyGate.checkCore(harness.toString()));
        LatencyGate.checkCore(core);
    }

    @Test
    void aRealRunFailsWhenTheCandidateCarriesTheInjectedSlowdown() throws Exception
    {
        final String[] out = new String[1];
        assertEquals(1, gate(out, "--candidate-slowdown", "2"));
        assertTrue(out[0].contains("GATE FAIL"), out[0]);
        assertTrue(Files.readString(dir.resolve("plot.svg")).startsWith("<svg"));
    }

    @Test
    void aRealRunPassesWhenTheBaselineIsTheSlowOne() throws Exception
    {
        final String[] out = new String[1];
        assertEquals(0, gate(out, "--baseline-slowdown", "2"));
        assertTrue(out[0].contains("GATE PASS"), out[0]);
    }

    private int gate(final String[] out, final String... extra) throws Exception
    {
        final String[] base = { "--baseline", coreClasses(), "--flows", "2000", "--packets", "30000",
            "--warmup", "20000", "--jvm-opts", "-Xms64m -Xmx256m", "--plot", dir.resolve("plot.svg").toString() };
        final String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        final PrintStream saved = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            return LatencyGate.run(args);
        }
        finally
        {
            System.setOut(saved);
            out[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static String coreClasses() throws Exception
    {
        return Paths.get(NatEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
