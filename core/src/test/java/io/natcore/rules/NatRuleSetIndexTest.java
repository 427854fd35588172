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
    private static final String[] ADDRESSES = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.1", "192.0.2.7"};

    private static String randomMatch(final SplittableRandom rnd)
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
        if (rnd.nextInt(3) == 0)
        {
            sb.append(" -p tcp -m tcp --dport ").append(80 + rnd.nextInt(2));
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
            case 4:
                return " -j DNAT --to-destination 10.9.9." + rnd.nextInt(1, 255);
            case 5:
                return ""; // no target: counts only, the walk continues
            default:
                return " -j RETURN";
        }
    }

    private static String randomRules(final SplittableRandom rnd)
    {
        final List<String> lines = new ArrayList<>(List.of("*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":USER - [0:0]"));
        final int n = rnd.nextInt(1, 12);
        for (int i = 0; i < n; i++)
        {
            lines.add("-A PREROUTING" + randomMatch(rnd) + randomTarget(rnd, true));
        }
        final int m = rnd.nextInt(0, 8);
        for (int i = 0; i < m; i++)
        {
            String target = randomTarget(rnd, false);
            while (target.contains("USER"))
            {
                target = randomTarget(rnd, false);
            }
            lines.add("-A USER" + randomMatch(rnd) + target);
        }
        lines.add("COMMIT");
        return String.join("\n", lines) + "\n";
    }

    @Test
    void theDestinationIndexGivesTheFullWalksDecisionForRandomRulesAndPackets()
    {
        final SplittableRandom rnd = new SplittableRandom(20261126L);
        final NatDecision indexed = new NatDecision();
        final NatDecision full = new NatDecision();
        for (int round = 0; round < 400; round++)
        {
            final NatRuleSet rules = IptablesSaveParser.parse(randomRules(rnd));
            final NatRuleSet walk = rules.withoutIndex();
            for (int k = 0; k < 50; k++)
            {
                final int dst = rnd.nextInt(4) == 0 ? rnd.nextInt() : ip(ADDRESSES[rnd.nextInt(ADDRESSES.length)]);
                final int src = ip("172.16." + rnd.nextInt(3) + "." + rnd.nextInt(1, 255));
                final int proto = rnd.nextBoolean() ? 6 : 17;
                final int dport = 80 + rnd.nextInt(3);
                rules.prerouting(proto, src, dst, 40000, dport, 0, 0, 2, indexed);
                walk.prerouting(proto, src, dst, 40000, dport, 0, 0, 2, full);
                final String where = "round " + round + " packet " + k;
                assertEquals(full.toString(), indexed.toString(), where);
                assertEquals(full.kind, indexed.kind, where);
            }
        }
    }
}
