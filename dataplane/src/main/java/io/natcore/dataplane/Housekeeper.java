/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.engine.NatEngine;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The dataplane's off-path thread: expires connections (the workers run with {@code expiryWorkPerPacket(0)}),
 * publishes the engine's verdict and reason counters, the rings' PACKET_STATISTICS and a heartbeat to the
 * counters file, and answers {@code conntrack} listing requests from other processes (a request file in the
 * control directory; the listing is written beside it and renamed into place). Every step runs under the
 * dataplane's engine lock, which a reload holds while it swaps the engine.
 */
final class Housekeeper implements Runnable
{
    static final long TICK_MILLIS = 10;
    static final long PUBLISH_EVERY_MILLIS = 100;
    static final int EXPIRY_WORK = 8192;
    static final String CONNTRACK_REQUEST = "conntrack.request";
    static final String CONNTRACK_LISTING = "conntrack.txt";

    private final Dataplane dp;
    private final CountersFile file;
    /** values() clones its array at every call: once here, not at every publish (no garbage in steady state). */
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Reason[] REASONS = Reason.values();

    private final AtomicCounter[] verdicts = new AtomicCounter[Verdict.values().length];
    private final AtomicCounter[] reasons = new AtomicCounter[Reason.values().length];
    /** Counts of engines replaced by reloads, so published counters keep growing across them. */
    private final long[] verdictBase = new long[Verdict.values().length];
    private final long[] reasonBase = new long[Reason.values().length];
    private final AtomicCounter connections;
    private final AtomicCounter earlyDrops;
    private final AtomicCounter neighboursResolved;
    private final AtomicCounter[] allocated;
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
    private final AtomicCounter[] ringPackets;
    private final AtomicCounter[] ringDrops;
    private final long[][] ringTotals;
    /** The conntrack listing request, checked every publish. */
    private final File requestFile;
    volatile boolean running = true;
    private long lastLinkCheckMs;

    Housekeeper(final Dataplane dp, final CountersFile file, final CountersManager manager, final int workers)
    {
        this.dp = dp;
        this.file = file;
        this.requestFile = dp.options.dir.resolve(CONNTRACK_REQUEST).toFile();
        for (final Verdict v : VERDICTS)
        {
            verdicts[v.ordinal()] = new AtomicCounter(file.values, manager.allocate("verdict " + v.name()));
        }
        for (final Reason r : REASONS)
        {
            reasons[r.ordinal()] = new AtomicCounter(file.values, manager.allocate("reason " + r.label()));
        }
        connections = new AtomicCounter(file.values, manager.allocate("connections"));
        earlyDrops = new AtomicCounter(file.values,
            manager.allocate("table early drops (unassured connections evicted when full)"));
        neighboursResolved = new AtomicCounter(file.values, manager.allocate("neighbours resolved"));
        allocated = new AtomicCounter[workers];
        ringPackets = new AtomicCounter[workers];
        ringDrops = new AtomicCounter[workers];
        ringTotals = new long[workers][2];
        for (int w = 0; w < workers; w++)
        {
            ringPackets[w] = new AtomicCounter(file.values, manager.allocate("worker " + w + ": ring packets"));
            ringDrops[w] = new AtomicCounter(file.values, manager.allocate("worker " + w + ": ring drops (full)"));
            allocated[w] = new AtomicCounter(file.values, manager.allocate("worker " + w + ": heap bytes allocated"));
        }
    }

    @Override
    public void run()
    {
        long lastPublish = 0;
        while (running)
        {
            final long nowMs = System.currentTimeMillis();
            synchronized (dp.engineLock)
            {
                final NatEngine engine = dp.generation().engine;
                engine.expire(BoxClock.nanos(), EXPIRY_WORK);
                if (nowMs - lastPublish >= PUBLISH_EVERY_MILLIS)
                {
                    lastPublish = nowMs;
                    publish(engine);
                    answerListingRequest(engine);
                    file.heartbeat(nowMs);
                }
            }
            if (nowMs - lastLinkCheckMs >= 1000)
            {
                lastLinkCheckMs = nowMs;
                if (LibC.if_nametoindex(dp.options.iface) <= 0)
                {
                    System.err.println("natcore-dataplane: interface " + dp.options.iface + " is gone; stopping");
                    dp.interfaceGone();
                    return;
                }
            }
            try
            {
                Thread.sleep(TICK_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    /** Folds a retiring engine's counts into the bases (reload; under the engine lock). */
    void retire(final NatEngine old)
    {
        for (final Verdict v : VERDICTS)
        {
            verdictBase[v.ordinal()] += old.counter(v);
        }
        for (final Reason r : REASONS)
        {
            reasonBase[r.ordinal()] += old.counter(r);
        }
    }

    /** Publishes everything now (also at stop, so the final counters are complete). */
    void publish(final NatEngine engine)
    {
        for (final Verdict v : VERDICTS)
        {
            verdicts[v.ordinal()].setOpaque(verdictBase[v.ordinal()] + engine.counter(v));
        }
        for (final Reason r : REASONS)
        {
            reasons[r.ordinal()].setOpaque(reasonBase[r.ordinal()] + engine.counter(r));
        }
        connections.setOpaque(engine.size());
        earlyDrops.setOpaque(engine.table().earlyDrops()); // kept in the table file: counts across restarts
        neighboursResolved.setOpaque(dp.neighbours.resolvedCount());
        for (int w = 0; w < ringPackets.length; w++)
        {
            dp.workers[w].socket().readStatistics(ringTotals[w]);
            ringPackets[w].setOpaque(ringTotals[w][0]);
            ringDrops[w].setOpaque(ringTotals[w][1]);
            final long bytes = dp.threads[w] == null ? -1 : threads.getThreadAllocatedBytes(dp.threads[w].getId());
            if (bytes >= 0)
            {
                allocated[w].setOpaque(bytes); // the packet loop's garbage: flat once warm (a test holds it to that)
            }
        }
    }

    private void answerListingRequest(final NatEngine engine)
    {
        if (!requestFile.exists()) // java.io.File: no exception, no garbage, when absent (Files.exists made both)
        {
            return;
        }
        final Path request = requestFile.toPath();
        final Path tmp = dp.options.dir.resolve(CONNTRACK_LISTING + ".tmp");
        try
        {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))
            {
                engine.dumpConntrack(w, BoxClock.nanos());
            }
            Files.move(tmp, dp.options.dir.resolve(CONNTRACK_LISTING), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(request);
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("natcore-dataplane: conntrack listing failed: " + ex);
        }
    }
}
