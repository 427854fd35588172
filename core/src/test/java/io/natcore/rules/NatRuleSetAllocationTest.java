/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import static io.natcore.rules.TraceFiles.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/** Evaluation and route lookup allocate nothing (ThreadMXBean allocated-bytes delta). */
class NatRuleSetAllocationTest
{
    private static final int ROUNDS = 100_000;

    @Test
    void evaluationAndRouteLookupAllocateNothing()
    {
        final com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);

        final BoxConfig box = BoxConfig.parse(TraceFiles.read("05-reverse-dnat-to-onprem", "box.txt"));
        final NatRuleSet rules = IptablesSaveParser.parse(String.join("\n",
            TraceFiles.read("05-reverse-dnat-to-onprem", "rules.txt").replace("COMMIT", ""),
            ":WEB - [0:0]",
            "-A PREROUTING -p tcp -m multiport --dports 8000:8100,9000 -j WEB",
            "-A PREROUTING -i eth+ -p icmp -m icmp --icmp-type echo-request -j DNAT --to-destination 172.16.3.5",
            "-A WEB -s 10.0.0.0/8 -j RETURN",
            "-A WEB -p tcp -j DNAT --to-destination 172.16.3.5:80",
            ":MARKED - [0:0]",
            "-A PREROUTING -p udp -m addrtype ! --dst-type LOCAL -m conntrack --ctstate NEW -j MARKED",
            "-A MARKED -j MARK --or-mark 0x4000",
            "-A MARKED -j LOG",
            "-A MARKED -m statistic --mode random --probability 0.5 -j DNAT --to-destination 172.16.3.6",
            "-A MARKED -m statistic --mode nth --every 2 -j NETMAP --to 172.16.3.0/24",
            "-A POSTROUTING -m mark --mark 0x4000/0x4000 -m conntrack --ctorigdst 172.16.2.0/24 -j MASQUERADE",
            "COMMIT")).bind(box);
        final int[] protos = {6, 6, 17, 1, 6, 6};
        final int[] srcs = {ip("192.168.1.5"), ip("172.16.3.5"), ip("192.168.1.5"), ip("192.168.1.5"),
            ip("10.1.1.1"), ip("172.16.1.5")};
        final int[] dsts = {ip("172.16.20.5"), ip("172.16.2.66"), ip("172.16.2.65"), ip("172.16.2.67"),
            ip("172.16.2.65"), ip("172.16.2.65")};
        final int[] dports = {80, 22, 53, 8, 8050, 9000};
        final NatDecision d = new NatDecision();

        // Warm-up: class init, interpreter, C1 and C2 tiers (a tier switch may allocate a few
        // bytes once, outside the evaluation code).
        long sink = 0;
        for (int warm = 0; warm < 5; warm++)
        {
            sink += run(rules, box, protos, srcs, dsts, dports, d);
        }
        final long threadId = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++)
        {
            final long before = bean.getThreadAllocatedBytes(threadId);
            sink += run(rules, box, protos, srcs, dsts, dports, d);
            least = Math.min(least, bean.getThreadAllocatedBytes(threadId) - before);
        }

        // Any per-evaluation allocation shows in every attempt: 100k evaluations of 16 bytes or more.
        assertEquals(0, least, "bytes allocated by " + ROUNDS + " rounds of evaluations");
        assertTrue(sink != 0);
    }

    private static long run(
        final NatRuleSet rules, final BoxConfig box, final int[] protos, final int[] srcs, final int[] dsts,
        final int[] dports, final NatDecision d)
    {
        long sink = 0;
        for (int i = 0; i < ROUNDS; i++)
        {
            final int k = i % protos.length;
            if (rules.prerouting(protos[k], srcs[k], dsts[k], 40000 + k, dports[k], 8, 2, d))
            {
                sink += d.minIp + d.ruleIndex;
            }
            if (rules.postrouting(protos[k], srcs[k], d.kind == NatDecision.Kind.DNAT ? d.minIp : dsts[k],
                40000 + k, dports[k], 8, 2, d))
            {
                sink += d.minIp;
            }
            sink += box.routes().lookupEgress(dsts[k]) + box.routes().lookupNextHop(srcs[k]);
            sink += box.isLocalAddress(dsts[k]) ? 1 : 0;
        }
        return sink;
    }
}
