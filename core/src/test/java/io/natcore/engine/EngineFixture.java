/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;

/**
 * Test helper: the NAT VM of the traces (eth0 172.16.2.5/24, default via 172.16.2.1) with DNAT and MASQUERADE rules.
 */
final class EngineFixture
{
    static final int ETH0 = 2;
    static final String BOX = "ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\naddr eth0 172.16.2.5/24\n" +
        "route default via 172.16.2.1 dev eth0\nroute 172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.5\n";
    static final String RULES = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        ":POSTROUTING ACCEPT [0:0]\n" +
        "-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.16.3.5:80\n" +
        "-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.16.3.5:5353\n" +
        "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE\n" +
        "COMMIT\n";

    private EngineFixture()
    {
    }

    static NatEngineConfig.Builder config(final String box, final String rules) throws Exception
    {
        final BoxConfig b = BoxConfig.parse(box);
        return NatEngineConfig.builder().box(b).rules(IptablesSaveParser.parse(rules).bind(b)).capacity(1024)
            .seed(7);
    }

    static NatEngineConfig.Builder config() throws Exception
    {
        return config(BOX, RULES);
    }
}
