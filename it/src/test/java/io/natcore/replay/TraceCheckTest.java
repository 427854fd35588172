/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
