/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code stat}: prints the running box's counters from its counters file, once or every N seconds (as AeronStat
 * does), without touching the box.
 */
final class StatCommand
{
    static final String USAGE = "usage: natcore-dataplane.jar stat [--dir DIR | -i IFACE] [-w SECONDS | --once] [-a]";

    private StatCommand()
    {
    }

    static int run(final String[] args, final PrintStream out) throws IOException
    {
        Path dir = DataplaneOptions.defaultDir("eth0");
        int every = 0;
        boolean all = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dir" -> dir = Path.of(DataplaneOptions.value(args, ++i, "--dir"));
                case "-i", "--interface" ->
                    dir = DataplaneOptions.defaultDir(DataplaneOptions.value(args, ++i, args[i - 1]));
                case "-w" -> every = DataplaneOptions.number(DataplaneOptions.value(args, ++i, "-w"), "-w", 1, 3600);
                case "--once" -> every = 0;
                case "-a", "--all" -> all = true;
                case "--help", "-h" ->
                {
                    out.println(USAGE);
                    return 0;
                }
                default -> throw new IllegalArgumentException("stat: unknown option '" + args[i] + "'");
            }
        }
        try (CountersFile file = CountersFile.open(dir))
        {
            do
            {
                final long beat = file.heartbeatMs();
                out.printf("natcore-dataplane pid %d, up since %s, heartbeat %d ms ago%n", file.pid(),
                    Instant.ofEpochMilli(file.startTimeMs()), System.currentTimeMillis() - beat);
                Dataplane.printCounters(file.reader(), out, all);
                out.println();
                out.flush();
                if (every > 0)
                {
                    try
                    {
                        Thread.sleep(every * 1000L);
                    }
                    catch (final InterruptedException ex)
                    {
                        return 0;
                    }
                }
            }
            while (every > 0);
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            throw new IOException("no counters file in " + dir + " (is the box running? --dir names its directory)");
        }
        return 0;
    }
}
