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

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IptablesSaveParserTest
{
    /** Lines 1-5; a rule placed after it is on line 6. */
    static final String NAT_HEADER = String.join("\n",
        "*nat",
        ":PREROUTING ACCEPT [0:0]",
        ":INPUT ACCEPT [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]") + "\n";

    static NatRuleSet natWith(final String... lines)
    {
        return IptablesSaveParser.parse(NAT_HEADER + String.join("\n", lines) + "\nCOMMIT\n");
    }

    private static String[] scenarios()
    {
        return TraceFiles.SCENARIOS;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyTraceRulesFileLoadsWithEveryRule(final String scenario)
    {
        final String text = TraceFiles.read(scenario, "rules.txt");
        final long appendLines = text.lines().filter(l -> l.startsWith("-A ")).count();
        final NatRuleSet rules = IptablesSaveParser.parse(text);
        assertEquals(appendLines, rules.ruleCount());
        assertEquals(appendLines, rules.table("nat").ruleCount());
        assertEquals(4, rules.chainCount());
    }

    static Stream<String> acceptedNatRules()
    {
        return Stream.of(
            "-A PREROUTING -s 10.0.0.1",
            "-A PREROUTING -s 10.0.0.0/8 -d 172.16.2.65/32 -j ACCEPT",
            "-A PREROUTING -s 10.0.0.0/255.0.0.0 -j ACCEPT",
            "-A PREROUTING --source 10.0.0.0/8 --destination 10.1.0.0/16 -j ACCEPT",
            "-A PREROUTING ! -s 10.0.0.0/8 ! -d 10.1.0.0/16 -j ACCEPT",
            "-A PREROUTING -i eth0 -j ACCEPT",
            "-A PREROUTING -i eth+ -j ACCEPT",
            "-A PREROUTING ! -i eth+ -j ACCEPT",
            "-A POSTROUTING -o eth0 -j ACCEPT",
            "-A POSTROUTING ! -o ppp+ -j MASQUERADE",
            "-A PREROUTING -p tcp -j ACCEPT",
            "-A PREROUTING -p udp -j ACCEPT",
            "-A PREROUTING -p icmp -j ACCEPT",
            "-A PREROUTING -p all -j ACCEPT",
            "-A PREROUTING -p 47 -j ACCEPT",
            "-A PREROUTING -p gre -j ACCEPT",
            "-A PREROUTING ! -p tcp -j ACCEPT",
            "-A PREROUTING -f -j ACCEPT",
            "-A PREROUTING ! -f -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --sport 1024 -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --dport 80 -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --dport 80:90 -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --dport :1023 -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --dport 1024: -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp ! --dport 22 ! --sport 1:1023 -j ACCEPT",
            "-A PREROUTING -p tcp --dport 80 -j ACCEPT",
            "-A PREROUTING -p udp -m udp --source-port 53 --destination-port 53 -j ACCEPT",
            "-A PREROUTING -p icmp -m icmp --icmp-type 8 -j ACCEPT",
            "-A PREROUTING -p icmp -m icmp --icmp-type echo-request -j ACCEPT",
            "-A PREROUTING -p icmp -m icmp --icmp-type 3/1 -j ACCEPT",
            "-A PREROUTING -p icmp -m icmp ! --icmp-type any -j ACCEPT",
            "-A PREROUTING -p icmp -m icmp --icmp-type host-unreachable -j ACCEPT",
            "-A PREROUTING -p icmp --icmp-type ping -j ACCEPT",
            "-A PREROUTING -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT",
            "-A PREROUTING -p udp -m multiport --sports 53,123 -j ACCEPT",
            "-A PREROUTING -p tcp -m multiport ! --ports 22 -j ACCEPT",
            "-A PREROUTING -p tcp -m multiport --destination-ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 -j ACCEPT",
            "-A PREROUTING -p tcp -m tcp --dport 80 -m multiport --sports 1000:2000 -j ACCEPT",
            "-A PREROUTING -m comment --comment \"web \\\"front\\\" door\" -j ACCEPT",
            "-A PREROUTING -m comment --comment simple -j ACCEPT",
            "[12:3400] -A PREROUTING -j ACCEPT",
            "-A PREROUTING -c 12 3400 -j ACCEPT",
            "-A PREROUTING -d 172.16.2.65/32 -j DNAT --to-destination 172.16.3.5",
            "-A PREROUTING -p tcp -j DNAT --to-destination 172.16.3.5:80",
            "-A PREROUTING -p tcp -j DNAT --to-destination 172.16.3.5-172.16.3.9:8000-8100 --random --persistent",
            "-A PREROUTING -p tcp -j DNAT --to-destination :8080",
            "-A PREROUTING -p tcp -j REDIRECT --to-ports 3128",
            "-A PREROUTING -p udp -j REDIRECT --to-ports 5000-5010 --random",
            "-A PREROUTING -j REDIRECT",
            "-A POSTROUTING -j SNAT --to-source 172.16.2.5",
            "-A POSTROUTING -p udp -j SNAT --to-source 172.16.2.5-172.16.2.6:1024-2047 --random-fully --persistent",
            "-A POSTROUTING -j SNAT --to-source 172.16.2.5 --random",
            "-A POSTROUTING -j MASQUERADE",
            "-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-65535 --random",
            "-A POSTROUTING -j MASQUERADE --random-fully",
            "-A OUTPUT -d 10.0.0.1 -j DNAT --to-destination 127.0.0.1",
            "-A INPUT -j SNAT --to-source 10.0.0.1",
            "-A POSTROUTING -j RETURN");
    }

    @ParameterizedTest
    @MethodSource("acceptedNatRules")
    void acceptsSyntaxItem(final String rule)
    {
        final NatRuleSet rules = natWith(rule);
        assertEquals(1, rules.ruleCount());
        assertEquals(6, rules.rule(0).lineNumber());
        assertEquals(rule, rules.rule(0).text());
    }

    @Test
    void acceptsUserChainsDeclaredBothWaysWithJumpAndGoto()
    {
        final NatRuleSet rules = IptablesSaveParser.parse(String.join("\n",
            "# Generated by iptables-save v1.8.9",
            "*nat",
            ":PREROUTING ACCEPT [10:600]",
            ":POSTROUTING ACCEPT [0:0]",
            ":WEB - [0:0]",
            "-N lower_case-chain",
            "-A PREROUTING -p tcp -j WEB",
            "-A PREROUTING -g lower_case-chain",
            "-A WEB -j RETURN",
            "-A lower_case-chain -j ACCEPT",
            "COMMIT",
            "# Completed"));
        assertEquals(NatRule.Target.JUMP, rules.rule(0).target());
        assertEquals("WEB", rules.rule(0).targetChain());
        assertEquals(NatRule.Target.GOTO, rules.rule(1).target());
        assertEquals(6, rules.chainCount());
    }

    @Test
    void keepsOtherTablesWithoutEvaluatingThem()
    {
        final NatRuleSet rules = IptablesSaveParser.parse(String.join("\n",
            "*raw",
            ":PREROUTING ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            "-A PREROUTING -p udp --dport 4789 -j NOTRACK",
            "COMMIT",
            "*mangle",
            ":PREROUTING ACCEPT [0:0]",
            ":FORWARD ACCEPT [0:0]",
            "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
            "COMMIT",
            "*filter",
            ":INPUT ACCEPT [0:0]",
            ":FORWARD DROP [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            ":logdrop - [0:0]",
            "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A FORWARD -i eth0 -j logdrop",
            "-A logdrop -j LOG --log-prefix \"dropped: \"",
            "-A logdrop -j DROP",
            "COMMIT",
            "*nat",
            ":PREROUTING ACCEPT [0:0]",
            "-A PREROUTING -d 10.0.0.1 -j DNAT --to-destination 10.0.0.2",
            "COMMIT"));
        assertEquals(1, rules.ruleCount());
        assertEquals(4, rules.table("filter").ruleCount());
        assertEquals("DROP", rules.table("filter").chainPolicies().get("FORWARD"));
        assertEquals("-", rules.table("filter").chainPolicies().get("logdrop"));
        assertEquals(19, rules.table("filter").ruleLine(3));
        assertEquals(1, rules.table("mangle").ruleCount());
        assertEquals(1, rules.table("raw").ruleCount());
        assertNull(rules.table("security"));
    }

    @Test
    void noNatTableMeansNoRules()
    {
        final NatRuleSet rules = IptablesSaveParser.parse("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n");
        assertEquals(0, rules.ruleCount());
        assertFalse(rules.prerouting(6, 1, 2, 3, 4, 0, 2, new NatDecision()));
    }

    @Test
    void parsedNatRangeMatchesTheText()
    {
        final NatRule r = natWith(
            "-A PREROUTING -p tcp -j DNAT --to-destination 172.16.3.5-172.16.3.9:8000-8100 --random --persistent")
            .rule(0);
        assertTrue(r.mapIps);
        assertEquals(ip("172.16.3.5"), r.minIp);
        assertEquals(ip("172.16.3.9"), r.maxIp);
        assertTrue(r.hasPortRange);
        assertEquals(8000, r.minPort);
        assertEquals(8100, r.maxPort);
        assertTrue(r.random);
        assertTrue(r.persistent);
        assertFalse(r.randomFully);
    }

    @Test
    void commentTextKeepsEscapedQuotes()
    {
        final String line = "-A PREROUTING -m comment --comment \"web \\\"front\\\" door\" -j ACCEPT";
        final NatRule r = natWith(line).rule(0);
        assertEquals("web \"front\" door", r.comment());
        // toString names the rule as load errors do: its line in the file and its text, escapes as written.
        assertTrue(r.toString().matches("line \\d+: .*"), r.toString());
        assertEquals(line, r.toString().substring(r.toString().indexOf(": ") + 2));
    }

    static Stream<Arguments> refusedRules()
    {
        return Stream.of(
            Arguments.of("-A PREROUTING -m state --state NEW -j ACCEPT", "match \"state\" is not supported by natcore"),
            Arguments.of("-A PREROUTING -m bogus -j ACCEPT", "unknown match \"bogus\""),
            Arguments.of("-A PREROUTING -m conntrack --ctstatus DNAT -j ACCEPT",
                "option --ctstatus of match conntrack is not supported by natcore"
                    + " (supported: --ctstate, --ctorigdst, --ctorigdstport)"),
            Arguments.of("-A PREROUTING -m conntrack --ctstate NEWISH", "unknown conntrack state \"NEWISH\" in --ctstate"),
            Arguments.of("-A PREROUTING -m conntrack", "match conntrack needs --ctstate, --ctorigdst or --ctorigdstport"),
            Arguments.of("-A PREROUTING -j FOO", "unknown target \"FOO\""),
            Arguments.of("-A PREROUTING -j CONNMARK --set-mark 1", "target \"CONNMARK\" is not supported by natcore"),
            Arguments.of("-A PREROUTING -j DROP",
                "DROP is not allowed in table nat (iptables refuses it: the nat table is not for filtering)"),
            Arguments.of("-A PREROUTING -j NETMAP", "NETMAP needs --to"),
            Arguments.of("-A PREROUTING -j MARK", "MARK needs --set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark"),
            Arguments.of("-A PREROUTING -j MARK --or-mark 1 --xor-mark 2",
                "MARK takes one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark"),
            Arguments.of("-A PREROUTING -j MARK --set-mark 0x100000000", "bad value \"0x100000000\" in --set-mark"),
            Arguments.of("-A PREROUTING -m addrtype --dst-type BLACKHOLE",
                "address type BLACKHOLE in --dst-type is not supported by natcore"
                    + " (supported: UNICAST, LOCAL, BROADCAST, MULTICAST)"),
            Arguments.of("-A PREROUTING -m addrtype --dst-type LOKAL", "unknown address type \"LOKAL\" in --dst-type"),
            Arguments.of("-A PREROUTING -m addrtype --limit-iface-in", "match addrtype needs --src-type or --dst-type"),
            Arguments.of("-A POSTROUTING -m addrtype --dst-type LOCAL --limit-iface-in",
                "--limit-iface-in is only valid in PREROUTING and INPUT, not POSTROUTING"),
            Arguments.of("-A PREROUTING -m addrtype --dst-type LOCAL -m addrtype --src-type LOCAL",
                "a second -m addrtype in one rule is not supported by natcore"),
            Arguments.of("-A PREROUTING -m statistic --mode random", "--mode random needs --probability"),
            Arguments.of("-A PREROUTING -m statistic --mode random --probability 1.5",
                "--probability must be between 0 and 1: \"1.5\""),
            Arguments.of("-A PREROUTING -m statistic --mode nth --every 3 --packet 3", "--packet p must be 0 <= p <= n-1"),
            Arguments.of("-A PREROUTING -m statistic --mode nth --probability 0.5",
                "--probability belongs to --mode random"),
            Arguments.of("-A PREROUTING -m statistic --mode sometimes", "bad --mode \"sometimes\" (random or nth)"),
            Arguments.of("-A PREROUTING -m mark", "match mark needs --mark"),
            Arguments.of("-A PREROUTING -j nowhere", "jump to undeclared chain \"nowhere\""),
            Arguments.of("-A PREROUTING -g NOWHERE", "goto to undeclared chain \"NOWHERE\""),
            Arguments.of("-A PREROUTING -j POSTROUTING", "cannot jump to built-in chain POSTROUTING"),
            Arguments.of("-A NOPE -j ACCEPT", "-A to undeclared chain \"NOPE\""),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1 --to-destination 10.0.0.2",
                "multiple --to-destination not supported"),
            Arguments.of("-A POSTROUTING -j SNAT --to-source 10.0.0.1 --to-source 10.0.0.2",
                "multiple --to-source not supported"),
            Arguments.of("-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000 --to-ports 2000",
                "multiple --to-ports not supported"),
            Arguments.of("-A PREROUTING -p tcp -m tcp --dport 80 --dport 81", "multiple --dport not supported"),
            Arguments.of("-A PREROUTING -s 10.0.0.1 -s 10.0.0.2", "multiple -s not supported"),
            Arguments.of("-A PREROUTING -p tcp -m multiport --dports 80 --sports 90",
                "match multiport takes one of --sports, --dports, --ports"),
            Arguments.of("-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.1",
                "DNAT is only valid in PREROUTING and OUTPUT, not POSTROUTING"),
            Arguments.of("-A PREROUTING -j SNAT --to-source 10.0.0.1",
                "SNAT is only valid in POSTROUTING and INPUT, not PREROUTING"),
            Arguments.of("-A PREROUTING -j MASQUERADE", "MASQUERADE is only valid in POSTROUTING, not PREROUTING"),
            Arguments.of("-A POSTROUTING -j REDIRECT", "REDIRECT is only valid in PREROUTING and OUTPUT, not POSTROUTING"),
            Arguments.of("hello world", "cannot parse \"hello world\""),
            Arguments.of("-X PREROUTING", "cannot parse \"-X PREROUTING\""),
            Arguments.of("-A PREROUTING -x", "unknown option \"-x\""),
            Arguments.of("-A PREROUTING --bogus 1", "unknown option \"--bogus\""),
            Arguments.of("-A PREROUTING -p tcp -m tcp --syn", "unknown option \"--syn\""),
            Arguments.of("-A PREROUTING -j ACCEPT --to-destination 10.0.0.1", "unknown option \"--to-destination\""),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1 --random-fully",
                "unknown option \"--random-fully\""),
            Arguments.of("-A PREROUTING -p tcp -m tcp --dport 80:90:100", "bad port range \"80:90:100\" in --dport"),
            Arguments.of("-A PREROUTING -p tcp -m tcp --dport 90:80", "bad port range \"90:80\" in --dport (min > max)"),
            Arguments.of("-A PREROUTING -p tcp -m tcp --dport http", "bad port \"http\" in --dport"),
            Arguments.of("-A PREROUTING -p tcp -m tcp --dport 65536", "bad port \"65536\" in --dport"),
            Arguments.of("-A PREROUTING -m tcp --dport 80", "match tcp needs -p tcp"),
            Arguments.of("-A PREROUTING -p udp -m tcp --dport 80", "match tcp needs -p tcp"),
            Arguments.of("-A PREROUTING ! -p tcp -m tcp --dport 80", "match tcp needs -p tcp"),
            Arguments.of("-A PREROUTING -m icmp --icmp-type 8", "match icmp needs -p icmp"),
            Arguments.of("-A PREROUTING -p icmp -m icmp --icmp-type bogus", "unknown ICMP type \"bogus\""),
            Arguments.of("-A PREROUTING -m multiport --dports 80", "match multiport needs -p tcp, udp, udplite, sctp or dccp"),
            Arguments.of("-A PREROUTING -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
                "too many ports in --dports (max 15, a range counts 2)"),
            Arguments.of("-A PREROUTING -p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16",
                "too many ports in --dports (max 15, a range counts 2)"),
            Arguments.of("-A PREROUTING -p icmp -j DNAT --to-destination 10.0.0.1:80",
                "Need TCP, UDP, SCTP or DCCP with port specification"),
            Arguments.of("-A PREROUTING -j DNAT --to-destination :80",
                "Need TCP, UDP, SCTP or DCCP with port specification"),
            // iptables-restore refused this very rule when trace 25 was recorded.
            Arguments.of("-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udplite -m multiport --dports 5000 " +
                "-j DNAT --to-destination 172.16.3.5:5001", "Need TCP, UDP, SCTP or DCCP with port specification"),
            Arguments.of("-A PREROUTING -j DNAT", "DNAT needs --to-destination"),
            Arguments.of("-A POSTROUTING -j SNAT", "SNAT needs --to-source"),
            Arguments.of("-A POSTROUTING -p tcp -j SNAT --to-source :80", "--to-source needs an address"),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9-10.0.0.1",
                "bad address range \"10.0.0.9-10.0.0.1\" in --to-destination (min > max)"),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80-90-100",
                "bad port range \"80-90-100\" in --to-destination"),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:90-80",
                "bad port range \"90-80\" in --to-destination"),
            Arguments.of("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:0",
                "bad port range \"0\" in --to-destination"),
            Arguments.of("-A PREROUTING -d 1.2.3.400 -j ACCEPT", "bad address \"1.2.3.400\" in -d"),
            Arguments.of("-A PREROUTING -s 10.0.0.0/33 -j ACCEPT", "bad address \"10.0.0.0/33\" in -s"),
            Arguments.of("-A PREROUTING -s 10.0.0.0/255.0.255.0 -j ACCEPT", "bad address \"10.0.0.0/255.0.255.0\" in -s"),
            Arguments.of("-A PREROUTING -s 10.0.0.1,10.0.0.2 -j ACCEPT",
                "several addresses in -s are not supported: \"10.0.0.1,10.0.0.2\""),
            Arguments.of("-A PREROUTING -i averyveryverylongname -j ACCEPT",
                "bad interface name \"averyveryverylongname\" in -i"),
            Arguments.of("-A PREROUTING -i e+th -j ACCEPT", "bad interface name \"e+th\" in -i"),
            Arguments.of("-A PREROUTING -o eth0 -j ACCEPT", "-o is not valid in PREROUTING"),
            Arguments.of("-A POSTROUTING -i eth0 -j ACCEPT", "-i is not valid in POSTROUTING"),
            Arguments.of("-A PREROUTING -p foo", "unknown protocol \"foo\""),
            Arguments.of("-A PREROUTING -p 256", "unknown protocol \"256\""),
            Arguments.of("-A PREROUTING ! -p all", "! -p all would never match"),
            Arguments.of("-A PREROUTING ! ! -s 10.0.0.1", "\"!\" given twice"),
            Arguments.of("-A PREROUTING ! -j ACCEPT", "\"!\" not allowed before -j"),
            Arguments.of("-A PREROUTING -s 10.0.0.1 !", "\"!\" at the end of the rule"),
            Arguments.of("-A PREROUTING -s", "-s needs a value"),
            Arguments.of("-A PREROUTING -j ACCEPT -j RETURN", "multiple -j/-g not supported"),
            Arguments.of("-A PREROUTING -m comment --comment \"open", "unterminated quote"),
            Arguments.of("[1:x] -A PREROUTING -j ACCEPT", "bad counters \"[1:x]\""),
            Arguments.of(":FOO ACCEPT [0:0]", "user chain FOO cannot have a policy"),
            Arguments.of(":PREROUTING - [0:0]", "built-in chain PREROUTING needs a policy"),
            Arguments.of(":PREROUTING DROP [0:0]", "policy DROP is not supported in table nat"),
            Arguments.of(":DNAT - [0:0]", "chain name \"DNAT\" is a target name"),
            Arguments.of("-N PREROUTING", "chain PREROUTING is built in"),
            Arguments.of("*filter", "COMMIT missing for table nat before *filter"));
    }

    @ParameterizedTest
    @MethodSource("refusedRules")
    void refusesRuleWithLineAndReason(final String rule, final String reason)
    {
        final RuleParseException e = assertThrows(RuleParseException.class, () -> natWith(rule));
        assertEquals("line 6: " + reason, e.getMessage());
        assertEquals(6, e.getLineNumber());
        assertEquals(reason, e.getReason());
    }

    static Stream<Arguments> refusedTexts()
    {
        return Stream.of(
            Arguments.of("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\n",
                "line 1: COMMIT missing for table nat"),
            Arguments.of("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*nat\n-A PREROUTING -j ACCEPT",
                "line 4: COMMIT missing for table nat"),
            Arguments.of("COMMIT\n", "line 1: COMMIT outside a table"),
            Arguments.of("-A PREROUTING -j ACCEPT\n",
                "line 1: outside a table (no *table line before): \"-A PREROUTING -j ACCEPT\""),
            Arguments.of("*foo\nCOMMIT\n", "line 1: unknown table \"foo\""),
            Arguments.of("*nat\nCOMMIT\n*nat\nCOMMIT\n", "line 3: table nat given twice"),
            Arguments.of("*nat\n:A - [0:0]\n:A - [0:0]\nCOMMIT\n", "line 3: chain A declared twice"),
            Arguments.of("*nat\n:A - [0:0]\n:B - [0:0]\n-A PREROUTING -j A\n-A A -j B\n-A B -g A\nCOMMIT\n",
                "line 6: loop: chain B jumps to A which leads back to it"),
            Arguments.of("*nat\n:X - [0:0]\n-A POSTROUTING -j X\n-A X -p tcp -j DNAT --to-destination 10.0.0.1\nCOMMIT\n",
                "line 4: DNAT is only valid in PREROUTING and OUTPUT, not POSTROUTING"),
            Arguments.of("*nat\n:X - [0:0]\n-A PREROUTING -j X\n-A X -j MASQUERADE\nCOMMIT\n",
                "line 4: MASQUERADE is only valid in POSTROUTING, not PREROUTING"),
            Arguments.of("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j DNAT --to-destination 10.0.0.1\nCOMMIT\n",
                "line 3: DNAT is only valid in table nat"),
            Arguments.of("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -g nowhere\nCOMMIT\n",
                "line 3: goto to undeclared chain \"nowhere\""),
            Arguments.of("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j nowhere\nCOMMIT\n",
                "line 3: jump to undeclared chain \"nowhere\""),
            Arguments.of("*filter\n:FORWARD ACCEPT [0:0]\n-A INPUTX -j DROP\nCOMMIT\n",
                "line 3: -A to undeclared chain \"INPUTX\""),
            Arguments.of("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j DROP\nbad line\nCOMMIT\n",
                "line 4: cannot parse \"bad line\""));
    }

    @ParameterizedTest
    @MethodSource("refusedTexts")
    void refusesTextWithLineAndReason(final String text, final String message)
    {
        final RuleParseException e = assertThrows(RuleParseException.class, () -> IptablesSaveParser.parse(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n"})
    void emptyTextGivesAnEmptyRuleSet(final String text)
    {
        assertEquals(0, IptablesSaveParser.parse(text).ruleCount());
    }

    @Test
    void unreachableUserChainMayHoldAnyNatTarget()
    {
        // The kernel validates targets only for the hooks that reach them.
        final NatRuleSet rules = IptablesSaveParser.parse(
            "*nat\n:SPARE - [0:0]\n-A SPARE -j MASQUERADE\n-A SPARE -p tcp -j DNAT --to-destination 10.0.0.1\nCOMMIT\n");
        assertEquals(2, rules.ruleCount());
    }
}
