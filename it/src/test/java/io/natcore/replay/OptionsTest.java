/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class OptionsTest
{
    private static Options rewrite()
    {
        return new Options("rewrite").flag("-v", "--verbose").value("-c", "--count").value("--in").value("--out");
    }

    @Test
    void readsFlagsValuesBothSpellingsAndPositionals() throws Exception
    {
        final Options o = rewrite().parse(new String[] {"rewrite", "-v", "--in=a.pcap", "-c", "5", "--out", "-", "x"});
        assertTrue(o.has("--verbose"));
        assertEquals("a.pcap", o.get("--in"));
        assertEquals(5, o.count("--count"));
        assertEquals("-", o.get("--out"));
        assertEquals(List.of("x"), o.positional());
        assertFalse(o.help());
    }

    @Test
    void doubleDashEndsTheOptions() throws Exception
    {
        final Options o = rewrite().parse(new String[] {"rewrite", "--", "-v", "--help"});
        assertEquals(List.of("-v", "--help"), o.positional());
        assertFalse(o.has("--verbose"));
        assertFalse(o.help());
    }

    @Test
    void anUnknownOptionAndAMissingValueAreNamed()
    {
        assertEquals("rewrite: unknown option '--frob' (try rewrite --help)",
            assertThrows(ReplayException.class, () -> rewrite().parse(new String[] {"rewrite", "--frob"})).getMessage());
        assertEquals("--in needs a value",
            assertThrows(ReplayException.class, () -> rewrite().parse(new String[] {"rewrite", "--in", "-v"})).getMessage());
        assertEquals("--count 0: not a count above zero",
            assertThrows(ReplayException.class, () -> rewrite().parse(new String[] {"rewrite", "-c", "0"}).count("--count"))
                .getMessage());
    }
}
