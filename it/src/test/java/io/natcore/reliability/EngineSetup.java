/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.NatEngineConfig;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.NatRuleSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Engine configurations built from a trace folder's {@code box.txt} and {@code rules.txt}. Test code. */
final class EngineSetup
{
    private EngineSetup()
    {
    }

    static Path trace(final String name)
    {
        return Path.of("src/test/resources/traces", name);
    }

    static NatEngineConfig.Builder fromTrace(final Path dir)
    {
        try
        {
            final BoxConfig box = BoxConfig.parse(Files.readString(dir.resolve("box.txt")));
            final NatRuleSet rules = IptablesSaveParser.parse(Files.readString(dir.resolve("rules.txt"))).bind(box);
            return NatEngineConfig.builder().rules(rules).box(box);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
