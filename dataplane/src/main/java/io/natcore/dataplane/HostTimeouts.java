/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.track.SysctlTimeouts;
import io.natcore.track.Timeouts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The NAT VM's own conntrack timeouts ({@code sysctl net.netfilter.nf_conntrack_*timeout*},
 * {@code net.ipv4.ipfrag_time}), read from {@code /proc/sys} of the box's network namespace at start and on reload:
 * an operator who tuned them for the kernel's NAT gets the same expiry from natcore. Where conntrack's sysctls are
 * absent (module not loaded), Linux's defaults.
 */
final class HostTimeouts
{
    static final Path PROC_SYS = Path.of("/proc/sys");

    private HostTimeouts()
    {
    }

    /** @return the timeouts the sysctls under {@code procSys} name, over Linux's defaults. */
    static Timeouts read(final Path procSys)
    {
        final StringBuilder text = new StringBuilder();
        final Path netfilter = procSys.resolve("net/netfilter");
        if (Files.isDirectory(netfilter))
        {
            try (Stream<Path> files = Files.list(netfilter))
            {
                files.filter(f -> f.getFileName().toString().contains("timeout")).sorted()
                    .forEach(f -> line(text, "net.netfilter." + f.getFileName(), f));
            }
            catch (final IOException ignored)
            {
                // unreadable: Linux's defaults
            }
        }
        line(text, SysctlTimeouts.IPFRAG_TIME, procSys.resolve("net/ipv4/ipfrag_time"));
        return SysctlTimeouts.parse(text.toString());
    }

    private static void line(final StringBuilder text, final String name, final Path file)
    {
        try
        {
            final String value = ProcSys.read(file);
            if (value.matches("\\d+"))
            {
                text.append(name).append(" = ").append(value).append('\n');
            }
        }
        catch (final IOException ignored)
        {
            // absent or unreadable: that timeout keeps its default
        }
    }
}
