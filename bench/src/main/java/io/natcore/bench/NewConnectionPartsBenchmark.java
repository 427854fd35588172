package io.natcore.bench;

import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.nat.NatRandom;
import io.natcore.nat.NatRange;
import io.natcore.nat.NatTuple;
import io.natcore.nat.PortAllocator;
import io.natcore.nat.TupleOracle;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.NatDecision;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RouteTable;
import io.natcore.rules.RuleQuery;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
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

import java.util.concurrent.TimeUnit;

/**
 * The pieces of {@link NewConnectionBenchmark}'s new-connection path, each timed alone on the same packets and
 * the same table at its steady size, so the whole can be broken down by measurement (the remainder is the
 * tracker's first packet, the entry fill, the rewrite and the glue).
 * <p>
 * Setup: the engine of {@link NewConnectionBenchmark} runs one pool of first packets (the table reaches its
 * steady size), then the clock stops. The parts cycle over the first {@link #PARTS} packets of the pool, whose
 * connections have long expired and been reaped, so table lookups of their tuples miss as on the real path.
 * Each part's inputs (the tuple before and after DNAT) are precomputed per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {
    BenchJvm.HEAP, BenchJvm.HEAP_MAX,
    BenchJvm.EXPORT_MISC, BenchJvm.OPEN_MISC, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_LANG,
    BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF,
    BenchJvm.EXPORT_NIO_CH, BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS }, jvmArgsAppend = BenchJvm.BOUNDS_CHECKS_OFF)
public class NewConnectionPartsBenchmark
{
    /** Packets cycled by the parts: all sent long before the end of setup (expired, reaped). */
    static final int PARTS = 1 << 16;
    private static final int SLOT = NewConnectionBenchmark.SLOT;
    private static final int MASQ_ADDRESS = PacketWriter.ip("172.16.2.5");

    /** {@code dnatMasq} or {@code mix}. */
    @Param({ "dnatMasq", "mix" })
    public String traffic;

    NatEngine engine;
    FlowTable table;
    NatRuleSet rules;
    BoxConfig box;
    RouteTable routes;
    UnsafeBuffer pool;
    int[] lengths;
    UnsafeBuffer rx;
    final ParsedPacket pkt = new ParsedPacket();
    final NatDecision decision = new NatDecision();
    final RuleQuery query = new RuleQuery();
    final NatRange range = new NatRange();
    final NatTuple tuple = new NatTuple();
    final NatTuple chosen = new NatTuple();
    final PortAllocator allocator = new PortAllocator(new NatRandom(7));
    final CountingOracle oracle = new CountingOracle();
    final CountingOracle candidateOracle = new CountingOracle();
    final Object lock = new Object();
    long locked;

    int[] proto;
    int[] src;
    int[] dst;
    int[] sport;
    int[] dport;
    int[] natDst;
    int[] natDport;
    boolean[] dnat;
    int cursor;
    long now;
    long choices;
    long candidateChoices;
    long remapped;
    long insertClashes;

    /** Build the engine, bring the table to its steady size, precompute each packet's tuples. */
    @Setup(Level.Trial)
    public void setup()
    {
        final NatEngineConfig config = Trace05.config(NewConnectionBenchmark.CAPACITY).build();
        engine = new NatEngine(config);
        table = engine.table();
        rules = config.rules().box() == config.box() ? config.rules() : config.rules().bind(config.box());
        box = config.box();
        routes = box.routes();
        final PacketProcessor processor = engine.newProcessor();
        final int poolSize = NewConnectionBenchmark.POOL;
        pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(poolSize * SLOT, 64));
        lengths = new int[poolSize];
        rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SLOT, 64));
        NewConnectionBenchmark.fill(traffic, pool, lengths);
        now = EstablishedFlows.NOW;
        for (int i = 0; i < poolSize; i++)
        {
            rx.putBytes(0, pool, i * SLOT, lengths[i]);
            now += NewConnectionBenchmark.CLOCK_STEP_NANOS;
            processor.process(rx, 0, lengths[i], FlowMix.ETH0, now);
        }
        oracle.table = table;
        oracle.now = now;
        candidateOracle.table = table;
        candidateOracle.now = now;

        proto = new int[PARTS];
        src = new int[PARTS];
        dst = new int[PARTS];
        sport = new int[PARTS];
        dport = new int[PARTS];
        natDst = new int[PARTS];
        natDport = new int[PARTS];
        dnat = new boolean[PARTS];
        for (int i = 0; i < PARTS; i++)
        {
            rx.putBytes(0, pool, i * SLOT, lengths[i]);
            PacketParser.parse(rx, 0, lengths[i], pkt, true, Trace05.VERIFY_L4);
            proto[i] = pkt.protocol;
            src[i] = pkt.srcIp;
            dst[i] = pkt.dstIp;
            sport[i] = pkt.protocol == 1 ? pkt.icmpId : pkt.srcPort;
            dport[i] = pkt.protocol == 1 ? pkt.icmpId : pkt.dstPort;
            natDst[i] = dst[i];
            natDport[i] = dport[i];
            query.packet(proto[i], src[i], dst[i], sport[i], dport[i], pkt.icmpType, pkt.icmpCode);
            query.inIf = FlowMix.ETH0;
            if (rules.evaluate(NatRuleSet.Hook.PREROUTING, query, decision) && decision.kind == NatDecision.Kind.DNAT)
            {
                dnat[i] = true;
                natDst[i] = decision.minIp;
                natDport[i] = decision.hasPortRange ? decision.minPort : dport[i];
            }
        }
    }

    private int next()
    {
        final int c = cursor;
        cursor = c + 1 == PARTS ? 0 : c + 1;
        return c;
    }

    /**
     * Copy and parse (IP and L4 checksums verified as the engine does by default).
     *
     * @return the status.
     */
    @Benchmark
    public ParseStatus parse()
    {
        final int c = next();
        rx.putBytes(0, pool, c * SLOT, lengths[c]);
        return PacketParser.parse(rx, 0, lengths[c], pkt, true, Trace05.VERIFY_L4);
    }

    /**
     * PREROUTING rule walk (the DNAT decision).
     *
     * @return the decision.
     */
    @Benchmark
    public boolean prerouting()
    {
        final int c = next();
        query.packet(proto[c], src[c], dst[c], sport[c], dport[c], 8, 0);
        query.inIf = FlowMix.ETH0;
        return rules.evaluate(NatRuleSet.Hook.PREROUTING, query, decision);
    }

    /**
     * Local-address check, route lookup of the translated destination, POSTROUTING rule walk with the
     * MASQUERADE address choice (a second route lookup inside), and the reply direction's route lookup.
     *
     * @return a value depending on all of it.
     */
    @Benchmark
    public int routeAndPostrouting()
    {
        final int c = next();
        if (box.isLocalAddress(natDst[c]))
        {
            return -1;
        }
        final int egress = routes.lookupEgress(natDst[c]);
        query.packet(proto[c], src[c], natDst[c], sport[c], natDport[c], 8, 0);
        query.outIf = egress;
        rules.evaluate(NatRuleSet.Hook.POSTROUTING, query, decision);
        return decision.minIp + egress + routes.lookupEgress(src[c]);
    }

    /**
     * Port choice as the engine did it before its port-choice rework (the reference point of this benchmark): {@code choose} for both manips (DNAT then
     * source NAT) against the steady table; the oracle counts table probes (printed at teardown). No bySource
     * mapping (timed separately), nothing inserted.
     *
     * @return the chosen source port.
     */
    @Benchmark
    public int portChoice()
    {
        final int c = next();
        tuple.set(proto[c], src[c], dst[c], sport[c], dport[c]);
        if (dnat[c])
        {
            range.reset().address(natDst[c]).ports(natDport[c], natDport[c]);
            allocator.choose(tuple, range, PortAllocator.MANIP_DST, true, oracle, chosen);
            tuple.copyFrom(chosen);
        }
        range.reset().address(MASQ_ADDRESS);
        allocator.choose(tuple, range, PortAllocator.MANIP_SRC, true, oracle, chosen);
        choices++;
        if (chosen.srcPort != sport[c])
        {
            remapped++;
        }
        return chosen.srcPort;
    }

    /**
     * Port choice as the engine now does it: DNAT to a fixed port asks nothing, the source manip's first
     * candidate is built without the table, and its reply is checked once (in the engine the insert's own clash
     * check does this); only a taken reply runs the full choice (search). Probes counted separately.
     *
     * @return the chosen source port.
     */
    @Benchmark
    public int portChoiceCandidateFirst()
    {
        final int c = next();
        tuple.set(proto[c], src[c], dst[c], sport[c], dport[c]);
        if (dnat[c])
        {
            range.reset().address(natDst[c]).ports(natDport[c], natDport[c]);
            allocator.chooseDestination(tuple, range, true, candidateOracle, chosen);
            tuple.copyFrom(chosen);
        }
        range.reset().address(MASQ_ADDRESS);
        if (!allocator.sourceCandidate(tuple, range, candidateOracle, chosen) ||
            candidateOracle.isTakenOrReapExpired(chosen.proto, chosen.dstIp, chosen.srcIp, chosen.dstPort, chosen.srcPort))
        {
            allocator.choose(tuple, range, PortAllocator.MANIP_SRC, true, candidateOracle, chosen);
        }
        candidateChoices++;
        return chosen.srcPort;
    }

    /**
     * One table lookup that misses (the packet's own tuple), at the steady size.
     *
     * @return the handle.
     */
    @Benchmark
    public long lookupMiss()
    {
        final int c = next();
        return table.lookup(FlowKey.k0(src[c], dst[c]), FlowKey.k1(sport[c], dport[c], proto[c], 0));
    }

    /**
     * Insert both tuples with the entry locked, unlock, remove: the table's write work per connection at the
     * steady size (the engine inserts once per new connection and expiry removes once).
     *
     * @return the entry.
     */
    @Benchmark
    public int insertRemove()
    {
        final int c = next();
        final int e = table.insertAndLock(FlowKey.k0(src[c], dst[c]), FlowKey.k1(sport[c], dport[c], proto[c], 0),
            FlowKey.k0(natDst[c], MASQ_ADDRESS), FlowKey.k1(natDport[c], sport[c], proto[c], 0));
        if (e >= 0)
        {
            table.endWrite(e);
            table.remove(e);
        }
        else
        {
            insertClashes++;
        }
        return e;
    }

    /**
     * An uncontended enter and exit of a monitor, as the engine's bind lock.
     *
     * @return a counter.
     */
    @Benchmark
    public long bindLock()
    {
        synchronized (lock)
        {
            return ++locked;
        }
    }

    /**
     * The expiry scan's share per packet when nothing expires (the clock is stopped): the engine examines
     * 64 entries every 32 packets, i.e. 2 per packet.
     *
     * @return entries removed (0).
     */
    @Benchmark
    public int expireScan()
    {
        return engine.expire(now, 2);
    }

    /** Print port-choice statistics. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (choices > 0)
        {
            System.out.printf("%nport choice: %d choices, %.3f table probes per choice, %.2f%% ports remapped%n",
                choices, oracle.probes / (double)choices, 100.0 * remapped / choices);
        }
        if (candidateChoices > 0)
        {
            System.out.printf("%nport choice, candidate first: %d choices, %.3f table probes per choice%n",
                candidateChoices, candidateOracle.probes / (double)candidateChoices);
        }
        if (insertClashes > 0)
        {
            System.out.println("insertRemove: " + insertClashes + " clashes");
        }
        engine.close();
    }

    /** Table view as the engine's: live, unexpired entries hold tuples; counts probes. */
    static final class CountingOracle implements TupleOracle
    {
        FlowTable table;
        long now;
        long probes;

        @Override
        public boolean isTakenOrReapExpired(final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            probes++;
            final long handle = table.lookup(FlowKey.k0(srcIp, dstIp), FlowKey.k1(srcPort, dstPort, proto, 0));
            return handle != FlowTable.MISS && table.deadlineOpaque(FlowTable.entry(handle)) > now;
        }

        @Override
        public boolean isTakenOrEvictClosing(
            final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            return isTakenOrReapExpired(proto, srcIp, dstIp, srcPort, dstPort);
        }
    }
}
