/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import io.natcore.packet.IpProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Value parsers for rule options: addresses, interfaces, protocols, ports, ICMP types and NAT
 * ranges. Each returns the parsed value or throws {@link RuleParseException} with the reason.
 */
final class MatchParser
{
    static final Map<String, Integer> PROTOCOLS = new HashMap<>();
    /** ICMP names: value = type << 16 | codeMin << 8 | codeMax. */
    static final Map<String, Integer> ICMP_TYPES = new HashMap<>();

    static
    {
        PROTOCOLS.put("all", 0);
        PROTOCOLS.put("icmp", IpProtocol.ICMP);
        PROTOCOLS.put("igmp", 2);
        PROTOCOLS.put("ipencap", 4);
        PROTOCOLS.put("tcp", IpProtocol.TCP);
        PROTOCOLS.put("egp", 8);
        PROTOCOLS.put("udp", IpProtocol.UDP);
        PROTOCOLS.put("dccp", IpProtocol.DCCP);
        PROTOCOLS.put("ipv6", 41);
        PROTOCOLS.put("gre", IpProtocol.GRE);
        PROTOCOLS.put("esp", 50);
        PROTOCOLS.put("ah", 51);
        PROTOCOLS.put("ospf", 89);
        PROTOCOLS.put("ipip", 94);
        PROTOCOLS.put("pim", 103);
        PROTOCOLS.put("vrrp", 112);
        PROTOCOLS.put("l2tp", 115);
        PROTOCOLS.put("sctp", IpProtocol.SCTP);
        PROTOCOLS.put("udplite", IpProtocol.UDPLITE);

        icmp("any", 255, 0, 255);
        icmp("echo-reply", 0, 0, 255);
        icmp("pong", 0, 0, 255);
        icmp("destination-unreachable", 3, 0, 255);
        icmp("network-unreachable", 3, 0, 0);
        icmp("host-unreachable", 3, 1, 1);
        icmp("protocol-unreachable", 3, 2, 2);
        icmp("port-unreachable", 3, 3, 3);
        icmp("fragmentation-needed", 3, 4, 4);
        icmp("source-route-failed", 3, 5, 5);
        icmp("network-unknown", 3, 6, 6);
        icmp("host-unknown", 3, 7, 7);
        icmp("network-prohibited", 3, 9, 9);
        icmp("host-prohibited", 3, 10, 10);
        icmp("TOS-network-unreachable", 3, 11, 11);
        icmp("TOS-host-unreachable", 3, 12, 12);
        icmp("communication-prohibited", 3, 13, 13);
        icmp("host-precedence-violation", 3, 14, 14);
        icmp("precedence-cutoff", 3, 15, 15);
        icmp("source-quench", 4, 0, 255);
        icmp("redirect", 5, 0, 255);
        icmp("network-redirect", 5, 0, 0);
        icmp("host-redirect", 5, 1, 1);
        icmp("TOS-network-redirect", 5, 2, 2);
        icmp("TOS-host-redirect", 5, 3, 3);
        icmp("echo-request", 8, 0, 255);
        icmp("ping", 8, 0, 255);
        icmp("router-advertisement", 9, 0, 255);
        icmp("router-solicitation", 10, 0, 255);
        icmp("time-exceeded", 11, 0, 255);
        icmp("ttl-exceeded", 11, 0, 255);
        icmp("ttl-zero-during-transit", 11, 0, 0);
        icmp("ttl-zero-during-reassembly", 11, 1, 1);
        icmp("parameter-problem", 12, 0, 255);
        icmp("ip-header-bad", 12, 0, 0);
        icmp("required-option-missing", 12, 1, 1);
        icmp("timestamp-request", 13, 0, 255);
        icmp("timestamp-reply", 14, 0, 255);
        icmp("address-mask-request", 17, 0, 255);
        icmp("address-mask-reply", 18, 0, 255);
    }

    private static void icmp(final String name, final int type, final int min, final int max)
    {
        ICMP_TYPES.put(name, type << 16 | min << 8 | max);
    }

    private MatchParser()
    {
    }

    /** @return {address, mask} of "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m" (host bits dropped). */
    static int[] addressAndMask(final String option, final String value, final int lineNo)
    {
        if (value.indexOf(',') >= 0)
        {
            throw new RuleParseException(lineNo, "several addresses in " + option + " are not supported: \"" + value + "\"");
        }
        final int slash = value.indexOf('/');
        final long ip = Ipv4Text.parseAddress(slash < 0 ? value : value.substring(0, slash));
        int mask = -1;
        boolean ok = ip >= 0;
        if (ok && slash >= 0)
        {
            final String m = value.substring(slash + 1);
            if (m.indexOf('.') >= 0)
            {
                final long dotted = Ipv4Text.parseAddress(m);
                // A dotted mask must be contiguous ones then zeros.
                ok = dotted >= 0 && (((int)~dotted) & ((int)~dotted + 1)) == 0;
                mask = (int)dotted;
            }
            else
            {
                final int len = Ipv4Text.parsePrefixLength(m);
                ok = len >= 0;
                mask = Ipv4Text.mask(Math.max(len, 0));
            }
        }
        if (!ok)
        {
            throw new RuleParseException(lineNo, "bad address \"" + value + "\" in " + option);
        }
        return new int[] {(int)ip & mask, mask};
    }

    static String iface(final String option, final String value, final int lineNo)
    {
        if (value.isEmpty() || value.length() > 15 || value.indexOf('/') >= 0
            || (value.indexOf('+') >= 0 && value.indexOf('+') != value.length() - 1))
        {
            throw new RuleParseException(lineNo, "bad interface name \"" + value + "\" in " + option);
        }
        return value;
    }

