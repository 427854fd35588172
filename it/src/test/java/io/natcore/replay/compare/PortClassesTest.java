/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PortClassesTest
{
    private static final String RULES = String.join("\n",
        "*nat",
        "-A POSTROUTING -s 10.1.0.0/16 -o eth0 -j SNAT --to-source 198.51.100.10-198.51.100.12:2000-2100",
        "-A POSTROUTING -s 10.2.0.0/16 -o eth0 -j MASQUERADE --to-ports 3000-3009",
        "-A PREROUTING -d 203.0.113.5/32 -p tcp --dport 80 -j DNAT --to-destination 10.9.9.9:8080",
        "COMMIT");
    private static final String BOX = "ifindex 2 eth0\naddr eth0 172.16.2.5/24\n";

    private final PortClasses classes = new PortClasses(RULES, BOX);

    @Test
    void onlyTranslatedSourcesMayHaveDrawnPorts()
    {
        assertTrue(classes.mayDraw(0xAC100205));  // 172.16.2.5, the box (MASQUERADE)
        assertTrue(classes.mayDraw(0xC633640B));  // 198.51.100.11, inside the --to-source range
        assertFalse(classes.mayDraw(0xC633640D)); // 198.51.100.13, outside it
        assertFalse(classes.mayDraw(0x0A090909)); // 10.9.9.9, a DNAT target
    }

    @Test
    void aPortDrawnFromARuleRangeStaysInTheRange()
    {
        assertNull(classes.check(6, 2050, 2100));
        assertNotNull(classes.check(6, 2050, 2101));
        assertNull(classes.check(17, 3000, 3009));
        assertNotNull(classes.check(17, 3000, 2999));
    }

    @Test
    void withoutARangeThePortKeepsItsLinuxClass()
    {
        assertNull(classes.check(6, 40000, 1024));
        assertNotNull(classes.check(6, 40000, 1023));
        assertNull(classes.check(6, 700, 600));
        assertNotNull(classes.check(6, 700, 599));
        assertNull(classes.check(6, 550, 1023)); // 512-599 draw from 600-1023
        assertNull(classes.check(6, 100, 511));
        assertNotNull(classes.check(6, 100, 512));
    }

    @Test
    void icmpIdentifiersMayTakeAnyValue()
    {
        assertNull(classes.check(1, 13713, 7));
    }
}
