/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ReloadSignalTest
{
    @Test
    void aBoxStartedWithSighupIgnoredStillReloadsOnSighup() throws Exception
    {
        assertEquals("installed, taken over true\nhup", hupChild("takeover", true));
    }

    @Test
    void aBoxStartedNormallyKeepsItsOwnHandlerWithoutTakingOver() throws Exception
    {
        // a shell cannot undo a SIGHUP ignored on entry: under a nohup'd build every child starts with it ignored
        assumeFalse(hupIgnoredHere(), "this test JVM was started with SIGHUP ignored (nohup)");
        assertEquals("installed, taken over false\nhup", hupChild("takeover", false));
    }

    /** The JVM's own behaviour that {@link ReloadSignal} works around: under nohup a plain handler never runs. */
    @Test
    void withSighupIgnoredAPlainJvmHandlerNeverRuns() throws Exception
    {
        assertEquals("installed, taken over false\nno hup", hupChild("plain", true));
    }

    /** @return whether this JVM inherited SIGHUP ignored (bit 0 of SigIgn in /proc/self/status). */
    private static boolean hupIgnoredHere() throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("SigIgn:"))
            {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L << (LibC.SIGHUP - 1)) != 0;
            }
        }
        return false;
    }

    /** Starts {@link ReloadSignalChild} (under {@code trap '' HUP}, as nohup leaves it, when asked), sends SIGHUP. */
    private static String hupChild(final String mode, final boolean hupIgnored) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder("bash", "-c",
            (hupIgnored ? "trap '' HUP; " : "") + "exec \"$0\" -cp \"$1\" io.natcore.dataplane.ReloadSignalChild \"$2\"",
            java, System.getProperty("java.class.path"), mode).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            final String installed = out.readLine();
            final Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
            final String after = out.readLine();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child ends");
            return installed + "\n" + after;
        }
        finally
        {
            child.destroyForcibly();
        }
    }
}
