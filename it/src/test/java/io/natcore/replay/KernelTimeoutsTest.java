/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natcore.track.TcpState;
import io.natcore.track.Timeouts;
import org.junit.jupiter.api.Test;

/**
 * A trace's {@code sysctl.txt} becomes the engine's timeouts.
 */
class KernelTimeoutsTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void theExpiryTracesSysctlsSetTheTimeoutsItShortened() throws ReplayException
    {
        final Timeouts t = KernelTimeouts.parse(Traces.load("20-expiry-and-reuse").sysctl());
        assertEquals(3 * S, t.udpUnreplied());
        assertEquals(6 * S, t.udpStream());
        assertEquals(3 * S, t.icmp());
        assertEquals(5 * S, t.tcp(TcpState.ESTABLISHED));
        assertEquals(3 * S, t.tcp(TcpState.TIME_WAIT));
        // listed at the kernel's defaults
        assertEquals(10 * S, t.tcp(TcpState.CLOSE));
        assertEquals(120 * S, t.tcp(TcpState.SYN_SENT));
        assertEquals(300 * S, t.tcpUnacknowledged());
        assertEquals(600 * S, t.generic());
        assertEquals(30 * S, t.fragment());
    }

    @Test
    void everyTimeoutSysctlReachesItsTimeout() throws ReplayException
    {
        final String[] names = {"tcp_timeout_syn_sent", "tcp_timeout_syn_recv", "tcp_timeout_established",
            "tcp_timeout_fin_wait", "tcp_timeout_close_wait", "tcp_timeout_last_ack", "tcp_timeout_time_wait",
            "tcp_timeout_close", "tcp_timeout_max_retrans", "tcp_timeout_unacknowledged", "udp_timeout",
            "udp_timeout_stream", "icmp_timeout", "generic_timeout", "gre_timeout", "gre_timeout_stream"};
        final StringBuilder text = new StringBuilder("# distinct values\n\nnet.ipv4.ipfrag_time = 100\n");
        for (int i = 0; i < names.length; i++)
        {
            text.append("net.netfilter.nf_conntrack_").append(names[i]).append(" = ").append(i + 1).append('\n');
        }
        text.append("net.netfilter.nf_conntrack_sctp_timeout_closed = 77\n");
        final Timeouts t = KernelTimeouts.parse(text.toString());
        final long[] got = {t.tcp(TcpState.SYN_SENT), t.tcp(TcpState.SYN_RECV), t.tcp(TcpState.ESTABLISHED),
            t.tcp(TcpState.FIN_WAIT), t.tcp(TcpState.CLOSE_WAIT), t.tcp(TcpState.LAST_ACK), t.tcp(TcpState.TIME_WAIT),
            t.tcp(TcpState.CLOSE), t.tcpMaxRetrans(), t.tcpUnacknowledged(), t.udpUnreplied(), t.udpStream(), t.icmp(),
            t.generic(), t.greUnreplied(), t.greReplied()};
        for (int i = 0; i < names.length; i++)
        {
            assertEquals((i + 1) * S, got[i], names[i]);
        }
        assertEquals(100 * S, t.fragment());
        // no sysctl for SYN_SENT2: the kernel keeps 120 s
        assertEquals(120 * S, t.tcp(TcpState.SYN_SENT2));
    }

    @Test
    void noTextMeansLinuxDefaults() throws ReplayException
    {
        final Timeouts t = KernelTimeouts.parse("");
        assertEquals(30 * S, t.udpUnreplied());
        assertEquals(120 * S, t.udpStream());
        assertEquals(432000 * S, t.tcp(TcpState.ESTABLISHED));
    }

    @Test
    void aBrokenLineIsRefusedWithItsNumber()
    {
        final ReplayException a = assertThrows(ReplayException.class,
            () -> KernelTimeouts.parse("net.netfilter.nf_conntrack_udp_timeout = 3\nnet.netfilter.nf_conntrack_icmp_timeout 3"));
        assertTrue(a.getMessage().contains("line 2"), a.getMessage());
        final ReplayException b = assertThrows(ReplayException.class,
            () -> KernelTimeouts.parse("net.netfilter.nf_conntrack_udp_timeout = soon"));
        assertTrue(b.getMessage().contains("not a number"), b.getMessage());
        assertThrows(ReplayException.class, () -> KernelTimeouts.parse("net.netfilter.nf_conntrack_udp_timeout = -1"));
    }
}
