/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability.jcstress;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs this package's jcstress tests in a child JVM (jcstress forks its own VMs and its Main may exit the VM), only
 * in the {@code jcstress} Maven profile. Mode: {@code -Dnatcore.jcstress.mode} (default {@code quick}); a subset:
 * {@code -Dnatcore.jcstress.tests=Burst.*} (a regex on the simple class name).
 */
class JcstressRunTest
{
    @Test
    void slotPublicationRemoveShiftAndSeqlockProtocolsShowNoForbiddenOutcome() throws Exception
    {
        final Path results = Path.of("target/jcstress-results");
        Files.createDirectories(results);
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
            {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main",
            "-t", "io\\.natcore\\.reliability\\.jcstress\\." + System.getProperty("natcore.jcstress.tests", ".*Stress"), "-m",
            System.getProperty("natcore.jcstress.mode", "quick"), "-r", results.toString(), "-c", "2"));
        final Path log = results.resolve("run.log");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "jcstress finished");
        final String out = Files.readString(log);
        final String summary = out.substring(Math.max(0, out.lastIndexOf("(Results:")));
        System.out.println("JcstressRunTest: " + summary);
        assertEquals(0, p.exitValue(), "jcstress exit code; see " + log);
        assertTrue(summary.contains(" 0 failed, 0 soft errs, 0 hard errs"), "no failure; see " + log);
        assertTrue(summary.contains("Failed tests: No matches.") && summary.contains("Error tests: No matches."),
            "no forbidden outcome, no error; see " + log);
        if (System.getProperty("natcore.jcstress.tests") == null)
        {
            assertTrue(summary.contains("All remaining tests: 6 matching test results"), "all six ran; see " + log);
        }
    }
}
