package io.natcore.replay;

/**
 * Entry point of {@code replay.jar}: replays pcap captures through the NAT engine.
 */
public final class ReplayMain
{
    private ReplayMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]))
        {
            System.out.println("usage: java -jar replay.jar <rewrite|check|demo> [options]");
            System.out.println("  rewrite --rules RULES --box BOX --in IN.pcap --out OUT.pcap [--iface NAME] [--conntrack]");
            System.out.println("  check TRACE_DIR...");
            System.out.println("  demo [TRACE_NAME]");
            return;
        }
        System.err.println("unknown command: " + args[0] + " (try --help)");
        System.exit(2);
    }
}
