/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.natcore.replay.compare.Mismatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The comparator judged on the kernel's own traces: a stand-in engine that sends exactly what
 * the kernel sent must pass every trace, and each kind of deviation must be caught or allowed
 * exactly as the trace rules say.
 */
class KernelComparatorTraceTest
{
    /** Trace 14's record 26 is the box's own ICMP time exceeded for the TTL-1 SYN of record 25 (tcpdump shows it). */
    private static final Set<Long> BOX_MADE_14 = Set.of(26L);
    /** Trace 27's record 1 is the IGMP report the box sent when its docker0 bridge came up. */
    private static final Set<Long> BOX_MADE_27 = Set.of(1L);
    private static final int MASQ = 0xAC100205; // 172.16.2.5

    static List<String> traces()
    {
        return Traces.names();
    }

    /**
     * Trace 19: records 1-44 are the connections to the box itself: the stand-in delivers the received ones locally
     * and answers the box's own (fed to its OUTPUT entry point) with the kernel's record.
     */
    private static final Set<Long> TO_THE_BOX_19 = LongStream.rangeClosed(1, 44).boxed().collect(Collectors.toSet());

    /**
     * Trace 29: records 1-35 are the box's own connections (REDIRECT to its proxy, INPUT SNAT, its OUTPUT DNAT TCP and
     * UDP); 36-57 the forwarded one. The stand-in delivers the received ones locally and answers the box's own.
     */
    private static final Set<Long> BOX_OWN_29 = LongStream.rangeClosed(1, 35).boxed().collect(Collectors.toSet());

    private static Set<Long> boxMade(final String name)
    {
        return name.startsWith("14-") ? BOX_MADE_14 : name.startsWith("19-") ? TO_THE_BOX_19
            : name.startsWith("27-") ? BOX_MADE_27 : name.startsWith("29-") ? BOX_OWN_29 : Set.of();
    }

    private static Set<Long> local(final String name)
    {
        return name.startsWith("19-") ? TO_THE_BOX_19 : name.startsWith("29-") ? BOX_OWN_29 : Set.of();
    }

    private static TraceCheck.Result check(final TraceSource t, final KernelEchoEngine.Transform transform)
    {
        return TraceCheck.run(t,
            (r, b) -> new KernelEchoEngine(t, boxMade(t.name()), transform).deliverLocally(local(t.name())));
    }

    private static String text(final TraceCheck.Result r)
    {
        return r.error != null ? r.error : r.mismatches().stream().map(Mismatch::toString).collect(Collectors.joining("\n"));
    }

    @ParameterizedTest
    @MethodSource("traces")
    void anEngineSendingWhatTheKernelSentPassesEveryTrace(final String name)
    {
        final TraceCheck.Result r = check(Traces.load(name), null);
        assertTrue(r.passed(), text(r));
        assertEquals(r.comparator.kernelCount(), r.comparator.matchedCount());
        assertEquals(r.comparator.engineCount(), r.comparator.matchedCount());
        assertTrue(r.comparator.kernelCount() > 0);
    }

    @Test
    void allTwentyNineTracesAreThere()
    {
        assertEquals(29, Traces.names().size(), Traces.names().toString());
    }

    @Test
    void aCorruptedExpectedPacketFailsTheTrace()
    {
        final TraceSource original = Traces.load("05-reverse-dnat-to-onprem");
        final byte[] pcap = original.pcap().clone();
        // Record 2 is the kernel's SYN 172.16.2.5:33610 > 192.168.1.5:22; flip the last byte of its
        // TCP options (wscale 10 -> 11). Offsets: 24 file header, 16 record header, 20 SLL2, 60 IP.
        final int record2 = 24 + 16 + 80 + 16;
        final int lastByte = record2 + 20 + 59;
        pcap[lastByte] ^= 0x01;
        final TraceSource corrupted = new TraceSource(original.name(), original.rules(), original.box(), pcap, "");
        final TraceCheck.Result r = TraceCheck.run(corrupted, (x, y) -> new KernelEchoEngine(original, Set.of(), null));
        assertFalse(r.passed());
        assertEquals(1, r.mismatches().size(), text(r));
        final Mismatch m = r.mismatches().get(0);
        assertEquals(2, m.kernelRecord());
        assertEquals(1, m.engineInput());
        assertTrue(m.text().contains("tcp.options"), m.text());
        assertTrue(m.text().contains("tcp.checksum"), m.text());
    }

