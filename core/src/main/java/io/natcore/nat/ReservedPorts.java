/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.IpProtocol;

import java.util.BitSet;

/**
 * TCP and UDP ports of the box's own services (ssh, a load balancer's health probe) that source NAT must never hand
 * out on a box address, as {@code ip_local_reserved_ports} keeps the kernel's own port choice off them: a reply to
 * such a port would reach the service instead of the NATed connection. Immutable once built; read by the binding
 * thread under the engine's bind lock.
 */
public final class ReservedPorts
{
    /** No port reserved. */
    public static final ReservedPorts NONE = new ReservedPorts(new BitSet(), new BitSet());

    private final BitSet tcp;
    private final BitSet udp;
    private final boolean empty;

    private ReservedPorts(final BitSet tcp, final BitSet udp)
    {
        this.tcp = tcp;
        this.udp = udp;
        this.empty = tcp.isEmpty() && udp.isEmpty();
    }

    /**
     * Parses a list such as {@code "tcp:22,tcp:8080-8081,udp:500"}.
     *
     * @param text comma-separated {@code PROTO:PORT} or {@code PROTO:FIRST-LAST}; empty for none.
     * @return the reservation.
     * @throws IllegalArgumentException naming the item that is not of that form.
     */
    public static ReservedPorts parse(final String text)
    {
        final BitSet tcp = new BitSet(65536);
        final BitSet udp = new BitSet(65536);
        for (final String raw : text.split(","))
        {
            final String item = raw.trim();
            if (item.isEmpty())
            {
                continue;
            }
            final int colon = item.indexOf(':');
            if (colon < 0)
            {
                throw new IllegalArgumentException("reserved port '" + item + "': expected tcp:PORT or udp:PORT");
            }
            final String proto = item.substring(0, colon);
            final BitSet set = "tcp".equals(proto) ? tcp : "udp".equals(proto) ? udp : null;
            if (set == null)
            {
                throw new IllegalArgumentException("reserved port '" + item + "': protocol must be tcp or udp");
            }
            final String ports = item.substring(colon + 1);
            final int dash = ports.indexOf('-');
            final int first = port(item, dash < 0 ? ports : ports.substring(0, dash));
            final int last = dash < 0 ? first : port(item, ports.substring(dash + 1));
            if (last < first)
            {
                throw new IllegalArgumentException("reserved port '" + item + "': empty range");
            }
            set.set(first, last + 1);
        }
        return new ReservedPorts(tcp, udp);
    }

    private static int port(final String item, final String text)
    {
        try
        {
            final int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535)
            {
                return p;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException("reserved port '" + item + "': port must be 1-65535");
    }

    /** @return true when no port is reserved. */
    public boolean isEmpty()
    {
        return empty;
    }

    /**
     * @param proto IP protocol number.
     * @param port  port.
     * @return true when the box's services use {@code port} of {@code proto}.
     */
    public boolean isReserved(final int proto, final int port)
    {
        if (proto == IpProtocol.TCP)
        {
            return tcp.get(port);
        }
        return proto == IpProtocol.UDP && udp.get(port);
    }

    /** @return "tcp:22,udp:500" form (allocates: diagnostics). */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        append(sb, "tcp", tcp);
        append(sb, "udp", udp);
        return sb.toString();
    }

    private static void append(final StringBuilder sb, final String proto, final BitSet set)
    {
        for (int p = set.nextSetBit(0); p >= 0; p = set.nextSetBit(p + 1))
        {
            final int end = set.nextClearBit(p) - 1;
            sb.append(sb.length() > 0 ? "," : "").append(proto).append(':').append(p);
            if (end > p)
            {
                sb.append('-').append(end);
            }
            p = end;
        }
    }
}
