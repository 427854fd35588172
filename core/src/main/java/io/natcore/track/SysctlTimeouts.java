/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import java.util.concurrent.TimeUnit;

/**
 * The kernel's conntrack timeout sysctls ({@code net.netfilter.nf_conntrack_*_timeout*}, {@code net.ipv4.ipfrag_time};
 * {@code sysctl -a} lines {@code name = seconds}) as the engine's {@link Timeouts}: a trace's {@code sysctl.txt} for
 * a replay, or the NAT VM's own settings for the live box, so connections expire when the kernel's would. Names the
 * engine has no timeout for (SCTP, DCCP, ICMPv6, IPv6 fragments) are ignored; a timeout not listed keeps the Linux
 * default. The kernel has no sysctl for TCP SYN_SENT2: it keeps its default, as in the kernel.
 */
public final class SysctlTimeouts
{
    /** Prefix of the conntrack sysctls. */
    public static final String CONNTRACK_PREFIX = "net.netfilter.nf_conntrack_";
    /** The IPv4 reassembly timeout's sysctl. */
    public static final String IPFRAG_TIME = "net.ipv4.ipfrag_time";

    private SysctlTimeouts()
    {
    }

    /**
     * @param sysctlText lines {@code name = value}; blank lines and {@code #} comments skipped.
     * @return Linux default timeouts with those the text names replaced.
     * @throws IllegalArgumentException naming the line that is not {@code name = non-negative integer} for a
     *     timeout it knows.
     */
    public static Timeouts parse(final String sysctlText)
    {
        final Timeouts t = new Timeouts();
        int lineNumber = 0;
        for (final String raw : sysctlText.split("\n", -1))
        {
            lineNumber++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("line " + lineNumber + ": expected 'name = value': " + line);
            }
            final String name = line.substring(0, eq).strip();
            final String value = line.substring(eq + 1).strip();
            if (!isTimeout(name))
            {
                continue;
            }
            final long seconds;
            try
            {
                seconds = Long.parseLong(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("line " + lineNumber + ": " + name + " is not a number: " + value);
            }
            if (seconds < 0)
            {
                throw new IllegalArgumentException("line " + lineNumber + ": " + name + " is negative: " + value);
            }
            apply(t, name.startsWith(CONNTRACK_PREFIX) ? name.substring(CONNTRACK_PREFIX.length()) : name,
                TimeUnit.SECONDS.toNanos(seconds));
        }
        return t;
    }

    /** @return true for a sysctl name this class may read a timeout from. */
    public static boolean isTimeout(final String name)
    {
        return name.startsWith(CONNTRACK_PREFIX) || IPFRAG_TIME.equals(name);
    }

    private static void apply(final Timeouts t, final String key, final long nanos)
    {
        switch (key)
        {
            case "tcp_timeout_syn_sent": t.tcp(TcpState.SYN_SENT, nanos); break;
            case "tcp_timeout_syn_recv": t.tcp(TcpState.SYN_RECV, nanos); break;
            case "tcp_timeout_established": t.tcp(TcpState.ESTABLISHED, nanos); break;
            case "tcp_timeout_fin_wait": t.tcp(TcpState.FIN_WAIT, nanos); break;
            case "tcp_timeout_close_wait": t.tcp(TcpState.CLOSE_WAIT, nanos); break;
            case "tcp_timeout_last_ack": t.tcp(TcpState.LAST_ACK, nanos); break;
            case "tcp_timeout_time_wait": t.tcp(TcpState.TIME_WAIT, nanos); break;
            case "tcp_timeout_close": t.tcp(TcpState.CLOSE, nanos); break;
            case "tcp_timeout_max_retrans": t.tcpMaxRetrans(nanos); break;
            case "tcp_timeout_unacknowledged": t.tcpUnacknowledged(nanos); break;
            case "udp_timeout": t.udpUnreplied(nanos); break;
            case "udp_timeout_stream": t.udpStream(nanos); break;
            case "icmp_timeout": t.icmp(nanos); break;
            case "generic_timeout": t.generic(nanos); break;
            case "gre_timeout": t.greUnreplied(nanos); break;
            case "gre_timeout_stream": t.greReplied(nanos); break;
            case IPFRAG_TIME: t.fragment(nanos); break;
            default: break; // a protocol the engine does not track (SCTP, DCCP, ICMPv6, IPv6 fragments)
        }
    }
}
