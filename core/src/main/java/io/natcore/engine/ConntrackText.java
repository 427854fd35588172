/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IpProtocol;
import io.natcore.table.FlowStatus;
import io.natcore.track.IcmpTracker;
import io.natcore.track.TcpState;

import java.io.IOException;

/**
 * The text of one connection as the {@code conntrack} tool prints it (shared by {@code -L} and {@code -E}):
 * {@code "tcp      6 120 SYN_SENT src=a dst=b sport=p dport=q [UNREPLIED] src=... [ASSURED]"}. Off the fast path.
 */
final class ConntrackText
{

    private ConntrackText()
    {
    }

    static String protocolName(final int proto)
    {
        switch (proto)
        {
            case IpProtocol.ICMP: return "icmp";
            case IpProtocol.TCP: return "tcp";
            case IpProtocol.UDP: return "udp";
            case IpProtocol.DCCP: return "dccp";
            case IpProtocol.GRE: return "gre";
            case IpProtocol.SCTP: return "sctp";
            case IpProtocol.UDPLITE: return "udplite";
            default: return "unknown";
        }
    }

    /**
     * @param icmpType an ICMP query type.
     * @return the type of its reply (kernel {@code invmap}), or the type itself when unpaired.
     */
    static int icmpReplyType(final int icmpType)
    {
        final int paired = IcmpTracker.pairedType(icmpType);
        return paired < 0 ? icmpType : paired;
    }

    static void appendEntry(
        final Appendable out,
        final int proto,
        final int state,
        final int timeoutSeconds,
        final int status,
        final int origSrc,
        final int origDst,
        final int origSport,
        final int origDport,
        final int replySrc,
        final int replyDst,
        final int replySport,
        final int replyDport,
        final int icmpType,
        final int icmpCode,
        final boolean omitZeroTimeout) throws IOException
    {
        final String name = protocolName(proto);
        out.append(name);
        for (int i = name.length(); i < 8; i++)
        {
            out.append(' ');
        }
        out.append(' ').append(Integer.toString(proto));
        if (timeoutSeconds > 0 || !omitZeroTimeout)
        {
            // The kernel leaves the timeout out of a DESTROY event for a connection that timed out.
            out.append(' ').append(Integer.toString(timeoutSeconds));
        }
        if (proto == IpProtocol.TCP)
        {
            out.append(' ').append(TcpState.name(state));
        }
        appendTuple(out, proto, origSrc, origDst, origSport, origDport, icmpType, icmpCode);
        if ((status & FlowStatus.SEEN_REPLY) == 0)
        {
            out.append(" [UNREPLIED]");
        }
        appendTuple(out, proto, replySrc, replyDst, replySport, replyDport, icmpReplyType(icmpType), icmpCode);
        if ((status & FlowStatus.ASSURED) != 0)
        {
            out.append(" [ASSURED]");
        }
    }

    private static void appendTuple(
        final Appendable out, final int proto, final int src, final int dst, final int sport, final int dport,
        final int icmpType, final int icmpCode) throws IOException
    {
        out.append(" src=");
        appendIp(out, src);
        out.append(" dst=");
        appendIp(out, dst);
        switch (proto)
        {
            case IpProtocol.ICMP:
                out.append(" type=").append(Integer.toString(icmpType))
                    .append(" code=").append(Integer.toString(icmpCode))
                    .append(" id=").append(Integer.toString(sport));
                break;
            case IpProtocol.GRE:
                out.append(" srckey=0x").append(Integer.toHexString(sport))
                    .append(" dstkey=0x").append(Integer.toHexString(dport));
                break;
            case IpProtocol.TCP:
            case IpProtocol.UDP:
            case IpProtocol.DCCP:
            case IpProtocol.SCTP:
            case IpProtocol.UDPLITE:
                out.append(" sport=").append(Integer.toString(sport))
                    .append(" dport=").append(Integer.toString(dport));
                break;
            default:
                break;
        }
    }

    static void appendIp(final Appendable out, final int ip) throws IOException
    {
        out.append(Integer.toString(ip >>> 24)).append('.')
            .append(Integer.toString((ip >>> 16) & 0xFF)).append('.')
            .append(Integer.toString((ip >>> 8) & 0xFF)).append('.')
            .append(Integer.toString(ip & 0xFF));
    }
}
