package io.natcore.bench;

import io.natcore.engine.Verdict;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * One measured run of the latency gate, in its own JVM: translates packets of established connections
 * ({@link EstablishedFlows}) on N threads sharing one engine, times every {@code process()} call with a
 * {@link System#nanoTime()} pair and records it in an HdrHistogram.
 * <p>
 * As a program ({@link #main}) it prints one {@code round ...} summary line and one {@code HIST <base64>} line
 * (the compressed histogram) for {@link LatencyGate}, which runs baseline and candidate rounds interleaved. Exit
 * status 0, 2 on a usage error, 3 when a packet was not forwarded (a broken path must not pass).
 * <p>
 * The benchmark-only slowdown switch: system property {@value #SLOWDOWN_PROPERTY} (a fraction, e.g. 0.2), read once
 * into {@link #SLOWDOWN}. When positive, every timed packet also runs a fixed spin sized to that fraction of this
 * JVM's warm-up median, so the candidate's per-packet median is that much slower. It exists to prove the gate can
 * fail; it lives here and nowhere in core's packet path. At 0 the JIT drops the branch.
 */
public final class LatencyRound
{
    /** System property of the injected slowdown (fraction of the warm-up median per packet). */
    public static final String SLOWDOWN_PROPERTY = "natcore.bench.slowdown";
    /** Read once; 0 = off. */
    static final double SLOWDOWN = Double.parseDouble(System.getProperty(SLOWDOWN_PROPERTY, "0"));
    /** Prefix of the summary line. */
    static final String ROUND_PREFIX = "round ";
    /** Prefix of the histogram line. */
    static final String HIST_PREFIX = "HIST ";
    /** Exit status when a packet was not forwarded. */
    static final int BROKEN_PATH = 3;

    static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);
    /** Keeps the slowdown spin's result alive. */
    private static volatile long sink;

    /** What one run measured. */
    static final class Result
    {
        final Histogram histogram;
        final long notForwarded;
        final long runNanos;
        final double setupSeconds;
        final int poolSize;
        final int slowdownSpins;

        Result(final Histogram h, final long bad, final long run, final double setup, final int pool, final int spins)
        {
            histogram = h;
            notForwarded = bad;
            runNanos = run;
            setupSeconds = setup;
            poolSize = pool;
            slowdownSpins = spins;
        }
    }

    private LatencyRound()
    {
    }

    /**
     * @param args {@code --flows N --threads N --packets N (total, measured) --warmup N (per thread) [--pool N]
     *             [--expiry-work N]}.
     */
    public static void main(final String[] args)
    {
        final Workload w = new Workload(200_000, 1, 1_000_000, 500_000);
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                final int taken = w.accept(args, i);
                if (taken < 0)
                {
                    throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i = taken;
            }
            w.check();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("latency round: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final Result r;
        try
        {
            r = w.measure();
        }
        catch (final Exception ex)
        {
            System.err.println("latency round: " + ex);
            System.exit(2);
            return;
        }
        final Histogram h = r.histogram;
        System.out.printf(Locale.ROOT, "%sp50=%d p99=%d p99.9=%d p99.99=%d max=%d setup=%.1fs run=%.2fs spins=%d%n",
            ROUND_PREFIX, h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
            h.getValueAtPercentile(99.99), h.getMaxValue(), r.setupSeconds, r.runNanos / 1e9, r.slowdownSpins);
        System.out.println(HIST_PREFIX + encode(h));
        System.out.flush();
        System.exit(r.notForwarded > 0 ? BROKEN_PATH : 0);
    }

    /**
     * Build the flows, warm up, then time {@code packets} packets split over {@code threads} threads.
     *
     * @param flows   established connections.
     * @param threads threads sharing the engine.
     * @param packets measured packets in total.
     * @param warmup  unmeasured packets per thread first.
     * @param pool    distinct packets (-1: the default for {@code flows}).
     * @return the merged histogram and counts.
     * @throws Exception when a worker fails.
     */
    static Result measure(final int flows, final int threads, final long packets, final long warmup, final int pool)
        throws Exception
    {
        final long setupStart = System.nanoTime();
        final EstablishedFlows established = new EstablishedFlows(
            flows, pool > 0 ? pool : EstablishedFlows.defaultPoolSize(flows), 7);
        final double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        final long perThread = packets / threads;
        final Histogram[] histograms = new Histogram[threads];
        final long[] notForwarded = new long[threads];
        final long[] runNanos = new long[threads];
        final int[] spins = new int[threads];
        final Throwable[] failures = new Throwable[threads];
        final CyclicBarrier start = new CyclicBarrier(threads);
        final Thread[] runners = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            final Worker worker = new Worker(established, t, threads);
            histograms[t] = new Histogram(HIGHEST, 3);
            runners[t] = new Thread(() ->
            {
                try
                {
                    spins[id] = warm(worker, warmup);
                    start.await();
                    final long begin = System.nanoTime();
                    notForwarded[id] = timed(worker, perThread, spins[id], histograms[id]);
                    runNanos[id] = System.nanoTime() - begin;
                }
                catch (final Throwable ex)
                {
                    failures[id] = ex;
                }
            }, "latency-round-" + t);
            runners[t].start();
        }
        for (final Thread r : runners)
        {
            r.join();
        }
        final int poolSize = established.poolSize;
        established.close();
        final Histogram all = new Histogram(HIGHEST, 3);
        long bad = 0;
        long longest = 0;
        for (int t = 0; t < threads; t++)
        {
            if (failures[t] != null)
            {
                throw new IllegalStateException("worker failed", failures[t]);
            }
            all.add(histograms[t]);
            bad += notForwarded[t];
            longest = Math.max(longest, runNanos[t]);
        }
        return new Result(all, bad, longest, setupSeconds, poolSize, spins[0]);
    }

    /** Unmeasured packets; with the slowdown switch on, also sizes the spin from their timed median. */
    private static int warm(final Worker w, final long warmup)
    {
        if (SLOWDOWN <= 0)
        {
            for (long i = 0; i < warmup; i++)
            {
                w.receiveOne();
                w.processOne();
            }
            return 0;
        }
        final Histogram h = new Histogram(HIGHEST, 3);
        timed(w, warmup, 0, h);
        final double nanosPerSpin = nanosPerSpin();
        return (int)Math.max(1, Math.round(SLOWDOWN * h.getValueAtPercentile(50) / nanosPerSpin));
    }

    /** Cost of one {@link PlatformFloor#spin} step, timed in bulk so the timer's own cost does not count. */
    static double nanosPerSpin()
    {
        final int n = 1 << 20;
        long best = Long.MAX_VALUE;
        long acc = 0;
        for (int k = 0; k < 12; k++)
        {
            final long t0 = System.nanoTime();
            acc += PlatformFloor.spin(n, k);
            best = Math.min(best, System.nanoTime() - t0);
        }
        sink = acc;
        return (double)best / n;
    }

    /** @return packets not forwarded. */
    private static long timed(final Worker w, final long packets, final int spins, final Histogram h)
    {
        long bad = 0;
        long acc = 0;
        for (long i = 0; i < packets; i++)
        {
            w.receiveOne();
            final long t0 = System.nanoTime();
            final Verdict v = w.processOne();
            if (SLOWDOWN > 0)
            {
                acc += PlatformFloor.spin(spins, i);
            }
            final long t1 = System.nanoTime();
            h.recordValue(Math.min(Math.max(0, t1 - t0), HIGHEST));
            if (v != Verdict.FORWARD)
            {
                bad++;
            }
        }
        sink = acc;
        return bad;
    }

    /** @return the histogram compressed and base64-encoded, one line. */
    static String encode(final Histogram h)
    {
        final ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        final int n = h.encodeIntoCompressedByteBuffer(buf);
        final byte[] bytes = new byte[n];
        buf.flip();
        buf.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * @param base64 what {@link #encode} wrote.
     * @return the histogram.
     * @throws java.util.zip.DataFormatException when corrupt.
     */
    static Histogram decode(final String base64) throws java.util.zip.DataFormatException
    {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64.trim())), 0);
    }
}
