package io.natcore.bench;

import io.natcore.packet.PacketParser;
import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * The whole per-packet path of established connections (parse with checksum verification, lookup, TCP/UDP/ICMP
 * tracking, rewrite, checksum deltas, TTL, verdict) over {@code flows} connections of the {@link FlowMix} on the
 * trace 05 rule set (DNAT + MASQUERADE), both directions, packets in a random order over all connections.
 * <p>
 * Every invocation first copies {@link Worker#BURST} pristine packets into the receive area (the engine rewrites
 * in place, so each op must start from an untranslated packet; see {@link Worker}), then processes them. Scores are
 * per packet ({@code @OperationsPerInvocation(32)}) and include that copy; {@code copyOnly} measures the copy alone
 * so it can be subtracted. Peers in the same run: {@code parseOnly} (copy + validating parse: the floor of any
 * implementation) and {@code chmTranslate} ({@link ChmTranslator}: a stateless ConcurrentHashMap NAT).
 * <p>
 * Thread scaling: the {@code *Threads1}/{@code *Threads2} methods report throughput in packets/us (= Mpps) with one
 * and two threads sharing the engine, each with its own processor and its own place in the pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {
    BenchJvm.HEAP, BenchJvm.HEAP_MAX,
    BenchJvm.EXPORT_MISC, BenchJvm.OPEN_MISC, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_LANG,
    BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF,
    BenchJvm.EXPORT_NIO_CH, BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS }, jvmArgsAppend = BenchJvm.BOUNDS_CHECKS_OFF)
public class TranslateBenchmark
{
    /** The engine with its established connections and the pristine packet pool (shared by all threads). */
    @State(Scope.Benchmark)
    public static class Flows
    {
        /** Established connections. */
        @Param({ "10000", "1000000" })
        public int flows;

        /**
         * Checksum verification in the parse: true = the kernel's default ({@code nf_conntrack_checksum=1}, IP header
         * and L4 sums checked), false = NIC-validated traffic ({@code NatEngineConfig.Builder.checksumVerification(NONE)}).
         * The peers follow the same setting.
         */
        @Param({ "true", "false" })
        public boolean verify;

        EstablishedFlows established;

        /** Establish the connections (several seconds at 1M). */
        @Setup(Level.Trial)
        public void setup()
        {
            established = new EstablishedFlows(flows, EstablishedFlows.defaultPoolSize(flows), 42, verify);
        }

        /** Free the table. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            established.close();
        }
    }

    /** The ConcurrentHashMap peer, built from the same connections (only for the methods that use it). */
    @State(Scope.Benchmark)
    public static class Chm
    {
        ChmTranslator peer;

        /**
         * @param flows the connections.
         */
        @Setup(Level.Trial)
        public void setup(final Flows flows)
        {
            peer = new ChmTranslator(flows.established);
        }
    }

    /** One thread's processor, receive area and parse holder. */
    @State(Scope.Thread)
    public static class Rx
    {
        Worker worker;
        boolean verifyIp;
        boolean verifyL4;
        final ParsedPacket pkt = new ParsedPacket();
        final ChmTranslator.TupleKey probe = ChmTranslator.newProbe();
        /** Keys and handles of one burst (the stage benchmarks). */
        final long[] k0 = new long[Worker.BURST];
        final long[] k1 = new long[Worker.BURST];
        final long[] handles = new long[Worker.BURST];

        /**
         * @param flows  the connections.
         * @param thread this thread's index and the thread count.
         */
        @Setup(Level.Trial)
        public void setup(final Flows flows, final ThreadParams thread)
        {
            worker = new Worker(flows.established, thread.getThreadIndex(), thread.getThreadCount());
            verifyIp = flows.verify;
            verifyL4 = flows.verify && Trace05.VERIFY_L4;
        }
    }

