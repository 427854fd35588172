/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * addrtype, statistic, mark, conntrack, MARK, NETMAP and LOG, on the Docker-style and kube-proxy-style tables of
 * traces 27 and 28 (decisions as the kernel's conntrack-final.txt of those runs shows them) and on hand-worked
 * cases of the kernel modules' arithmetic.
 */
class ContextMatchEvaluationTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ETH0 = 2;
    private static final int DOCKER0 = 3;
    private static final String HEADER = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":POSTROUTING ACCEPT [0:0]\n";

    private static NatRuleSet trace(final String scenario)
    {
        return IptablesSaveParser.parse(TraceFiles.read(scenario, "rules.txt"))
            .bind(BoxConfig.parse(TraceFiles.read(scenario, "box.txt")));
    }

    private static NatRuleSet nat(final String... rules)
    {
        return IptablesSaveParser.parse(HEADER + String.join("\n", rules) + "\nCOMMIT\n")
            .bind(BoxConfig.parse(TraceFiles.read("27-docker-style-nat", "box.txt")));
    }

    @Test
    void dockerPublishedPortIsDnatForLocalDestinationsNotFromTheBridge()
    {
        final NatRuleSet rules = trace("27-docker-style-nat");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.2.5"), 38490, 8080, 0, ETH0, d));
        assertEquals(5, d.ruleIndex);
        assertEquals(ip("172.16.3.5"), d.minIp);
        assertEquals(80, d.minPort);
        // docker0's own address is local too (no --limit-iface-in)
        assertTrue(rules.prerouting(UDP, ip("192.168.1.5"), ip("172.17.0.1"), 45100, 5353, 0, ETH0, d));
        assertEquals(6, d.ruleIndex);
        // routed to the box but not one of its addresses: the kernel forwarded it untranslated
        assertFalse(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.2.65"), 40000, 8080, 0, ETH0, d));
        // from the bridge: DOCKER returns
        assertFalse(rules.prerouting(TCP, ip("172.17.0.2"), ip("172.16.2.5"), 40000, 8080, 0, DOCKER0, d));
    }

    @Test
    void dockerMasqueradesTheBridgeSubnetLeavingByAnotherInterface()
    {
        final NatRuleSet rules = trace("27-docker-style-nat");
        final NatDecision d = new NatDecision();
        assertTrue(rules.postrouting(TCP, ip("172.16.3.5"), ip("172.16.1.5"), 46100, 7, 0, ETH0, d));
        assertEquals(NatDecision.Kind.MASQUERADE, d.kind);
        assertEquals(2, d.ruleIndex);
        assertEquals(ip("172.16.2.5"), d.minIp);
        // out of docker0: only the hairpin rule, which masquerades to docker0's address
        assertTrue(rules.postrouting(TCP, ip("172.16.3.5"), ip("172.16.3.5"), 40000, 80, 0, DOCKER0, d));
        assertEquals(3, d.ruleIndex);
        assertEquals(ip("172.17.0.1"), d.minIp);
        assertFalse(rules.postrouting(TCP, ip("172.16.3.6"), ip("172.16.3.5"), 40000, 80, 0, DOCKER0, d));
    }

    @Test
    void kubeServiceMarksOutsideClientsAndPostroutingMasqueradesByMark()
    {
        final NatRuleSet rules = trace("28-kube-proxy-style-nat");
        final NatDecision d = new NatDecision();
        // outcome sets: bit k = the k-th random statistic consulted; 1 -> first endpoint, 0b10 -> second, 0 -> last
        final long[] outcomes = {1, 2, 0};
        final String[] endpoints = {"172.16.3.5", "172.16.3.6", "172.16.3.7"};
        final int[] dnatRules = {11, 13, 15};
        for (int e = 0; e < 3; e++)
        {
            d.statisticSteered = true;
            d.statisticForced = outcomes[e];
            assertTrue(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.20.10"), 38505, 80, 0, ETH0, d));
            d.statisticSteered = false;
            assertEquals(dnatRules[e], d.ruleIndex);
            assertEquals(ip(endpoints[e]), d.minIp);
            assertEquals(8080, d.minPort);
            assertEquals(0x4000, d.mark, "KUBE-MARK-MASQ: --or-mark 0x4000");
            assertTrue(rules.postrouting(TCP, ip("192.168.1.5"), ip(endpoints[e]), 38505, 8080, 0, ETH0, d));
            assertEquals(NatDecision.Kind.MASQUERADE, d.kind);
            assertEquals(9, d.ruleIndex);
            assertTrue(d.randomFully);
            assertEquals(0, d.mark, "KUBE-POSTROUTING clears the bit (--xor-mark)");
        }
    }

    @Test
    void kubePodToAnotherEndpointIsNotMarkedSoNotMasqueraded()
    {
        final NatRuleSet rules = trace("28-kube-proxy-style-nat");
        final NatDecision d = new NatDecision();
        d.statisticSteered = true;
        d.statisticForced = 1;
        assertTrue(rules.prerouting(TCP, ip("172.16.3.6"), ip("172.16.20.10"), 40000, 80, 0, ETH0, d));
        d.statisticSteered = false;
        assertEquals(11, d.ruleIndex);
        assertEquals(0, d.mark);
        assertFalse(rules.postrouting(TCP, ip("172.16.3.6"), ip("172.16.3.5"), 40000, 8080, 0, ETH0, d));
        // the endpoint reaching itself is marked by its KUBE-SEP chain (hairpin)
        assertTrue(rules.prerouting(TCP, ip("172.16.3.5"), ip("172.16.20.11"), 46200, 80, 0, ETH0, d));
        assertEquals(17, d.ruleIndex);
        assertEquals(0x4000, d.mark);
        assertTrue(rules.postrouting(TCP, ip("172.16.3.5"), ip("172.16.3.5"), 46200, 8080, 0, ETH0, d));
        assertEquals(9, d.ruleIndex);
    }

    @Test
    void postroutingWithoutAPrecedingPreroutingStartsFromMarkZero()
    {
        final NatRuleSet rules = trace("28-kube-proxy-style-nat");
        final NatDecision d = new NatDecision();
        d.mark = 0x4000; // left by someone else, not carried
        assertFalse(rules.postrouting(TCP, ip("192.168.1.5"), ip("172.16.3.5"), 1, 8080, 0, ETH0, d));
    }

    @Test
    void kubeNodePortReachesTheServiceThroughAddrtypeLocal()
    {
        final NatRuleSet rules = trace("28-kube-proxy-style-nat");
        final NatDecision d = new NatDecision();
        d.statisticSteered = true;
        d.statisticForced = 0;
        assertTrue(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.2.5"), 32957, 30080, 0, ETH0, d));
        assertEquals(15, d.ruleIndex);
        assertEquals(0x4000, d.mark);
        assertFalse(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.2.65"), 32957, 30080, 0, ETH0, d));
    }

    @Test
    void randomStatisticSplitsAsItsProbabilitiesSay()
    {
        final NatRuleSet rules = trace("28-kube-proxy-style-nat");
        final NatDecision d = new NatDecision();
        d.statisticRandom = 42;
        final int[] hits = new int[3];
        final int n = 30_000;
        for (int i = 0; i < n; i++)
        {
            rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.20.10"), 1024 + i % 60000, 80, 0, ETH0, d);
            hits[(d.ruleIndex - 11) / 2]++;
        }
        // p = 1/3, then 1/2 of the rest, then the rest: each a third; 5 standard deviations is about 410
        for (final int h : hits)
        {
            assertTrue(Math.abs(h - n / 3) < 410, java.util.Arrays.toString(hits));
        }
    }

    @Test
    void nthStatisticMatchesEveryNthFromItsPacketAsXtStatisticCounts()
    {
        final NatRuleSet rules = nat(
            "-A PREROUTING -m statistic --mode nth --every 3 --packet 1 -j DNAT --to-destination 10.0.0.1",
            "-A PREROUTING -m statistic --mode nth ! --every 2 -j DNAT --to-destination 10.0.0.2");
        final NatDecision d = new NatDecision();
        final StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 6; i++)
        {
            rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.20.1"), 1000 + i, 80, 0, ETH0, d);
            seen.append(d.ruleIndex).append(' ');
        }
        // rule 0: counter starts at every-1-packet = 1; it matches when the counter wraps to 0: packets 1 and 4.
        // rule 1 (! --every 2, start 1) sees packets 0, 2, 3, 5: counter 0,1,0,1 -> matches (inverted) on 2 and 5.
        assertEquals("-1 0 1 -1 0 1 ", seen.toString());
    }

    @Test
    void markTargetsComputeAsXtMarkV2()
    {
        final NatDecision d = new NatDecision();
        nat("-A PREROUTING -j MARK --set-mark 0xf0/0xff", "-A PREROUTING -j MARK --xor-mark 0x3")
            .prerouting(TCP, 1, 2, 3, 4, 0, ETH0, d);
        assertEquals(0xf3, d.mark);
        nat("-A PREROUTING -j MARK --set-xmark 0xff", "-A PREROUTING -j MARK --and-mark 0x0f")
            .prerouting(TCP, 1, 2, 3, 4, 0, ETH0, d);
        assertEquals(0x0f, d.mark);
        nat("-A PREROUTING -j MARK --set-xmark 0x10/0x0", "-A PREROUTING -j MARK --or-mark 0x3",
            "-A PREROUTING -m mark --mark 0x13 -j DNAT --to-destination 10.0.0.9")
            .prerouting(TCP, 1, 2, 3, 4, 0, ETH0, d);
        assertEquals(0x13, d.mark);
        assertEquals(2, d.ruleIndex);
    }

    @Test
    void conntrackMatchesSeeTheFirstPacketAndTheDestinationBeforeDnat()
    {
        final NatRuleSet rules = nat(
            "-A PREROUTING -d 172.16.20.10 -j DNAT --to-destination 172.16.3.5",
            "-A POSTROUTING -m conntrack --ctstate ESTABLISHED,RELATED -j MASQUERADE",
            "-A POSTROUTING -m conntrack ! --ctstate NEW -j MASQUERADE",
            "-A POSTROUTING -m conntrack --ctstate DNAT --ctorigdst 172.16.20.10 --ctorigdstport 80:90"
                + " -j SNAT --to-source 172.16.2.5",
            "-A POSTROUTING -m conntrack --ctstate NEW -j SNAT --to-source 172.16.2.6");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.20.10"), 40000, 85, 0, ETH0, d));
        assertTrue(rules.postrouting(TCP, ip("192.168.1.5"), ip("172.16.3.5"), 40000, 85, 0, ETH0, d));
        assertEquals(3, d.ruleIndex);
        // not DNATed: only NEW holds
        assertFalse(rules.prerouting(TCP, ip("192.168.1.5"), ip("172.16.3.5"), 40000, 85, 0, ETH0, d));
        assertTrue(rules.postrouting(TCP, ip("192.168.1.5"), ip("172.16.3.5"), 40000, 85, 0, ETH0, d));
        assertEquals(4, d.ruleIndex);
    }

    @Test
    void netmapReplacesTheNetworkPartOfDestinationOrSource()
    {
        final NatRuleSet rules = nat(
            "-A PREROUTING -d 10.1.0.0/16 -j NETMAP --to 192.168.0.0/16",
            "-A POSTROUTING -s 192.168.0.0/16 -j NETMAP --to 10.9.0.0/16");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, ip("172.16.1.5"), ip("10.1.2.3"), 1, 80, 0, ETH0, d));
        assertEquals(NatDecision.Kind.DNAT, d.kind);
        assertEquals(ip("192.168.2.3"), d.minIp);
        assertEquals(ip("192.168.2.3"), d.maxIp);
        assertFalse(d.hasPortRange);
        assertTrue(rules.postrouting(TCP, ip("192.168.7.9"), ip("172.16.1.5"), 1, 80, 0, ETH0, d));
        assertEquals(NatDecision.Kind.SNAT, d.kind);
        assertEquals(ip("10.9.7.9"), d.minIp);
    }

    @Test
    void logCountsAndContinues()
    {
        final NatRuleSet rules = nat("-A PREROUTING -p tcp -j LOG --log-prefix \"nat: \" --log-level 4",
            "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, 1, 2, 3, 4, 0, ETH0, d));
        assertTrue(rules.prerouting(TCP, 1, 2, 3, 5, 0, ETH0, d));
        assertFalse(rules.prerouting(UDP, 1, 2, 3, 5, 0, ETH0, d));
        assertEquals(-1, d.ruleIndex);
        assertEquals(2, rules.logCount(0));
        assertEquals(0, rules.logCount(1));
    }

    @Test
    void addrtypeTypesAndInterfaceLimit()
    {
        final NatRuleSet rules = nat(
            "-A PREROUTING -m addrtype --dst-type LOCAL --limit-iface-in -j DNAT --to-destination 10.0.0.1",
            "-A PREROUTING -m addrtype --dst-type BROADCAST,MULTICAST -j DNAT --to-destination 10.0.0.2",
            "-A PREROUTING -m addrtype ! --src-type UNICAST -j DNAT --to-destination 10.0.0.3");
        final NatDecision d = new NatDecision();
        rules.prerouting(UDP, ip("192.168.1.5"), ip("172.16.2.5"), 1, 2, 0, ETH0, d);
        assertEquals(0, d.ruleIndex);
        // docker0's address seen from eth0 with --limit-iface-in: not local there
        rules.prerouting(UDP, ip("192.168.1.5"), ip("172.17.0.1"), 1, 2, 0, ETH0, d);
        assertEquals(-1, d.ruleIndex);
        rules.prerouting(UDP, ip("192.168.1.5"), ip("172.16.2.255"), 1, 2, 0, ETH0, d);
        assertEquals(1, d.ruleIndex);
        rules.prerouting(UDP, ip("192.168.1.5"), ip("224.0.0.251"), 1, 2, 0, ETH0, d);
        assertEquals(1, d.ruleIndex);
        rules.prerouting(UDP, ip("192.168.1.5"), ip("255.255.255.255"), 1, 2, 0, ETH0, d);
        assertEquals(1, d.ruleIndex);
        // a source of the box (local) is not UNICAST
        rules.prerouting(UDP, ip("127.0.0.9"), ip("172.16.3.5"), 1, 2, 0, ETH0, d);
        assertEquals(2, d.ruleIndex);
    }
}
