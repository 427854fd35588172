/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The progress line a long replay keeps on a terminal's stderr, rewritten in place every few seconds: records
 * so far, records per second since the last line, and the verdict counts. Only when stderr is a terminal, so a
 * redirected or piped run prints nothing extra.
 */
final class Progress
{
    /** Time between two lines. */
    static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final LongSupplier clock;
    private final long start;
    private long nextLine;
    private long lastRecords;
    private long lastTime;
    private int lastWidth;

    /**
     * @param err   where the line goes.
     * @param clock nanosecond clock.
     */
    Progress(final PrintStream err, final LongSupplier clock)
    {
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.nextLine = start + INTERVAL_NANOS;
        this.lastTime = start;
    }

    /**
     * @param err the process's stderr stream, or another.
     * @return a progress printer if {@code err} is the process's stderr and that is a terminal, else null.
     */
    static Progress onTerminal(final PrintStream err)
    {
        return err == System.err && stderrIsTerminal() ? new Progress(err, System::nanoTime) : null;
    }

    private static boolean stderrIsTerminal()
    {
        try
        {
            final String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        }
        catch (final Exception ex)
        {
            return false; // not Linux, or no /proc: no progress line
        }
    }

    /**
     * Called after every record; prints when the interval has passed.
     *
     * @param summary the counts so far.
     */
    void record(final VerdictSummary summary)
    {
        final long now = clock.getAsLong();
        if (now - nextLine < 0)
        {
            return;
        }
        final long perSecond = (summary.records - lastRecords) * 1_000_000_000L / Math.max(1, now - lastTime);
        final String line = "replay: " + summary.records + " records, " + perSecond + "/s; " + summary.verdictCounts();
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        err.flush();
        lastWidth = line.length();
        lastRecords = summary.records;
        lastTime = now;
        nextLine = now + INTERVAL_NANOS;
    }

    /** Clears the line, if one was printed, before the summary. */
    void done()
    {
        if (lastWidth > 0)
        {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
        }
    }
}
