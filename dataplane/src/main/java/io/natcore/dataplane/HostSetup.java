/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.nat.ReservedPorts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the dataplane changes on the host to take the kernel out of the NAT path, and undoes on exit.
 * <ul>
 *   <li>Refuses to start with {@code net.ipv4.ip_forward=1}: the kernel would forward every packet too, so each
 *   would leave twice.</li>
 *   <li>An nftables table {@code netdev natcore_IFACE} whose ingress chain drops every IPv4 packet but those for
 *   the box's own services (the reserved TCP/UDP ports, ICMP echo requests to the box's addresses). Without it the
 *   kernel answers packets addressed to the box, e.g. a reset to a SYN-ACK that belongs to a masqueraded
 *   connection. The packet socket still sees every frame: its tap runs before the ingress hook. ARP is untouched,
 *   so the kernel keeps answering ARP for the box's address.</li>
 *   <li>GRO and LRO off on the interface (ethtool), so frames arrive as they were on the wire; restored on exit.</li>
 * </ul>
 */
final class HostSetup
{
    /** A host change refused or failed: one line for the user. */
    static final class HostException extends Exception
    {
        private static final long serialVersionUID = 1L;

        HostException(final String message)
        {
            super(message);
        }
    }

    private final String iface;
    private final String table;
    private final List<String> restoreOffloads = new ArrayList<>();
    private boolean filterInstalled;

    HostSetup(final String iface)
    {
        this.iface = iface;
        this.table = "natcore_" + iface.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** @throws HostException when the kernel forwards IPv4 itself. */
    static void refuseKernelForwarding() throws HostException
    {
        final Path p = Path.of("/proc/sys/net/ipv4/ip_forward");
        try
        {
            if (Files.exists(p) && "1".equals(ProcSys.read(p)))
            {
                throw new HostException("net.ipv4.ip_forward=1: the kernel would forward every packet too (each " +
                    "would leave twice); set it to 0 (sysctl -w net.ipv4.ip_forward=0)");
            }
        }
        catch (final IOException ex)
        {
            throw new HostException("cannot read " + p + ": " + ex.getMessage());
        }
    }

    /** @return the nft script that installs the ingress filter. */
    String filterScript(final List<String> boxAddresses, final ReservedPorts reserved)
    {
        final String addrs = String.join(", ", boxAddresses);
        final StringBuilder sb = new StringBuilder();
        sb.append("table netdev ").append(table).append(" {\n");
        sb.append("  chain ingress {\n");
        sb.append("    type filter hook ingress device \"").append(iface).append("\" priority -500; policy accept;\n");
        if (!boxAddresses.isEmpty())
        {
            for (final String item : reserved.toString().split(","))
            {
                if (item.isEmpty())
                {
                    continue;
                }
                final String[] pp = item.split(":");
                sb.append("    ip daddr { ").append(addrs).append(" } ").append(pp[0]).append(" dport ")
                    .append(pp[1]).append(" accept\n");
            }
            sb.append("    ip daddr { ").append(addrs).append(" } icmp type echo-request accept\n");
        }
        sb.append("    meta protocol ip drop\n");
        sb.append("  }\n}\n");
        return sb.toString();
    }

    /**
     * Installs the ingress filter, replacing one left by an earlier run or installed before a reload, in one nft
     * transaction: there is no instant without a filter, in which the kernel would answer the box's packets (a
     * reset for a masqueraded TCP connection, port unreachable for a UDP one). {@code table} first creates the table
     * if absent, so that {@code delete} cannot fail.
     */
    void installFilter(final List<String> boxAddresses, final ReservedPorts reserved) throws HostException
    {
        run(List.of("nft", "-f", "-"), "table netdev " + table + "\ndelete table netdev " + table + "\n" +
            filterScript(boxAddresses, reserved), false);
        filterInstalled = true;
    }

    /** Turns GRO and LRO off where they are on, remembering what to restore. */
    void disableReceiveOffloads()
    {
        final String features;
        try
        {
            features = run(List.of("ethtool", "-k", iface), null, true);
        }
        catch (final HostException ex)
        {
            return;
        }
        for (final String[] f : new String[][] {{"generic-receive-offload", "gro"}, {"large-receive-offload", "lro"}})
        {
            if (features.contains(f[0] + ": on") && !features.contains(f[0] + ": on [fixed]"))
            {
                try
                {
                    run(List.of("ethtool", "-K", iface, f[1], "off"), null, false);
                    restoreOffloads.add(f[1]);
                }
                catch (final HostException ex)
                {
                    System.err.println("natcore-dataplane: warning: " + ex.getMessage());
                }
            }
        }
    }

    /** Undoes everything this object did; never throws. */
    void undo()
    {
        undo(false);
    }

    /**
     * Undoes what this object did, but with {@code keepFilter} leaves the ingress filter in place (as a kill -9
     * does): connections kept in a table file outlive the process, and without the filter the kernel would reset
     * or refuse their packets until the next start replaces it. Never throws.
     */
    void undo(final boolean keepFilter)
    {
        if (filterInstalled && keepFilter)
        {
            System.err.println("natcore-dataplane: ingress filter left in place for the connections in the table " +
                "file (nft delete table netdev " + table + " removes it)");
        }
        else if (filterInstalled)
        {
            filterInstalled = false;
            try
            {
                run(List.of("nft", "delete", "table", "netdev", table), null, true);
            }
            catch (final HostException ignored)
            {
                // best effort on the way out
            }
        }
        for (final String feature : restoreOffloads)
        {
            try
            {
                run(List.of("ethtool", "-K", iface, feature, "on"), null, true);
            }
            catch (final HostException ignored)
            {
                // best effort on the way out
            }
        }
        restoreOffloads.clear();
    }

    String tableName()
    {
        return table;
    }

    private static String run(final List<String> command, final String input, final boolean mayFail)
        throws HostException
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null)
            {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new HostException(String.join(" ", command) + ": timed out");
            }
            if (p.exitValue() != 0 && !mayFail)
            {
                throw new HostException(String.join(" ", command) + ": " + out.trim().replace('\n', ' '));
            }
            return out;
        }
        catch (final IOException ex)
        {
            throw new HostException(command.get(0) + " not found or not runnable (" + ex.getMessage() + ")");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new HostException(String.join(" ", command) + ": interrupted");
        }
    }
}
