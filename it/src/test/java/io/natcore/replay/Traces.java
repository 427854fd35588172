/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The kernel reference traces in the test resources (the module directory is the working
 * directory under Maven).
 */
public final class Traces
{
    /** Folder holding one folder per trace. */
    public static final Path DIR = Path.of("src/test/resources/traces");

    private Traces()
    {
    }

    /**
     * @return the trace folder names, sorted.
     */
    public static List<String> names()
    {
        try (Stream<Path> s = Files.list(DIR))
        {
            return s.filter(p -> Files.exists(p.resolve("trace.pcap")))
                .map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list " + DIR.toAbsolutePath(), ex);
        }
    }

    /**
     * @param name a trace folder name.
     * @return its files.
     */
    public static TraceSource load(final String name)
    {
        try
        {
            return TraceSource.fromDirectory(DIR.resolve(name));
        }
        catch (final ReplayException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }
}
