/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

/**
 * The Linux GRE tracker ({@code nf_conntrack_gre_packet}): GRE is not "generic" in the kernel.
 * 30 s until a reply is seen, then 180 s and ASSURED (one event when set). The tuple holds the GRE
 * keys (0 for plain version-0 GRE: effectively addresses only, as trace 14 shows). No state.
 */
public final class GreTracker
{
    private final Timeouts timeouts;

    public GreTracker(final Timeouts timeouts)
    {
        this.timeouts = timeouts;
    }

    /**
     * @param seenReply entry's SEEN_REPLY before this packet.
     * @param assured   entry's ASSURED before this packet.
     * @param out       receives ACCEPT and the timeout.
     * @return {@code out.verdict}.
     */
    public int packet(final boolean seenReply, final boolean assured, final TrackResult out)
    {
        out.clear();
        out.refresh = true;
        if (seenReply)
        {
            out.timeoutNanos = timeouts.greReplied();
            if (!assured)
            {
                out.setAssured = true;
                out.events = TrackResult.EVENT_ASSURED;
            }
        }
        else
        {
            out.timeoutNanos = timeouts.greUnreplied();
        }
        return out.verdict;
    }
}
