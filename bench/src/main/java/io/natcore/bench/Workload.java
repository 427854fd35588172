package io.natcore.bench;

/**
 * The latency runs' workload options, shared by {@link LatencyRound} and {@link AbsoluteGate}: {@code --flows N
 * --threads N --packets N (total, measured) --warmup N (per thread, unmeasured) --pool N --expiry-work N}.
 */
final class Workload
{
    int flows;
    int threads;
    long packets;
    long warmup;
    int pool = -1;

    Workload(final int flows, final int threads, final long packets, final long warmup)
    {
        this.flows = flows;
        this.threads = threads;
        this.packets = packets;
        this.warmup = warmup;
    }

    /**
     * Take the workload option at {@code args[i]}, if it is one.
     *
     * @return the index of its last argument, or -1 when {@code args[i]} is not a workload option.
     * @throws RuntimeException on a missing or malformed value.
     */
    int accept(final String[] args, final int i)
    {
        switch (args[i])
        {
            case "--flows": flows = Integer.parseInt(args[i + 1]); return i + 1;
            case "--threads": threads = Integer.parseInt(args[i + 1]); return i + 1;
            case "--packets": packets = Long.parseLong(args[i + 1]); return i + 1;
            case "--warmup": warmup = Long.parseLong(args[i + 1]); return i + 1;
            case "--pool": pool = Integer.parseInt(args[i + 1]); return i + 1;
            case "--expiry-work":
                System.setProperty(Trace05.EXPIRY_WORK_PROPERTY, Integer.toString(Integer.parseInt(args[i + 1])));
                return i + 1;
            default: return -1;
        }
    }

    /** @throws IllegalArgumentException when a count is out of range. */
    void check()
    {
        if (flows < 1 || threads < 1 || packets < threads || warmup < 0)
        {
            throw new IllegalArgumentException("flows, threads, packets must be positive");
        }
    }

    /**
     * @return the run's measurement.
     * @throws Exception when a worker fails.
     */
    LatencyRound.Result measure() throws Exception
    {
        return LatencyRound.measure(flows, threads, packets, warmup, pool);
    }
}
