/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NatRuleSetIndexTest
{
    private static final int[] PROTOCOLS = {6, 17, 1, 47};
    private static final String[] ADDRESSES = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.1", "192.0.2.7"};

    private static final BoxConfig BOX = BoxConfig.builder()
        .addInterface(1, "lo")
        .addInterface(2, "eth0")
        .addInterface(3, "eth1")
        .addInterface(4, "wlan0")
        .addAddress(1, ip("127.0.0.1"), 8)
        .addAddress(2, ip("10.0.0.5"), 24)
        .addAddress(3, ip("10.1.0.5"), 24)
        .addAddress(4, ip("10.2.0.5"), 24)
        .addRoute(ip("10.0.0.0"), 24, 0, 2, 0)
        .addRoute(0, 0, ip("10.1.0.1"), 3, 0)
        .build();

    private static String randomMatch(final SplittableRandom rnd, final String interfaceOption)
    {
        final StringBuilder sb = new StringBuilder();
        switch (rnd.nextInt(5))
        {
            case 0:
            case 1:
                sb.append(" -d ").append(ADDRESSES[rnd.nextInt(ADDRESSES.length)]).append("/32");
                break;
            case 2:
                sb.append(" ! -d ").append(ADDRESSES[rnd.nextInt(ADDRESSES.length)]).append("/32");
                break;
            case 3:
                sb.append(" -d 10.0.0.0/24");
                break;
            default:
                break;
        }
        if (rnd.nextInt(3) == 0)
        {
            sb.append(" -s 172.16.").append(rnd.nextInt(2)).append(".0/24");
        }
        switch (rnd.nextInt(9))
        {
            case 0:
                sb.append(" -p tcp -m tcp --dport ").append(80 + rnd.nextInt(2));
                break;
            case 1:
                sb.append(" -p tcp -m tcp ! --sport 1000:40000");
                break;
            case 2:
                sb.append(" -p udp -m multiport --dports 53,80");
                break;
            case 3:
                sb.append(" -p icmp -m icmp --icmp-type 8");
                break;
            case 4:
                sb.append(" ! -p udp");
                break;
            case 5:
                sb.append(" -f");
                break;
            default:
                break;
        }
        switch (rnd.nextInt(6))
        {
            case 0:
                sb.append(interfaceOption).append(" eth0");
                break;
            case 1:
                sb.append(" !").append(interfaceOption).append(" eth+");
                break;
            case 2:
                sb.append(interfaceOption).append(" wlan0");
                break;
            default:
                break;
        }
        return sb.toString();
    }

    private static String randomTarget(final SplittableRandom rnd, final boolean builtIn)
    {
        switch (rnd.nextInt(builtIn ? 6 : 7))
        {
            case 0:
                return " -j ACCEPT";
            case 1:
                return " -j USER";
            case 2:
                return " -g USER";
            case 3:
                return " -j DNAT --to-destination 10.9.9." + rnd.nextInt(1, 255);
            case 4:
                return randomTranslation(rnd);
            case 5:
                return ""; // no target: counts only, the walk continues
            default:
                return " -j RETURN";
        }
    }

    /** A translating target with the options the packed line carries: ranges, ports, the random flags. */
    private static String randomTranslation(final SplittableRandom rnd)
    {
        final String ports = rnd.nextBoolean() ? "" : ":" + (1000 + rnd.nextInt(10)) + "-" + (60000 + rnd.nextInt(5535));
        final String flags = (rnd.nextInt(3) == 0 ? " --random" : "") + (rnd.nextInt(3) == 0 ? " --persistent" : "");
        switch (rnd.nextInt(3))
        {
            case 0:
                return (ports.isEmpty() ? "" : " -p tcp") + " -j DNAT --to-destination 10.9.9.1-10.9.9." +
                    rnd.nextInt(2, 255) + ports + flags;
            case 1:
                return " -p tcp -j REDIRECT" + (rnd.nextBoolean() ? " --to-ports 8080" : "") +
                    (rnd.nextBoolean() ? " --random" : "");
            default:
                return " -p udp -j DNAT --to-destination 10.9.7." + rnd.nextInt(1, 255) + ":" + rnd.nextInt(1, 65536);
        }
    }

    private static String randomSourceTranslation(final SplittableRandom rnd)
    {
        final String random = (rnd.nextInt(3) == 0 ? " --random" : "") + (rnd.nextInt(4) == 0 ? " --random-fully" : "");
        final String flags = random + (rnd.nextInt(3) == 0 ? " --persistent" : "");
        switch (rnd.nextInt(4))
        {
            case 0:
                return " -j MASQUERADE" + random;
            case 1:
                return " -p udp -j MASQUERADE --to-ports " + (1024 + rnd.nextInt(100)) + "-65535" + random;
            case 2:
                return " -j SNAT --to-source 10.9.8." + rnd.nextInt(1, 255);
            default:
                return " -p tcp -j SNAT --to-source 10.9.8.1-10.9.8." + rnd.nextInt(2, 255) + ":" +
                    (1024 + rnd.nextInt(100)) + "-" + (2000 + rnd.nextInt(60000)) + flags;
        }
    }

    /**
     * A rule line; a target that needs a protocol (" -p X -j ...") takes the match's own when it names tcp or udp,
     * and gives way to ACCEPT when the match names another.
     */
    private static String rule(final String chain, final String match, final String target)
    {
        if (!target.startsWith(" -p "))
        {
            return "-A " + chain + match + target;
        }
        if (!match.contains("-p "))
        {
            return "-A " + chain + match + target;
        }
        final boolean portProtocol = (match.contains(" -p tcp") || match.contains(" -p udp")) && !match.contains("! -p");
        return "-A " + chain + match + (portProtocol ? target.substring(target.indexOf(" -j ")) : " -j ACCEPT");
    }

    private static String randomRules(final SplittableRandom rnd)
    {
        final List<String> lines = new ArrayList<>(List.of("*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":USER - [0:0]"));
        final int n = rnd.nextInt(1, 12);
        for (int i = 0; i < n; i++)
        {
            lines.add(rule("PREROUTING", randomMatch(rnd, " -i"), randomTarget(rnd, true)));
        }
        final int post = rnd.nextInt(0, 6);
        for (int i = 0; i < post; i++)
        {
            lines.add(rule("POSTROUTING", randomMatch(rnd, " -o"), randomSourceTranslation(rnd)));
        }
        final int m = rnd.nextInt(0, 8);
        for (int i = 0; i < m; i++)
        {
            String target = randomTarget(rnd, false);
            while (target.contains("USER"))
            {
                target = randomTarget(rnd, false);
            }
            lines.add(rule("USER", randomMatch(rnd, " -i"), target));
        }
        lines.add("COMMIT");
        return String.join("\n", lines) + "\n";
    }

    @Test
    void theDestinationIndexAndPackedMatchesGiveTheFullWalksDecisionForRandomRulesAndPackets()
    {
        final SplittableRandom rnd = new SplittableRandom(20261126L);
        final NatDecision indexed = new NatDecision();
        final NatDecision full = new NatDecision();
        for (int round = 0; round < 400; round++)
        {
            final NatRuleSet rules = IptablesSaveParser.parse(randomRules(rnd)).bind(BOX);
            final NatRuleSet walk = rules.withoutIndex();
            for (int k = 0; k < 50; k++)
            {
                final int dst = rnd.nextInt(4) == 0 ? rnd.nextInt() : ip(ADDRESSES[rnd.nextInt(ADDRESSES.length)]);
                final int src = ip("172.16." + rnd.nextInt(3) + "." + rnd.nextInt(1, 255));
                final int proto = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
                final int sport = rnd.nextBoolean() ? 40000 : 999 + rnd.nextInt(3);
                final int dport = rnd.nextInt(4) == 0 ? 53 : 80 + rnd.nextInt(3);
                final int icmpType = rnd.nextBoolean() ? 8 : 0;
                final int ifIndex = rnd.nextInt(-1, 7);
                final String where = "round " + round + " packet " + k;
                rules.prerouting(proto, src, dst, sport, dport, icmpType, ifIndex, indexed);
                walk.prerouting(proto, src, dst, sport, dport, icmpType, ifIndex, full);
                assertEquals(full.toString(), indexed.toString(), where);
                assertEquals(full.kind, indexed.kind, where);
                final RuleQuery routed = new RuleQuery();
                routed.packet(proto, src, dst, sport, dport, icmpType, 0);
                routed.egress(ifIndex, ip("10.1.0.1"));
                rules.evaluate(NatRuleSet.Hook.POSTROUTING, routed, indexed);
                walk.evaluate(NatRuleSet.Hook.POSTROUTING, routed, full);
                assertEquals(full.toString(), indexed.toString(), where + " postrouting");
            }
        }
    }
}
