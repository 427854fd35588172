/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay validate}: exit status, the error line, warnings and the per-rule lines. */
class ValidateCommandTest
{
    private static final String BOX = "ifindex 1 lo\nifindex 2 eth0\naddr lo 127.0.0.1/8\naddr eth0 172.16.2.5/24\n"
        + "route default via 172.16.2.1 dev eth0\n";
    private static final String NAT = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":POSTROUTING ACCEPT [0:0]\n";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int validate(final Path dir, final String rules, final String box, final String... extra) throws IOException
    {
        final Path r = dir.resolve("rules.txt");
        final Path b = dir.resolve("box.txt");
        Files.writeString(r, rules);
        Files.writeString(b, box);
        final String[] args = new String[5 + extra.length];
        args[0] = "validate";
        args[1] = "--rules";
        args[2] = r.toString();
        args[3] = "--box";
        args[4] = b.toString();
        System.arraycopy(extra, 0, args, 5, extra.length);
        return ReplayMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), ForwardAllEngine::new0);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusedRuleIsOneErrorLineAndExit2(@TempDir final Path dir) throws IOException
    {
        assertEquals(2, validate(dir, NAT + "-A PREROUTING -m state --state NEW -j ACCEPT\nCOMMIT\n", BOX));
        assertEquals("line 6: match \"state\" is not supported by natcore" + System.lineSeparator(), err());
        assertEquals("", out());
    }

    @Test
    void warningsExit0Or1WithStrict(@TempDir final Path dir) throws IOException
    {
        final String rules = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n" + NAT
            + "-A PREROUTING -d 172.16.20.6/32 -i eth0 -p tcp -m tcp --dport 22 -j DNAT --to-destination 192.168.1.5:22\n"
            + "-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n";
        assertEquals(0, validate(dir, rules, BOX), err());
        final String expected = String.join(System.lineSeparator(),
            "warning: line 3: policy DROP of filter FORWARD is not enforced: natcore lets these packets through",
            "line 11: tcp to 172.16.20.6:22 in eth0 -> DNAT 192.168.1.5:22, out eth0 via 172.16.2.1, source masqueraded"
                + " to 172.16.2.5 by line 12",
            "line 12: all out eth0 -> MASQUERADE to 172.16.2.5", "");
        assertEquals(expected, out());
        out.reset();
        assertEquals(1, validate(dir, rules, BOX, "--strict"));
        assertEquals(expected, out());
    }

    @Test
    void cleanRulesExit0EvenWithStrict(@TempDir final Path dir) throws IOException
    {
        assertEquals(0, validate(dir, NAT + "-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n", BOX, "--strict"));
        assertEquals("line 6: all out eth0 -> MASQUERADE to 172.16.2.5" + System.lineSeparator(), out());
    }

    @Test
    void badBoxIsAnErrorNamingTheFile(@TempDir final Path dir) throws IOException
    {
        assertEquals(2, validate(dir, NAT + "COMMIT\n", "ifindex 1 lo\nbogus\n"));
        assertTrue(err().endsWith("box.txt: line 2: expected ifindex, addr or route, got \"bogus\"" + System.lineSeparator()),
            err());
    }

    @Test
    void missingOptionIsAUsageError()
    {
        assertEquals(2, ReplayMain.run(new String[] {"validate", "--rules", "x"}, new PrintStream(out), new PrintStream(err),
            ForwardAllEngine::new0));
        assertTrue(err().contains("validate needs --box (try validate --help)"), err());
    }
}
