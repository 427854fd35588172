/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import io.natcore.engine.ConntrackEvent;
import io.natcore.engine.ConntrackEventType;
import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.pcap.TestCaptures;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays every packet the kernel received in a reference trace through the engine ({@link NatEngine}, configured
 * from the trace's rules and box, so the trackers' results are applied by the engine's own paths), and compares the
 * NEW/UPDATE events it publishes for each connection (state, timeout, ASSURED), paired with the kernel's by original
 * tuple, with the kernel's {@code conntrack-events.txt}.
 *
 * <p>Two differences are tolerated, both artefacts of how the kernel reports, not of tracking:
 * <ul>
 * <li>a timeout one second lower: ctnetlink prints {@code (deadline - now) / HZ} rounded down when
 *     the event is delivered, a jiffy or so after the refresh;</li>
 * <li>two events caused by packets of opposite directions that the kernel processed concurrently
 *     on two CPUs (less than 20 us apart): the event message reads the state when it is sent, so the
 *     first may show the second's state, or both may be merged into one message (trace 01's second
 *     flow shows LAST_ACK twice: the server's FIN and the client's FIN 3 us apart).</li>
 * <li>UDP's "still active more than 2 s after creation" test: the kernel compares jiffies (HZ 250 on
 *     the lab VM: 4 ms ticks, updated lazily on idle CPUs), so a packet 2.0024 s after creation was
 *     a stream for some flows of trace 13 and not for others. The replay runs with the 2 s threshold
 *     and with it moved by +-5 ms; a connection passes when one of the runs matches the kernel.</li>
 * </ul>
 */
class TraceReplayTest
{
    private static final Path TRACES = Path.of("../it/src/test/resources/traces");
    private static final long RACE_WINDOW_NANOS = 20_000;

    /** What the replay emitted for one connection. */
    private static final class Emitted
    {
        final ConntrackEvents.Event event;
        final long time;
        final int dir;

        Emitted(final ConntrackEvents.Event event, final long time, final int dir)
        {
            this.event = event;
            this.time = time;
            this.dir = dir;
        }
    }

    /** One kernel connection and what the engine published for it. */
    private static final class Entry
    {
        final ConntrackEvents.Conn conn;
        final List<Emitted> emitted = new ArrayList<>();

        Entry(final ConntrackEvents.Conn conn)
        {
            this.conn = conn;
        }
    }

    private static final long[] STREAM_AFTER_NANOS = {2_000_000_000L, 1_995_000_000L, 2_005_000_000L};

    @ParameterizedTest
    @ValueSource(strings = {
        "01-dnat-within-azure", "04-snat-masquerade", "09-icmp-errors-related", "11-many-flows", "13-lossy-links"})
    void replayedTrackersEmitTheKernelsEventsPerConnection(final String trace) throws Exception
    {
        final Path dir = TRACES.resolve(trace);
        final Map<String, ConntrackEvents.Conn> conns = ConntrackEvents.read(dir.resolve("conntrack-events.txt"));
        // Timestamp order, not capture order: packets taken on different CPUs reach the capture
        // out of order (trace 13 has a SYN stamped 1 us before the SYN/ACK listed ahead of it).
        final List<TestCaptures.Frame> packets = new ArrayList<>(TestCaptures.ipv4(dir.resolve("trace.pcap")));
        packets.sort(java.util.Comparator.comparingLong(p -> p.timeNanos()));
        final List<List<Entry>> runs = new ArrayList<>();
        for (final long streamAfter : STREAM_AFTER_NANOS)
        {
            runs.add(replay(dir, new Timeouts().udpStreamAfter(streamAfter), conns, packets));
        }

        final StringBuilder failures = new StringBuilder();
        int compared = 0;
        for (int c = 0; c < conns.size(); c++)
        {
            final Entry e = runs.get(0).get(c);
            final List<ConntrackEvents.Event> expected = new ArrayList<>();
            for (final ConntrackEvents.Event ev : e.conn.events)
            {
                if (!ev.kind.equals("DESTROY"))
                {
                    expected.add(ev);
                }
            }
            compared++;
            boolean ok = false;
            for (final List<Entry> run : runs)
            {
                ok |= matches(expected, run.get(c).emitted);
            }
            if (!ok)
            {
                failures.append(e.conn.proto).append(' ').append(String.join(",", e.conn.orig))
                    .append("\n  kernel: ").append(expected)
                    .append("\n  ours:   ").append(describe(e.emitted)).append('\n');
            }
        }
        assertEquals(conns.size(), compared);
        assertEquals("", failures.toString(), trace + ": event sequences differ");
    }

