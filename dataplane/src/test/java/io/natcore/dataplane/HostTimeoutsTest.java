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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HostTimeoutsTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void theHostsConntrackSysctlsReplaceLinuxDefaults(@TempDir final Path procSys) throws Exception
    {
        final Path nf = Files.createDirectories(procSys.resolve("net/netfilter"));
        Files.writeString(nf.resolve("nf_conntrack_udp_timeout"), "33\n");
        Files.writeString(nf.resolve("nf_conntrack_tcp_timeout_established"), "5\n");
        Files.writeString(nf.resolve("nf_conntrack_max"), "262144\n");
        Files.createDirectories(procSys.resolve("net/ipv4"));
        Files.writeString(procSys.resolve("net/ipv4/ipfrag_time"), "7\n");
        final Timeouts t = HostTimeouts.read(procSys);
        assertEquals(33 * S, t.udpUnreplied());
        assertEquals(5 * S, t.tcp(TcpState.ESTABLISHED));
        assertEquals(7 * S, t.fragment());
        assertEquals(new Timeouts().udpStream(), t.udpStream(), "not set: Linux's default");
    }

    @Test
    void theRunningKernelsTimeoutsAreReadWhole() throws Exception
    {
        final Path fragTime = Path.of("/proc/sys/net/ipv4/ipfrag_time");
        assumeTrue(Files.isReadable(fragTime), "no /proc/sys (not Linux)");
        final Timeouts t = HostTimeouts.read(HostTimeouts.PROC_SYS);
        assertEquals(Long.parseLong(ProcSysTest.cat(fragTime)) * S, t.fragment());
        final Path established = Path.of("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established");
        if (Files.isReadable(established)) // conntrack loaded (the lab loads it): 432000 by default, not its first digit
        {
            assertEquals(Long.parseLong(ProcSysTest.cat(established)) * S, t.tcp(TcpState.ESTABLISHED));
        }
    }

    @Test
    void withoutConntrackSysctlsTheDefaultsHold(@TempDir final Path procSys)
    {
        final Timeouts t = HostTimeouts.read(procSys);
        assertEquals(new Timeouts().tcp(TcpState.ESTABLISHED), t.tcp(TcpState.ESTABLISHED));
        assertEquals(30 * S, t.udpUnreplied());
    }
}
