/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code replay check [-v] [--iface NAME] TRACE_DIR...}: replays each trace folder in memory and compares the
 * engine with the kernel. Prints each mismatch, and last {@code N passed, M failed}. A folder that cannot be read
 * is an error (one line on stderr, exit status 2 once the others are checked).
 */
final class CheckCommand
{
    static final String USAGE = String.join(System.lineSeparator(),
        "  check [-v] [--iface NAME] TRACE_DIR...",
        "      replay each trace folder (rules.txt, box.txt, trace.pcap, and sysctl.txt when the box's",
        "      timeouts were changed) and compare with what the kernel sent; prints each mismatch and",
        "      last 'N passed, M failed' (exit 1 if any failed, 2 if a folder could not be read); -v adds the",
        "      packets set aside and the verdict counts; --iface NAME takes every received packet as arriving",
        "      on that interface of box.txt");

    private CheckCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err, final EngineFactory factory)
        throws ReplayException
    {
        final Options o = new Options("check").flag("-v", "--verbose").value("--iface").parse(args);
        if (o.positional().isEmpty())
        {
            throw new ReplayException("check needs at least one trace folder (e.g. it/src/test/resources/traces/*/)");
        }
        final boolean verbose = o.has("--verbose");
        int passed = 0;
        int failed = 0;
        int unreadable = 0;
        for (final String dir : o.positional())
        {
            final TraceSource trace;
            try
            {
                trace = TraceSource.fromDirectory(Path.of(dir));
            }
            catch (final ReplayException ex)
            {
                err.println("replay: check: " + ex.getMessage());
                unreadable++;
                continue;
            }
            final TraceCheck.Result r = TraceCheck.run(trace, factory, o.get("--iface"));
            r.print(out, verbose);
            if (r.passed())
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }
        out.println(passed + " passed, " + failed + " failed" + (unreadable > 0 ? ", " + unreadable + " unreadable" : ""));
        return unreadable > 0 ? 2 : failed == 0 ? 0 : 1;
    }
}
