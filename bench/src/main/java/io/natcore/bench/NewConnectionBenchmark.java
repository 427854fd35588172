package io.natcore.bench;

import io.natcore.engine.Counters;
import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.packet.TcpHeader;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The first packet of a new connection through the trace 05 rule set: parse, lookup miss, PREROUTING (DNAT),
 * route, POSTROUTING (MASQUERADE), port choice, insert, rewrite, verdict; one packet per op.
 * <p>
 * {@code traffic=dnatMasq}: TCP SYNs from inside hosts (192.168.1.0/24, 172.16.3.0/24; random ephemeral ports)
 * to the four DNAT addresses: every connection is DNATed to one of two back ends and MASQUERADEd to 172.16.2.5,
 * so the port choice works in two 64k port spaces, about a third occupied (a source port already taken is remapped,
 * as the kernel does). {@code traffic=mix}: the first packets of the {@link FlowMix} (TCP DNAT, TCP/UDP/ICMP
 * MASQUERADE to unique internet destinations).
 * <p>
 * Steady size: the engine clock advances {@link #CLOCK_STEP_NANOS} per packet (a constant clock is passed, no
 * {@code nanoTime} in the op), so unanswered connections time out (TCP SYN_SENT 120 s, UDP/ICMP 30 s) and the
 * engine's own per-packet expiry (default work 2) removes them: about 20k live TCP connections plus expiry lag.
 * The pool of distinct first packets is larger than anything alive at once, so every packet really is new
 * (checked: the teardown compares connections created with packets sent). Each op copies the pristine packet
 * into a receive buffer first (about 2-4 ns; {@code copyOnly} measures it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {
    BenchJvm.HEAP, BenchJvm.HEAP_MAX,
    BenchJvm.EXPORT_MISC, BenchJvm.OPEN_MISC, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_LANG,
    BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF,
    BenchJvm.EXPORT_NIO_CH, BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS }, jvmArgsAppend = BenchJvm.BOUNDS_CHECKS_OFF)
public class NewConnectionBenchmark
{
    /** Clock advance per packet: 120 s SYN_SENT / 6 ms = 20k live unanswered TCP connections. */
    public static final long CLOCK_STEP_NANOS = 6_000_000L;
    /** Table capacity. */
    public static final int CAPACITY = 1 << 16;
    /** Distinct first packets, cycled; a tuple comes back after POOL * 6 ms = 786 s, long expired. */
    public static final int POOL = 1 << 17;
    static final int SLOT = 128;

    private static final int[] DNAT_ADDRESSES = {
        PacketWriter.ip("172.16.20.5"), PacketWriter.ip("172.16.2.65"),
        PacketWriter.ip("172.16.20.6"), PacketWriter.ip("172.16.2.66") };
    private static final int[] DNAT_PORTS = { 80, 80, 22, 22 };

    /** {@code dnatMasq} or {@code mix}. */
    @Param({ "dnatMasq", "mix" })
    public String traffic;

    NatEngine engine;
    PacketProcessor processor;
    UnsafeBuffer pool;
    int[] lengths;
    UnsafeBuffer rx;
    int cursor;
    long now;
    long sent;
    long forwarded;
    long createdAtStart;
    long remappedAtStart;

    /** Build the engine and the pool, then run one pool's worth of packets to reach the steady size. */
    @Setup(Level.Trial)
    public void setup()
    {
        engine = new NatEngine(Trace05.config(CAPACITY).build());
        processor = engine.newProcessor();
        pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(POOL * SLOT, 64));
        lengths = new int[POOL];
        rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SLOT, 64));
        fill(traffic, pool, lengths);
        now = EstablishedFlows.NOW;
        for (int i = 0; i < POOL; i++)
        {
            newConnection();
        }
        sent = 0;
        forwarded = 0;
        createdAtStart = engine.extraCounter(Counters.CONNECTIONS_CREATED);
        remappedAtStart = engine.extraCounter(Counters.PORT_REMAPPED);
    }

    /**
     * Write the pool of first packets for a traffic kind (shared with {@link NewConnectionPartsBenchmark}).
     *
     * @param traffic {@code dnatMasq} or {@code mix}.
     * @param pool    receives packet j at {@code j * SLOT}.
     * @param lengths receives each packet's length.
     */
    static void fill(final String traffic, final UnsafeBuffer pool, final int[] lengths)
    {
        if ("dnatMasq".equals(traffic))
        {
            fillDnatMasq(pool, lengths);
        }
        else if ("mix".equals(traffic))
        {
            fillMix(pool, lengths);
        }
        else
        {
            throw new IllegalArgumentException("traffic " + traffic);
        }
    }

    private static void fillDnatMasq(final UnsafeBuffer pool, final int[] lengths)
    {
        final SplittableRandom rnd = new SplittableRandom(11);
        final Set<Long> seen = new HashSet<>();
        for (int j = 0; j < POOL; j++)
        {
            int src;
            int sport;
            final int vip = j & 3;
            do
            {
                final int host = 1 + rnd.nextInt(250);
                src = (rnd.nextBoolean() ? PacketWriter.ip("192.168.1.0") : PacketWriter.ip("172.16.3.0")) | host;
                sport = 32768 + rnd.nextInt(28232);
            }
            while (!seen.add((long)src << 20 | (long)sport << 2 | vip));
            lengths[j] = PacketWriter.tcp(pool, j * SLOT, src, DNAT_ADDRESSES[vip], sport, DNAT_PORTS[vip],
                rnd.nextInt(), 0, TcpHeader.SYN, 0);
        }
    }

    private static void fillMix(final UnsafeBuffer pool, final int[] lengths)
    {
        for (int j = 0; j < POOL; j++)
        {
            lengths[j] = EstablishedFlows.writeFirst(pool, j * SLOT, j);
        }
    }

    /**
     * One new connection.
     *
     * @return the verdict.
     */
    @Benchmark
    public Verdict newConnection()
    {
        final int c = cursor;
        final int len = lengths[c];
        rx.putBytes(0, pool, c * SLOT, len);
        cursor = c + 1 == POOL ? 0 : c + 1;
        now += CLOCK_STEP_NANOS;
        final Verdict v = processor.process(rx, 0, len, FlowMix.ETH0, now);
        sent++;
        if (v == Verdict.FORWARD)
        {
            forwarded++;
        }
        return v;
    }

    /**
     * The copy of the pristine packet alone (part of {@link #newConnection()}).
     *
     * @return a length.
     */
    @Benchmark
    public int copyOnly()
    {
        final int c = cursor;
        final int len = lengths[c];
        rx.putBytes(0, pool, c * SLOT, len);
        cursor = c + 1 == POOL ? 0 : c + 1;
        return len;
    }

    /** Report the steady size and check that every packet was new and forwarded. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        final long created = engine.extraCounter(Counters.CONNECTIONS_CREATED) - createdAtStart;
        System.out.println();
        System.out.println("new connections: sent " + sent + ", forwarded " + forwarded + ", created " + created +
            ", live at end " + engine.size() + " of capacity " + CAPACITY + ", source port remapped " +
            (engine.extraCounter(Counters.PORT_REMAPPED) - remappedAtStart));
        if (sent > 0 && (created != sent || forwarded != sent))
        {
            System.out.println("WARNING: not every packet opened a new forwarded connection; the score is not valid");
        }
        engine.close();
    }
}
