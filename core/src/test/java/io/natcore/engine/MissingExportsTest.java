/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} gets a message naming that
 * option when it builds an engine, not an {@link IllegalAccessError} from inside Agrona; with the option the same
 * child forwards a packet. Each case runs {@link EngineConstructionChild} in a fresh JVM (surefire's has the option).
 */
class MissingExportsTest
{
    @Test
    void withoutTheExportEngineConstructionNamesTheOption() throws Exception
    {
        final Child child = run(false);
        assertEquals(3, child.exitCode, child.output);
        assertTrue(child.output.startsWith(IllegalStateException.class.getName() + ": "), child.output);
        assertTrue(child.output.contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), child.output);
        assertFalse(child.output.contains("IllegalAccessError"), child.output);
    }

    @Test
    void withTheExportTheSameChildForwards() throws Exception
    {
        final Child child = run(true);
        assertEquals(0, child.exitCode, child.output);
        assertEquals("verdict FORWARD", child.output.trim());
    }

    private record Child(int exitCode, String output)
    {
    }

    private static Child run(final boolean export) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (export)
        {
            cmd.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, location(EngineConstructionChild.class), location(NatEngine.class),
            location(UnsafeBuffer.class)));
        cmd.add(EngineConstructionChild.class.getName());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        return new Child(p.exitValue(), output);
    }

    private static String location(final Class<?> c) throws URISyntaxException
    {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