    @Test
    void aWrongAddressIsReportedByFieldWithBothValues()
    {
        final TraceSource t = Traces.load("05-reverse-dnat-to-onprem");
        final TraceCheck.Result r = check(t, (rec, out, in) ->
        {
            if (rec == 2)
            {
                out[19] = 6; // 192.168.1.6 instead of .5
            }
            return out;
        });
        assertFalse(r.passed());
        assertTrue(text(r).contains("packet #2"), text(r));
        assertTrue(text(r).contains("ip.dst kernel=192.168.1.5 engine=192.168.1.6"), text(r));
    }

    @Test
    void aMissingPacketIsReportedAndTheRestStillLinesUp()
    {
        final TraceSource t = Traces.load("05-reverse-dnat-to-onprem");
        final TraceCheck.Result r = check(t, (rec, out, in) -> rec == 8 ? null : out);
        assertFalse(r.passed());
        assertEquals(1, r.mismatches().size(), text(r));
        assertEquals(8, r.mismatches().get(0).kernelRecord());
        assertTrue(text(r).contains("the engine sent nothing"), text(r));
    }

    // Rule 1: TTL

    @Test
    void rule1AnEngineThatKeepsTheTtlPassesWithAValidHeaderChecksum()
    {
        final TraceCheck.Result r = check(Traces.load("01-dnat-within-azure"), (rec, out, in) ->
        {
            out[8]++;
            TestPackets.fixIpHeader(out);
            return out;
        });
        assertTrue(r.passed(), text(r));
        assertEquals(r.comparator.matchedCount(), r.comparator.ttlMaskedCount());
    }

    @Test
    void rule1AKeptTtlWithAStaleHeaderChecksumFails()
    {
        final TraceCheck.Result r = check(Traces.load("01-dnat-within-azure"), (rec, out, in) ->
        {
            out[8]++;
            return out;
        });
        assertFalse(r.passed());
        assertTrue(text(r).contains("ip.checksum"), text(r));
    }

    @Test
    void rule1ATtlTwoAboveTheKernelsFails()
    {
        final TraceCheck.Result r = check(Traces.load("01-dnat-within-azure"), (rec, out, in) ->
        {
            out[8] += 2;
            TestPackets.fixIpHeader(out);
            return out;
        });
        assertFalse(r.passed());
        assertTrue(text(r).contains("ip.ttl"), text(r));
    }

    // Rule 2: random ports (trace 10: the kernel drew tcp 33384 and udp 12652 for 192.168.1.6:40000)

    /** Sends the kernel's packets with the engine's own port for one masqueraded connection. */
    private static KernelEchoEngine.Transform drawPorts(final int tcpPort, final int laterTcpPort, final int udpPort,
        final boolean fixChecksum, final List<String> inboundSeen)
    {
        final int[] tcpSeen = {0};
        return (rec, out, in) ->
        {
            final int ihl = (out[0] & 0x0F) * 4;
            final int proto = out[9] & 0xFF;
            final int src = (int)(TestPackets.u16(out, 12) << 16 | TestPackets.u16(out, 14));
            final int inDst = (int)(TestPackets.u16(in, 16) << 16 | TestPackets.u16(in, 18));
            if (inDst == MASQ && (in[9] == 6 || in[9] == 17))
            {
                inboundSeen.add((in[9] == 6 ? "tcp " : "udp ") + TestPackets.u16(in, ((in[0] & 0x0F) * 4) + 2));
            }
            if (src != MASQ)
            {
                return out;
            }
            final int sport = TestPackets.u16(out, ihl);
            int port = -1;
            if (proto == 6 && sport == 33384)
            {
                port = tcpSeen[0]++ == 0 ? tcpPort : laterTcpPort;
            }
            else if (proto == 17 && sport == 12652)
            {
                port = udpPort;
            }
            if (port >= 0)
            {
                TestPackets.put16(out, ihl, port);
                if (fixChecksum)
                {
                    TestPackets.fixL4(out);
                }
            }
            return out;
        };
    }

    @Test
    void rule2OtherPortsOfTheSameClassUsedConsistentlyPassAndRepliesAreRewrittenForTheEngine()
    {
        final List<String> inbound = new ArrayList<>();
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"), drawPorts(40001, 40001, 40002, true, inbound));
        assertTrue(r.passed(), text(r));
        assertEquals(2, r.comparator.randomisedPortCount());
        // The server's replies to 33384 / 12652 reached the engine addressed to its own ports.
        assertTrue(inbound.contains("tcp 40001"), inbound.toString());
        assertTrue(inbound.contains("udp 40002"), inbound.toString());
        assertFalse(inbound.contains("tcp 33384"), inbound.toString());
        assertFalse(inbound.contains("udp 12652"), inbound.toString());
    }

