/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * The Linux generic tracker ({@code nf_conntrack_proto_generic.c}): protocols without a tracker are
 * tracked by addresses only and refreshed to 600 s on every packet, in both directions. No state.
 */
public final class GenericTracker
{
    private final Timeouts timeouts;

    public GenericTracker(final Timeouts timeouts)
    {
        this.timeouts = timeouts;
    }

    /**
     * @param out receives ACCEPT with the generic timeout.
     * @return {@code out.verdict}.
     */
    public int packet(final TrackResult out)
    {
        out.clear();
        out.refresh = true;
        out.timeoutNanos = timeouts.generic();
        return out.verdict;
    }
}
