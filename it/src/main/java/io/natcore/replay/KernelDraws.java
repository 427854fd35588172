/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.natcore.nat.DrawHints;
import io.natcore.nat.DrawRefusal;
import io.natcore.nat.NatTuple;
import io.natcore.replay.compare.Wire;
import io.natcore.rules.Ipv4Text;

/**
 * The kernel's NAT choices and evictions in a trace's {@code conntrack-events.txt} ({@code conntrack -E -o
 * timestamp,id}), to steer an engine ({@link #hints()}) and to judge it against the kernel ({@link #deviations()}).
 * <ul>
 * <li>Each NEW event gives one draw: the connection's original tuple, translated to the inverse of its reply tuple.</li>
 * <li>The DESTROY events printed just before a NEW (stamped at most {@value #SAME_PACKET_NANOS} ns before it) are
 *     the connections the kernel evicted for it: an expired connection found on the new packet's lookup or holding a
 *     tuple the binding asked for, a closing one a SYN took over. The engine's DESTROY events published while it
 *     processed the packet that made the same NEW must name the same connections.</li>
 * </ul>
 * Connections are named by protocol and original tuple (ICMP: the query's identifier in both port fields; protocols
 * without ports: ports 0); the k-th NEW of a tuple in the engine is compared with the k-th in the kernel's record.
 */
public final class KernelDraws
{
    /** A kernel DESTROY this close before a NEW was caused by the NEW's packet (they are tens of us apart). */
    static final long SAME_PACKET_NANOS = 1_000_000;

    private static final Pattern EVENT = Pattern.compile(
        "^\\[(\\d+)\\.(\\d+)\\]\\s+\\[(NEW|DESTROY)\\]\\s+\\S+\\s+(\\d+)\\s+(.*)$");
    private static final Pattern FIELD = Pattern.compile("(src|dst|sport|dport|id)=(\\S+)");

    /**
     * One connection the kernel made: when its NEW was printed, its original tuple and its reply tuple (as the
     * kernel printed them: the reply as the answering side sends it, before any translation).
     *
     * @param newNanos the NEW event's timestamp.
     * @param orig     original tuple.
     * @param reply    reply tuple.
     */
    public record Connection(long newNanos, NatTuple orig, NatTuple reply)
    {
    }

    private final DrawHints hints;
    private final List<Connection> connections = new ArrayList<>();
    /** Per connection name: per NEW of it in the kernel's record, in order, the connections evicted for it. */
    private final Map<String, List<List<String>>> kernelEvictions = new HashMap<>();
    private final Map<String, Integer> engineNews = new HashMap<>();
    private final List<String> evictionDeviations = new ArrayList<>();

    private KernelDraws(final int capacity)
    {
        hints = new DrawHints(capacity);
    }

    /**
     * @param text a {@code conntrack -E -o timestamp,id} listing.
     * @return its draws and evictions.
     * @throws ReplayException on a NEW or DESTROY line it cannot read, with its line number.
     */
    public static KernelDraws parse(final String text) throws ReplayException
    {
        final String[] lines = text.split("\n");
        final KernelDraws d = new KernelDraws(lines.length);
        final NatTuple orig = new NatTuple();
        final NatTuple reply = new NatTuple();
        final NatTuple translated = new NatTuple();
        final List<String> destroyed = new ArrayList<>();
        final List<Long> destroyedAt = new ArrayList<>();
        for (int n = 0; n < lines.length; n++)
        {
            final Matcher m = EVENT.matcher(lines[n].strip());
            if (!m.matches())
            {
                if (!lines[n].contains("[UPDATE]") && !lines[n].isBlank())
                {
                    destroyed.clear();
                }
                continue;
            }
            final long at = Long.parseLong(m.group(1)) * 1_000_000_000L +
                Long.parseLong((m.group(2) + "000000000").substring(0, 9));
            if (!tuples(Integer.parseInt(m.group(4)), m.group(5), orig, reply))
            {
                throw new ReplayException("conntrack events line " + (n + 1) + ": cannot read the tuples: " + lines[n]);
            }
            if ("DESTROY".equals(m.group(3)))
            {
                destroyed.add(name(orig));
                destroyedAt.add(at);
                continue;
            }
            final List<String> evicted = new ArrayList<>();
            for (int i = 0; i < destroyed.size(); i++)
            {
                if (at - destroyedAt.get(i) <= SAME_PACKET_NANOS)
                {
                    evicted.add(destroyed.get(i));
                }
            }
            destroyed.clear();
            destroyedAt.clear();
            d.kernelEvictions.computeIfAbsent(name(orig), k -> new ArrayList<>()).add(evicted);
            d.hints.add(orig, translated.invertOf(reply));
            d.connections.add(new Connection(at, new NatTuple().copyFrom(orig), new NatTuple().copyFrom(reply)));
        }
        return d;
    }

