/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Parses one {@code route <ip route line>} of a {@code box.txt}, e.g.
 * {@code route default via 172.16.2.1 dev eth0} or
 * {@code route 172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.5}.
 * Attributes that do not change forwarding (proto, scope, pref, mtu, ...) are accepted and ignored;
 * anything else is refused.
 */
final class BoxRouteParser
{
    private BoxRouteParser()
    {
    }

    static void parse(final BoxConfig.Builder b, final String[] t, final int lineNo)
    {
        int i = 1;
        if (i >= t.length)
        {
            throw new RuleParseException(lineNo, "route without destination");
        }
        RouteTable.Type type = RouteTable.Type.UNICAST;
        switch (t[i])
        {
            case "unicast":
                i++;
                break;
            case "blackhole":
                type = RouteTable.Type.BLACKHOLE;
                i++;
                break;
            case "unreachable":
                type = RouteTable.Type.UNREACHABLE;
                i++;
                break;
            case "prohibit":
                type = RouteTable.Type.PROHIBIT;
                i++;
                break;
            case "throw":
                type = RouteTable.Type.THROW;
                i++;
                break;
            case "local":
            case "broadcast":
            case "multicast":
            case "anycast":
            case "nat":
                throw new RuleParseException(lineNo, "route type \"" + t[i] + "\" is not supported in the main table");
            default:
                break;
        }
        if (i >= t.length)
        {
            throw new RuleParseException(lineNo, "route without destination");
        }
        final int prefix;
        final int prefixLength;
        if ("default".equals(t[i]))
        {
            prefix = 0;
            prefixLength = 0;
        }
        else
        {
            final int slash = t[i].indexOf('/');
            final long ip = Ipv4Text.parseAddress(slash < 0 ? t[i] : t[i].substring(0, slash));
            final int len = slash < 0 ? 32 : Ipv4Text.parsePrefixLength(t[i].substring(slash + 1));
            if (ip < 0 || len < 0)
            {
                throw new RuleParseException(lineNo, "bad route destination \"" + t[i] + "\"");
            }
            if (((int)ip & ~Ipv4Text.mask(len)) != 0)
            {
                throw new RuleParseException(lineNo, "route destination \"" + t[i] + "\" has host bits set");
            }
            prefix = (int)ip;
            prefixLength = len;
        }
        i++;
        int gateway = 0;
        int egressIf = -1;
        int src = 0;
        int metric = 0;
        while (i < t.length)
        {
            final String key = t[i];
            switch (key)
            {
                case "onlink":
                case "linkdown":
                case "pervasive":
                case "offload":
                case "trap":
                case "rt_offload":
                case "rt_trap":
                case "notify":
                    i++;
                    continue;
                case "nexthop":
                    throw new RuleParseException(lineNo, "multipath routes are not supported");
                case "dead":
                    throw new RuleParseException(lineNo, "dead routes are not supported");
                default:
                    break;
            }
            if (i + 1 >= t.length)
            {
                throw new RuleParseException(lineNo, "route attribute \"" + key + "\" without value");
            }
            final String value = t[i + 1];
            switch (key)
            {
                case "via":
                {
                    final String v = value.startsWith("inet ") ? value.substring(5) : value;
                    final long ip = Ipv4Text.parseAddress(v);
                    if (ip < 0)
                    {
                        throw new RuleParseException(lineNo, "bad gateway \"" + value + "\"");
                    }
                    gateway = (int)ip;
                    break;
                }
                case "dev":
                {
                    final Integer index = b.indexOf(value);
                    if (index == null)
                    {
                        throw new RuleParseException(lineNo, "unknown interface \"" + value + "\"");
                    }
                    egressIf = index;
                    break;
                }
                case "src":
                {
                    final long ip = Ipv4Text.parseAddress(value);
                    if (ip < 0)
                    {
                        throw new RuleParseException(lineNo, "bad src \"" + value + "\"");
                    }
                    src = (int)ip;
                    break;
                }
                case "metric":
                case "priority":
                case "preference":
                {
                    metric = Ipv4Text.parseUnsigned(value, Integer.MAX_VALUE);
                    if (metric < 0)
                    {
                        throw new RuleParseException(lineNo, "bad metric \"" + value + "\"");
                    }
                    break;
                }
                case "table":
                    if (!"main".equals(value) && !"254".equals(value))
                    {
                        throw new RuleParseException(lineNo, "only the main table is supported, got \"" + value + "\"");
                    }
                    break;
                case "scope":
                    if (BoxConfig.parseScope(value) == null && !"site".equals(value) && !"nowhere".equals(value))
                    {
                        throw new RuleParseException(lineNo, "bad scope \"" + value + "\"");
                    }
                    break;
                case "proto":
                case "pref":
                case "mtu":
                case "advmss":
                case "hoplimit":
                case "initcwnd":
                case "initrwnd":
                case "expires":
                case "realm":
                case "realms":
                case "rtt":
                case "rttvar":
                case "window":
                case "cwnd":
                case "ssthresh":
                case "reordering":
                case "features":
                case "quickack":
                case "congctl":
                case "fastopen_no_cookie":
                case "error":
                case "tos":
                case "dsfield":
                    break;
                default:
                    throw new RuleParseException(lineNo, "unknown route attribute \"" + key + "\"");
            }
            i += 2;
        }
        if (type == RouteTable.Type.UNICAST && egressIf < 0)
        {
            throw new RuleParseException(lineNo, "route without dev");
        }
        b.addRoute(prefix, prefixLength, gateway, egressIf, src, metric, type);
    }
}
