/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6: the natcore engine against each kernel trace, with zero mismatches under the
 * traces' rules.
 */
class TraceCheckTest
{
    static List<String> traces()
    {
        return Traces.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void theEngineSendsWhatTheKernelSent(final String name)
    {
        final TraceCheck.Result r = TraceCheck.run(Traces.load(name), EngineFactory.NATCORE);
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        r.print(new PrintStream(text, true, StandardCharsets.UTF_8), true);
        assertTrue(r.passed(), text.toString(StandardCharsets.UTF_8));
        assertTrue(r.mismatches().isEmpty());
        assertTrue(r.comparator.matchedCount() == r.comparator.kernelCount());
    }
}