    /**
     * Reads the two tuples of an event's text: src, dst, then sport/dport (TCP, UDP, ...) or the ICMP id, twice.
     * The last {@code id=} is the connection's id (printed by {@code -o id}), not a tuple field.
     */
    private static boolean tuples(final int proto, final String rest, final NatTuple orig, final NatTuple reply)
    {
        final int[] f = new int[8];
        int tuple = -1;
        final int connectionId = rest.lastIndexOf(" id=");
        final Matcher m = FIELD.matcher(connectionId < 0 ? rest : rest.substring(0, connectionId));
        while (m.find())
        {
            final String k = m.group(1);
            if ("src".equals(k))
            {
                if (++tuple > 1)
                {
                    return false;
                }
                final long a = Ipv4Text.parseAddress(m.group(2));
                if (a < 0)
                {
                    return false;
                }
                f[tuple * 4] = (int)a;
            }
            else if (tuple >= 0)
            {
                final int base = tuple * 4;
                switch (k)
                {
                    case "dst" -> f[base + 1] = (int)Ipv4Text.parseAddress(m.group(2));
                    case "sport" -> f[base + 2] = Integer.parseInt(m.group(2));
                    case "dport" -> f[base + 3] = Integer.parseInt(m.group(2));
                    default ->
                    {
                        f[base + 2] = Integer.parseInt(m.group(2)); // the ICMP query's id, both "ports"
                        f[base + 3] = f[base + 2];
                    }
                }
            }
        }
        if (tuple != 1)
        {
            return false;
        }
        orig.set(proto, f[0], f[1], f[2], f[3]);
        reply.set(proto, f[4], f[5], f[6], f[7]);
        return true;
    }

    /** @return every connection the kernel made (each NEW event), in the record's order. */
    public List<Connection> connections()
    {
        return connections;
    }

    /** @return the draws, to steer an engine (it writes each draw's outcome back). */
    public DrawHints hints()
    {
        return hints;
    }

    /**
     * The engine made a NEW connection; {@code evicted} are the connections it destroyed before, for the same packet.
     *
     * @param proto   protocol.
     * @param src     original source.
     * @param dst     original destination.
     * @param sport   original source port (ICMP id).
     * @param dport   original destination port (ICMP id).
     * @param evicted names ({@link #name}) of the connections destroyed before it.
     */
    public void onEngineNew(final int proto, final int src, final int dst, final int sport, final int dport,
        final List<String> evicted)
    {
        final String conn = name(new NatTuple().set(proto, src, dst, sport, dport));
        final int k = engineNews.merge(conn, 1, Integer::sum) - 1;
        final List<List<String>> kernel = kernelEvictions.get(conn);
        final List<String> expected = kernel == null || k >= kernel.size() ? List.of() : kernel.get(k);
        if (!new java.util.HashSet<>(expected).equals(new java.util.HashSet<>(evicted)))
        {
            evictionDeviations.add("eviction: before NEW " + conn + (k > 0 ? " (its NEW #" + (k + 1) + ")" : "") +
                " the kernel destroyed " + expected + ", the engine " + evicted);
        }
    }

    /**
     * @return one line per deviation: each draw the engine refused, with its reason and the engine's own choice, and
     *     each NEW before which the engine evicted other connections than the kernel (or the kernel evicted for a NEW
     *     the engine never made).
     */
    public List<String> deviations()
    {
        final List<String> out = new ArrayList<>();
        final NatTuple a = new NatTuple();
        final NatTuple b = new NatTuple();
        for (int i = 0; i < hints.size(); i++)
        {
            final int outcome = hints.outcome(i);
            if (outcome >= 0)
            {
                out.add("draw refused: " + name(hints.originalOf(i, a)) + " -> kernel " + name(hints.copyTo(i, b)) +
                    ", engine " + name(hints.engineChoiceOf(i, a)) + ": " + DrawRefusal.values()[outcome].reason());
            }
        }
        out.addAll(evictionDeviations);
        for (final Map.Entry<String, List<List<String>>> e : kernelEvictions.entrySet())
        {
            final List<List<String>> news = e.getValue();
            for (int k = engineNews.getOrDefault(e.getKey(), 0); k < news.size(); k++)
            {
                if (!news.get(k).isEmpty())
                {
                    out.add("eviction: before NEW " + e.getKey() + " the kernel destroyed " + news.get(k) +
                        "; the engine made no such connection");
                }
            }
        }
        return out;
    }

    /** @return "udp 192.168.1.5:40000 > 172.16.2.69:7" (ICMP: "icmp 192.168.1.5 > 172.16.2.69 id 4242"). */
    static String name(final NatTuple t)
    {
        final String p = t.proto == Wire.TCP ? "tcp" : t.proto == Wire.UDP ? "udp" : t.proto == Wire.ICMP ? "icmp" :
            "proto " + t.proto;
        if (t.proto == Wire.ICMP)
        {
            return p + " " + Wire.ip(t.srcIp) + " > " + Wire.ip(t.dstIp) + " id " + t.srcPort;
        }
        return p + " " + Wire.ip(t.srcIp) + ":" + t.srcPort + " > " + Wire.ip(t.dstIp) + ":" + t.dstPort;
    }
}
