/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which ports a NAT may draw in place of a given one (trace rule 2): Linux keeps a source
 * port's class (1-511, 600-1023, 1024-65535; 512-599 draw from 600-1023) unless the rule names
 * a range, and then draws from the range. Ranges are read from the iptables-save text with
 * a pattern, independently of the engine's rule parser.
 */
public final class PortClasses
{
    private static final Pattern RANGE =
        Pattern.compile("--to-(?:ports|source|destination)\\s+(?:[0-9.]+(?:-[0-9.]+)?)?:?(\\d+)(?:-(\\d+))?");

    private final List<int[]> ranges = new ArrayList<>();

    /**
     * @param rulesText iptables-save text (may be empty).
     */
    public PortClasses(final String rulesText)
    {
        final Matcher m = RANGE.matcher(rulesText);
        while (m.find())
        {
            final String whole = m.group(0);
            if (!whole.contains(":") && !whole.startsWith("--to-ports"))
            {
                continue; // an address only, no ports
            }
            final int lo = Integer.parseInt(m.group(1));
            final int hi = m.group(2) != null ? Integer.parseInt(m.group(2)) : lo;
            ranges.add(new int[] {lo, hi});
        }
    }

    /**
     * @param proto       protocol (ICMP identifiers may take any value).
     * @param kernelPort  the port the kernel used.
     * @param enginePort  the port the engine used.
     * @return null if the engine's port is a legal draw, else why not.
     */
    public String check(final int proto, final int kernelPort, final int enginePort)
    {
        if (proto == Wire.ICMP)
        {
            return null;
        }
        for (final int[] r : ranges)
        {
            if (r[0] != r[1] && kernelPort >= r[0] && kernelPort <= r[1])
            {
                return enginePort >= r[0] && enginePort <= r[1] ? null :
                    "engine port " + enginePort + " is outside the rule's range " + r[0] + "-" + r[1];
            }
        }
        final int lo;
        final int hi;
        if (kernelPort < 512)
        {
            lo = 1;
            hi = 511;
        }
        else if (kernelPort < 1024)
        {
            lo = 600;
            hi = 1023;
        }
        else
        {
            lo = 1024;
            hi = 65535;
        }
        if (enginePort >= lo && enginePort <= hi)
        {
            return null;
        }
        // The kernel may itself have drawn from a rule range holding the engine's port.
        for (final int[] r : ranges)
        {
            if (enginePort >= r[0] && enginePort <= r[1] && kernelPort >= r[0] && kernelPort <= r[1])
            {
                return null;
            }
        }
        return "engine port " + enginePort + " is not in the class " + lo + "-" + hi + " of kernel port " + kernelPort;
    }
}
