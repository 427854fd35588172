/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.nat.ReservedPorts;
import io.natcore.rules.Ipv4Text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAT box's start-up options, parsed from the command line ({@link #parse}); a refused option is an
 * {@link IllegalArgumentException} whose message is the one line the user sees.
 */
final class DataplaneOptions
{
    static final String USAGE = String.join("\n",
        "usage: java -jar natcore-dataplane.jar --rules RULES --box BOX --interface IFACE [options]",
        "       java -jar natcore-dataplane.jar stat [--dir DIR] [-w SECONDS | --once]",
        "       java -jar natcore-dataplane.jar conntrack [-L] [--dir DIR]",
        "       java -jar natcore-dataplane.jar loadgen|rtt-server|rtt-client ...   (the lab benchmark's tools)",
        "",
        "Runs natcore as the NAT box on IFACE: AF_PACKET rings, the kernel out of the NAT path.",
        "Prints 'ready' once it forwards. SIGTERM: stop, undo host changes, print counters. SIGHUP: reload",
        "RULES and BOX (connections keep their bindings; a refused file leaves the old rules in force).",
        "",
        "  --rules FILE          iptables-save output; its *nat table is enforced",
        "  --box FILE            interfaces, addresses, routes ('ifindex N NAME', 'addr NAME CIDR', 'route ...')",
        "  --interface IFACE     the interface to serve (the NAT VM's single NIC, e.g. eth0)",
        "  --workers N           packet threads joined by PACKET_FANOUT hash (default 1)",
        "  --neighbor IP=MAC     fixed next-hop MAC (repeatable): no ARP for that address",
        "  --reserve LIST        ports of the box's own services, never handed out by NAT and passed to the",
        "                        host: tcp:22,udp:500,tcp:8080-8081 (default tcp:22; '' for none)",
        "  --table FILE          keep connections in this mapped file: they survive a restart (kill -9 too)",
        "  --capacity N          connections (default 262144)",
        "  --dir DIR             counters and control files (default /run/natcore/IFACE)",
        "  --ring-frames N       frames per RX and TX ring per worker (default 4096)",
        "  --qdisc-bypass        TX frames skip the qdisc layer (faster; tcpdump on IFACE then misses them)",
        "  --no-ingress-filter   do not install the nftables ingress drop (the host must keep the kernel from",
        "                        answering packets to its address itself)",
        "  --help, --version");

    Path rules;
    Path box;
    String iface;
    int workers = 1;
    final List<long[]> neighbors = new ArrayList<>();
    ReservedPorts reserve = ReservedPorts.parse("tcp:22");
    Path table;
    int capacity = 262_144;
    Path dir;
    int ringFrames = 4096;
    boolean ingressFilter = true;
    boolean qdiscBypass;

    static DataplaneOptions parse(final String[] args)
    {
        final DataplaneOptions o = new DataplaneOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--rules" -> o.rules = Path.of(value(args, ++i, a));
                case "--box" -> o.box = Path.of(value(args, ++i, a));
                case "--interface", "-i" -> o.iface = value(args, ++i, a);
                case "--workers" -> o.workers = number(value(args, ++i, a), a, 1, 64);
                case "--neighbor", "--neighbour" -> o.neighbors.add(neighbor(value(args, ++i, a)));
                case "--reserve" -> o.reserve = ReservedPorts.parse(value(args, ++i, a));
                case "--table" -> o.table = Path.of(value(args, ++i, a));
                case "--capacity" -> o.capacity = number(value(args, ++i, a), a, 1024, 1 << 26);
                case "--dir" -> o.dir = Path.of(value(args, ++i, a));
                case "--ring-frames" -> o.ringFrames = number(value(args, ++i, a), a, 64, 1 << 20);
                case "--no-ingress-filter" -> o.ingressFilter = false;
                case "--qdisc-bypass" -> o.qdiscBypass = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
            }
        }
        if (o.rules == null || o.box == null || o.iface == null)
        {
            throw new IllegalArgumentException("--rules, --box and --interface are required (see --help)");
        }
        if (o.dir == null)
        {
            o.dir = defaultDir(o.iface);
        }
        return o;
    }

    /** @return the box's counters and control directory for {@code iface} when {@code --dir} is not given. */
    static Path defaultDir(final String iface)
    {
        return Path.of("/run/natcore", iface);
    }

    static String value(final String[] args, final int i, final String option)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static int number(final String text, final String option, final int min, final int max)
    {
        try
        {
            final int n = Integer.parseInt(text);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + text + ": expected a number from " + min + " to " + max);
    }

    /** @return {ip, mac} of "IP=MAC". */
    static long[] neighbor(final String text)
    {
        final int eq = text.indexOf('=');
        final long ip = eq < 0 ? -1 : Ipv4Text.parseAddress(text.substring(0, eq));
        if (ip < 0)
        {
            throw new IllegalArgumentException("--neighbor " + text + ": expected IP=MAC, e.g. 172.16.2.1=12:34:56:78:9a:bc");
        }
        try
        {
            return new long[] {ip, Ethernet.parseMac(text.substring(eq + 1))};
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--neighbor " + text + ": " + ex.getMessage());
        }
    }
}