    @Test
    void rule2AConnectionThatChangesItsPortFails()
    {
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"),
            drawPorts(40001, 40003, 40002, true, new ArrayList<>()));
        assertFalse(r.passed());
        assertTrue(text(r).contains("kernel port 33384 was engine port 40001 before, now 40003"), text(r));
    }

    @Test
    void rule2APortOutsideTheKernelsClassFails()
    {
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"),
            drawPorts(700, 700, 40002, true, new ArrayList<>()));
        assertFalse(r.passed());
        assertTrue(text(r).contains("not in the class 1024-65535"), text(r));
    }

    @Test
    void rule2TwoKernelPortsOnOneEnginePortIsNotABijection()
    {
        // UDP 40000 is what the first UDP connection (192.168.1.5:40000, kept by the kernel) uses, alive. (TCP 40000
        // would pass: its first connection is closing, and an engine may reuse a closing connection's port where the
        // kernel drew a fresh one.)
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"),
            drawPorts(40001, 40001, 40000, true, new ArrayList<>()));
        assertFalse(r.passed());
        assertTrue(text(r).contains("not a bijection"), text(r));
    }

    @Test
    void rule2TheEngineMayReuseAClosingConnectionsPortWhereTheKernelDrewAFreshOne()
    {
        // TCP 192.168.1.5:40000 kept 40000 and is in TIME_WAIT when 192.168.1.6:40000 opens: the kernel drew 33384,
        // an engine that evicted the closing holder may give it 40000.
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"),
            drawPorts(40000, 40000, 40002, true, new ArrayList<>()));
        assertTrue(r.passed(), text(r));
    }

    @Test
    void rule2ADrawnPortWithoutItsChecksumFollowingFails()
    {
        final TraceCheck.Result r = check(Traces.load("10-masquerade-port-clash"),
            drawPorts(40001, 40001, 40002, false, new ArrayList<>()));
        assertFalse(r.passed());
        assertTrue(text(r).contains("tcp.checksum"), text(r));
        assertTrue(text(r).contains("udp.checksum"), text(r));
    }

    // Rule 3: fragments

    @Test
    void rule3FragmentsSentBeforeTheLastArrivesStillMatch()
    {
        // The stand-in sends each fragment when it arrives; the kernel sends them after the last.
        final TraceCheck.Result r = check(Traces.load("12-udp-fragments"), null);
        assertTrue(r.passed(), text(r));
    }

    @Test
    void rule3ACorruptedFragmentFails()
    {
        final TraceSource t = Traces.load("12-udp-fragments");
        final TraceCheck.Result r = check(t, (rec, out, in) ->
        {
            if ((TestPackets.u16(out, 6) & 0x1FFF) == 185 && TestPackets.u16(out, 4) == 52873)
            {
                out[out.length - 1] ^= 0x40; // second fragment (offset 1480) of datagram 52873
            }
            return out;
        });
        assertFalse(r.passed());
        assertEquals(1, r.mismatches().size(), text(r));
        assertTrue(text(r).contains("ip.payload"), text(r));
    }

    @Test
    void rule3AMissingFragmentFails()
    {
        final TraceCheck.Result r = check(Traces.load("12-udp-fragments"), (rec, out, in) ->
            (TestPackets.u16(out, 6) & 0x1FFF) == 370 && TestPackets.u16(out, 4) == 52873 ? null : out);
        assertFalse(r.passed());
        assertTrue(text(r).contains("the engine sent no such fragment"), text(r));
    }

    // Rules 4 and 5

    @Test
    void rule4TheBoxsOwnTimeExceededIsSetAside()
    {
        final TraceCheck.Result r = check(Traces.load("14-malformed-input"), null);
        assertTrue(r.passed(), text(r));
        assertEquals(1, r.comparator.excluded().size());
        assertTrue(r.comparator.excluded().get(0).startsWith("packet #26 ICMP 172.16.2.65 > 192.168.1.5 type 11"),
            r.comparator.excluded().get(0));
    }

    @Test
    void rule5ForwardingAPacketAddressedToTheBoxFails()
    {
        // Records 23 and 24 are ICMP errors to 172.16.2.5 about no connection: the kernel kept them.
        final TraceSource t = Traces.load("14-malformed-input");
        final TraceCheck.Result r = TraceCheck.run(t,
            (x, y) -> new KernelEchoEngine(t, BOX_MADE_14, null).forwardUnchanged(Set.of(23L)));
        assertFalse(r.passed());
        assertEquals(1, r.mismatches().size(), text(r));
        assertEquals(23, r.mismatches().get(0).engineInput());
        assertTrue(text(r).contains("the kernel sent nothing"), text(r));
    }
}
