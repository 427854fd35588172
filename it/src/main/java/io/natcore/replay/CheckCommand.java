/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code replay check [-v] TRACE_DIR...}: replays each trace folder in memory and compares the
 * engine with the kernel. Prints each mismatch, and last {@code N passed, M failed}.
 */
final class CheckCommand
{
    private CheckCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final EngineFactory factory) throws ReplayException
    {
        boolean verbose = false;
        int passed = 0;
        int failed = 0;
        int folders = 0;
        for (int i = 1; i < args.length; i++)
        {
            if ("-v".equals(args[i]) || "--verbose".equals(args[i]))
            {
                verbose = true;
                continue;
            }
            folders++;
            TraceCheck.Result r;
            try
            {
                r = TraceCheck.run(TraceSource.fromDirectory(Path.of(args[i])), factory);
            }
            catch (final ReplayException ex)
            {
                out.println("FAIL " + args[i] + ": " + ex.getMessage());
                failed++;
                continue;
            }
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
        if (folders == 0)
        {
            throw new ReplayException("check needs at least one trace folder (e.g. it/src/test/resources/traces/*/)");
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
