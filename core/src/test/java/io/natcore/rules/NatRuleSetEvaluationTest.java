/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evaluation pinned against what the kernel did in the traces (conntrack-final.txt and
 * clients.txt of each scenario) and against hand-worked iptables semantics.
 */
class NatRuleSetEvaluationTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;

    private static NatRuleSet traceRules(final String scenario)
    {
        final BoxConfig box = BoxConfig.parse(TraceFiles.read(scenario, "box.txt"));
        return IptablesSaveParser.parse(TraceFiles.read(scenario, "rules.txt")).bind(box);
    }

    private static void assertDecision(
        final NatDecision d, final String kind, final String address, final int port, final int rule)
    {
        assertEquals(NatDecision.Kind.valueOf(kind), d.kind, d.toString());
        assertEquals(rule, d.ruleIndex, d.toString());
        if (!"-".equals(address))
        {
            assertTrue(d.mapIps, d.toString());
            assertEquals(ip(address), d.minIp, d.toString());
            assertEquals(ip(address), d.maxIp, d.toString());
        }
        else
        {
            assertFalse(d.mapIps, d.toString());
        }
        assertEquals(port != 0, d.hasPortRange, d.toString());
        if (port != 0)
        {
            assertEquals(port, d.minPort);
            assertEquals(port, d.maxPort);
        }
    }

    /**
     * 05-reverse-dnat-to-onprem: PREROUTING rules 0-3, POSTROUTING rules 4-5. Rows marked
     * "kernel" are connections in the trace's conntrack-final.txt.
     */
    @ParameterizedTest(name = "{0} {1} {2}:{3} -> {4}:{5} if {6}")
    @CsvSource({
        "PRE, 6, 192.168.1.5, 52428, 172.16.2.65, 80, eth0, DNAT, 172.16.3.5, 80, 0",
        "PRE, 6, 192.168.1.5, 52428, 172.16.20.5, 80, eth0, DNAT, 172.16.3.5, 80, 1",   // kernel
        "PRE, 6, 172.16.3.5, 33610, 172.16.20.6, 22, eth0, DNAT, 192.168.1.5, 22, 2",   // kernel
        "PRE, 6, 172.16.3.5, 49636, 172.16.2.66, 22, eth0, DNAT, 192.168.1.5, 22, 3",   // kernel
        "PRE, 6, 192.168.1.5, 52428, 172.16.2.65, 22, eth0, NONE, -, 0, -1",
        "PRE, 6, 192.168.1.5, 52428, 172.16.20.6, 80, eth0, NONE, -, 0, -1",
        "PRE, 17, 192.168.1.5, 52428, 172.16.2.65, 80, eth0, NONE, -, 0, -1",
        "PRE, 1, 192.168.1.5, 7, 172.16.2.65, 7, eth0, NONE, -, 0, -1",
        "PRE, 6, 192.168.1.5, 52428, 172.16.2.65, 80, lo, NONE, -, 0, -1",
        "PRE, 6, 192.168.1.5, 52428, 172.16.2.67, 80, eth0, NONE, -, 0, -1",
        "POST, 6, 192.168.1.5, 52428, 172.16.3.5, 80, eth0, MASQUERADE, 172.16.2.5, 0, 4",  // kernel
        "POST, 6, 192.168.1.6, 52428, 172.16.3.5, 80, eth0, MASQUERADE, 172.16.2.5, 0, 4",
        "POST, 6, 172.16.3.5, 33610, 192.168.1.5, 22, eth0, MASQUERADE, 172.16.2.5, 0, 5",  // kernel
        "POST, 17, 172.16.3.5, 5000, 8.8.8.8, 53, eth0, MASQUERADE, 172.16.2.5, 0, 5",
        "POST, 1, 172.16.3.5, 9, 8.8.8.8, 9, eth0, MASQUERADE, 172.16.2.5, 0, 5",
        "POST, 6, 172.16.1.5, 40000, 172.16.3.5, 80, eth0, NONE, -, 0, -1",
        "POST, 6, 192.168.1.5, 52428, 172.16.3.5, 80, lo, NONE, -, 0, -1",
    })
    void reverseDnatToOnpremMatchesEachRule(
        final String hook, final int proto, final String src, final int sport, final String dst, final int dport,
        final String iface, final String kind, final String address, final int port, final int rule)
    {
        final NatRuleSet rules = traceRules("05-reverse-dnat-to-onprem");
        final int ifIndex = rules.box().ifIndex(iface);
        final NatDecision d = new NatDecision();
        final boolean translated = "PRE".equals(hook)
            ? rules.prerouting(proto, ip(src), ip(dst), sport, dport, 8, ifIndex, d)
            : rules.postrouting(proto, ip(src), ip(dst), sport, dport, 8, ifIndex, d);
        assertEquals(!"NONE".equals(kind), translated);
        assertDecision(d, kind, address, port, rule);
    }

    /**
     * 06-unadvertised-range: 172.16.30.5 port 22 maps to 172.16.3.5:80 (kernel: the curl to
     * 172.16.30.5:22 reached the port-80 server); 172.16.30.5:80 matches nothing (kernel: SYN_SENT,
     * untranslated, curl timed out). No POSTROUTING rules.
     */
    @ParameterizedTest(name = "{0} {1} {2}:{3} -> {4}:{5}")
    @CsvSource({
        "PRE, 6, 172.16.1.5, 42364, 172.16.30.5, 22, DNAT, 172.16.3.5, 80, 4",   // kernel
        "PRE, 6, 192.168.1.5, 47688, 172.16.30.5, 22, DNAT, 172.16.3.5, 80, 4",  // kernel
        "PRE, 6, 172.16.1.5, 49230, 172.16.30.5, 80, NONE, -, 0, -1",            // kernel
        "PRE, 17, 172.16.1.5, 49230, 172.16.30.5, 22, NONE, -, 0, -1",
        "PRE, 6, 172.16.1.5, 49230, 172.16.2.65, 80, DNAT, 172.16.3.5, 80, 0",
        "PRE, 6, 172.16.1.5, 49230, 172.16.20.5, 80, DNAT, 172.16.3.5, 80, 1",
        "PRE, 6, 172.16.1.5, 49230, 172.16.20.6, 22, DNAT, 192.168.1.5, 22, 2",
        "PRE, 6, 172.16.1.5, 49230, 172.16.2.66, 22, DNAT, 192.168.1.5, 22, 3",
        "POST, 6, 172.16.1.5, 42364, 172.16.3.5, 80, NONE, -, 0, -1",
        "POST, 6, 192.168.1.5, 47688, 172.16.3.5, 80, NONE, -, 0, -1",
    })
    void unadvertisedRangeMapsPort22Only(
        final String hook, final int proto, final String src, final int sport, final String dst, final int dport,
        final String kind, final String address, final int port, final int rule)
    {
        final NatRuleSet rules = traceRules("06-unadvertised-range");
        final NatDecision d = new NatDecision();
        if ("PRE".equals(hook))
        {
            rules.prerouting(proto, ip(src), ip(dst), sport, dport, 0, 2, d);
        }
        else
        {
            rules.postrouting(proto, ip(src), ip(dst), sport, dport, 0, 2, d);
        }
        assertDecision(d, kind, address, port, rule);
    }

    /** 08-icmp-echo-address-dnat: an address-only DNAT takes every protocol and keeps ports. */
    @Test
    void addressOnlyDnatMatchesIcmpAndKeepsPorts()
    {
        final NatRuleSet rules = traceRules("08-icmp-echo-address-dnat");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(ICMP, ip("192.168.1.5"), ip("172.16.2.67"), 1, 1, 8, 2, d));
        assertDecision(d, "DNAT", "172.16.3.5", 0, 0);
        assertTrue(rules.prerouting(UDP, ip("192.168.1.5"), ip("172.16.2.67"), 1000, 53, 0, 2, d));
        assertDecision(d, "DNAT", "172.16.3.5", 0, 0);
    }

    private static final String CHAINS = String.join("\n",
        "*nat",
        ":PREROUTING ACCEPT [0:0]",
        ":INPUT ACCEPT [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        ":WEB - [0:0]",
        ":SKIP - [0:0]",
        ":TAIL - [0:0]",
        ":A - [0:0]",
        ":B - [0:0]",
        "-A PREROUTING -s 10.8.0.0/16 -j ACCEPT",                                 // 0
        "-A PREROUTING -p tcp -m tcp --dport 80 -j WEB",                          // 1
        "-A PREROUTING -p tcp -m tcp --dport 81 -g TAIL",                         // 2
        "-A PREROUTING -p tcp -m tcp --dport 81 -j DNAT --to-destination 10.9.9.9", // 3
        "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.99",                // 4
        "-A PREROUTING -p udp -j A",                                              // 5
        "-A PREROUTING -p udp -j DNAT --to-destination 10.0.0.100",               // 6
        "-A WEB -s 10.1.0.0/16 -j RETURN",                                        // 7
        "-A WEB -s 10.2.0.0/16 -j SKIP",                                          // 8
        "-A WEB -p tcp -j DNAT --to-destination 10.0.0.80:8080",                  // 9
        "-A SKIP -s 10.2.2.0/24 -j DNAT --to-destination 10.0.0.22",              // 10
        "-A TAIL -s 10.3.0.0/16 -j DNAT --to-destination 10.0.0.33",              // 11
        "-A A -g B",                                                              // 12
        "-A A -j DNAT --to-destination 10.0.0.101",                               // 13
        "-A B -s 10.6.0.0/16 -j DNAT --to-destination 10.0.0.102",                // 14
        "COMMIT");

    @ParameterizedTest(name = "{0} {1}:{2}")
    @CsvSource({
        "6, 10.8.1.1, 80, ACCEPT, -, 0, 0",          // explicit ACCEPT stops evaluation
        "6, 10.1.1.1, 80, DNAT, 10.0.0.99, 0, 4",    // WEB returns early: PREROUTING continues
        "6, 10.2.2.2, 80, DNAT, 10.0.0.22, 0, 10",   // WEB -> SKIP matches
        "6, 10.2.3.3, 80, DNAT, 10.0.0.80, 8080, 9", // SKIP ends: back in WEB
        "6, 10.5.5.5, 80, DNAT, 10.0.0.80, 8080, 9",
        "6, 10.3.3.3, 81, DNAT, 10.0.0.33, 0, 11",   // goto TAIL matches
        "6, 10.4.4.4, 81, NONE, -, 0, -1",           // TAIL ends: goto from a built-in -> policy, rules 3-4 skipped
        "6, 10.4.4.4, 82, DNAT, 10.0.0.99, 0, 4",
        "17, 10.6.1.1, 53, DNAT, 10.0.0.102, 0, 14", // A -> goto B matches
        "17, 10.7.1.1, 53, DNAT, 10.0.0.100, 0, 6",  // B ends: returns to A's caller, rule 13 skipped
        "1, 10.7.1.1, 0, NONE, -, 0, -1",
    })
    void userChainsReturnAndGotoAsTheKernel(
        final int proto, final String src, final int dport, final String kind, final String address, final int port,
        final int rule)
    {
        final NatRuleSet rules = IptablesSaveParser.parse(CHAINS);
        final NatDecision d = new NatDecision();
        rules.prerouting(proto, ip(src), ip("192.0.2.1"), 40000, dport, 8, 2, d);
        assertDecision(d, kind, address, port, rule);
    }

    private static final BoxConfig THREE_NICS = BoxConfig.builder()
        .addInterface(1, "lo")
        .addInterface(2, "eth0")
        .addInterface(3, "eth1")
        .addInterface(4, "wlan0")
        .addAddress(1, ip("127.0.0.1"), 8)
        .addAddress(2, ip("10.0.0.5"), 24)
        .addAddress(3, ip("10.1.0.5"), 24)
        .addAddress(4, ip("10.2.0.5"), 24)
        .addRoute(ip("10.0.0.0"), 24, 0, 2, 0)
        .addRoute(ip("10.1.0.0"), 24, 0, 3, 0)
        .addRoute(ip("10.2.0.0"), 24, 0, 4, 0)
        .addRoute(0, 0, ip("10.1.0.1"), 3, 0)
        .build();

    @ParameterizedTest(name = "{0} on ifindex {1}")
    @CsvSource({
        "-i eth0, 2, true",
        "-i eth0, 3, false",
        "-i eth+, 2, true",
        "-i eth+, 3, true",
        "-i eth+, 4, false",
        "! -i eth+, 4, true",
        "! -i eth+, 2, false",
        "-i +, 4, true",
        "-i +, 99, true",      // unknown ifindex: no name, only the bare wildcard matches
        "-i eth0, 99, false",
        "! -i eth0, 99, true",
        "-i wlan0, 4, true",
    })
    void ingressInterfaceMatchByNameAndPrefix(final String match, final int ifIndex, final boolean expected)
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A PREROUTING " + match + " -j DNAT --to-destination 10.9.9.9").bind(THREE_NICS);
        final NatDecision d = new NatDecision();
        assertEquals(expected, rules.prerouting(TCP, ip("10.0.0.7"), ip("10.1.0.7"), 1, 2, 0, ifIndex, d));
    }

    @Test
    void unboundRuleSetKnowsNoInterfaceNames()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith("-A PREROUTING -i eth0 -j DNAT --to-destination 10.9.9.9");
        assertFalse(rules.prerouting(TCP, ip("10.0.0.7"), ip("10.1.0.7"), 1, 2, 0, 2, new NatDecision()));
        assertTrue(rules.bind(THREE_NICS).prerouting(TCP, ip("10.0.0.7"), ip("10.1.0.7"), 1, 2, 0, 2, new NatDecision()));
    }

    @ParameterizedTest(name = "{0} out {1}")
    @CsvSource({
        "-o eth+ -j MASQUERADE, 3, 8.8.8.8, 10.1.0.5",      // default route via eth1: eth1's address
        "-o eth+ -j MASQUERADE, 2, 10.0.0.9, 10.0.0.5",
        "-o eth+ -j MASQUERADE, 4, 10.2.0.9, -",            // wlan0 does not match eth+
        "! -o eth0 -j MASQUERADE, 4, 10.2.0.9, 10.2.0.5",
        "-j SNAT --to-source 192.0.2.1, 4, 10.2.0.9, 192.0.2.1",
    })
    void postroutingMasqueradeTakesTheEgressAddress(
        final String ruleTail, final int outIf, final String dst, final String expected)
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith("-A POSTROUTING " + ruleTail).bind(THREE_NICS);
        final NatDecision d = new NatDecision();
        final boolean translated = rules.postrouting(UDP, ip("172.16.0.1"), ip(dst), 1, 2, 0, outIf, d);
        assertEquals(!"-".equals(expected), translated);
        if (translated)
        {
            assertEquals(ip(expected), d.minIp);
            assertEquals(ip(expected), d.maxIp);
            assertTrue(d.mapIps);
        }
    }

    @Test
    void redirectTakesTheIngressAddressAndPorts()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A PREROUTING -p tcp -j REDIRECT --to-ports 3128").bind(THREE_NICS);
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, ip("10.1.0.7"), ip("93.184.216.34"), 40000, 80, 0, 3, d));
        assertDecision(d, "REDIRECT", "10.1.0.5", 3128, 0);
    }

    /** One rule per row; the packet is tcp/udp/icmp from 10.0.0.7:1500 to 10.1.0.7:80 unless changed. */
    @ParameterizedTest(name = "{0} / proto {1} sport {2} dport {3} icmp {4}/{5}")
    @CsvSource(delimiter = '|', value = {
        "-s 10.0.0.0/24|6|1500|80|0|0|true",
        "-s 10.0.1.0/24|6|1500|80|0|0|false",
        "! -s 10.0.1.0/24|6|1500|80|0|0|true",
        "-d 10.1.0.7|6|1500|80|0|0|true",
        "! -d 10.1.0.7/32|6|1500|80|0|0|false",
        "-d 10.0.0.0/255.0.0.0|6|1500|80|0|0|true",
        "-p tcp|17|1500|80|0|0|false",
        "! -p tcp|17|1500|80|0|0|true",
        "-p 17|17|1500|80|0|0|true",
        "-p tcp -m tcp --dport 80|6|1500|80|0|0|true",
        "-p tcp -m tcp --dport 80|17|1500|80|0|0|false",
        "-p tcp -m tcp ! --dport 80|6|1500|80|0|0|false",
        "-p tcp -m tcp ! --dport 80|6|1500|81|0|0|true",
        "-p tcp -m tcp --dport 70:80|6|1500|80|0|0|true",
        "-p tcp -m tcp --dport 81:90|6|1500|80|0|0|false",
        "-p tcp -m tcp --sport :1023|6|1500|80|0|0|false",
        "-p tcp -m tcp --sport 1024:|6|1500|80|0|0|true",
        "-p tcp -m tcp --sport 1024: --dport 443|6|1500|80|0|0|false",
        "-p udp --dport 80|17|1500|80|0|0|true",
        "-p tcp -m multiport --dports 22,80,8000:8080|6|1500|80|0|0|true",
        "-p tcp -m multiport --dports 22,80,8000:8080|6|1500|8042|0|0|true",
        "-p tcp -m multiport --dports 22,80,8000:8080|6|1500|8081|0|0|false",
        "-p tcp -m multiport ! --dports 22,80|6|1500|80|0|0|false",
        "-p tcp -m multiport ! --dports 22,80|6|1500|81|0|0|true",
        "-p tcp -m multiport --sports 1500|6|1500|80|0|0|true",
        "-p tcp -m multiport --ports 1500|6|1500|80|0|0|true",
        "-p tcp -m multiport --ports 80|6|1500|80|0|0|true",
        "-p tcp -m multiport --ports 81|6|1500|80|0|0|false",
        "-p icmp -m icmp --icmp-type echo-request|1|7|7|8|0|true",
        "-p icmp -m icmp --icmp-type echo-request|1|7|7|0|0|false",
        "-p icmp -m icmp --icmp-type 8|1|7|7|8|0|true",
        "-p icmp -m icmp ! --icmp-type 8|1|7|7|8|0|false",
        "-p icmp -m icmp ! --icmp-type 8|1|7|7|13|0|true",
        "-p icmp -m icmp --icmp-type any|1|7|7|13|0|true",
        "-p icmp -m icmp ! --icmp-type any|1|7|7|13|0|false",
        "-p icmp -m icmp --icmp-type 3/1|1|7|7|3|1|true",
        "-p icmp -m icmp --icmp-type host-unreachable|1|7|7|3|0|false",
        "-p icmp -m icmp --icmp-type destination-unreachable|1|7|7|3|13|true",
        "-f|6|1500|80|0|0|false",
        "! -f|6|1500|80|0|0|true",
        "-m comment --comment x|6|1500|80|0|0|true",
    })
    void singleMatchItemsHoldAsTheKernel(
        final String match, final int proto, final int sport, final int dport, final int icmpType, final int icmpCode,
        final boolean expected)
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A PREROUTING " + match + " -j DNAT --to-destination 10.9.9.9");
        final NatDecision d = new NatDecision();
        final RuleQuery q = new RuleQuery();
        q.packet(proto, ip("10.0.0.7"), ip("10.1.0.7"), sport, dport, icmpType, icmpCode);
        q.inIf = 2;
        assertEquals(expected, rules.evaluate(NatRuleSet.Hook.PREROUTING, q, d));
    }

    @Test
    void firstMatchingTerminalRuleWinsAndNonTerminalRuleContinues()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A PREROUTING -s 10.0.0.0/8",
            "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1",
            "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.2");
        final NatDecision d = new NatDecision();
        rules.prerouting(TCP, ip("10.0.0.7"), ip("10.1.0.7"), 1, 2, 0, 2, d);
        assertDecision(d, "DNAT", "10.0.0.1", 0, 1);
    }

    @Test
    void decisionCarriesEveryTargetFlag()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A POSTROUTING -p udp -j SNAT --to-source 172.16.2.5-172.16.2.6:1024-2047 --random-fully --persistent",
            "-A POSTROUTING -p tcp -j MASQUERADE --to-ports 20000-30000 --random");
        final NatDecision d = new NatDecision();
        assertTrue(rules.postrouting(UDP, ip("10.0.0.7"), ip("8.8.8.8"), 1, 2, 0, 2, d));
        assertEquals(NatDecision.Kind.SNAT, d.kind);
        assertEquals(ip("172.16.2.5"), d.minIp);
        assertEquals(ip("172.16.2.6"), d.maxIp);
        assertEquals(1024, d.minPort);
        assertEquals(2047, d.maxPort);
        assertTrue(d.randomFully && d.persistent && !d.random && d.hasPortRange);
        assertTrue(rules.postrouting(TCP, ip("10.0.0.7"), ip("8.8.8.8"), 1, 2, 0, 2, d));
        assertEquals(NatDecision.Kind.MASQUERADE, d.kind);
        assertEquals(20000, d.minPort);
        assertEquals(30000, d.maxPort);
        assertTrue(d.random && !d.randomFully && !d.persistent);
        assertFalse(d.mapIps, "unbound: no box to take the address from");
    }

    @Test
    void dnatWithPortOnlyKeepsTheAddress()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith("-A PREROUTING -p tcp -j DNAT --to-destination :8080");
        final NatDecision d = new NatDecision();
        assertTrue(rules.prerouting(TCP, ip("10.0.0.7"), ip("10.1.0.7"), 1, 80, 0, 2, d));
        assertDecision(d, "DNAT", "-", 8080, 0);
    }

    @Test
    void outputAndInputChainsEvaluateThroughTheGenericEntry()
    {
        final NatRuleSet rules = IptablesSaveParserTest.natWith(
            "-A OUTPUT -d 10.0.0.1 -o eth0 -j DNAT --to-destination 127.0.0.1",
            "-A INPUT -s 10.0.0.0/8 -i eth0 -j SNAT --to-source 10.255.0.1").bind(THREE_NICS);
        final NatDecision d = new NatDecision();
        assertTrue(rules.evaluate(NatRuleSet.Hook.OUTPUT, UDP, ip("10.0.0.5"), ip("10.0.0.1"), 1, 2, 0, 0, -1, 2, d));
        assertDecision(d, "DNAT", "127.0.0.1", 0, 0);
        assertFalse(rules.evaluate(NatRuleSet.Hook.OUTPUT, UDP, ip("10.0.0.5"), ip("10.0.0.1"), 1, 2, 0, 0, -1, 3, d));
        assertTrue(rules.evaluate(NatRuleSet.Hook.INPUT, UDP, ip("10.9.0.5"), ip("10.0.0.5"), 1, 2, 0, 0, 2, -1, d));
        assertDecision(d, "SNAT", "10.255.0.1", 0, 1);
        assertFalse(rules.prerouting(UDP, ip("10.9.0.5"), ip("10.0.0.1"), 1, 2, 0, 2, d), "PREROUTING has no rules");
    }
}
