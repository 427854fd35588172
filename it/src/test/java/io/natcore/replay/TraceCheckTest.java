/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6: the natcore engine against each kernel trace, with zero mismatches under the
 * traces' rules.
 */
class TraceCheckTest
{
    static List<String> traces()
    {
        return Traces.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void theEngineSendsWhatTheKernelSent(final String name)
    {
        final TraceCheck.Result r = TraceCheck.run(Traces.load(name), EngineFactory.NATCORE);
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        r.print(new PrintStream(text, true, StandardCharsets.UTF_8), true);
        assertTrue(r.passed(), text.toString(StandardCharsets.UTF_8));
        assertTrue(r.mismatches().isEmpty());
        assertTrue(r.comparator.matchedCount() == r.comparator.kernelCount());
    }

    @Test
    void theEngineWithoutTheBoxsTimeoutsFailsTheExpiryTrace()
    {
        // With Linux's default 30 s UDP timeout instead of the box's 3 s, 192.168.1.6:40000's first connection is still
        // alive when it sends again 3.4 s later: the engine keeps the port it drew, where the kernel's new connection
        // took the freed 40000 (record 10).
        final TraceSource t = Traces.load("20-expiry-and-reuse");
        assertFalse(t.sysctl().isEmpty());
        final TraceCheck.Result r = TraceCheck.run(new TraceSource(t.name(), t.rules(), t.box(), t.pcap(), ""),
            EngineFactory.NATCORE);
        assertFalse(r.passed());
        assertTrue(r.mismatches().get(0).toString().startsWith("packet #10 (engine output for input #9): " +
            "UDP 172.16.2.5:40000 > 172.16.3.5:7: udp.sport kernel=40000 engine="), r.mismatches().toString());
    }

    @Test
    void theEngineWithoutTheKernelsMasqueradeRuleFailsTheCheck()
    {
        final TraceSource t = Traces.load("05-reverse-dnat-to-onprem");
        final String rules = t.rules().replace("-A POSTROUTING -s 172.16.3.0/24 -o eth0 -j MASQUERADE\n", "");
        final TraceCheck.Result r = TraceCheck.run(new TraceSource(t.name(), rules, t.box(), t.pcap(), ""), EngineFactory.NATCORE);
        assertFalse(r.passed());
        // The kernel masqueraded 172.16.3.5:33610 to 172.16.2.5 (record 2); without the rule the engine keeps the source.
        assertTrue(r.mismatches().get(0).toString().startsWith("packet #2 (engine output for input #1): " +
            "TCP 172.16.2.5:33610 > 192.168.1.5:22 [S]: ip.src kernel=172.16.2.5 engine=172.16.3.5"), r.mismatches().toString());
    }

    @Test
    void everyTraceHasTheKernelsEventsSoEveryCheckIsSteeredAndExact()
    {
        for (final String name : Traces.names())
        {
            final TraceCheck.Result r = TraceCheck.run(Traces.load(name), EngineFactory.NATCORE);
            assertTrue(r.steered, name);
            assertEquals(0, r.comparator.randomisedPortCount(), name);
        }
    }

    @Test
    void aDrawOfAPortTheEngineHoldsIsAReportedDeviation()
    {
        // Trace 10: the kernel gave 192.168.1.6:40000's UDP connection port 12652. A record that gives it 40000, which
        // 192.168.1.5:40000's live UDP connection holds, is refused as taken; the engine draws by itself.
        final TraceSource t = Traces.load("10-masquerade-port-clash");
        final String events = t.events().replace("sport=40000 dport=7 [UNREPLIED] src=172.16.3.5 dst=172.16.2.5 " +
            "sport=7 dport=12652", "sport=40000 dport=7 [UNREPLIED] src=172.16.3.5 dst=172.16.2.5 sport=7 dport=40000");
        assertNotEquals(t.events(), events);
        final TraceCheck.Result r = TraceCheck.run(withEvents(t, events), EngineFactory.NATCORE);
        assertFalse(r.passed());
        assertEquals(1, r.deviations.size(), r.deviations.toString());
        assertTrue(r.deviations.get(0).startsWith("draw refused: udp 192.168.1.6:40000 > 172.16.2.69:7 -> kernel " +
            "udp 172.16.2.5:40000 > 172.16.3.5:7, engine udp 172.16.2.5:"), r.deviations.toString());
        assertTrue(r.deviations.get(0).endsWith("a live connection the kernel would not evict holds its reply tuple"),
            r.deviations.toString());
    }

    @Test
    void anEvictionTheKernelDidNotMakeIsAReportedDeviation()
    {
        // Trace 20: 192.168.1.6:40000's second connection reaps 192.168.1.5:40000's expired one, which held
        // 172.16.2.5:40000 (nf_conntrack_tuple_taken). Without that DESTROY in the record, the engine's evictions are
        // unlike the kernel's.
        final TraceSource t = Traces.load("20-expiry-and-reuse");
        final String destroy = "[1795695799.346278]\t[DESTROY] udp      17 src=192.168.1.5 dst=172.16.2.69 sport=40000 " +
            "dport=7 src=172.16.3.5 dst=172.16.2.5 sport=7 dport=40000 id=3334569755\n";
        assertTrue(t.events().contains(destroy));
        final TraceCheck.Result r = TraceCheck.run(withEvents(t, t.events().replace(destroy, "")), EngineFactory.NATCORE);
        assertFalse(r.passed());
        // The same packet also reaps 192.168.1.6:40000's own expired first connection, in both.
        assertEquals(List.of("eviction: before NEW udp 192.168.1.6:40000 > 172.16.2.69:7 (its NEW #2) the kernel " +
            "destroyed [udp 192.168.1.6:40000 > 172.16.2.69:7], the engine [udp 192.168.1.6:40000 > 172.16.2.69:7, " +
            "udp 192.168.1.5:40000 > 172.16.2.69:7]"), r.deviations);
        assertTrue(r.comparator.passed(), "the packets still match: only the eviction record differs");
    }

    @Test
    void theBoxsOwnAnswersInTrace19GoThroughTheOutputEntryPointAndMatchTheKernelsBytes()
    {
        final TraceCheck.Result r = TraceCheck.run(Traces.load("19-to-the-box"), EngineFactory.NATCORE);
        assertTrue(r.passed(), r.mismatches().toString());
        // 11 forwards of the connection through the box, 20 answers of the box's own stack: none set aside.
        assertEquals(31, r.comparator.kernelCount());
        assertEquals(31, r.comparator.matchedCount());
        assertEquals(List.of(), r.comparator.excluded());
        assertEquals(20, r.summary.ownStack);
    }

    @Test
    void anEngineThatSendsTheBoxsAnswersUntranslatedFailsTrace19()
    {
        // The box's stack answers 172.16.2.70:7007 (DNATed to the box) from 172.16.2.5:7007; the kernel sent them
        // from 172.16.2.70, its reply tuple translated back. An engine that leaves them as the stack wrote them fails.
        final TraceCheck.Result r = TraceCheck.run(Traces.load("19-to-the-box"), new EngineFactory()
        {
            @Override
            public ReplayEngine create(final String rules, final String box) throws ReplayException
            {
                return untranslatedOutput(EngineFactory.NATCORE.create(rules, box));
            }

            @Override
            public ReplayEngine create(final String rules, final String box, final String sysctl,
                final KernelDraws draws) throws ReplayException
            {
                return untranslatedOutput(EngineFactory.NATCORE.create(rules, box, sysctl, draws));
            }
        });
        assertFalse(r.passed());
        assertTrue(r.mismatches().get(0).toString().contains("ip.src kernel=172.16.2.70 engine=172.16.2.5"),
            r.mismatches().toString());
        // The 7 answers from 172.16.2.70 (5 TCP, 2 echo replies) and the 5 from 172.16.2.5:8 (REDIRECT) differ; and
        // with no answer seen by conntrack, the client's 5 later segments to 172.16.2.70 are INVALID, sent on as they
        // are where the kernel delivered them (those to 172.16.2.5 stay local: its own address).
        assertEquals(17, r.mismatches().size(), r.mismatches().toString());
        assertEquals(5, r.mismatches().stream().filter(m -> m.toString().endsWith("the kernel sent nothing in its " +
            "place")).count(), r.mismatches().toString());
    }

    /** The engine, except that the box's own packets are sent as they are, without the engine seeing them. */
    private static ReplayEngine untranslatedOutput(final ReplayEngine engine)
    {
        return (ReplayEngine)java.lang.reflect.Proxy.newProxyInstance(ReplayEngine.class.getClassLoader(),
            new Class<?>[] {ReplayEngine.class}, (proxy, method, args) ->
            {
                if ("processOutput".equals(method.getName()))
                {
                    return true;
                }
                try
                {
                    return method.invoke(engine, args);
                }
                catch (final java.lang.reflect.InvocationTargetException ex)
                {
                    throw ex.getCause();
                }
            });
    }

    private static TraceSource withEvents(final TraceSource t, final String events)
    {
        return new TraceSource(t.name(), t.rules(), t.box(), t.pcap(), t.clients(), t.sysctl(), events);
    }
}
