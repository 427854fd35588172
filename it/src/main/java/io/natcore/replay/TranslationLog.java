/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.natcore.replay.compare.Wire;
import org.agrona.DirectBuffer;

/**
 * The demo's view of a replay: each connection as the client sent it and as the server saw it,
 * read off the packets going in and out of the engine (not from the engine's table), plus the
 * packets the engine did not forward.
 */
final class TranslationLog implements RecordObserver
{
    private static final int MAX_NOT_FORWARDED_LINES = 25;

    static final class Connection
    {
        final FlowTuple client;
        final FlowTuple server;
        int out;
        int back;
        int icmpErrors;

        Connection(final FlowTuple client, final FlowTuple server)
        {
            this.client = client;
            this.server = server;
        }
    }

    /** A packet the engine did not translate: dropped, or forwarded as it came (INVALID). */
    record Unforwarded(long record, FlowTuple tuple, String verdict, String reason)
    {
    }

    private final List<Connection> connections = new ArrayList<>();
    private final List<Unforwarded> marked = new ArrayList<>();
    private byte[] after = new byte[2048];
    private final Map<FlowTuple, Connection> byClientTuple = new HashMap<>();
    private final Map<FlowTuple, Connection> byReplyTuple = new HashMap<>();
    private final List<String> notForwarded = new ArrayList<>();
    private final List<String> untranslated = new ArrayList<>();
    private int notForwardedCount;
    private int laterFragments;

    @Override
    public void skipped(final long record, final boolean sentByBox)
    {
        // not the engine's traffic
    }

    @Override
    public void judged(final long record, final byte[] before, final int beforeLength, final boolean sent,
        final DirectBuffer buffer, final int afterOffset, final int afterLength, final String verdict,
        final String reason, final int egressIf)
    {
        if (sent && "FORWARD".equals(verdict))
        {
            if (after.length < afterLength)
            {
                after = new byte[Math.max(afterLength, after.length * 2)];
            }
            buffer.getBytes(afterOffset, after, 0, afterLength);
            forwarded(FlowTuple.of(before, 0, beforeLength), FlowTuple.of(after, 0, afterLength),
                FlowTuple.quotedBy(before, 0, beforeLength), FlowTuple.isLaterFragment(before, 0, beforeLength));
        }
        else
        {
            if (marked.size() < MAX_NOT_FORWARDED_LINES)
            {
                marked.add(new Unforwarded(record, FlowTuple.of(before, 0, beforeLength), verdict, reason));
            }
            if (sent)
            {
                forwardedUntranslated(record, before, beforeLength, verdict, reason);
            }
            else
            {
                notForwarded(record, before, beforeLength, verdict, reason);
            }
        }
    }

    @Override
    public void released(final long record, final boolean sent, final DirectBuffer buffer, final int offset,
        final int length, final int egressIf)
    {
        if (sent)
        {
            laterFragments++;
        }
    }

    /** @return the connections in the order their first packet came. */
    List<Connection> connections()
    {
        return connections;
    }

    /** @return the first packets the engine dropped or forwarded untranslated (at most 25). */
    List<Unforwarded> unforwarded()
    {
        return marked;
    }

    void forwarded(final FlowTuple in, final FlowTuple outTuple, final FlowTuple quotedIn, final boolean laterFragment)
    {
        if (laterFragment)
        {
            laterFragments++; // no L4 header to tell its connection by
            return;
        }
        if (in == null || outTuple == null)
        {
            return;
        }
        if (quotedIn != null)
        {
            // An ICMP error about a connection: its quote is a packet of the connection as sent out.
            Connection c = byClientTuple.get(quotedIn);
            if (c == null)
            {
                c = byReplyTuple.get(quotedIn.reversed());
            }
            if (c == null)
            {
                c = byClientTuple.get(quotedIn.reversed());
            }
            if (c == null)
            {
                c = byReplyTuple.get(quotedIn);
            }
            if (c != null)
            {
                c.icmpErrors++;
                return;
            }
        }
        Connection c = byClientTuple.get(in);
        if (c != null)
        {
            c.out++;
            return;
        }
        c = byReplyTuple.get(in);
        if (c != null)
        {
            c.back++;
            return;
        }
        c = new Connection(in, outTuple);
        c.out = 1;
        connections.add(c);
        byClientTuple.put(in, c);
        byReplyTuple.put(outTuple.reversed(), c);
    }

    private void notForwarded(final long record, final byte[] b, final int len, final String verdict, final String reason)
    {
        notForwardedCount++;
        if (notForwarded.size() < MAX_NOT_FORWARDED_LINES)
        {
            notForwarded.add(line(record, b, len, verdict, reason));
        }
    }

    /** A packet sent on as it came: conntrack deemed it INVALID (the kernel forwards those untranslated). */
    private void forwardedUntranslated(final long record, final byte[] b, final int len, final String verdict, final String reason)
    {
        if (untranslated.size() < MAX_NOT_FORWARDED_LINES)
        {
            untranslated.add(line(record, b, len, verdict, reason));
        }
    }

