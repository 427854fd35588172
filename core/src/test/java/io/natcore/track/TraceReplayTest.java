/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays every packet the kernel received in a reference trace through the trackers, pairing
 * packets with connections by the tuples of {@code conntrack-events.txt} NEW lines, and compares
 * the NEW/UPDATE events a conntrack engine would emit (state, timeout, ASSURED) with the kernel's.
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

    /** The mini engine's entry. */
    private static final class Entry
    {
        final ConntrackEvents.Conn conn;
        final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH + 8]);
        final List<Emitted> emitted = new ArrayList<>();
        boolean created;
        boolean dead;
        boolean seenReply;
        boolean assured;
        long deadline;
        int icmpType;
        int tcpState;

        Entry(final ConntrackEvents.Conn conn)
        {
            this.conn = conn;
        }
    }

    private static final long[] STREAM_AFTER_NANOS = {2_000_000_000L, 1_995_000_000L, 2_005_000_000L};

    private final Timeouts timeouts = new Timeouts();
    private final TcpTracker tcp = new TcpTracker(timeouts);
    private UdpTracker udp;
    private final IcmpTracker icmp = new IcmpTracker(timeouts);
    private final TcpSegment seg = new TcpSegment();
    private final TrackResult res = new TrackResult();

    @ParameterizedTest
    @ValueSource(strings = {
        "01-dnat-within-azure", "04-snat-masquerade", "09-icmp-errors-related", "11-many-flows", "13-lossy-links"})
    void replayedTrackersEmitTheKernelsEventsPerConnection(final String trace) throws IOException
    {
        final Path dir = TRACES.resolve(trace);
        final Map<String, ConntrackEvents.Conn> conns = ConntrackEvents.read(dir.resolve("conntrack-events.txt"));
        // Timestamp order, not capture order: packets taken on different CPUs reach the capture
        // out of order (trace 13 has a SYN stamped 1 us before the SYN/ACK listed ahead of it).
        final List<PcapReader.Packet> packets = new ArrayList<>(PcapReader.read(dir.resolve("trace.pcap")));
        packets.sort(java.util.Comparator.comparingLong(p -> p.timeNanos));
        final List<List<Entry>> runs = new ArrayList<>();
        for (final long streamAfter : STREAM_AFTER_NANOS)
        {
            udp = new UdpTracker(new Timeouts().udpStreamAfter(streamAfter));
            runs.add(replay(conns, packets));
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

    private List<Entry> replay(final Map<String, ConntrackEvents.Conn> conns, final List<PcapReader.Packet> packets)
    {
        final Map<String, Entry> byKey = new HashMap<>();
        final Map<String, Integer> dirByKey = new HashMap<>();
        final List<Entry> entries = new ArrayList<>();
        for (final ConntrackEvents.Conn c : conns.values())
        {
            final Entry e = new Entry(c);
            entries.add(e);
            final String ok = key(c.proto, c.orig);
            final String rk = key(c.proto, c.reply);
            byKey.put(ok, e);
            dirByKey.put(ok, 0);
            byKey.put(rk, e);
            dirByKey.put(rk, 1);
        }
        int matched = 0;
        for (final PcapReader.Packet p : packets)
        {
            if (!p.received())
            {
                continue;
            }
            final String k = packetKey(p.ip);
            if (k == null || !byKey.containsKey(k))
            {
                continue;
            }
            matched++;
            process(byKey.get(k), dirByKey.get(k), p);
        }
        assertTrue(matched > 0, "no packet matched a connection");
        return entries;
    }

    private void process(final Entry e, final int dir, final PcapReader.Packet p)
    {
        final long now = p.timeNanos;
        if (e.dead)
        {
            return;
        }
        if (e.created && now - e.deadline >= 0)
        {
            e.dead = true; // expired: the kernel destroys it
            return;
        }
        final UnsafeBuffer ip = new UnsafeBuffer(p.ip);
        final int ihl = (ip.getByte(0) & 0x0F) * 4;
        final int total = ip.getShort(2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int proto = ip.getByte(9) & 0xFF;
        final boolean isNew = !e.created;
        if (isNew && dir != 0)
        {
            return;
        }
        switch (proto)
        {
            case 6:
                if (!seg.readFrom(ip, ihl, total - ihl) || !TcpTracker.validFlags(seg.flags))
                {
                    return; // INVALID: untracked
                }
                if (isNew && !tcp.newConnection(e.area, 0, seg, res))
                {
                    return;
                }
                tcp.packet(e.area, 0, e.tcpState, seg, dir, e.seenReply, e.assured, e.deadline - now, res);
                e.tcpState = res.newState;
                break;
            case 17:
                udp.packet(e.area, 0, isNew, e.seenReply, e.assured, now, res);
                break;
            case 1:
                final int type = ip.getByte(ihl) & 0xFF;
                if (isNew)
                {
                    e.icmpType = type;
                }
                icmp.packet(e.icmpType, res);
                break;
            default:
                return;
        }
        if (res.verdict == TrackResult.REPEAT)
        {
            e.dead = true;
            return;
        }
        if (res.verdict != TrackResult.ACCEPT)
        {
            if (res.refresh && e.created)
            {
                e.deadline = now + res.timeoutNanos;
            }
            return;
        }
        if (res.destroy)
        {
            e.dead = true;
            return;
        }
        if (res.refresh)
        {
            e.deadline = now + res.timeoutNanos;
        }
        int events = res.events;
        if (dir == 1 && !e.seenReply)
        {
            e.seenReply = true;
            events |= TrackResult.EVENT_REPLY;
        }
        if (res.setAssured)
        {
            e.assured = true;
        }
        final String state = proto == 6 ? TcpState.name(res.newState) : "";
        final int timeout = (int)((e.deadline - now) / 1_000_000_000L);
        if (isNew)
        {
            e.created = true;
            e.emitted.add(new Emitted(new ConntrackEvents.Event("NEW", state, timeout, false), now, dir));
        }
        else if (events != 0)
        {
            e.emitted.add(new Emitted(new ConntrackEvents.Event("UPDATE", state, timeout, e.assured), now, dir));
        }
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
