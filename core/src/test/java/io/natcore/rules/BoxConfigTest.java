/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BoxConfigTest
{
    private static String[] scenarios()
    {
        return TraceFiles.SCENARIOS;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyTraceBoxLoadsWithLoAndEth0(final String scenario)
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read(scenario, "box.txt"));
        assertEquals(1, box.ifIndex("lo"));
        assertEquals(2, box.ifIndex("eth0"));
        assertEquals("eth0", box.ifName(2));
        assertEquals(3, box.routes().size());
        assertEquals(2, box.addressCount());
    }

    /** Routes of the traces' box: default via .1, 172.16.2.0/24 on-link, 172.16.2.64/26 via .1. */
    @ParameterizedTest
    @CsvSource({
        "172.16.2.10, 2, 172.16.2.10",   // on-link /24: next hop is the destination
        "172.16.2.7, 2, 172.16.2.7",     // the load balancer, on-link
        "172.16.2.65, 2, 172.16.2.1",    // /26 beats /24
        "172.16.2.127, 2, 172.16.2.1",   // last address of the /26
        "172.16.2.128, 2, 172.16.2.128", // just past the /26: back to the /24
        "172.16.2.63, 2, 172.16.2.63",   // just before the /26
        "172.16.3.5, 2, 172.16.2.1",     // default route
        "192.168.1.5, 2, 172.16.2.1",
        "0.0.0.0, 2, 172.16.2.1",
    })
    void longestPrefixMatchPicksEgressAndNextHop(final String dst, final int egress, final String nextHop)
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("04-snat-masquerade", "box.txt"));
        assertEquals(egress, box.routes().lookupEgress(ip(dst)));
        assertEquals(ip(nextHop), box.routes().lookupNextHop(ip(dst)));
    }

    @Test
    void noRouteWithoutDefault()
    {
        final BoxConfig box = BoxConfig.parse("ifindex 2 eth0\nroute 10.0.0.0/8 dev eth0\n");
        assertEquals(RouteTable.NO_ROUTE, box.routes().lookupEgress(ip("11.0.0.1")));
        assertEquals(0, box.routes().lookupNextHop(ip("11.0.0.1")));
        assertEquals(2, box.routes().lookupEgress(ip("10.255.255.255")));
    }

    @Test
    void lowerMetricWinsForTheSamePrefixAndBlackholeIsNoRoute()
    {
        final BoxConfig box = BoxConfig.parse(String.join("\n",
            "ifindex 2 eth0",
            "ifindex 3 eth1",
            "route default via 10.0.0.1 dev eth0 metric 200",
            "route default via 10.1.0.1 dev eth1 metric 100",
            "route blackhole 192.168.99.0/24 proto static",
            "route 10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5",
            "route 10.1.0.0/24 dev eth1 proto kernel scope link src 10.1.0.5 linkdown"));
        assertEquals(3, box.routes().lookupEgress(ip("8.8.8.8")));
        assertEquals(ip("10.1.0.1"), box.routes().lookupNextHop(ip("8.8.8.8")));
        assertEquals(RouteTable.NO_ROUTE, box.routes().lookupEgress(ip("192.168.99.4")));
        assertEquals(2, box.routes().lookupEgress(ip("10.0.0.9")));
    }

    /** The kernel masqueraded to 172.16.2.5 in 04-snat-masquerade (conntrack-final: reply dst=172.16.2.5). */
    @ParameterizedTest
    @CsvSource({"172.16.2.1", "172.16.2.7", "172.16.3.5", "0.0.0.0"})
    void masqueradeTakesEth0AddressOnTheTraceBox(final String nextHop)
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("04-snat-masquerade", "box.txt"));
        assertEquals(ip("172.16.2.5"), box.masqueradeAddress(2, ip(nextHop)));
    }

    @Test
    void loopbackAddressIsNeverAMasqueradeSource()
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("04-snat-masquerade", "box.txt"));
        // lo holds only host-scope 127.0.0.1: inet_select_addr falls back to eth0's global address.
        assertEquals(ip("172.16.2.5"), box.masqueradeAddress(1, ip("127.0.0.2")));
    }

    /** inet_select_addr: primary whose subnet holds the next hop, else the first primary; never a secondary. */
    @ParameterizedTest
    @CsvSource({
        "10.0.1.254, 10.0.1.1",   // second primary's subnet
        "10.0.0.254, 10.0.0.1",   // first primary's subnet (10.0.0.2 is its secondary)
        "192.0.2.1, 10.0.0.1",    // no subnet holds it: first primary
        "10.0.2.9, 10.0.0.1",     // /26 10.0.2.64 doesn't hold .9: first primary
        "10.0.2.70, 10.0.2.65",
    })
    void masqueradeChoosesPrimaryAddressWhoseSubnetHoldsNextHop(final String nextHop, final String expected)
    {
        final BoxConfig box = BoxConfig.parse(String.join("\n",
            "ifindex 1 lo",
            "ifindex 2 eth0",
            "addr lo 127.0.0.1/8",
            "addr eth0 10.0.0.1/24",
            "addr eth0 10.0.0.2/24",
            "addr eth0 10.0.1.1/24",
            "addr eth0 10.0.2.65/26",
            "route default via 10.0.0.254 dev eth0"));
        assertTrue(box.isSecondary(2));
        assertFalse(box.isSecondary(3));
        assertEquals(ip(expected), box.masqueradeAddress(2, ip(nextHop)));
    }

    @Test
    void interfaceWithoutAddressMasqueradesToFirstGlobalAddressOfTheBox()
    {
        final BoxConfig box = BoxConfig.builder()
            .addInterface(1, "lo")
            .addInterface(2, "eth0")
            .addInterface(3, "tun0")
            .addAddress(1, ip("127.0.0.1"), 8)
            .addAddress(2, ip("172.16.2.5"), 24)
            .addRoute(0, 0, 0, 3, 0)
            .build();
        assertEquals(ip("172.16.2.5"), box.masqueradeAddress(3, ip("8.8.8.8")));
        assertEquals(3, box.routes().lookupEgress(ip("8.8.8.8")));
        assertEquals(ip("8.8.8.8"), box.routes().lookupNextHop(ip("8.8.8.8")));
        assertEquals(0, BoxConfig.builder().addInterface(2, "eth0").build().masqueradeAddress(2, 0));
    }

    @ParameterizedTest
    @CsvSource({
        "172.16.2.5, true",
        "127.0.0.1, true",
        "127.1.2.3, true",       // lo's whole /8 is local
        "172.16.2.6, false",
        "172.16.2.255, false",   // broadcast, not local
        "172.16.2.0, false",
        "128.0.0.1, false",
    })
    void localAddressesAreInterfaceAddressesAndLoopbackPrefix(final String address, final boolean local)
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("01-dnat-within-azure", "box.txt"));
        assertEquals(local, box.isLocalAddress(ip(address)));
    }

    @Test
    void broadcastAddressesAreSubnetBroadcastAndAllOnes()
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("01-dnat-within-azure", "box.txt"));
        assertTrue(box.isBroadcastAddress(ip("172.16.2.255")));
        assertTrue(box.isBroadcastAddress(ip("255.255.255.255")));
        assertTrue(box.isBroadcastAddress(ip("127.255.255.255")));
        assertFalse(box.isBroadcastAddress(ip("172.16.2.254")));
    }

    @Test
    void redirectUsesFirstPrimaryAddressOfIngress()
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("01-dnat-within-azure", "box.txt"));
        assertEquals(ip("172.16.2.5"), box.redirectAddress(2));
        assertEquals(0, box.redirectAddress(7));
    }

    @Test
    void unknownIndexAndNameAnswerNothing()
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read("01-dnat-within-azure", "box.txt"));
        assertEquals(-1, box.ifIndex("eth9"));
        assertNull(box.ifName(9));
        assertNull(box.ifName(-1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "ifindex 2 eth0;link eth0|line 2: expected ifindex, addr or route, got \"link\"",
        "addr eth0 10.0.0.1/24|line 1: unknown interface \"eth0\"",
        "ifindex 2 eth0;addr eth0 10.0.0.300/24|line 2: bad address \"10.0.0.300/24\"",
        "ifindex 2 eth0;addr eth0 10.0.0.1/33|line 2: bad address \"10.0.0.1/33\"",
        "ifindex 2 eth0;ifindex 3 eth0|line 2: interface \"eth0\" declared twice",
        "ifindex x eth0|line 1: bad interface index \"x\"",
        "ifindex 2 eth0;route default via 10.0.0.1 dev eth1|line 2: unknown interface \"eth1\"",
        "ifindex 2 eth0;route default via 10.0.0.1|line 2: route without dev",
        "ifindex 2 eth0;route 10.0.0.1/8 dev eth0|line 2: route destination \"10.0.0.1/8\" has host bits set",
        "ifindex 2 eth0;route default dev eth0 bogus 1|line 2: unknown route attribute \"bogus\"",
        "ifindex 2 eth0;route default nexthop via 10.0.0.1 dev eth0|line 2: multipath routes are not supported",
    })
    void boxRefusalsNameLineAndReason(final String text, final String message)
    {
        final RuleParseException e = assertThrows(RuleParseException.class,
            () -> BoxConfig.parse(text.replace(";", "\n")));
        assertEquals(message, e.getMessage());
    }
}