    private static String line(final long record, final byte[] b, final int len, final String verdict, final String reason)
    {
        return String.format("#%-5d %-44s %s (%s)", record, FlowTuple.describe(b, 0, len), verdict, reason);
    }

    void print(final PrintStream out, final String rulesText, final java.util.function.IntPredicate isBoxAddress,
        final String conntrackDump)
    {
        final boolean masquerade = rulesText.contains("-j MASQUERADE");
        out.println("Connections, as the client sent them  ==>  as the server saw them:");
        if (connections.isEmpty())
        {
            out.println("  (none forwarded)");
        }
        int n = 0;
        for (final Connection c : connections)
        {
            n++;
            final FlowTuple a = c.client;
            final FlowTuple s = c.server;
            final boolean dnat = a.dst() != s.dst() || a.dport() != s.dport();
            out.printf("%3d. %-4s client %s -> %s%s  ==>  server saw %s -> %s%n", n, a.protoName(), a.from(),
                dnat ? "published " : "", a.to(), s.from(), s.to());
            final String nat = nat(c, masquerade, isBoxAddress);
            out.printf("       %s; %s out, %d back%s%s%n", nat, plural(c.out, "packet"), c.back,
                c.icmpErrors > 0 ? ", " + plural(c.icmpErrors, "ICMP error") + " about it translated" : "",
                state(conntrackDump, a));
        }
        if (laterFragments > 0)
        {
            out.println("     + " + plural(laterFragments, "non-first fragment") + " forwarded (no ports of their own)");
        }
        if (!untranslated.isEmpty())
        {
            out.println();
            out.println("Forwarded untranslated, as the kernel does with what conntrack deems INVALID (record, packet, verdict, reason):");
            for (final String line : untranslated)
            {
                out.println("  " + line);
            }
        }
        if (notForwardedCount > 0)
        {
            out.println();
            out.println("Received but not forwarded (record, packet, verdict, reason):");
            for (final String line : notForwarded)
            {
                out.println("  " + line);
            }
            if (notForwardedCount > notForwarded.size())
            {
                out.println("  ... and " + (notForwardedCount - notForwarded.size()) + " more");
            }
        }
    }

    /**
     * @param c            a connection.
     * @param masquerade   whether the rules MASQUERADE.
     * @param isBoxAddress tells the box's own addresses.
     * @return what the box did to it: "DNAT to 192.168.1.5:22, MASQUERADE to 172.16.2.5", or "routed, no NAT".
     */
    static String nat(final Connection c, final boolean masquerade, final java.util.function.IntPredicate isBoxAddress)
    {
        final FlowTuple a = c.client;
        final FlowTuple s = c.server;
        final boolean dnat = a.dst() != s.dst() || a.dport() != s.dport();
        final boolean snat = a.src() != s.src() || a.sport() != s.sport();
        final StringBuilder nat = new StringBuilder();
        if (dnat)
        {
            nat.append("DNAT to ").append(FlowTuple.endpoint(s.dst(), a.proto() == Wire.ICMP ? -1 : s.dport()));
        }
        if (snat)
        {
            if (nat.length() > 0)
            {
                nat.append(", ");
            }
            nat.append(masquerade && isBoxAddress.test(s.src()) ? "MASQUERADE to " : "SNAT to ")
                .append(Wire.ip(s.src()));
            if (a.sport() != s.sport())
            {
                nat.append(a.proto() == Wire.ICMP ? " (id " : " (port ").append(a.sport()).append(" -> ")
                    .append(s.sport()).append(')');
            }
        }
        if (!dnat && !snat)
        {
            nat.append("routed, no NAT");
        }
        return nat.toString();
    }

    private static String plural(final int n, final String what)
    {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Finds the connection's line in a conntrack -L dump and returns "; state X [FLAGS]". */
    private static String state(final String dump, final FlowTuple a)
    {
        if (dump == null || dump.isEmpty())
        {
            return "";
        }
        final String needle = "src=" + Wire.ip(a.src()) + " dst=" + Wire.ip(a.dst()) + " " +
            (a.proto() == Wire.ICMP || a.sport() < 0 ? "" : "sport=" + a.sport() + " dport=" + a.dport());
        // conntrack -L lines start "ipv4 2 <proto name> <proto number> ...": a TCP and a UDP connection can share
        // addresses and ports, so the protocol number must match too.
        final String proto = " " + a.proto() + " ";
        for (final String line : dump.split("\n"))
        {
            if (!line.contains(needle.trim()) || !line.substring(0, line.indexOf("src=")).contains(proto))
            {
                continue;
            }
            final StringBuilder sb = new StringBuilder("; at the end: ");
            final String[] tokens = line.trim().split("\\s+");
            String state = null;
            for (final String t : tokens)
            {
                if (t.startsWith("src="))
                {
                    break;
                }
                if (t.matches("[A-Z_]{3,}"))
                {
                    state = t;
                }
            }
            sb.append(state != null ? state : "in the table");
            for (final String t : tokens)
            {
                if (t.startsWith("[") && t.endsWith("]"))
                {
                    sb.append(' ').append(t);
                }
            }
            return sb.toString();
        }
        return "; gone from the table at the end";
    }
}