    /**
     * Each packet through {@code process()} one at a time.
     *
     * @param rx this thread's state.
     * @return verdict sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int singlePacket(final Rx rx)
    {
        rx.worker.receive();
        return rx.worker.processEach();
    }

    /**
     * Bursts of 32 through {@code processBurst()}.
     *
     * @param rx this thread's state.
     * @return verdict-dependent value.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int burst32(final Rx rx)
    {
        rx.worker.receive();
        return rx.worker.processBurst();
    }

    /**
     * The restore copy alone (part of every other method here).
     *
     * @param rx this thread's state.
     * @return a length.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int copyOnly(final Rx rx)
    {
        rx.worker.receive();
        return rx.worker.lengths[Worker.BURST - 1];
    }

    /**
     * Peer: copy + validating parse, nothing else.
     *
     * @param rx this thread's state.
     * @return status sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int parseOnly(final Rx rx)
    {
        final Worker w = rx.worker;
        w.receive();
        int acc = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            acc += PacketParser.parse(w.rx, w.offsets[k], w.lengths[k], rx.pkt, rx.verifyIp, rx.verifyL4).ordinal();
        }
        return acc;
    }

    /**
     * The validating parse alone, without the receive copy: the same 32 pool packets {@code parseOnly} would copy,
     * parsed where they lie in the pool (the parse only reads). Shows the parse's own cost, without the stalls of
     * reading bytes the copy has just stored.
     *
     * @param rx this thread's state.
     * @return status sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int parseInPlace(final Rx rx)
    {
        final Worker w = rx.worker;
        final int c = w.cursor;
        final int[] poolLengths = w.flows.poolLengths;
        int acc = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            acc += PacketParser.parse(
                w.flows.pool, (c + k) * EstablishedFlows.SLOT, poolLengths[c + k], rx.pkt, rx.verifyIp, rx.verifyL4)
                .ordinal();
        }
        final int next = c + Worker.BURST;
        w.cursor = next == w.flows.poolSize ? 0 : next;
        return acc;
    }

    /**
     * The validating parse of one pool packet (a TCP/UDP/ICMP packet of the mix), 32 times over: its bytes in L1 and
     * every branch predicted, so this is the parse's own instruction cost, without cache misses or the mispredicted
     * protocol dispatch of a random mix.
     *
     * @param rx this thread's state.
     * @return status sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int parseOnePacket(final Rx rx)
    {
        final Worker w = rx.worker;
        final int len = w.flows.poolLengths[5];
        int acc = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            acc += PacketParser.parse(w.flows.pool, 5 * EstablishedFlows.SLOT, len, rx.pkt, rx.verifyIp, rx.verifyL4)
                .ordinal();
        }
        return acc;
    }

    /**
     * Stage prefix: copy + validating parse + one {@link FlowTable#lookupBurst} for the burst's keys
     * (what {@code processBurst} does before any entry is touched). Minus {@code parseOnly}: the lookup stage.
     *
     * @param rx this thread's state.
     * @return handle sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public long parseLookup(final Rx rx)
    {
        return parseAndLookup(rx);
    }

    /**
     * Stage prefix: {@code parseLookup}, then each hit entry's write lock taken and released (the CAS and release
     * store every established packet pays). Minus {@code parseLookup}: the lock stage; {@code burst32} minus this is
     * tracking, rewrite, counters and verdict.
     *
     * @param rx this thread's state.
     * @return handle sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public long parseLookupLock(final Rx rx)
    {
        final long acc = parseAndLookup(rx);
        final FlowTable table = rx.worker.flows.engine.table();
        final long[] handles = rx.handles;
        long seq = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            final int entry = FlowTable.entry(handles[k]);
            seq += table.beginWrite(entry);
            table.endWrite(entry);
        }
        return acc + seq;
    }

    private static long parseAndLookup(final Rx rx)
    {
        final Worker w = rx.worker;
        w.receive();
        final ParsedPacket pkt = rx.pkt;
        final int zone = w.flows.engine.config().zone();
        for (int k = 0; k < Worker.BURST; k++)
        {
            PacketParser.parse(w.rx, w.offsets[k], w.lengths[k], pkt, rx.verifyIp, rx.verifyL4);
            rx.k0[k] = FlowKey.k0(pkt.srcIp, pkt.dstIp);
            rx.k1[k] = FlowKey.k1(pkt.keySrcPort(), pkt.keyDstPort(), pkt.protocol, zone);
        }
        w.flows.engine.table().lookupBurstTouchingCold(rx.k0, rx.k1, Worker.BURST, rx.handles);
        long acc = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            acc += rx.handles[k];
        }
        return acc;
    }

    /**
     * Peer: copy + ConcurrentHashMap translate ({@link ChmTranslator}).
     *
     * @param rx  this thread's state.
     * @param chm the peer.
     * @return egress sum.
     */
    @Benchmark
    @OperationsPerInvocation(Worker.BURST)
    public int chmTranslate(final Rx rx, final Chm chm)
    {
        return chmBurst(rx, chm);
    }

    /**
     * Throughput, one thread, bursts of 32.
     *
     * @param rx this thread's state.
     * @return verdict-dependent value.
     */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(Worker.BURST)
    public int burst32Threads1(final Rx rx)
    {
        rx.worker.receive();
        return rx.worker.processBurst();
    }

    /**
     * Throughput, two threads sharing the engine, bursts of 32.
     *
     * @param rx this thread's state.
     * @return verdict-dependent value.
     */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(Worker.BURST)
    public int burst32Threads2(final Rx rx)
    {
        rx.worker.receive();
        return rx.worker.processBurst();
    }

    /**
     * Peer throughput, one thread.
     *
     * @param rx  this thread's state.
     * @param chm the peer.
     * @return egress sum.
     */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(Worker.BURST)
    public int chmTranslateThreads1(final Rx rx, final Chm chm)
    {
        return chmBurst(rx, chm);
    }

    /**
     * Peer throughput, two threads.
     *
     * @param rx  this thread's state.
     * @param chm the peer.
     * @return egress sum.
     */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(Worker.BURST)
    public int chmTranslateThreads2(final Rx rx, final Chm chm)
    {
        return chmBurst(rx, chm);
    }

    private static int chmBurst(final Rx rx, final Chm chm)
    {
        final Worker w = rx.worker;
        w.receive();
        int acc = 0;
        for (int k = 0; k < Worker.BURST; k++)
        {
            acc += chm.peer.translate(w.rx, w.offsets[k], w.lengths[k], rx.pkt, rx.probe);
        }
        return acc;
    }
}
