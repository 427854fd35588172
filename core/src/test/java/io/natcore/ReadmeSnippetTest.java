/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore;

import java.io.File;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.natcore.engine.NatEngine;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's usage snippet compiles as written against this build of core and Agrona alone: the java block of
 * "## Using the library" is saved under its public class's name and handed to javac, nothing added.
 */
class ReadmeSnippetTest
{
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theUsageSnippetCompilesAsWritten(@TempDir final Path dir) throws Exception
    {
        final String snippet = usageSnippet(Files.readString(README));
        // What the snippet must show a new user (issue 20): the transmit length and closing the engine.
        assertTrue(snippet.contains("processor.outputLength()"), "the snippet transmits outputLength()");
        assertTrue(snippet.contains("try (NatEngine engine = new NatEngine("), "the snippet closes the engine");

        final Matcher name = Pattern.compile("public (?:abstract |final )*class (\\w+)").matcher(snippet);
        assertTrue(name.find(), "the snippet declares a public class");
        final Path source = dir.resolve(name.group(1) + ".java");
        Files.writeString(source, snippet);

        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK's compiler");
        final StringWriter diagnostics = new StringWriter();
        final String classpath = location(NatEngine.class) + File.pathSeparator + location(UnsafeBuffer.class);
        final Boolean ok = javac.getTask(diagnostics, null, null,
            List.of("--release", "17", "-Xlint:all", "-Werror", "-classpath", classpath, "-d", dir.toString()),
            null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(source.toFile())).call();
        assertEquals(Boolean.TRUE, ok, diagnostics.toString());
        assertTrue(Files.exists(dir.resolve(name.group(1) + ".class")));
    }

    private static String usageSnippet(final String readme)
    {
        final int section = readme.indexOf("\n## Using the library\n");
        assertTrue(section >= 0, "README has a '## Using the library' section");
        final int start = readme.indexOf("```java\n", section);
        final int nextSection = readme.indexOf("\n## ", section + 1);
        assertTrue(start >= 0 && (nextSection < 0 || start < nextSection), "that section has a java block");
        final int end = readme.indexOf("\n```", start + 8);
        return readme.substring(start + "```java\n".length(), end + 1);
    }

    private static String location(final Class<?> c) throws URISyntaxException
    {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
