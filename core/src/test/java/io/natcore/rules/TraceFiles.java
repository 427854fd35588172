/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the copies of the traces' rules.txt and box.txt under test resources "rules/". */
final class TraceFiles
{
    static final String[] SCENARIOS = {
        "01-dnat-within-azure", "02-routed-without-nat", "03-dnat-from-onprem", "04-snat-masquerade",
        "05-reverse-dnat-to-onprem", "06-unadvertised-range", "07-udp-dnat-masquerade",
        "08-icmp-echo-address-dnat", "09-icmp-errors-related", "10-masquerade-port-clash", "11-many-flows",
        "12-udp-fragments", "13-lossy-links", "14-malformed-input",
    };

    private TraceFiles()
    {
    }

    static String read(final String scenario, final String file)
    {
        final String path = "/rules/" + scenario + "/" + file;
        try (InputStream in = TraceFiles.class.getResourceAsStream(path))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Dotted quad to int, written independently of Ipv4Text so tests do not trust the code under test. */
    static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
            | Integer.parseInt(p[3]);
    }
}
