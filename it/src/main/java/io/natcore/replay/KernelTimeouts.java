/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import io.natcore.track.SysctlTimeouts;
import io.natcore.track.Timeouts;

/**
 * The box's conntrack timeouts from a trace's {@code sysctl.txt} ({@code sysctl -a} lines, {@code name = seconds}),
 * as the engine's {@link Timeouts} ({@link SysctlTimeouts}), so a replay expires connections when the kernel did.
 */
public final class KernelTimeouts
{
    private KernelTimeouts()
    {
    }

    /**
     * @param sysctlText {@code sysctl.txt}: lines {@code name = value}; blank lines and {@code #} comments skipped.
     * @return Linux default timeouts with those the text names replaced.
     * @throws ReplayException on a line that is not {@code name = non-negative integer} for a timeout it knows.
     */
    public static Timeouts parse(final String sysctlText) throws ReplayException
    {
        try
        {
            return SysctlTimeouts.parse(sysctlText);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ReplayException("sysctl.txt " + ex.getMessage(), ex);
        }
    }
}
