/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import io.natcore.pcap.PcapFormatException;

/**
 * Entry point of {@code replay.jar}: replays pcap captures through the NAT engine.
 * <pre>
 *   rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcap [--iface NAME] [--conntrack] [--seed N]
 *           [--sysctl SYSCTL] [--draws-from CONNTRACK_EVENTS]
 *   check [-v] TRACE_DIR...
 *   demo [TRACE]
 *   validate --rules RULES --box BOX [--strict]
 * </pre>
 * Exit status: 0 success, 1 a check failed, 2 bad usage or unreadable input. Errors are one
 * line on stderr, never a stack trace (set REPLAY_DEBUG=1 to get one).
 */
public final class ReplayMain
{
    private static final String USAGE = String.join(System.lineSeparator(),
        "usage: java -jar replay.jar <command> [options]",
        "  demo [TRACE]",
        "      replay a bundled kernel trace (default " + DemoCommand.DEFAULT_TRACE + ") and print who talked",
        "      to whom, what the server saw, the connection states and the verdicts",
        "  rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcap [--iface NAME] [--conntrack] [--seed N]",
        "          [--sysctl SYSCTL] [--draws-from CONNTRACK_EVENTS]",
        "      feed every received packet of IN.pcap through the engine (clock = pcap timestamps) and",
        "      write what it sends to OUT.pcap (LINUX_SLL2, outgoing, egress interface); --iface names",
        "      the ingress interface for captures without one (Ethernet, RAW, LINUX_SLL);",
        "      --conntrack prints the final connection table; --seed N (decimal or 0x hex) fixes the NAT",
        "      port/id choice so runs repeat (default: a random seed per run, as the kernel's is);",
        "      --sysctl SYSCTL sets the conntrack timeouts from 'sysctl -a' lines (default: Linux's);",
        "      --draws-from CONNTRACK_EVENTS ('conntrack -E -o timestamp,id' of the same traffic) makes each",
        "      new connection try the kernel's NAT choice first; each refused draw is printed as a deviation",
        "  validate --rules RULES --box BOX [--strict]",
        "      check a rules file against a box file as the engine would load them: a refusal prints",
        "      'line N: reason' on stderr (exit 2); else the warnings (parts not enforced, unknown interfaces,",
        "      rules that never match, routes) and one line per NAT rule saying what it does on this box;",
        "      exit 0, or 1 with --strict when there were warnings",
        "  check [-v] TRACE_DIR...",
        "      replay each trace folder (rules.txt, box.txt, trace.pcap, and sysctl.txt when the box's",
        "      timeouts were changed) and compare with what the kernel sent; prints each mismatch and",
        "      last 'N passed, M failed'; a folder with conntrack-events.txt is replayed with the kernel's",
        "      draws and compared byte for byte (no port pairing), its evictions with the kernel's");

    private ReplayMain()
    {
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        final int status = run(args, System.out, System.err, EngineFactory.NATCORE);
        System.out.flush();
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Runs a command; what {@link #main} does without exiting.
     *
     * @param args    command line.
     * @param out     standard output.
     * @param err     standard error.
     * @param factory makes the engine.
     * @return exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err, final EngineFactory factory)
    {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]) || "help".equals(args[0]))
        {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try
        {
            switch (args[0])
            {
                case "rewrite":
                    return RewriteCommand.run(args, out, factory);
                case "check":
                    return CheckCommand.run(args, out, factory);
                case "demo":
                    return DemoCommand.run(args, out, factory);
                case "validate":
                    return ValidateCommand.run(args, out, err);
                default:
                    err.println("replay: unknown command '" + args[0] + "' (try --help)");
                    return 2;
            }
        }
        catch (final ReplayException | PcapFormatException ex)
        {
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

    private static void debug(final Throwable ex, final PrintStream err)
    {
        if (System.getenv("REPLAY_DEBUG") != null)
        {
            ex.printStackTrace(err);
        }
    }
}
