package io.natcore.bench;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code bench/jfr-stages.py}, the attribution behind BENCHMARKS.md's stage tables, on a recording made here. */
class JfrStagesScriptTest
{
    private static final Path SCRIPT = Path.of("jfr-stages.py");
    private static long sink;

    @TempDir
    Path dir;

    @Test
    void aSampleGoesToTheStageOfItsTopmostNamedFrame() throws Exception
    {
        final Path recording = record();
        // the inner stage is on top of almost every sample: it gets them, whichever order the file lists it in
        final String both = run(recording, "outer=JfrStagesScriptTest.outerStage\ninner=JfrStagesScriptTest.innerStage\n");
        assertTrue(share(both, "inner") > 80, both);
        assertTrue(share(both, "outer") < 20, both);
        // named alone, the outer stage gets what the inner one had: it is on the same stacks, further down
        final String outerOnly = run(recording, "outer=JfrStagesScriptTest.outerStage\n");
        assertTrue(share(outerOnly, "outer") > 80, outerOnly);
    }

    @Test
    void aStagesLineWithoutAMarkerIsRefusedWithItsLineNumber() throws Exception
    {
        final Path stages = Files.writeString(dir.resolve("bad.txt"), "# comment\nparse\n");
        final Process p = python(Files.writeString(dir.resolve("empty.jfr"), "").toString(), stages.toString());
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.startsWith("jfr-stages: ") && err.contains("bad.txt:2:") && !err.contains("\n"), err);
    }

    private Path record() throws IOException
    {
        final Path out = dir.resolve("r.jfr");
        try (Recording r = new Recording())
        {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.start();
            sink += outerStage(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500));
            r.stop();
            r.dump(out);
        }
        return out;
    }

    private static long outerStage(final long until)
    {
        long acc = 0;
        while (System.nanoTime() < until)
        {
            acc += innerStage(acc);
        }
        return acc;
    }

    private static long innerStage(final long seed)
    {
        long x = seed | 1;
        for (int i = 0; i < 200_000; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    private String run(final Path recording, final String stages) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("stages.txt"), stages);
        final Process p = python(recording.toString(), file.toString());
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out;
    }

    private static Process python(final String... args) throws IOException
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 not installed");
        final String[] cmd = new String[args.length + 2];
        cmd[0] = "/usr/bin/python3";
        cmd[1] = SCRIPT.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    /** @return the percentage the script printed for a stage, 0 when it has no line. */
    private static double share(final String listing, final String stage)
    {
        final Matcher m = Pattern.compile("(?m)^\\s*([0-9.]+)%\\s+\\d+\\s+" + Pattern.quote(stage) + "$").matcher(listing);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