    static int protocol(final String value, final int lineNo)
    {
        final Integer p = PROTOCOLS.get(value.toLowerCase());
        if (p != null)
        {
            return p;
        }
        final int n = Ipv4Text.parseUnsigned(value, 255);
        if (n < 0)
        {
            throw new RuleParseException(lineNo, "unknown protocol \"" + value + "\"");
        }
        return n;
    }

    static int port(final String text, final String option, final int lineNo)
    {
        final int p = Ipv4Text.parseUnsigned(text, 65535);
        if (p < 0)
        {
            throw new RuleParseException(lineNo, "bad port \"" + text + "\" in " + option);
        }
        return p;
    }

    /** "a", "a:b", ":b", "a:" as {lo, hi}. */
    static int[] portRange(final String value, final String option, final int lineNo)
    {
        final int colon = value.indexOf(':');
        if (colon < 0)
        {
            final int p = port(value, option, lineNo);
            return new int[] {p, p};
        }
        if (value.indexOf(':', colon + 1) >= 0)
        {
            throw new RuleParseException(lineNo, "bad port range \"" + value + "\" in " + option);
        }
        final String a = value.substring(0, colon);
        final String b = value.substring(colon + 1);
        final int lo = a.isEmpty() ? 0 : port(a, option, lineNo);
        final int hi = b.isEmpty() ? 65535 : port(b, option, lineNo);
        if (lo > hi)
        {
            throw new RuleParseException(lineNo, "bad port range \"" + value + "\" in " + option + " (min > max)");
        }
        return new int[] {lo, hi};
    }

    /** Multiport list "a,b:c,..." as {lo[], hi[]}; at most 15 ports, a range counting two. */
    static int[][] portList(final String value, final String option, final int lineNo)
    {
        final List<int[]> ranges = new ArrayList<>();
        int used = 0;
        for (final String part : value.split(",", -1))
        {
            final int colon = part.indexOf(':');
            if (colon == 0 || colon == part.length() - 1)
            {
                throw new RuleParseException(lineNo, "bad port range \"" + part + "\" in " + option);
            }
            ranges.add(portRange(part, option, lineNo));
            used += colon < 0 ? 1 : 2;
        }
        if (used > 15)
        {
            throw new RuleParseException(lineNo, "too many ports in " + option + " (max 15, a range counts 2)");
        }
        final int[][] out = new int[2][ranges.size()];
        for (int i = 0; i < ranges.size(); i++)
        {
            out[0][i] = ranges.get(i)[0];
            out[1][i] = ranges.get(i)[1];
        }
        return out;
    }

    /** @return type << 16 | codeMin << 8 | codeMax. */
    static int icmpType(final String value, final int lineNo)
    {
        final Integer named = ICMP_TYPES.get(value);
        if (named != null)
        {
            return named;
        }
        final int slash = value.indexOf('/');
        final int type = Ipv4Text.parseUnsigned(slash < 0 ? value : value.substring(0, slash), 255);
        final int code = slash < 0 ? -2 : Ipv4Text.parseUnsigned(value.substring(slash + 1), 255);
        if (type < 0 || code == -1)
        {
            throw new RuleParseException(lineNo, "unknown ICMP type \"" + value + "\"");
        }
        return code == -2 ? type << 16 | 255 : type << 16 | code << 8 | code;
    }

    /**
     * NAT range "[ip[-ip]][:port[-port]]" into the rule.
     */
    static void natRange(final NatRule r, final String option, final String value, final int lineNo)
    {
        final int colon = value.indexOf(':');
        final String ips = colon < 0 ? value : value.substring(0, colon);
        if (!ips.isEmpty())
        {
            final int dash = ips.indexOf('-');
            final long lo = Ipv4Text.parseAddress(dash < 0 ? ips : ips.substring(0, dash));
            final long hi = dash < 0 ? lo : Ipv4Text.parseAddress(ips.substring(dash + 1));
            if (lo < 0 || hi < 0)
            {
                throw new RuleParseException(lineNo, "bad address range \"" + ips + "\" in " + option);
            }
            if (lo > hi)
            {
                throw new RuleParseException(lineNo, "bad address range \"" + ips + "\" in " + option + " (min > max)");
            }
            r.mapIps = true;
            r.minIp = (int)lo;
            r.maxIp = (int)hi;
        }
        if (colon >= 0)
        {
            toPorts(r, option, value.substring(colon + 1), lineNo);
        }
        if (ips.isEmpty() && colon < 0)
        {
            throw new RuleParseException(lineNo, "empty range in " + option);
        }
    }

    /** Port range "p[-q]" into the rule. */
    static void toPorts(final NatRule r, final String option, final String value, final int lineNo)
    {
        final int dash = value.indexOf('-');
        if (value.indexOf('/') >= 0 || (dash >= 0 && value.indexOf('-', dash + 1) >= 0))
        {
            throw new RuleParseException(lineNo, "bad port range \"" + value + "\" in " + option);
        }
        final int lo = port(dash < 0 ? value : value.substring(0, dash), option, lineNo);
        final int hi = dash < 0 ? lo : port(value.substring(dash + 1), option, lineNo);
        if (lo == 0 || lo > hi)
        {
            throw new RuleParseException(lineNo, "bad port range \"" + value + "\" in " + option);
        }
        r.hasPortRange = true;
        r.minPort = lo;
        r.maxPort = hi;
    }
}
