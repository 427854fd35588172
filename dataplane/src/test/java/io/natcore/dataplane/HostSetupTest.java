/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.nat.ReservedPorts;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostSetupTest
{
    @Test
    void theIngressFilterPassesTheReservedServicesAndEchoThenDropsAllIpv4()
    {
        final String script = new HostSetup("eth0").filterScript(List.of("172.16.2.5", "172.16.2.6"),
            ReservedPorts.parse("tcp:22,tcp:8080-8081,udp:500"));
        assertEquals(String.join("\n",
            "table netdev natcore_eth0 {",
            "  chain ingress {",
            "    type filter hook ingress device \"eth0\" priority -500; policy accept;",
            "    ip daddr { 172.16.2.5, 172.16.2.6 } tcp dport 22 accept",
            "    ip daddr { 172.16.2.5, 172.16.2.6 } tcp dport 8080-8081 accept",
            "    ip daddr { 172.16.2.5, 172.16.2.6 } udp dport 500 accept",
            "    ip daddr { 172.16.2.5, 172.16.2.6 } icmp type echo-request accept",
            "    meta protocol ip drop",
            "  }",
            "}",
            ""), script);
    }
}
