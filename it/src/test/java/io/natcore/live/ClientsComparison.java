/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares what the lab's clients printed with natcore as the NAT box against what they printed with the kernel
 * (a trace folder's {@code clients.txt}). Equal text, but for what differs between any two runs of the same
 * scenario: ping's times, the client script's line numbers in a traceback, and ports. An {@code A.B.C.D:PORT}
 * must have the kernel's address; its port must be the kernel's where the kernel kept a port the client command
 * fixed, else in the same class as the kernel's (1-511, 600-1023, 1024-65535: {@code nf_nat_l4proto_unique_tuple}),
 * since the kernel drew it or the client's stack chose it.
 */
final class ClientsComparison
{
    private static final Pattern ENDPOINT = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}):(\\d{1,5})");

    private ClientsComparison()
    {
    }

    /** @return the differences, one line each; empty when the runs agree. */
    static List<String> compare(final String kernel, final String natcore)
    {
        final List<String> problems = new ArrayList<>();
        final String k = normalize(kernel);
        final String n = normalize(natcore);
        final Matcher km = ENDPOINT.matcher(k);
        final Matcher nm = ENDPOINT.matcher(n);
        int kAt = 0;
        int nAt = 0;
        while (true)
        {
            final boolean kFound = km.find();
            final boolean nFound = nm.find();
            final String kText = k.substring(kAt, kFound ? km.start() : k.length());
            final String nText = n.substring(nAt, nFound ? nm.start() : n.length());
            if (!kText.equals(nText))
            {
                problems.add("text differs: kernel '" + excerpt(kText) + "' natcore '" + excerpt(nText) + "'");
                return problems;
            }
            if (kFound != nFound)
            {
                problems.add("kernel " + (kFound ? "printed " + km.group() : "printed no more addresses") +
                    ", natcore " + (nFound ? "printed " + nm.group() : "printed no more addresses"));
                return problems;
            }
            if (!kFound)
            {
                return problems;
            }
            final String command = lastCommand(k, km.start());
            final int kPort = Integer.parseInt(km.group(2));
            final int nPort = Integer.parseInt(nm.group(2));
            if (!km.group(1).equals(nm.group(1)))
            {
                problems.add("address after '" + command + "': kernel " + km.group() + ", natcore " + nm.group());
            }
            else if (kPort != nPort && (kept(command, kPort) || portClass(kPort) != portClass(nPort)))
            {
                problems.add("port after '" + command + "': kernel " + km.group() + ", natcore " + nm.group() +
                    (kept(command, kPort) ? " (the kernel kept the client's port)" : " (another port class)"));
            }
            kAt = km.end();
            nAt = nm.end();
        }
    }

    /**
     * For a scenario whose links lose packets at random (13): whether a client's connection got through, or timed
     * out before or after its first line, is chance with either box, so only the commands are compared, and every
     * address a server reports must be {@code natAddress} with a port in the class of a drawn one.
     *
     * @return the differences, one line each; empty when the runs agree.
     */
    static List<String> compareLossy(final String kernel, final String natcore, final String natAddress)
    {
        final List<String> problems = new ArrayList<>();
        final List<String> kernelCommands = kernel.lines().filter(l -> l.startsWith("$ [")).toList();
        final List<String> natcoreCommands = natcore.lines().filter(l -> l.startsWith("$ [")).toList();
        if (!kernelCommands.equals(natcoreCommands))
        {
            problems.add("commands differ: kernel " + kernelCommands + ", natcore " + natcoreCommands);
        }
        final Matcher m = ENDPOINT.matcher(normalize(natcore));
        while (m.find())
        {
            if (!m.group(1).equals(natAddress) || portClass(Integer.parseInt(m.group(2))) != 2)
            {
                problems.add("server saw " + m.group() + ", expected " + natAddress + ":1024-65535");
            }
        }
        return problems;
    }

    /** Removes what differs between any two runs: timings, temporary file names, script line numbers. */
    static String normalize(final String text)
    {
        return text.replaceAll("time[= ][0-9.]+ ?ms", "time=T")
            .replaceAll("(?m)^\\d+\\.\\d\\d ", "T ")
            .replaceAll("/tmp/tmp\\.\\w+", "/tmp/TMP")
            .replaceAll("rtt min/avg/max/mdev = \\S+ ms", "rtt T")
            .replaceAll("File \"[^\"]*?([\\w.]+\\.py)\", line \\d+", "File \"$1\", line N");
    }

    /** The kernel's port classes for a port it must choose ({@code nf_nat_l4proto_unique_tuple}). */
    static int portClass(final int port)
    {
        if (port < 512)
        {
            return 0;
        }
        return port < 1024 ? 1 : 2;
    }

    private static boolean kept(final String command, final int port)
    {
        for (final String token : command.split("\\s+"))
        {
            if (token.equals(Integer.toString(port)))
            {
                return true;
            }
        }
        return false;
    }

    private static String lastCommand(final String text, final int before)
    {
        final int start = text.lastIndexOf("$ [", before);
        if (start < 0)
        {
            return "";
        }
        final int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 || end > before ? before : end);
    }

    private static String excerpt(final String s)
    {
        final String one = s.replace("\n", "\\n");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}
