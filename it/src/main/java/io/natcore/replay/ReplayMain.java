/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;

import io.natcore.pcap.PcapFormatException;

/**
 * Entry point of {@code replay.jar}: replays pcap captures through the NAT engine. Commands: {@code demo},
 * {@code rewrite}, {@code show}, {@code check}, {@code validate}; each answers {@code --help}, and {@code --version} names the build.
 * Exit status: 0 success, 1 a check failed, 2 bad usage or unreadable input. Errors are one line on stderr, never a
 * stack trace (set REPLAY_DEBUG=1 to get one).
 */
public final class ReplayMain
{
    private static final String USAGE = String.join(System.lineSeparator(),
        "usage: java -jar replay.jar <command> [options]      (<command> --help: that command only; --version)",
        DemoCommand.USAGE,
        RewriteCommand.USAGE,
        ShowCommand.USAGE,
        CheckCommand.USAGE,
        ValidateCommand.USAGE);

    private ReplayMain()
    {
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        final int status = run(args, System.in, System.out, System.err, EngineFactory.NATCORE);
        System.out.flush();
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Runs a command with no standard input; what {@link #main} does without exiting.
     *
     * @param args    command line.
     * @param out     standard output.
     * @param err     standard error.
     * @param factory makes the engine.
     * @return exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err, final EngineFactory factory)
    {
        return run(args, InputStream.nullInputStream(), out, err, factory);
    }

    /**
     * Runs a command; what {@link #main} does without exiting.
     *
     * @param args    command line.
     * @param in      standard input ({@code --in -}).
     * @param out     standard output.
     * @param err     standard error.
     * @param factory makes the engine.
     * @return exit status.
     */
    public static int run(final String[] args, final InputStream in, final PrintStream out, final PrintStream err,
        final EngineFactory factory)
    {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]) || "help".equals(args[0]))
        {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if ("--version".equals(args[0]) || "-V".equals(args[0]))
        {
            out.println("replay (natcore) " + version() + ", Java " + System.getProperty("java.version"));
            return 0;
        }
        final String usage = usage(args[0]);
        if (usage == null)
        {
            err.println("replay: unknown command '" + args[0] + "' (try --help)");
            return 2;
        }
        if (asksForHelp(args))
        {
            out.println("usage: java -jar replay.jar" + System.lineSeparator() + usage);
            return 0;
        }
        try
        {
            switch (args[0])
            {
                case "rewrite":
                    return RewriteCommand.run(args, in, out, err, factory);
                case "show":
                    return ShowCommand.run(args, in, out, err, factory);
                case "check":
                    return CheckCommand.run(args, out, err, factory);
                case "validate":
                    return ValidateCommand.run(args, out, err);
                default:
                    return DemoCommand.run(args, out, factory);
            }
        }
        catch (final ReplayException | PcapFormatException ex)
        {
            out.flush();
            err.println("replay: " + ex.getMessage());
            debug(ex, err);
            return 2;
        }
        catch (final NoSuchFileException ex)
        {
            err.println("replay: " + ex.getFile() + ": no such file");
            return 2;
        }
        catch (final AccessDeniedException ex)
        {
            err.println("replay: " + ex.getFile() + ": permission denied");
            return 2;
        }
        catch (final IOException ex)
        {
            err.println("replay: I/O error: " + ex.getMessage());
            debug(ex, err);
            return 2;
        }
        catch (final RuntimeException ex)
        {
            err.println("replay: internal error: " + ex + " (set REPLAY_DEBUG=1 for the stack trace)");
            debug(ex, err);
            return 2;
        }
    }

    private static String usage(final String command)
    {
        switch (command)
        {
            case "demo": return DemoCommand.USAGE;
            case "rewrite": return RewriteCommand.USAGE;
            case "show": return ShowCommand.USAGE;
            case "check": return CheckCommand.USAGE;
            case "validate": return ValidateCommand.USAGE;
            default: return null;
        }
    }

    /** -h or --help anywhere before a "--" that ends the options. */
    private static boolean asksForHelp(final String[] args)
    {
        for (int i = 1; i < args.length && !"--".equals(args[i]); i++)
        {
            if ("-h".equals(args[i]) || "--help".equals(args[i]))
            {
                return true;
            }
        }
        return false;
    }

    /** The build's version, from the properties Maven filled in. */
    static String version()
    {
        try (InputStream v = ReplayMain.class.getResourceAsStream("version.properties"))
        {
            final Properties p = new Properties();
            if (v != null)
            {
                p.load(v);
            }
            return p.getProperty("version", "(version unknown)");
        }
        catch (final IOException ex)
        {
            return "(version unknown)";
        }
    }

    private static void debug(final Throwable ex, final PrintStream err)
    {
        if (System.getenv("REPLAY_DEBUG") != null)
        {
            ex.printStackTrace(err);
        }
    }
}
