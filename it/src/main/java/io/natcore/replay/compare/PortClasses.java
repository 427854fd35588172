/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which ports a NAT may draw in place of a given one (trace rule 2): only for a translated
 * source (an address of the box, as MASQUERADE uses, or a {@code --to-source} address), and
 * keeping the port's class (1-511, 600-1023, 1024-65535; 512-599 draw from 600-1023) unless
 * the rule names a range, then within the range. Read from the iptables-save and box text
 * with patterns, independently of the engine's parsers.
 */
public final class PortClasses
{
    private static final Pattern TO_PORTS = Pattern.compile("--to-ports\\s+(\\d+)(?:-(\\d+))?");
    private static final Pattern TO_ADDRESS_PORTS =
        Pattern.compile("--to-(?:source|destination)\\s+[0-9.]+(?:-[0-9.]+)?:(\\d+)(?:-(\\d+))?");
    private static final Pattern TO_SOURCE =
        Pattern.compile("--to-source\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:-(\\d+\\.\\d+\\.\\d+\\.\\d+))?");
    private static final Pattern BOX_ADDRESS =
        Pattern.compile("(?m)^\\s*addr\\s+\\S+\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)");

    private final List<int[]> ranges = new ArrayList<>();
    private final List<long[]> sources = new ArrayList<>();

    /**
     * @param rulesText iptables-save text (may be empty).
     * @param boxText   box description with {@code addr NAME CIDR} lines (may be empty).
     */
    public PortClasses(final String rulesText, final String boxText)
    {
        final Matcher src = TO_SOURCE.matcher(rulesText);
        while (src.find())
        {
            final long lo = address(src.group(1));
            sources.add(new long[] {lo, src.group(2) != null ? address(src.group(2)) : lo});
        }
        final Matcher box = BOX_ADDRESS.matcher(boxText);
        while (box.find())
        {
            final long a = address(box.group(1));
            sources.add(new long[] {a, a});
        }
        addRanges(TO_PORTS.matcher(rulesText));
        addRanges(TO_ADDRESS_PORTS.matcher(rulesText));
    }

    private void addRanges(final Matcher m)
    {
        while (m.find())
        {
            final int lo = Integer.parseInt(m.group(1));
            final int hi = m.group(2) != null ? Integer.parseInt(m.group(2)) : lo;
            ranges.add(new int[] {lo, hi});
        }
    }

    /**
     * @param ip an address owning a port that differs.
     * @return true if NAT may have drawn that port: the address is a translated source.
     */
    public boolean mayDraw(final int ip)
    {
        final long a = ip & 0xFFFF_FFFFL;
        for (final long[] r : sources)
        {
            if (a >= r[0] && a <= r[1])
            {
                return true;
            }
        }
        return false;
    }

    private static long address(final String dotted)
    {
        long a = 0;
        for (final String part : dotted.split("\\."))
        {
            a = a << 8 | Integer.parseInt(part);
        }
        return a;
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
