/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ProcSys} reads a sysctl whole, as {@code cat} prints it: procfs answers only a read at offset 0, so a
 * reader that starts with a one-byte read (as {@code Files.readString} does on a file of size 0) gets the first
 * digit only.
 */
class ProcSysTest
{
    /** Multi-digit on every Linux (defaults 30, "32768 60999", 64): each would come back as its first digit. */
    private static final String[] SYSCTLS = {
        "/proc/sys/net/ipv4/ipfrag_time", "/proc/sys/net/ipv4/ip_local_port_range", "/proc/sys/net/ipv4/ip_default_ttl",
        "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established",
    };

    @Test
    void aSysctlIsReadWholeAsCatPrintsIt() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/sys/net/ipv4")), "no /proc/sys (not Linux)");
        int compared = 0;
        for (final String name : SYSCTLS)
        {
            final Path file = Path.of(name);
            if (Files.isReadable(file))
            {
                assertEquals(cat(file), ProcSys.read(file), name);
                compared++;
            }
        }
        assertEquals(true, compared >= 3, "the ipv4 sysctls are always there: " + compared);
    }

    @Test
    void anOrdinaryFileIsReadWholeAndStripped(@TempDir final Path dir) throws Exception
    {
        final Path f = dir.resolve("v");
        Files.writeString(f, " 432000\n");
        assertEquals("432000", ProcSys.read(f));
        Files.writeString(f, "");
        assertEquals("", ProcSys.read(f));
    }

    @Test
    void aMissingFileIsAnIoError(@TempDir final Path dir)
    {
        assertThrows(IOException.class, () -> ProcSys.read(dir.resolve("absent")));
    }

    static String cat(final Path file) throws Exception
    {
        final Process p = new ProcessBuilder("cat", file.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor(), "cat " + file + ": " + out);
        return out;
    }
}