    private static List<Entry> replay(
        final Path dir, final Timeouts timeouts, final Map<String, ConntrackEvents.Conn> conns,
        final List<TestCaptures.Frame> packets) throws Exception
    {
        final Map<String, Entry> byOrig = new HashMap<>();
        final Map<String, Integer> dirByKey = new HashMap<>();
        final List<Entry> entries = new ArrayList<>();
        for (final ConntrackEvents.Conn c : conns.values())
        {
            final Entry e = new Entry(c);
            entries.add(e);
            byOrig.put(key(c.proto, c.orig), e);
            dirByKey.put(key(c.proto, c.orig), 0);
            dirByKey.put(key(c.proto, c.reply), 1);
        }
        final BoxConfig box = BoxConfig.parse(Files.readString(dir.resolve("box.txt")));
        final NatEngineConfig config = NatEngineConfig.builder().box(box)
            .rules(IptablesSaveParser.parse(Files.readString(dir.resolve("rules.txt"))).bind(box))
            .timeouts(timeouts).capacity(4096).seed(42).build();
        int published = 0;
        try (NatEngine engine = new NatEngine(config))
        {
            final PacketProcessor p = engine.newProcessor();
            for (final TestCaptures.Frame packet : packets)
            {
                if (packet.sent())
                {
                    continue;
                }
                final byte[] b = packet.ip();
                p.process(new UnsafeBuffer(b), 0, b.length, packet.ifIndex(), packet.timeNanos());
                final String k = packetKey(packet.ip());
                final int packetDir = k == null ? -1 : dirByKey.getOrDefault(k, -1);
                final long time = packet.timeNanos();
                published += engine.pollEvents(ev ->
                {
                    final Entry e = byOrig.get(eventKey(ev));
                    if (e != null && ev.type != ConntrackEventType.DESTROY)
                    {
                        e.emitted.add(new Emitted(new ConntrackEvents.Event(ev.type.name(),
                            ev.protocol == 6 ? TcpState.name(ev.state) : "", ev.timeoutSeconds, ev.assured()),
                            time, packetDir));
                    }
                }, Integer.MAX_VALUE);
            }
        }
        assertTrue(published > 0, "the engine published no event");
        return entries;
    }

    /** The key of an event's original tuple, as {@link #key} makes it from the kernel's. */
    private static String eventKey(final ConntrackEvent ev)
    {
        final String src = dotted(ev.origSrc);
        final String dst = dotted(ev.origDst);
        if (ev.protocol == 1)
        {
            return "1|" + src + "|" + dst + "|" + ev.origSport;
        }
        return ev.protocol + "|" + src + "|" + dst + "|" + ev.origSport + "|" + ev.origDport;
    }

    private static String dotted(final int ip)
    {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    static boolean matches(final List<ConntrackEvents.Event> kernel, final List<Emitted> ours)
    {
        return matchFrom(kernel, 0, ours, 0);
    }

    private static boolean matchFrom(final List<ConntrackEvents.Event> k, final int j, final List<Emitted> o, final int i)
    {
        if (j == k.size() || i == o.size())
        {
            return j == k.size() && i == o.size();
        }
        if (same(k.get(j), o.get(i).event) && matchFrom(k, j + 1, o, i + 1))
        {
            return true;
        }
        if (i + 1 < o.size() && racy(o.get(i), o.get(i + 1)) && same(k.get(j), o.get(i + 1).event))
        {
            // The first event was delivered after the second packet changed the state.
            if (j + 1 < k.size() && same(k.get(j + 1), o.get(i + 1).event) && matchFrom(k, j + 2, o, i + 2))
            {
                return true;
            }
            return matchFrom(k, j + 1, o, i + 2); // both changes delivered in one message
        }
        return false;
    }

    private static boolean racy(final Emitted a, final Emitted b)
    {
        return a.dir != b.dir && b.time - a.time < RACE_WINDOW_NANOS;
    }

    private static boolean same(final ConntrackEvents.Event kernel, final ConntrackEvents.Event ours)
    {
        return kernel.kind.equals(ours.kind) && kernel.state.equals(ours.state) && kernel.assured == ours.assured &&
            (kernel.timeout == ours.timeout || kernel.timeout == ours.timeout - 1);
    }

    private static String describe(final List<Emitted> emitted)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (final Emitted e : emitted)
        {
            sb.append(sb.length() > 1 ? ", " : "").append(e.event).append(" @").append(e.time % 1_000_000_000L)
                .append(" d").append(e.dir);
        }
        return sb.append(']').toString();
    }

    private static String key(final String proto, final String[] t)
    {
        if (proto.equals("icmp"))
        {
            return "1|" + t[0] + "|" + t[1] + "|" + t[4];
        }
        return (proto.equals("tcp") ? "6" : "17") + "|" + t[0] + "|" + t[1] + "|" + t[2] + "|" + t[3];
    }

    private static String packetKey(final byte[] b)
    {
        if (b.length < 20 || (b[0] & 0xF0) != 0x40)
        {
            return null;
        }
        final int ihl = (b[0] & 0x0F) * 4;
        final int fragOff = ((b[6] & 0x1F) << 8) | (b[7] & 0xFF);
        if (fragOff != 0 || b.length < ihl + 8)
        {
            return null;
        }
        final int proto = b[9] & 0xFF;
        final String src = (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        final String dst = (b[16] & 0xFF) + "." + (b[17] & 0xFF) + "." + (b[18] & 0xFF) + "." + (b[19] & 0xFF);
        final int a = ((b[ihl] & 0xFF) << 8) | (b[ihl + 1] & 0xFF);
        final int c = ((b[ihl + 2] & 0xFF) << 8) | (b[ihl + 3] & 0xFF);
        if (proto == 1)
        {
            final int type = b[ihl] & 0xFF;
            if (IcmpTracker.isError(type))
            {
                return null; // RELATED: never tracked as its own connection
            }
            final int id = ((b[ihl + 4] & 0xFF) << 8) | (b[ihl + 5] & 0xFF);
            return "1|" + src + "|" + dst + "|" + id;
        }
        if (proto != 6 && proto != 17)
        {
            return null;
        }
        return proto + "|" + src + "|" + dst + "|" + a + "|" + c;
    }
}
