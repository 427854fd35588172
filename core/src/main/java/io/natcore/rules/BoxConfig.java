/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NAT box as plain data: interfaces (index, name), their IPv4 addresses and the main routing
 * table. Built by {@link #parse(String)} from a {@code box.txt} or programmatically with
 * {@link #builder()}. Immutable once built; the per-packet queries ({@link #isLocalAddress(int)},
 * {@link #masqueradeAddress(int, int)}, {@link #routes()}) allocate nothing.
 * <p>
 * Addresses follow the kernel's rules: an address whose subnet (same prefix length) already holds
 * an earlier address of the same interface is secondary; 127.0.0.0/8 addresses get host scope;
 * on a loopback interface ({@code lo}) the whole prefix is local, elsewhere the address only. A
 * {@code box.txt} gets the connected route of each primary address as the kernel adds it
 * ({@link Builder#addConnectedRoutes()}); a builder only when asked.
 */
public final class BoxConfig
{
    /** Address scope, as {@code ip addr} prints it. */
    public enum Scope
    {
        /** Valid anywhere (scope universe). */
        GLOBAL,
        /** Valid on the link only. */
        LINK,
        /** Valid inside the box only. */
        HOST
    }

    private final String[] namesByIndex;
    private final Map<String, Integer> indexByName;
    private final int[] addrIf;
    private final int[] addrIp;
    private final int[] addrPrefixLength;
    private final boolean[] addrSecondary;
    private final Scope[] addrScope;
    private final int[] localAddresses;      // sorted
    private final int[] localPrefixes;        // whole prefixes local (loopback interfaces)
    private final int[] localPrefixMasks;
    private final int[] localPrefixIf;
    private final int[] broadcastAddresses;  // sorted
    private final RouteTable routes;
    private final boolean routesGiven;
    private final int loopbackIf;

    private BoxConfig(final Builder b)
    {
        int maxIndex = 0;
        for (final Map.Entry<String, Integer> e : b.indexByName.entrySet())
        {
            maxIndex = Math.max(maxIndex, e.getValue());
        }
        namesByIndex = new String[maxIndex + 1];
        for (final Map.Entry<String, Integer> e : b.indexByName.entrySet())
        {
            namesByIndex[e.getValue()] = e.getKey();
        }
        indexByName = new HashMap<>(b.indexByName);
        loopbackIf = b.loopback.isEmpty() ? -1 : Collections.min(b.loopback);
        final int n = b.addrIf.size();
        addrIf = new int[n];
        addrIp = new int[n];
        addrPrefixLength = new int[n];
        addrSecondary = new boolean[n];
        addrScope = new Scope[n];
        final List<Integer> locals = new ArrayList<>();
        final List<Integer> broadcasts = new ArrayList<>();
        final List<Integer> lp = new ArrayList<>();
        final List<Integer> lm = new ArrayList<>();
        final List<Integer> li = new ArrayList<>();
        broadcasts.add(0xFFFFFFFF);
        for (int i = 0; i < n; i++)
        {
            addrIf[i] = b.addrIf.get(i);
            addrIp[i] = b.addrIp.get(i);
            addrPrefixLength[i] = b.addrLen.get(i);
            addrScope[i] = b.addrScope.get(i);
            final int mask = Ipv4Text.mask(addrPrefixLength[i]);
            for (int j = 0; j < i; j++)
            {
                if (addrIf[j] == addrIf[i] && !addrSecondary[j] && addrPrefixLength[j] == addrPrefixLength[i]
                    && ((addrIp[j] ^ addrIp[i]) & mask) == 0)
                {
                    addrSecondary[i] = true;
                    break;
                }
            }
            locals.add(addrIp[i]);
            final int prefix = addrIp[i] & mask;
            // fib_add_ifaddr: the prefix route of a primary address on a loopback device is local,
            // and primary addresses below /31 add the subnet broadcast.
            if (!addrSecondary[i] && addrPrefixLength[i] < 32 && prefix != 0)
            {
                if (b.loopback.contains(addrIf[i]))
                {
                    lp.add(prefix);
                    lm.add(mask);
                    li.add(addrIf[i]);
                }
                if (addrPrefixLength[i] < 31)
                {
                    broadcasts.add(prefix | ~mask);
                }
            }
        }
        localAddresses = sortedUnique(locals);
        broadcastAddresses = sortedUnique(broadcasts);
        localPrefixes = new int[lp.size()];
        localPrefixMasks = new int[lm.size()];
        localPrefixIf = new int[li.size()];
        for (int i = 0; i < lp.size(); i++)
        {
            localPrefixes[i] = lp.get(i);
            localPrefixMasks[i] = lm.get(i);
            localPrefixIf[i] = li.get(i);
        }
        routes = RouteTable.of(b.routes);
        routesGiven = b.routeLinesGiven;
    }

    private static int[] sortedUnique(final List<Integer> values)
    {
        final int[] a = values.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        return a;
    }

    /**
     * @return a builder for a box filled in programmatically.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Parses the {@code box.txt} format: {@code ifindex N NAME}, {@code addr NAME CIDR [scope S]},
     * {@code route <ip route line>}; '#' comments and blank lines allowed. An interface must be
     * declared before it is used.
     *
     * @param text the file contents.
     * @return the box.
     * @throws RuleParseException "line N: reason" for anything not understood.
     */
    public static BoxConfig parse(final String text) throws RuleParseException
    {
        final Builder b = new Builder();
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final int lineNo = i + 1;
            final String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] t = line.split("\\s+");
            switch (t[0])
            {
                case "ifindex":
                    parseInterface(b, t, lineNo);
                    break;
                case "addr":
                    parseAddress(b, t, lineNo);
                    break;
                case "route":
                    BoxRouteParser.parse(b, t, lineNo);
                    break;
                default:
                    throw new RuleParseException(lineNo, "expected ifindex, addr or route, got \"" + t[0] + "\"");
            }
        }
        b.routeLinesGiven = b.routeCount() > 0;
        b.addConnectedRoutes();
        return b.build();
    }

    private static void parseInterface(final Builder b, final String[] t, final int lineNo)
    {
        if (t.length != 3)
        {
            throw new RuleParseException(lineNo, "expected \"ifindex N NAME\"");
        }
        final int index = Ipv4Text.parseUnsigned(t[1], Integer.MAX_VALUE);
        if (index <= 0 || index > 0xFFFF)
        {
            throw new RuleParseException(lineNo, "bad interface index \"" + t[1] + "\"");
        }
        final String problem = b.checkInterface(index, t[2]);
        if (problem != null)
        {
            throw new RuleParseException(lineNo, problem);
        }
        b.addInterface(index, t[2]);
    }

    private static void parseAddress(final Builder b, final String[] t, final int lineNo)
    {
        if (t.length != 3 && t.length != 5)
        {
            throw new RuleParseException(lineNo, "expected \"addr NAME CIDR [scope global|link|host]\"");
        }
        final Integer index = b.indexByName.get(t[1]);
        if (index == null)
        {
            throw new RuleParseException(lineNo, "unknown interface \"" + t[1] + "\"");
        }
        final int slash = t[2].indexOf('/');
        final long ip = Ipv4Text.parseAddress(slash < 0 ? t[2] : t[2].substring(0, slash));
        final int len = slash < 0 ? 32 : Ipv4Text.parsePrefixLength(t[2].substring(slash + 1));
        if (ip < 0 || len < 0)
        {
            throw new RuleParseException(lineNo, "bad address \"" + t[2] + "\"");
        }
        Scope scope = null;
        if (t.length == 5)
        {
            if (!"scope".equals(t[3]))
            {
                throw new RuleParseException(lineNo, "unexpected \"" + t[3] + "\" after the address");
            }
            scope = parseScope(t[4]);
            if (scope == null)
            {
                throw new RuleParseException(lineNo, "bad scope \"" + t[4] + "\"");
            }
        }
        if (scope == null)
        {
            b.addAddress(index, (int)ip, len);
        }
        else
        {
            b.addAddress(index, (int)ip, len, scope);
        }
    }

    static Scope parseScope(final String s)
    {
        switch (s)
        {
            case "global":
            case "universe":
            case "0":
                return Scope.GLOBAL;
            case "link":
            case "253":
                return Scope.LINK;
            case "host":
            case "254":
                return Scope.HOST;
            default:
                return null;
        }
    }

    /**
     * @param name interface name.
     * @return its index, or -1 when the box has no such interface.
     */
    public int ifIndex(final String name)
    {
        final Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /**
     * @param index interface index.
     * @return its name, or null when the box has no such interface.
     */
    public String ifName(final int index)
    {
        return index >= 0 && index < namesByIndex.length ? namesByIndex[index] : null;
    }

    /**
     * @return the highest interface index (0 when there are none): arrays indexed by ifindex
     * need this length plus one.
     */
    public int maxIfIndex()
    {
        return namesByIndex.length - 1;
    }

    /**
     * Whether ip is a local address, as the kernel's local table says (type local): any address
     * of any interface, and every address of a loopback interface's prefix (127.0.0.0/8).
     * Broadcast addresses are not local: see {@link #isBroadcastAddress(int)}. No allocation.
     *
     * @param ip address.
     * @return true when a packet to ip is for the box itself.
     */
    public boolean isLocalAddress(final int ip)
    {
        if (Arrays.binarySearch(localAddresses, ip) >= 0)
        {
            return true;
        }
        for (int i = 0; i < localPrefixes.length; i++)
        {
            if ((ip & localPrefixMasks[i]) == localPrefixes[i])
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The address's type as the kernel's {@code inet_dev_addr_type} gives it (what {@code -m addrtype} tests):
     * 0.0.0.0/8 and 255.255.255.255 BROADCAST, 224.0.0.0/4 MULTICAST, else the local table's answer: LOCAL for an
     * address of the box (or of a loopback prefix), BROADCAST for a subnet broadcast, UNICAST otherwise. With an
     * interface, a local-table entry counts only when it belongs to that interface (else UNICAST). No allocation.
     *
     * @param ip      address.
     * @param ifIndex the interface the type is limited to ({@code --limit-iface-in/out}), -1 for none.
     * @return the RTN_* type ({@link AddressTypes}).
     */
    public int addressType(final int ip, final int ifIndex)
    {
        final int general = generalAddressType(ip);
        if (general != AddressTypes.UNICAST)
        {
            return general;
        }
        for (int i = 0; i < addrIp.length; i++)
        {
            if (addrIp[i] == ip)
            {
                return ifIndex < 0 || addrIf[i] == ifIndex ? AddressTypes.LOCAL : AddressTypes.UNICAST;
            }
        }
        for (int i = 0; i < addrIp.length; i++)
        {
            final int mask = Ipv4Text.mask(addrPrefixLength[i]);
            if (!addrSecondary[i] && addrPrefixLength[i] < 31 && ((addrIp[i] & mask) | ~mask) == ip)
            {
                return ifIndex < 0 || addrIf[i] == ifIndex ? AddressTypes.BROADCAST : AddressTypes.UNICAST;
            }
        }
        for (int i = 0; i < localPrefixes.length; i++)
        {
            if ((ip & localPrefixMasks[i]) == localPrefixes[i])
            {
                return ifIndex < 0 || ifIndex == localPrefixIf[i] ? AddressTypes.LOCAL : AddressTypes.UNICAST;
            }
        }
        return AddressTypes.UNICAST;
    }

    /** @return the type any box gives ip before its local table: BROADCAST, MULTICAST, else UNICAST. */
    static int generalAddressType(final int ip)
    {
        if ((ip >>> 24) == 0 || ip == 0xFFFFFFFF)
        {
            return AddressTypes.BROADCAST;
        }
        return (ip >>> 28) == 0xE ? AddressTypes.MULTICAST : AddressTypes.UNICAST;
    }

    /**
     * Whether ip is a broadcast address of the box (255.255.255.255, or the subnet broadcast of a
     * primary address with prefix shorter than /31), which the kernel delivers locally too.
     *
     * @param ip address.
     * @return true for a broadcast address.
     */
    public boolean isBroadcastAddress(final int ip)
    {
        return Arrays.binarySearch(broadcastAddresses, ip) >= 0;
    }

    /**
     * The source address MASQUERADE takes, chosen as the kernel's {@code inet_select_addr} does
     * with scope universe: on the egress interface, the first primary address of global scope
     * whose subnet holds nextHop, else the first primary address of global scope there; else the
     * first primary global address of any interface in ifindex order. No allocation.
     *
     * @param egressIf egress interface index.
     * @param nextHop  the route's next hop (gateway, or the destination when on-link); 0 = any.
     * @return the address, or 0 when the box has none (the kernel drops the packet).
     */
    public int masqueradeAddress(final int egressIf, final int nextHop)
    {
        int first = 0;
        for (int i = 0; i < addrIp.length; i++)
        {
            if (addrIf[i] != egressIf || addrSecondary[i] || addrScope[i] != Scope.GLOBAL)
            {
                continue;
            }
            final int mask = Ipv4Text.mask(addrPrefixLength[i]);
            if (nextHop == 0 || ((nextHop ^ addrIp[i]) & mask) == 0)
            {
                return addrIp[i];
            }
            if (first == 0)
            {
                first = addrIp[i];
            }
        }
        if (first != 0)
        {
            return first;
        }
        for (int index = 0; index < namesByIndex.length; index++)
        {
            for (int i = 0; i < addrIp.length; i++)
            {
                if (addrIf[i] == index && !addrSecondary[i] && addrScope[i] == Scope.GLOBAL)
                {
                    return addrIp[i];
                }
            }
        }
        return 0;
    }

    /**
     * The destination REDIRECT takes for a packet that came in on inIf: the interface's first
     * primary address, as the kernel's {@code nf_nat_redirect_ipv4}. No allocation.
     *
     * @param inIf ingress interface index.
     * @return the address, or 0 when the interface has none (the kernel drops the packet).
     */
    public int redirectAddress(final int inIf)
    {
        for (int i = 0; i < addrIp.length; i++)
        {
            if (addrIf[i] == inIf && !addrSecondary[i])
            {
                return addrIp[i];
            }
        }
        return 0;
    }

    /**
     * The destination REDIRECT takes for a packet of the box's own stack (nat OUTPUT): 127.0.0.1, as the kernel's
     * {@code nf_nat_redirect_ipv4} at {@code NF_INET_LOCAL_OUT}.
     */
    public static final int LOCAL_OUT_REDIRECT_ADDRESS = 0x7F000001;

    /**
     * @return the first loopback interface's index (the device the kernel routes the box's packets to its own
     *     addresses through), or -1 when the box file declares none.
     */
    public int loopbackIfIndex()
    {
        return loopbackIf;
    }

    /** @return number of addresses. */
    public int addressCount()
    {
        return addrIp.length;
    }

    /** @param i address index. @return its interface index. */
    public int addressIf(final int i)
    {
        return addrIf[i];
    }

    /** @param i address index. @return the address. */
    public int address(final int i)
    {
        return addrIp[i];
    }

    /** @param i address index. @return its prefix length. */
    public int addressPrefixLength(final int i)
    {
        return addrPrefixLength[i];
    }

    /** @param i address index. @return true when secondary. */
    public boolean isSecondary(final int i)
    {
        return addrSecondary[i];
    }

    /** @param i address index. @return its scope. */
    public Scope addressScope(final int i)
    {
        return addrScope[i];
    }

    /**
     * @return the main routing table.
     */
    public RouteTable routes()
    {
        return routes;
    }

    /** @return false for a {@code box.txt} without route lines (its routes are the connected ones only). */
    public boolean routesGiven()
    {
        return routesGiven;
    }

    /**
     * Programmatic construction of a {@link BoxConfig}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder
    {
        private final Map<String, Integer> indexByName = new HashMap<>();
        private final List<Integer> loopback = new ArrayList<>();
        private final List<Integer> addrIf = new ArrayList<>();
        private final List<Integer> addrIp = new ArrayList<>();
        private final List<Integer> addrLen = new ArrayList<>();
        private final List<Scope> addrScope = new ArrayList<>();
        private final List<RouteTable.Route> routes = new ArrayList<>();
        private boolean routeLinesGiven = true;

        private Builder()
        {
        }

        String checkInterface(final int index, final String name)
        {
            if (name.isEmpty() || name.length() > 15)
            {
                return "bad interface name \"" + name + "\"";
            }
            if (indexByName.containsKey(name))
            {
                return "interface \"" + name + "\" declared twice";
            }
            if (indexByName.containsValue(index))
            {
                return "interface index " + index + " declared twice";
            }
            return null;
        }

        /**
         * Adds an interface; the name "lo" is the loopback interface.
         *
         * @param index ifindex (positive).
         * @param name  name, 1..15 characters.
         * @return this.
         * @throws IllegalArgumentException on a bad or duplicate name or index.
         */
        public Builder addInterface(final int index, final String name)
        {
            return addInterface(index, name, "lo".equals(name));
        }

        /**
         * Adds an interface.
         *
         * @param index    ifindex (positive).
         * @param name     name, 1..15 characters.
         * @param isLoopback true for a loopback device (its address prefixes are local).
         * @return this.
         * @throws IllegalArgumentException on a bad or duplicate name or index.
         */
        public Builder addInterface(final int index, final String name, final boolean isLoopback)
        {
            final String problem = index <= 0 ? "bad interface index " + index : checkInterface(index, name);
            if (problem != null)
            {
                throw new IllegalArgumentException(problem);
            }
            indexByName.put(name, index);
            if (isLoopback)
            {
                loopback.add(index);
            }
            return this;
        }

        /**
         * Adds an address with the default scope (host for 127.0.0.0/8, global otherwise).
         *
         * @param ifIndex      interface index (declared before).
         * @param ip           address.
         * @param prefixLength 0..32.
         * @return this.
         */
        public Builder addAddress(final int ifIndex, final int ip, final int prefixLength)
        {
            return addAddress(ifIndex, ip, prefixLength, (ip >>> 24) == 127 ? Scope.HOST : Scope.GLOBAL);
        }

        /**
         * Adds an address.
         *
         * @param ifIndex      interface index (declared before).
         * @param ip           address.
         * @param prefixLength 0..32.
         * @param scope        its scope.
         * @return this.
         */
        public Builder addAddress(final int ifIndex, final int ip, final int prefixLength, final Scope scope)
        {
            if (!indexByName.containsValue(ifIndex) || prefixLength < 0 || prefixLength > 32)
            {
                throw new IllegalArgumentException("bad address for interface " + ifIndex);
            }
            addrIf.add(ifIndex);
            addrIp.add(ip);
            addrLen.add(prefixLength);
            addrScope.add(scope);
            return this;
        }

        /**
         * Adds a unicast route.
         *
         * @param prefix       destination prefix (host bits ignored).
         * @param prefixLength 0..32.
         * @param gateway      next hop, 0 for an on-link route.
         * @param egressIf     interface index.
         * @param metric       lower wins among routes to the same prefix.
         * @return this.
         */
        public Builder addRoute(
            final int prefix, final int prefixLength, final int gateway, final int egressIf, final int metric)
        {
            return addRoute(prefix, prefixLength, gateway, egressIf, 0, metric, RouteTable.Type.UNICAST);
        }

        /**
         * Adds a route of any type.
         *
         * @param prefix          destination prefix (host bits ignored).
         * @param prefixLength    0..32.
         * @param gateway         next hop, 0 for on-link.
         * @param egressIf        interface index, -1 for a route without device (blackhole...).
         * @param preferredSource the {@code src} hint, 0 when none.
         * @param metric          lower wins among routes to the same prefix.
         * @param type            route type.
         * @return this.
         */
        public Builder addRoute(
            final int prefix,
            final int prefixLength,
            final int gateway,
            final int egressIf,
            final int preferredSource,
            final int metric,
            final RouteTable.Type type)
        {
            if (prefixLength < 0 || prefixLength > 32)
            {
                throw new IllegalArgumentException("bad prefix length " + prefixLength);
            }
            if (type == RouteTable.Type.UNICAST && !indexByName.containsValue(egressIf))
            {
                throw new IllegalArgumentException("unknown egress interface " + egressIf);
            }
            routes.add(new RouteTable.Route(prefix, prefixLength, gateway, egressIf, preferredSource, metric, type));
            return this;
        }

        /**
         * Adds the connected route of every primary address, as the kernel's {@code fib_add_ifaddr} does (prefix
         * route on the address's interface, scope link, source the address; not for a /32, a 0.0.0.0 prefix or a
         * loopback interface, whose prefix is local), unless a route to the same prefix on that interface is
         * already there.
         *
         * @return this.
         */
        public Builder addConnectedRoutes()
        {
            final int n = addrIp.size();
            for (int i = 0; i < n; i++)
            {
                final int len = addrLen.get(i);
                final int ifIndex = addrIf.get(i);
                final int mask = Ipv4Text.mask(len);
                final int prefix = addrIp.get(i) & mask;
                if (len == 32 || prefix == 0 || loopback.contains(ifIndex) || isSecondary(i))
                {
                    continue;
                }
                boolean present = false;
                for (final RouteTable.Route r : routes)
                {
                    present |= r.prefixLength == len && (r.prefix & mask) == prefix && r.egressIf == ifIndex;
                }
                if (!present)
                {
                    final RouteTable.Route r =
                        new RouteTable.Route(prefix, len, 0, ifIndex, addrIp.get(i), 0, RouteTable.Type.UNICAST);
                    routes.add(r);
                }
            }
            return this;
        }

        private boolean isSecondary(final int i)
        {
            final int mask = Ipv4Text.mask(addrLen.get(i));
            for (int j = 0; j < i; j++)
            {
                if (addrIf.get(j).equals(addrIf.get(i)) && addrLen.get(j).equals(addrLen.get(i))
                    && ((addrIp.get(j) ^ addrIp.get(i)) & mask) == 0)
                {
                    return true;
                }
            }
            return false;
        }

        /** @return routes given so far. */
        int routeCount()
        {
            return routes.size();
        }

        boolean hasInterface(final int index)
        {
            return indexByName.containsValue(index);
        }

        Integer indexOf(final String name)
        {
            return indexByName.get(name);
        }

        /**
         * @return the immutable box.
         */
        public BoxConfig build()
        {
            return new BoxConfig(this);
        }
    }
}
