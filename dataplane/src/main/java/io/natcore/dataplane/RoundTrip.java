/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * {@code rtt-server PORT} and {@code rtt-client HOST PORT COUNT}: a UDP request/response pair for the lab
 * benchmark's latency figures. The client sends one 64-byte request at a time, waits for its echo, and prints the
 * round trip's percentiles (microseconds); lost requests count after a 200 ms timeout.
 */
final class RoundTrip
{
    private RoundTrip()
    {
    }

    static int server(final String[] args, final PrintStream out) throws Exception
    {
        final int port = DataplaneOptions.number(DataplaneOptions.value(args, 0, "rtt-server PORT"), "PORT", 1, 65535);
        try (DatagramSocket s = new DatagramSocket(port))
        {
            out.println("rtt-server listening on " + port);
            out.flush();
            final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            while (true)
            {
                p.setLength(2048);
                s.receive(p);
                s.send(p);
            }
        }
    }

    static int client(final String[] args, final PrintStream out) throws Exception
    {
        final InetAddress host = InetAddress.getByName(DataplaneOptions.value(args, 0, "rtt-client HOST PORT COUNT"));
        final int port = DataplaneOptions.number(DataplaneOptions.value(args, 1, "PORT"), "PORT", 1, 65535);
        final int count = DataplaneOptions.number(DataplaneOptions.value(args, 2, "COUNT"), "COUNT", 10, 10_000_000);
        final long[] rtt = new long[count];
        int got = 0;
        int lost = 0;
        try (DatagramSocket s = new DatagramSocket())
        {
            s.connect(new InetSocketAddress(host, port));
            s.setSoTimeout(200);
            final byte[] req = new byte[64 - 42];
            final DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < count + 1000; i++)
            {
                final long t0 = System.nanoTime();
                s.send(new DatagramPacket(req, req.length));
                try
                {
                    in.setLength(2048);
                    s.receive(in);
                }
                catch (final SocketTimeoutException ex)
                {
                    lost++;
                    continue;
                }
                final long t = System.nanoTime() - t0;
                if (i >= 1000 && got < count) // the first thousand warm up both ends
                {
                    rtt[got++] = t;
                }
            }
        }
        final long[] done = Arrays.copyOf(rtt, got);
        Arrays.sort(done);
        out.printf("rtt us: p50 %.1f p99 %.1f p99.9 %.1f max %.1f (%d samples, %d lost)%n", pct(done, 0.50),
            pct(done, 0.99), pct(done, 0.999), done.length == 0 ? 0 : done[done.length - 1] / 1e3, got, lost);
        return 0;
    }

    private static double pct(final long[] sorted, final double q)
    {
        if (sorted.length == 0)
        {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int)Math.ceil(q * sorted.length) - 1)] / 1e3;
    }
}
