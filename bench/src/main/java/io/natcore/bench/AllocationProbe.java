package io.natcore.bench;

import java.lang.management.ManagementFactory;

/**
 * Allocation proof that does not depend on JMH's accounting: warms a packet path up, then reads the calling
 * thread's allocated-bytes counter ({@code com.sun.management.ThreadMXBean}) around a measured run. JMH's
 * {@code gc.alloc.rate.norm} also counts its own threads, which shows as a few hundredths of a byte per op on
 * benchmarks with fewer ops per iteration. The counter read's own allocation (an empty window) is subtracted;
 * three measured rounds are printed, the last one decides the exit status (earlier rounds may still see JIT
 * recompilation).
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.natcore.bench.AllocationProbe [flows]}. Prints bytes allocated per path and round; exits 1 when the last round
 * of any path allocates one byte or more per 10,000 packets.
 */
public final class AllocationProbe
{
    private static final int WARM = 3_000_000;
    private static final int MEASURED = 5_000_000;
    private static final int ROUNDS = 3;
    private static final long READ_COST = readCost();

    private AllocationProbe()
    {
    }

    /**
     * @param args optional connection count for the translate paths (default 100000).
     */
    public static void main(final String[] args)
    {
        final int flows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long worst = 0;
        for (final String traffic : new String[] { "dnatMasq", "mix" })
        {
            final NewConnectionBenchmark b = new NewConnectionBenchmark();
            b.traffic = traffic;
            b.setup();
            for (int i = 0; i < WARM; i++)
            {
                b.newConnection();
            }
            for (int round = 1; round <= ROUNDS; round++)
            {
                final long before = allocated();
                for (int i = 0; i < MEASURED; i++)
                {
                    b.newConnection();
                }
                worst = Math.max(worst, report("newConnection " + traffic, round, allocated() - before, MEASURED));
            }
            b.tearDown();
        }
        try (EstablishedFlows f = new EstablishedFlows(flows, EstablishedFlows.defaultPoolSize(flows), 42))
        {
            final Worker w = new Worker(f, 0, 1);
            final int bursts = MEASURED / Worker.BURST;
            for (int i = 0; i < WARM / Worker.BURST; i++)
            {
                w.receive();
                w.processEach();
                w.receive();
                w.processBurst();
            }
            for (int round = 1; round <= ROUNDS; round++)
            {
                long before = allocated();
                for (int i = 0; i < bursts; i++)
                {
                    w.receive();
                    w.processEach();
                }
                worst = Math.max(worst, report("translate single, " + flows + " flows", round,
                    allocated() - before, bursts * Worker.BURST));
                before = allocated();
                for (int i = 0; i < bursts; i++)
                {
                    w.receive();
                    w.processBurst();
                }
                worst = Math.max(worst, report("translate burst32, " + flows + " flows", round,
                    allocated() - before, bursts * Worker.BURST));
            }
        }
        // A per-packet allocation shows as >= 16 bytes per packet; what remains after warm-up is a few dozen bytes per
        // round whatever its length (the measuring itself), so the bar is one byte per 10,000 packets.
        System.exit(worst * 10_000L < MEASURED ? 0 : 1);
    }

    private static long report(final String what, final int round, final long measured, final long packets)
    {
        final long bytes = measured - READ_COST;
        System.out.println(what + ", round " + round + ": " + bytes + " bytes allocated over " + packets + " packets");
        return round == ROUNDS ? bytes : 0;
    }

    /** Bytes the counter read itself allocates (JDK 17 builds arrays in getThreadAllocatedBytes): an empty window. */
    private static long readCost()
    {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 1000; i++)
        {
            final long before = allocated();
            min = Math.min(min, allocated() - before);
        }
        return min;
    }

    private static long allocated()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
