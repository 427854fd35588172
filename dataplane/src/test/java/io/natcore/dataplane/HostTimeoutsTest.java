/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.track.TcpState;
import io.natcore.track.Timeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostTimeoutsTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void theHostsConntrackSysctlsReplaceLinuxDefaults(@TempDir final Path procSys) throws Exception
    {
        final Path nf = Files.createDirectories(procSys.resolve("net/netfilter"));
        Files.writeString(nf.resolve("nf_conntrack_udp_timeout"), "3\n");
        Files.writeString(nf.resolve("nf_conntrack_tcp_timeout_established"), "5\n");
        Files.writeString(nf.resolve("nf_conntrack_max"), "262144\n");
        Files.createDirectories(procSys.resolve("net/ipv4"));
        Files.writeString(procSys.resolve("net/ipv4/ipfrag_time"), "7\n");
        final Timeouts t = HostTimeouts.read(procSys);
        assertEquals(3 * S, t.udpUnreplied());
        assertEquals(5 * S, t.tcp(TcpState.ESTABLISHED));
        assertEquals(7 * S, t.fragment());
        assertEquals(new Timeouts().udpStream(), t.udpStream(), "not set: Linux's default");
    }

    @Test
    void withoutConntrackSysctlsTheDefaultsHold(@TempDir final Path procSys)
    {
        final Timeouts t = HostTimeouts.read(procSys);
        assertEquals(new Timeouts().tcp(TcpState.ESTABLISHED), t.tcp(TcpState.ESTABLISHED));
        assertEquals(30 * S, t.udpUnreplied());
    }
}
