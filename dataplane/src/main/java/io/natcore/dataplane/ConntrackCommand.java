/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code conntrack [-L]}: lists the running box's connection table as {@code conntrack -L -o extended,id} does,
 * from another process and without stopping the box: it leaves a request file in the box's directory; the box's
 * housekeeper writes the listing beside it within a tenth of a second.
 */
final class ConntrackCommand
{
    static final String USAGE = "usage: natcore-dataplane.jar conntrack [-L] [--dir DIR | -i IFACE]";
    static final long WAIT_MILLIS = 5000;

    private ConntrackCommand()
    {
    }

    static int run(final String[] args, final PrintStream out) throws IOException
    {
        Path dir = DataplaneOptions.defaultDir("eth0");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "-L", "--dump" ->
                {
                    // the only operation
                }
                case "--dir" -> dir = Path.of(DataplaneOptions.value(args, ++i, "--dir"));
                case "-i", "--interface" ->
                    dir = DataplaneOptions.defaultDir(DataplaneOptions.value(args, ++i, args[i - 1]));
                case "--help", "-h" ->
                {
                    out.println(USAGE);
                    return 0;
                }
                default -> throw new IllegalArgumentException("conntrack: unknown option '" + args[i] + "'");
            }
        }
        if (!Files.exists(dir.resolve(CountersFile.FILE_NAME)))
        {
            throw new IOException("no natcore box in " + dir + " (is it running? --dir names its directory)");
        }
        final Path listing = dir.resolve(Housekeeper.CONNTRACK_LISTING);
        final Path request = dir.resolve(Housekeeper.CONNTRACK_REQUEST);
        Files.deleteIfExists(listing);
        Files.writeString(request, Long.toString(ProcessHandle.current().pid()));
        final long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!Files.exists(listing))
        {
            if (System.currentTimeMillis() > deadline)
            {
                Files.deleteIfExists(request);
                throw new IOException("the box in " + dir + " did not answer in " + WAIT_MILLIS / 1000 + " s");
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                return 1;
            }
        }
        out.print(Files.readString(listing));
        out.flush();
        return 0;
    }
}
