/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import io.natcore.packet.Ipv4Header;
import io.natcore.packet.TcpHeader;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of a fault scenario (it/lab/faults/NAME.sh) through the live box, and what the tests read from it: the
 * scenario's {@code figures.txt}, the clients' outputs, the box's counters (its final ones in engine.log, or a
 * {@code stat} snapshot) and the capture. The figures a test derives are collected in {@link #figures} and
 * written to {@code target/live-faults/NAME/result.txt} (and printed), for RELIABILITY.md.
 */
final class FaultRun
{
    static final Path OUT = LabEnvironment.MODULE.resolve("target/live-faults");
    static final Path FAULTS = LabEnvironment.LAB.resolve("faults");
    private static final int PROTO_TCP = 6;
    private static final Pattern COUNTER = Pattern.compile("^(.+?)\\s+(-?\\d+)$");

    final String name;
    final LabRun lab;
    final Map<String, String> figures = new LinkedHashMap<>();

    private FaultRun(final String name, final LabRun lab)
    {
        this.name = name;
        this.lab = lab;
    }

    /** Skips the calling test, with the reason printed, when the lab cannot run here. */
    static void assumeLab(final String test)
    {
        final String missing = LabEnvironment.missing();
        if (missing != null)
        {
            System.out.println(test + " skipped: " + missing);
            System.err.println(test + " skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "lab unavailable: " + missing);
    }

    /** Runs it/lab/faults/NAME.sh; fails unless lab.sh ran to its end and the box started and stopped cleanly. */
    static FaultRun run(final String name, final String jvmArgs, final String boxArgs, final Map<String, String> env,
        final long timeLimitSeconds) throws IOException, InterruptedException
    {
        final LabRun lab = LabRun.natcore(FAULTS.resolve(name + ".sh"), OUT.resolve(name), jvmArgs, boxArgs, env,
            timeLimitSeconds);
        final FaultRun run = new FaultRun(name, lab);
        assertEquals(0, lab.exitCode, name + ": lab.sh failed or ran out of time (see " +
            lab.out.resolve("lab.log") + "): " + tail(lab.read("lab.log")));
        final String log = lab.read("engine.log");
        assertTrue(log.startsWith("ready"), name + ": engine.log does not start with ready: " + tail(log));
        assertTrue(log.contains("verdict "), name + ": the box did not stop cleanly (no final counters): " + tail(log));
        assertTrue(!log.contains("Exception"), name + ": the box threw: " + tail(log));
        return run;
    }

    /** @return the scenario's figure KEY (figures.txt), or fails. */
    String scenarioFigure(final String key) throws IOException
    {
        for (final String line : lab.read("figures.txt").split("\n"))
        {
            if (line.startsWith(key + " "))
            {
                return line.substring(key.length() + 1).trim();
            }
        }
        throw new AssertionError(name + ": the scenario recorded no figure '" + key + "'");
    }

    double seconds(final String key) throws IOException
    {
        return Double.parseDouble(scenarioFigure(key));
    }

    /** @return the box's final counters (what it printed on SIGTERM at the end of engine.log), label to value. */
    Map<String, Long> finalCounters() throws IOException
    {
        final String log = lab.read("engine.log");
        final int last = log.lastIndexOf("ready\n");
        return counters(last < 0 ? log : log.substring(last));
    }

    /** @return the counters of {@code stat-NAME.txt} (a snapshot the scenario took through the stat command). */
    Map<String, Long> stat(final String snapshot) throws IOException
    {
        final String text = lab.read("stat-" + snapshot + ".txt");
        assertTrue(text.startsWith("natcore-dataplane pid"), name + ": stat " + snapshot + " failed: " + tail(text));
        return counters(text);
    }

    static Map<String, Long> counters(final String text)
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final String line : text.split("\n"))
        {
            final Matcher m = COUNTER.matcher(line.trim());
            if (m.matches())
            {
                out.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return out;
    }

    /** @return the sum over workers of {@code "worker N: LABEL"}. */
    static long workers(final Map<String, Long> counters, final String label)
    {
        long sum = 0;
        for (final Map.Entry<String, Long> e : counters.entrySet())
        {
            if (e.getKey().startsWith("worker ") && e.getKey().endsWith(": " + label))
            {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /**
     * Checks the long TCP connections the scenario ran (tcp-1.txt ... tcp-N.txt, client.py tcpslow): each printed
     * one {@code remote=} (no reconnect), echoed every line in order, and exited 0 (no reset, no timeout).
     */
    void longTcpConnectionsIntact(final int count, final int lines) throws IOException
    {
        for (int i = 1; i <= count; i++)
        {
            final String text = lab.read("tcp-" + i + ".txt");
            final String[] got = text.split("\n");
            assertTrue(got.length == lines + 2 && got[0].startsWith("remote=") && "exit 0".equals(got[lines + 1]),
                name + ": TCP connection " + i + " did not run to its end: " + tail(text));
            for (int l = 0; l < lines; l++)
            {
                assertEquals("line " + l, got[l + 1], name + ": TCP connection " + i + " line " + l);
            }
        }
    }

    /** A UDP stream's result (client.py udpstream): the translated sources the server reported, sent, received. */
    record Stream(List<String> remotes, long sent, long received)
    {
    }

    Stream udpStream(final String stream) throws IOException
    {
        final String text = lab.read("udp-" + stream + ".txt");
        final List<String> remotes = new ArrayList<>();
        long sent = -1;
        long received = -1;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("remote="))
            {
                remotes.add(line.substring("remote=".length(), line.indexOf(' ')));
            }
            else if (line.startsWith("sent "))
            {
                final String[] f = line.split(" ");
                sent = Long.parseLong(f[1]);
                received = Long.parseLong(f[3]);
            }
        }
        assertTrue(sent > 0 && text.contains("exit 0"), name + ": UDP stream " + stream + " did not end: " + tail(text));
        return new Stream(remotes, sent, received);
    }

    /** Packets in the capture with TCP RST set (either direction, any interface). */
    long tcpResets() throws Exception
    {
        long resets = 0;
        try (PcapReader reader = PcapReader.open(lab.out.resolve("trace.pcap")))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                if (!rec.isIpv4() || rec.ipLength < Ipv4Header.MIN_LENGTH ||
                    Ipv4Header.protocol(rec.buffer, rec.ipOffset) != PROTO_TCP)
                {
                    continue;
                }
                final int tcp = rec.ipOffset + Ipv4Header.headerLength(rec.buffer, rec.ipOffset);
                if (tcp + TcpHeader.MIN_LENGTH <= rec.ipOffset + rec.ipLength &&
                    (rec.buffer.getByte(tcp + TcpHeader.FLAGS_OFFSET) & TcpHeader.RST) != 0)
                {
                    resets++;
                }
            }
        }
        return resets;
    }

    /** IPv4 packets the NAT VM received (not sent) with a capture time in [fromSeconds, toSeconds] (epoch). */
    long receivedBetween(final double fromSeconds, final double toSeconds) throws Exception
    {
        long n = 0;
        try (PcapReader reader = PcapReader.open(lab.out.resolve("trace.pcap")))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                final double t = rec.timestampNanos / 1e9;
                if (rec.isIpv4() && !rec.isOutgoing() && t >= fromSeconds && t <= toSeconds)
                {
                    n++;
                }
            }
        }
        return n;
    }

    /** @return the distinct {@code A.B.C.D:PORT} after {@code remote=} in clients.txt lines following {@code command}. */
    TreeSet<String> remotesAfter(final String command) throws IOException
    {
        final TreeSet<String> out = new TreeSet<>();
        boolean inside = false;
        for (final String line : lab.read("clients.txt").split("\n"))
        {
            if (line.startsWith("$ "))
            {
                inside = line.contains(command);
            }
            else if (inside && line.startsWith("remote="))
            {
                final int sp = line.indexOf(' ');
                out.add(line.substring("remote=".length(), sp < 0 ? line.length() : sp));
            }
        }
        return out;
    }

    void figure(final String key, final Object value)
    {
        figures.put(key, String.valueOf(value));
    }

    /** Writes and prints the figures the test derived. */
    void report() throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        figures.forEach((k, v) -> sb.append(name).append(' ').append(k).append(' ').append(v).append('\n'));
        Files.writeString(lab.out.resolve("result.txt"), sb.toString());
        System.out.print(sb);
    }

    static String tail(final String s)
    {
        return s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
    }
}
