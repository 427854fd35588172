/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.it;

import io.natcore.engine.ConntrackEvent;
import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.replay.KernelDraws;
import io.natcore.replay.KernelTimeouts;
import io.natcore.replay.StackPackets;
import io.natcore.replay.Replayer;
import io.natcore.replay.TestCaptures;
import io.natcore.replay.compare.KernelComparator;
import io.natcore.track.Timeouts;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per connection, the engine's NEW/UPDATE/DESTROY event sequence (state, timeout, ASSURED) over a kernel trace
 * equals the kernel's {@code conntrack-events.txt}. The kernel's received packets are fed in timestamp order with their
 * pcap time as the clock. Tolerated, because they are artefacts of how the kernel reports and not of tracking:
 * <ul>
 * <li>a timeout printed one second short (a 4 ms tick passed between the refresh and the event message);</li>
 * <li>two events caused by packets processed within 20 us of each other on two CPUs: the first message may show
 *     the second's state, or both may be merged into one message;</li>
 * <li>UDP's "replied and still active 2 s after creation" compares jiffies of unknown phase: the replay also runs
 *     with the threshold moved by +-5 ms and a connection passes when one run matches;</li>
 * <li>a kernel TCP UPDATE without a state: the kernel prints the state only when it changed (IPCT_PROTOINFO in the
 *     event mask, {@code ctnetlink_conntrack_event}), so such an UPDATE stands for the state of the event before it.</li>
 * </ul>
 * DESTROY events are compared too (traces README, "Expiry"): each where the kernel's is, with the same state and
 * ASSURED, and expired (no timeout printed) exactly when the kernel's is. The kernel reaps an expired connection
 * lazily: when a packet's lookup walks its hash chain or a new binding asks whether its tuple is taken
 * ({@code nf_ct_is_expired} then {@code nf_ct_gc_expired}), when its GC worker passes (every 1 to 60 s), or when
 * {@code conntrack -L} dumps the table ({@code ctnetlink_dump_table} evicts what it finds expired). The engine
 * runs without background expiry here ({@code expiryWorkPerPacket(0)}), so it too reaps only at packets; a kernel
 * DESTROY that no received packet caused (GC, the final dump) is replayed as {@code engine.expire(t)} at its time.
 * An engine DESTROY must then come at the kernel's time: no later than it, and no more than
 * {@value #DESTROY_LAG_NANOS} ns before it (the kernel stamps events after the packet that caused them).
 * The trace's {@code sysctl.txt}, when present, sets the engine's timeouts to the box's.
 * Ports the kernel drew at random (trace rule 2, e.g. a {@code --to-source} port range) differ from the engine's:
 * the packets the kernel sent go through a {@link KernelComparator} beside the engine, which pairs each kernel port
 * with the engine's and rewrites the replies into the engine's ports before the engine sees them.
 */
class ConntrackEventsTest
{
    private static final Path TRACES = Path.of("src", "test", "resources", "traces");
    private static final String EXPIRY = "20-expiry-and-reuse";
    private static final long RACE_WINDOW_NANOS = 20_000;
    /** How long after the packet (or the dump batch) that caused it the kernel's DESTROY may be stamped. */
    private static final long DESTROY_LAG_NANOS = 20_000_000;
    private static final Pattern LINE = Pattern.compile(
        "^(?:\\[([0-9]+)\\.([0-9]+)\\]\\s+)?\\s*\\[(NEW|UPDATE|DESTROY)\\]\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)?\\s*" +
        "([A-Z_0-9]+)?\\s*(src=.*)$");

    /** One event of one connection. */
    private static final class Step
    {
        final String kind;
        final int timeout;
        final String state;
        final boolean assured;
        final long timeNanos;

        Step(final String kind, final int timeout, final String state, final boolean assured, final long timeNanos)
        {
            this.kind = kind;
            this.timeout = timeout;
            this.state = state;
            this.assured = assured;
            this.timeNanos = timeNanos;
        }

        @Override
        public String toString()
        {
            return kind + (timeout < 0 ? "" : " " + timeout) + (state.isEmpty() ? "" : " " + state) +
                (assured ? " ASSURED" : "") + ("DESTROY".equals(kind) ? String.format(" @%d.%09d",
                timeNanos / 1_000_000_000L, timeNanos % 1_000_000_000L) : "");
        }
    }

    /** A packet of the trace, received or (when {@code sent}) sent by the kernel. */
    private static final class Received
    {
        final long timeNanos;
        final long record;
        final byte[] ip;
        final boolean sent;

        Received(final long timeNanos, final long record, final byte[] ip, final boolean sent)
        {
            this.timeNanos = timeNanos;
            this.record = record;
            this.ip = ip;
            this.sent = sent;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "01-dnat-within-azure", "04-snat-masquerade", "09-icmp-errors-related", "11-many-flows", "13-lossy-links",
        "15-snat-port-exhaustion", "16-nat-address-range", "17-tcp-close-and-reuse", "18-hairpin", "19-to-the-box",
        "20-expiry-and-reuse", "29-box-own-traffic"
    })
    void perConnectionEventsEqualTheKernels(final String name) throws Exception
    {
        assertEquals("", differences(name, null, 0), name);
    }

    @Test
    void aUdpTimeoutOneSecondLongerThanTheBoxsFailsTheComparison() throws Exception
    {
        // 192.168.1.6:40000 sends again 3.4 s after its last datagram: past the box's 3 s, within 4 s.
        final String sysctl = Files.readString(TRACES.resolve(EXPIRY).resolve("sysctl.txt"));
        final String longer = sysctl.replace("nf_conntrack_udp_timeout = 3\n", "nf_conntrack_udp_timeout = 4\n");
        assertNotEquals(sysctl, longer);
        final String diff = differences(EXPIRY, longer, 0);
        assertTrue(diff.contains("udp src=192.168.1.6 dst=172.16.2.69 sport=40000 dport=7\n  kernel [NEW 3, UPDATE 3, " +
            "DESTROY @1795695799.346256000, NEW 3, UPDATE 3, DESTROY @1795695829.828064000]"), diff);
    }

    @Test
    void aDestroyAtAnotherTimeThanTheKernelsFailsTheComparison() throws Exception
    {
        // Background expiry is the engine's right (README "Expiry"), but it reaps at other times than the kernel's
        // lazy reaping: 192.168.1.6:40000's second connection goes at a packet seconds after its deadline (1795695817.8),
        // while the kernel kept it until conntrack -L evicted it at the end (1795695829.8). The comparison sees it.
        final String diff = differences(EXPIRY, null, 2);
        assertTrue(diff.contains("udp src=192.168.1.6 dst=172.16.2.69 sport=40000 dport=7"), diff);
    }

    /**
     * @param name       a trace.
     * @param sysctl     timeouts to use instead of the trace's {@code sysctl.txt}, or null.
     * @param expiryWork the engine's background expiry work per packet (0: it reaps only at packets, as the kernel).
     * @return one paragraph per connection whose events differ from the kernel's; "" when all match.
     */
    private static String differences(final String name, final String sysctl, final int expiryWork) throws Exception
    {
        final Path dir = TRACES.resolve(name);
        final Map<String, List<Step>> kernel =
            perConnection(Files.readString(dir.resolve("conntrack-events.txt")), true);
        assertFalse(kernel.isEmpty(), "no kernel events parsed");
        final List<Received> packets = packets(dir.resolve("trace.pcap"));
        final List<Long> background = backgroundDestroys(kernel, packets);
        final List<Map<String, List<Step>>> runs = new ArrayList<>();
        for (final long shift : new long[] {0, -5_000_000L, 5_000_000L})
        {
            runs.add(perConnection(replay(dir, sysctl, expiryWork, packets, shift, background), false));
        }

        final StringBuilder diff = new StringBuilder();
        for (final Map.Entry<String, List<Step>> e : kernel.entrySet())
        {
            boolean ok = false;
            for (final Map<String, List<Step>> run : runs)
            {
                final List<Step> ours = run.get(e.getKey());
                ok |= ours != null && matchFrom(e.getValue(), 0, ours, 0);
            }
            if (!ok)
            {
                diff.append(e.getKey()).append("\n  kernel ").append(e.getValue()).append("\n  engine ")
                    .append(runs.get(0).get(e.getKey())).append('\n');
            }
        }
        for (final String key : runs.get(0).keySet())
        {
            if (!kernel.containsKey(key))
            {
                diff.append(key).append(" only in the engine: ").append(runs.get(0).get(key)).append('\n');
            }
        }
        return diff.toString();
    }

    /** The trace's packets, received and sent by the kernel, in timestamp order. */
    private static List<Received> packets(final Path pcap) throws Exception
    {
        final List<Received> out = new ArrayList<>();
        for (final TestCaptures.Packet p : TestCaptures.ipv4(pcap))
        {
            out.add(new Received(p.timeNanos(), p.number(), p.ip(), p.sent()));
        }
        // Capture points stamp independently: a packet may be listed before one stamped earlier.
        out.sort(Comparator.comparingLong(r -> r.timeNanos));
        return out;
    }

    /**
     * Times of the kernel's DESTROY events that no received packet caused (none within {@link #DESTROY_LAG_NANOS}
     * before): its GC worker or the final {@code conntrack -L}. Sorted.
     */
    private static List<Long> backgroundDestroys(final Map<String, List<Step>> kernel, final List<Received> packets)
    {
        final List<Long> out = new ArrayList<>();
        for (final List<Step> steps : kernel.values())
        {
            for (final Step st : steps)
            {
                if (!"DESTROY".equals(st.kind))
                {
                    continue;
                }
                boolean caused = false;
                for (final Received r : packets)
                {
                    caused |= !r.sent && r.timeNanos <= st.timeNanos && st.timeNanos - r.timeNanos <= DESTROY_LAG_NANOS;
                }
                if (!caused && !out.contains(st.timeNanos))
                {
                    out.add(st.timeNanos);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static String replay(final Path dir, final String sysctlOverride, final int expiryWork,
        final List<Received> packets, final long udpStreamShift, final List<Long> background) throws Exception
    {
        final BoxConfig box = BoxConfig.parse(Files.readString(dir.resolve("box.txt"), StandardCharsets.UTF_8));
        final Path sysctl = dir.resolve("sysctl.txt");
        final Timeouts timeouts = sysctlOverride != null ? KernelTimeouts.parse(sysctlOverride) :
            Files.exists(sysctl) ? KernelTimeouts.parse(Files.readString(sysctl)) : new Timeouts();
        timeouts.udpStreamAfter(timeouts.udpStreamAfter() + udpStreamShift);
        final NatEngineConfig config = NatEngineConfig.builder()
            .box(box)
            .rules(IptablesSaveParser.parse(Files.readString(dir.resolve("rules.txt"), StandardCharsets.UTF_8)))
            .timeouts(timeouts)
            .expiryWorkPerPacket(expiryWork)
            .seed(1)
            .build();
        final StringBuilder events = new StringBuilder();
        final int eth0 = box.ifIndex("eth0");
        final KernelComparator ports = new KernelComparator(
            Files.readString(dir.resolve("rules.txt"), StandardCharsets.UTF_8),
            Files.readString(dir.resolve("box.txt"), StandardCharsets.UTF_8));
        final StackPackets stack = new StackPackets(
            KernelDraws.parse(Files.readString(dir.resolve("conntrack-events.txt"))).connections());
        for (final Received r : packets)
        {
            if (!r.sent)
            {
                ports.onReceived(r.record, r.ip); // rule 5 judges what the box sent against every received packet
            }
        }
        try (NatEngine engine = new NatEngine(config))
        {
            final PacketProcessor p = engine.newProcessor();
            int nextBackground = 0;
            for (final Received r : packets)
            {
                while (nextBackground < background.size() && background.get(nextBackground) < r.timeNanos)
                {
                    engine.expire(background.get(nextBackground++), Integer.MAX_VALUE);
                    engine.pollEvents(e -> append(events, e), Integer.MAX_VALUE);
                }
                if (r.sent)
                {
                    final int length = Replayer.ipPacketLength(new UnsafeBuffer(r.ip), 0, r.ip.length);
                    final byte[] sent = Arrays.copyOf(r.ip, length);
                    ports.onKernelSent(r.record, sent);
                    if (ports.isOwnStack(sent))
                    {
                        // The box's own stack sent it: tracked through the OUTPUT entry point, as the stack wrote it.
                        final byte[] own = stack.asTheStackSentIt(sent, r.timeNanos).clone();
                        p.processOutput(new UnsafeBuffer(own), 0, own.length, r.timeNanos);
                        engine.pollEvents(e -> append(events, e), Integer.MAX_VALUE);
                    }
                    continue;
                }
                final byte[] copy = r.ip.clone();
                ports.rewriteInbound(copy);
                final UnsafeBuffer work = new UnsafeBuffer(copy);
                if (p.process(work, 0, copy.length, eth0, r.timeNanos) == Verdict.FORWARD)
                {
                    ports.onEngineSent(r.record, Arrays.copyOf(copy, Replayer.ipPacketLength(work, 0, copy.length)));
                }
                engine.pollEvents(e -> append(events, e), Integer.MAX_VALUE);
            }
            while (nextBackground < background.size())
            {
                engine.expire(background.get(nextBackground++), Integer.MAX_VALUE);
                engine.pollEvents(e -> append(events, e), Integer.MAX_VALUE);
            }
        }
        return events.toString();
    }

    private static void append(final StringBuilder out, final ConntrackEvent e)
    {
        out.append('[').append(e.timestampNanos / 1_000_000_000L).append('.')
            .append(String.format("%09d", e.timestampNanos % 1_000_000_000L)).append("]\t").append(e).append('\n');
    }

    /**
     * Events grouped by connection (protocol and original tuple). For the kernel's, a TCP UPDATE without a state
     * takes the state of the connection's event before it (the kernel prints it only when it changed).
     */
    private static Map<String, List<Step>> perConnection(final String text, final boolean kernel)
    {
        final Map<String, List<Step>> out = new LinkedHashMap<>();
        for (final String raw : text.split("\n"))
        {
            final Matcher m = LINE.matcher(raw.strip());
            if (!m.matches())
            {
                continue;
            }
            final String rest = m.group(8);
            final int second = rest.indexOf(" src=", 1);
            final String tuple = (second < 0 ? rest : rest.substring(0, second)).replace(" [UNREPLIED]", "").strip();
            final long time = m.group(1) == null ? 0 :
                Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong((m.group(2) + "000000000").substring(0, 9));
            final List<Step> steps = out.computeIfAbsent(m.group(4) + " " + tuple, k -> new ArrayList<>());
            String state = m.group(7) == null ? "" : m.group(7);
            if (kernel && state.isEmpty() && "tcp".equals(m.group(4)) && "UPDATE".equals(m.group(3)) && !steps.isEmpty())
            {
                state = steps.get(steps.size() - 1).state;
            }
            steps.add(new Step(m.group(3), m.group(6) == null ? -1 : Integer.parseInt(m.group(6)), state,
                rest.contains("[ASSURED]"), time));
        }
        return out;
    }

    private static boolean matchFrom(final List<Step> k, final int i, final List<Step> o, final int j)
    {
        if (i == k.size() && j == o.size())
        {
            return true;
        }
        if (i < k.size() && j < o.size() && k.get(i).kind.equals(o.get(j).kind) && sameContent(k.get(i), o.get(j)) &&
            matchFrom(k, i + 1, o, j + 1))
        {
            return true;
        }
        if (j + 1 < o.size() && o.get(j + 1).timeNanos - o.get(j).timeNanos <= RACE_WINDOW_NANOS)
        {
            if (i < k.size() && k.get(i).kind.equals(o.get(j).kind) && sameContent(k.get(i), o.get(j + 1)) &&
                matchFrom(k, i + 1, o, j + 1))
            {
                return true;
            }
            return matchFrom(k, i, o, j + 1);
        }
        return false;
    }

    private static boolean sameContent(final Step kernel, final Step ours)
    {
        if ("DESTROY".equals(kernel.kind) && (ours.timeNanos > kernel.timeNanos ||
            kernel.timeNanos - ours.timeNanos > DESTROY_LAG_NANOS))
        {
            return false;
        }
        // -1: no timeout printed (an expired connection's DESTROY)
        return kernel.state.equals(ours.state) && kernel.assured == ours.assured &&
            (kernel.timeout == ours.timeout || (kernel.timeout >= 0 && kernel.timeout == ours.timeout - 1));
    }
}
