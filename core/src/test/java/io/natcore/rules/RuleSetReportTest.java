/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Each warning {@link RuleSetReport} gives, and the per-rule lines. */
class RuleSetReportTest
{
    private static final String BOX = "ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\naddr eth0 172.16.2.5/24\n"
        + "route default via 172.16.2.1 dev eth0\n";
    private static final String NAT = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":POSTROUTING ACCEPT [0:0]\n";

    private static RuleSetReport report(final String box, final String rules)
    {
        return RuleSetReport.of(IptablesSaveParser.parse(rules), BoxConfig.parse(box));
    }

    private static List<String> warnings(final String box, final String rules)
    {
        return report(box, rules).warnings().stream().map(LoadWarning::toString).collect(Collectors.toList());
    }

    @Test
    void filterRulesAndDropPoliciesAreNotEnforcedAndSaySo()
    {
        final String rules = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            + "-A FORWARD -i eth0 -j ACCEPT\nCOMMIT\n" + NAT + "COMMIT\n";
        assertEquals(List.of(
            "line 1: table filter is not enforced: its 1 rule is ignored (natcore evaluates the nat table only)",
            "line 3: policy DROP of filter FORWARD is not enforced: natcore lets these packets through"),
            warnings(BOX, rules));
    }

    @Test
    void interfaceTheBoxLacks()
    {
        assertEquals(List.of("line 6: -i eth1: the box has no such interface (the rule never matches)",
            "line 7: ! -o wg+: the box has no such interface (the condition always holds)"),
            warnings(BOX, NAT + "-A PREROUTING -i eth1 -j ACCEPT\n-A POSTROUTING ! -o wg+ -j MASQUERADE\nCOMMIT\n"));
        assertEquals(List.of(), warnings(BOX, NAT + "-A PREROUTING -i eth+ -j ACCEPT\nCOMMIT\n"));
    }

    @Test
    void ruleShadowedByAnEarlierOneOfTheSameChain()
    {
        assertEquals(List.of("line 7: never matches: line 6 takes every packet it could match"),
            warnings(BOX, NAT + "-A PREROUTING -d 172.16.20.0/24 -p tcp -j DNAT --to-destination 10.0.0.1\n"
                + "-A PREROUTING -d 172.16.20.6/32 -p tcp -m tcp --dport 22 -j DNAT --to-destination 10.0.0.2\n"
                + "COMMIT\n"));
        // a narrower earlier rule, an inverted interface or a probability shadows nothing
        assertEquals(List.of("line 8: DNAT target 10.0.0.3 has no route on this box: its connections are dropped",
            "line 9: ! -o docker0: the box has no such interface (the condition always holds)"),
            warnings(BOX.replace("route default via 172.16.2.1 dev eth0\n",
                "route 172.16.0.0/16 via 172.16.2.1 dev eth0\n"),
                NAT + "-A PREROUTING -d 172.16.20.6/32 -p tcp -j ACCEPT\n"
                + "-A PREROUTING -m statistic --mode random --probability 0.5 -j ACCEPT\n"
                + "-A PREROUTING -d 172.16.20.0/24 -j DNAT --to-destination 10.0.0.3\n"
                + "-A POSTROUTING -s 172.16.3.0/24 ! -o docker0 -j MASQUERADE\n"
                + "-A POSTROUTING -s 172.16.3.5/32 -d 172.16.3.5/32 -p tcp -m tcp --dport 80 -j MASQUERADE\n"
                + "COMMIT\n"));
    }

    @Test
    void boxWithoutRoutesGetsItsConnectedRoutesAndAWarning()
    {
        final String box = "ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\naddr eth0 172.16.2.5/24\n";
        assertEquals(List.of("box: no route lines: only the connected routes of its addresses are known, no default"
            + " route (packets to any other network are dropped as unroutable)"), warnings(box, NAT + "COMMIT\n"));
        final BoxConfig b = BoxConfig.parse(box);
        assertFalse(b.routesGiven());
        assertEquals(2, b.routes().lookupEgress(ip("172.16.2.77")));
        assertEquals(-1, b.routes().lookupEgress(ip("172.16.3.5")));
    }

    @Test
    void dnatLineSaysRouteAndWhoMasquerades()
    {
        final RuleSetReport r = report(BOX, NAT
            + "-A PREROUTING -d 172.16.20.6/32 -i eth0 -p tcp -m tcp --dport 22 -j DNAT --to-destination 192.168.1.5:22\n"
            + "-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n");
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of(
            "line 6: tcp to 172.16.20.6:22 in eth0 -> DNAT 192.168.1.5:22, out eth0 via 172.16.2.1, source masqueraded"
                + " to 172.16.2.5 by line 7",
            "line 7: all out eth0 -> MASQUERADE to 172.16.2.5"), r.ruleLines());
    }

    @Test
    void outputAndInputLinesSayTheyAreAboutTheBoxsOwnConnections()
    {
        final RuleSetReport r = report(BOX, NAT
            + "-A INPUT -s 192.168.1.0/24 -i eth0 -p udp -m udp --dport 53 -j SNAT --to-source 172.16.2.99\n"
            + "-A OUTPUT -d 172.16.2.80/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.16.3.7:8443\n"
            + "-A OUTPUT -d 172.16.3.5/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128\n"
            + "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n");
        assertEquals(List.of(
            "line 6: udp from 192.168.1.0/24 to any address:53 in eth0 delivered to the box -> SNAT to 172.16.2.99",
            "line 7: the box's own tcp to 172.16.2.80:443 -> DNAT 172.16.3.7:8443, out eth0 via 172.16.2.1, replies"
                + " delivered to the box",
            "line 8: the box's own tcp to 172.16.3.5:80 -> REDIRECT to 127.0.0.1 port 3128",
            "line 9: all from 192.168.1.0/24 out eth0 -> MASQUERADE to 172.16.2.5"), r.ruleLines());
    }

    @Test
    void dnatWithoutSnatGetsTheReplyRoutingNote()
    {
        final RuleSetReport r = report(BOX, NAT
            + "-A PREROUTING -d 172.16.20.6/32 -p tcp -m tcp --dport 22 -j DNAT --to-destination 192.168.1.5\n"
            + "COMMIT\n");
        assertEquals(List.of("line 6: tcp to 172.16.20.6:22 -> DNAT 192.168.1.5, out eth0 via 172.16.2.1, no SNAT or"
            + " MASQUERADE rule covers it: replies come back through this box only if the network routes them here"
            + " (in the reference deployment, a user-defined route)"), r.ruleLines());
    }

    @Test
    void kubeServiceIsMasqueradedThroughTheMarkItsChainsSet()
    {
        final RuleSetReport r = report(TraceFiles.read("28-kube-proxy-style-nat", "box.txt"),
            TraceFiles.read("28-kube-proxy-style-nat", "rules.txt"));
        assertEquals(List.of(), r.warnings());
        assertTrue(r.ruleLines().contains("line 30: tcp to 172.16.20.10:80 with probability 0.500 -> DNAT"
            + " 172.16.3.6:8080, out eth0 via 172.16.2.1, source masqueraded to 172.16.2.5 by line 26"),
            r.ruleLines().toString());
    }
}
