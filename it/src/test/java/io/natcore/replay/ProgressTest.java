/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressTest
{
    private long now;

    @Test
    void printsOneLineInPlaceEveryIntervalWithTheRateAndVerdictsThenClearsIt()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final ReplayEngine engine = ForwardAllEngine.new0("", "");
        final VerdictSummary summary = new VerdictSummary(engine);
        final Progress progress = new Progress(err, () -> now);
        for (int i = 0; i < 3000; i++)
        {
            summary.records++;
            summary.countLast();
            now += 1_000_000L; // a record per millisecond: 1000/s
            progress.record(summary);
        }
        // 3 s of records: one line, at 2 s (the next is due at 4 s).
        final String fwd = engine.verdictName(engine.verdict());
        assertEquals("\rreplay: 2000 records, 1000/s; " + fwd + " 2000", bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
        progress.done();
        assertEquals("\r" + " ".repeat(("replay: 2000 records, 1000/s; " + fwd + " 2000").length()) + "\r",
            bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void notOnAStreamThatIsNotTheProcesssStderr()
    {
        assertNull(Progress.onTerminal(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }
}
