package io.natcore.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Smoke test of the latency gate's absolute mode on a tiny run: exit status against thresholds, output shape, baseline file. */
class AbsoluteGateTest
{
    private static final String[] SMALL = { "--flows", "2000", "--packets", "20000", "--warmup", "2000" };

    @TempDir
    Path dir;

    @Test
    void passesAgainstGenerousThresholdsAndPrintsThePercentilesLast() throws Exception
    {
        final Path baseline = write("p99.9.max.nanos=60000000000\np99.99.max.nanos=60000000000\n");
        final String[] out = new String[1];
        assertEquals(0, runCapturing(out, baseline));
        final String[] lines = out[0].trim().split("\n");
        final String[] expected = { "p50", "p99", "p99.9", "p99.99", "max" };
        for (int i = 0; i < 5; i++)
        {
            assertTrue(lines[lines.length - 5 + i].startsWith(expected[i] + " "), lines[lines.length - 5 + i]);
            assertTrue(lines[lines.length - 5 + i].endsWith(" ns"), lines[lines.length - 5 + i]);
        }
        assertTrue(out[0].contains("GATE PASS"), out[0]);
    }

    @Test
    void failsWithStatusOneWhenAThresholdIsExceeded() throws Exception
    {
        final Path baseline = write("p99.9.max.nanos=1\np99.99.max.nanos=1\n");
        final String[] out = new String[1];
        assertEquals(1, runCapturing(out, baseline));
        assertTrue(out[0].contains("GATE FAIL: p99.9"), out[0]);
        // Any spin takes longer than 1 ns, so the control run also exceeds it, and the gate says so.
        assertTrue(out[0].contains("platform floor (control"), out[0]);
        assertTrue(out[0].contains("note: the platform floor alone exceeds p99.9 "), out[0]);
    }

    @Test
    void aNonNumericExpiryWorkIsAUsageError() throws Exception
    {
        final Path baseline = write("p99.9.max.nanos=60000000000\np99.99.max.nanos=60000000000\n");
        final String[] out = new String[1];
        assertEquals(2, runCapturing(out, baseline, "--expiry-work", "none"));
    }

    @Test
    void noFloorSkipsTheControlRun() throws Exception
    {
        final Path baseline = write("p99.9.max.nanos=1\np99.99.max.nanos=1\n");
        final String[] out = new String[1];
        assertEquals(1, runCapturing(out, baseline, "--no-floor"));
        assertFalse(out[0].contains("platform floor"), out[0]);
    }

    @Test
    void floorCalibrationSpinsLongerForALongerTarget()
    {
        final int shortSpin = PlatformFloor.calibrate(200);
        final int longSpin = PlatformFloor.calibrate(50_000);
        assertTrue(longSpin > 4 * shortSpin, shortSpin + " spins for 200 ns, " + longSpin + " for 50 us");
    }

    @Test
    void recordBaselineWritesMeasuredValuesWithMarginThatTheNextRunReads() throws Exception
    {
        final Path baseline = dir.resolve("b.properties");
        final String[] out = new String[1];
        assertEquals(0, runCapturing(out, baseline, "--record-baseline", "--margin", "0.5"));
        final long[] t = AbsoluteGate.readBaseline(baseline);
        assertTrue(t[0] >= 1 && t[1] >= t[0], Files.readString(baseline));
        assertTrue(out[0].contains("BASELINE RECORDED"), out[0]);
    }

    @Test
    void missingBaselineFileMeansTheIssueDefaults() throws Exception
    {
        assertArrayEquals(new long[] { 1000, 5000 }, AbsoluteGate.readBaseline(dir.resolve("absent.properties")));
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception
    {
        assertEquals(2, AbsoluteGate.run(new String[] { "--bogus" }));
    }

    private Path write(final String text) throws Exception
    {
        final Path p = dir.resolve("baseline.properties");
        Files.writeString(p, text);
        return p;
    }

    private static int runCapturing(final String[] out, final Path baseline, final String... extra) throws Exception
    {
        final String[] args = new String[SMALL.length + 2 + extra.length];
        System.arraycopy(SMALL, 0, args, 0, SMALL.length);
        args[SMALL.length] = "--thresholds";
        args[SMALL.length + 1] = baseline.toString();
        System.arraycopy(extra, 0, args, SMALL.length + 2, extra.length);
        final PrintStream saved = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            return AbsoluteGate.run(args);
        }
        finally
        {
            System.setOut(saved);
            out[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
