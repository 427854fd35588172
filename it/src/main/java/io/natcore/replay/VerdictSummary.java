/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;

/**
 * Counts of a replay: records read and skipped, and per verdict and reason the packets the
 * engine judged. Counting is plain array increments (no allocation per packet).
 */
public final class VerdictSummary
{
    private final ReplayEngine engine;
    private final long[][] counts;
    /** Records read from the pcap. */
    public long records;
    /** Records the capturing host sent (SLL/SLL2 type 4) and not fed to the engine: its forwards of received ones. */
    public long skippedOutgoing;
    /** Records the box's own stack sent, fed to the engine's OUTPUT entry point ({@code check}). */
    public long ownStack;
    /** Records without an IPv4 packet. */
    public long skippedNonIpv4;
    /** Received packets handed to the engine. */
    public long processed;
    /** Packets the engine sent out. */
    public long sent;

    /**
     * @param engine names the verdicts and reasons.
     */
    public VerdictSummary(final ReplayEngine engine)
    {
        this.engine = engine;
        this.counts = new long[engine.verdictCount()][engine.reasonCount()];
    }

    /**
     * Counts the engine's last verdict and reason.
     */
    public void countLast()
    {
        processed++;
        counts[engine.verdict()][engine.reason()]++;
    }

    /**
     * Counts the engine's last verdict and reason, for a packet of the box's own stack ({@link #ownStack}).
     */
    public void countLastOwn()
    {
        ownStack++;
        counts[engine.verdict()][engine.reason()]++;
    }

    /**
     * @param verdict a verdict ordinal.
     * @return packets with that verdict.
     */
    public long verdictTotal(final int verdict)
    {
        long n = 0;
        for (final long c : counts[verdict])
        {
            n += c;
        }
        return n;
    }

    /**
     * @return each verdict seen with its count, e.g. "FORWARD 41, DROP 2".
     */
    public String verdictCounts()
    {
        final StringBuilder sb = new StringBuilder();
        for (int v = 0; v < counts.length; v++)
        {
            final long total = verdictTotal(v);
            if (total != 0)
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(engine.verdictName(v)).append(' ').append(total);
            }
        }
        return sb.length() == 0 ? "no packets judged" : sb.toString();
    }

    /**
     * @param reason a reason name.
     * @return packets judged with that reason, whatever the verdict.
     */
    public long reasonTotal(final String reason)
    {
        long n = 0;
        for (int r = 0; r < engine.reasonCount(); r++)
        {
            if (engine.reasonName(r).equals(reason))
            {
                for (final long[] byReason : counts)
                {
                    n += byReason[r];
                }
            }
        }
        return n;
    }

    /**
     * Prints the summary, one line per verdict and one indented line per reason seen.
     *
     * @param out destination.
     */
    public void print(final PrintStream out)
    {
        out.printf("records %d: %d received packets processed, %d sent out; skipped %d sent by the box, %d not IPv4%s%n",
            records, processed, sent, skippedOutgoing, skippedNonIpv4,
            ownStack == 0 ? "" : "; " + ownStack + " of the box's own stack through its OUTPUT entry point");
        for (int v = 0; v < counts.length; v++)
        {
            final long total = verdictTotal(v);
            if (total == 0)
            {
                continue;
            }
            out.printf("  %-14s %8d%n", engine.verdictName(v), total);
            for (int r = 0; r < counts[v].length; r++)
            {
                if (counts[v][r] != 0)
                {
                    out.printf("    %-30s %8d%n", engine.reasonName(r), counts[v][r]);
                }
            }
        }
    }
}
