/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.NatRandom;
import io.natcore.nat.DrawHints;
import io.natcore.nat.NatTuple;
import io.natcore.nat.PortAllocator;
import io.natcore.nat.ReservedPorts;
import io.natcore.nat.TupleOracle;
import io.natcore.packet.IpProtocol;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RouteTable;
import io.natcore.table.ExpiryListener;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import io.natcore.table.FlowVisitor;
import io.natcore.track.GenericTracker;
import io.natcore.track.GreTracker;
import io.natcore.track.IcmpTracker;
import io.natcore.track.TcpState;
import io.natcore.track.TcpStateLayout;
import io.natcore.track.TcpTracker;
import io.natcore.track.Timeouts;
import io.natcore.track.UdpTracker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The NAT engine shared by every dataplane thread: the connection table, the rules and box, the trackers, the
 * event stream and the counters. Create one, then one {@link PacketProcessor} per thread with
 * {@link #newProcessor()}.
 * <p>
 * Threading: packet processing is lock-free on established connections (table lookups, a per-entry seqlock
 * held while the tracker updates the entry). New connections bind under one lock ({@link #bindLock}) so the
 * port search and the insertion of both tuples are one atomic step, as the kernel's NAT lock and confirm do.
 * {@link #expire}, {@link #pollEvents} and {@link #dumpConntrack} may be called from any thread
 * (expiry by one thread at a time; events by one consumer).
 */
public final class NatEngine implements AutoCloseable
{

    {
        // Before any field initializer touches an Agrona buffer: a missing export fails here with the option's name.
        JdkAccess.require();
    }

    final NatEngineConfig config;
    final FlowTable table;
    final NatRuleSet rules;
    final BoxConfig box;
    final RouteTable routes;
    final ReservedPorts reservedPorts;
    final Timeouts timeouts;
    final TcpTracker tcp;
    final UdpTracker udp;
    final IcmpTracker icmp;
    final GenericTracker generic;
    final GreTracker gre;
    final ConntrackEventBuffer events;
    final int zone;
    final long tickNanos;

    /** Serialises port choice and insertion of new connections (guards {@link #allocator}). */
    final Object bindLock = new Object();
    final PortAllocator allocator;
    /** State of -m statistic --mode random's source (NatDecision#statisticRandom); read and written under bindLock. */
    long statisticRandom;
    /** The kernel's recorded draws, or null; read and written under {@link #bindLock} only. */
    final DrawHints drawHints;
    final TableOracle oracle = new TableOracle();
    /**
     * Kernel {@code nf_nat_bysource}: source-NATed connections by original (protocol, source, port), newest first,
     * validated on use. Guarded by {@link #bindLock}; sized by the table's capacity, so it never grows.
     * <p>
     * Only mappings a later connection could not rediscover are recorded (see {@link #mustRecordMapping}): a
     * connection that kept its port on a single-address range, with no earlier mapping for its source, is the
     * choice that source's next connection makes anyway.
     */
    final SourceMappings bySource;
    private static final VarHandle INSERTIONS;

    static
    {
        try
        {
            INSERTIONS = MethodHandles.lookup().findVarHandle(NatEngine.class, "insertions", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Connections inserted so far; written under {@link #bindLock}, read volatile (burst lookups revalidate). */
    volatile long insertions;
    private final EngineCounters counters = new EngineCounters();
    /** Counters of work no processor does (expiry; early drop outside a bind). */
    private final Counters engineCounters = counters.shared;
    private final ConntrackEventEncoder encoder;
    private final AtomicBoolean expiring = new AtomicBoolean();
    private final ExpiryListener expiryListener = this::onExpired;
    private long expiryNow;
    /** Time of the packet binding now (for an early drop's DESTROY); guarded by {@link #bindLock}. */
    private long bindNow;
    /** Counters of the processor binding now (its thread runs the eviction listener); guarded by {@link #bindLock}. */
    private Counters bindCounters;

    /**
     * @param config settings.
     * @throws IllegalStateException if the JVM runs without {@code --add-exports
     *     java.base/jdk.internal.misc=ALL-UNNAMED}, which Agrona's buffers need (the message names the option).
     */
    public NatEngine(final NatEngineConfig config)
    {
        this(config, FlowTable::new);
    }

    /**
     * @param config       settings.
     * @param tableFactory builds the connection table from its settings (tests wrap it to force interleavings).
     */
    NatEngine(final NatEngineConfig config, final java.util.function.Function<FlowTableConfig, FlowTable> tableFactory)
    {
        this.config = config;
        this.box = config.box;
        this.rules = config.rules.box() == config.box ? config.rules : config.rules.bind(config.box);
        this.routes = box.routes();
        this.reservedPorts = config.reservedPorts;
        this.timeouts = config.timeouts;
        final FlowTableConfig tableConfig =
            new FlowTableConfig().capacity(config.capacity).evictionListener(this::onEvicted);
        if (config.mappedFile != null)
        {
            tableConfig.mappedFile(config.mappedFile);
        }
        this.table = tableFactory.apply(tableConfig);
        this.tcp = new TcpTracker(timeouts, config.beLiberal, config.tcpLoose, 3, false);
        this.udp = new UdpTracker(timeouts);
        this.icmp = new IcmpTracker(timeouts);
        this.generic = new GenericTracker(timeouts);
        this.gre = new GreTracker(timeouts);
        this.events = config.events ? new ConntrackEventBuffer(config.eventBufferBytes) : null;
        this.zone = config.zone;
        this.tickNanos = 1_000_000_000L / config.hz;
        this.allocator = new PortAllocator(new NatRandom(config.seed));
        this.statisticRandom = config.seed ^ 0x5DEECE66DL;
        this.drawHints = config.drawHints;
        this.bySource = new SourceMappings(table, zone);
        this.encoder = new ConntrackEventEncoder(table, events, tickNanos);
    }

    /** @return the settings. */
    public NatEngineConfig config()
    {
        return config;
    }

    /**
     * @return a new processor for the calling thread (not thread safe; one per thread).
     */
    public PacketProcessor newProcessor()
    {
        final PacketProcessor p = new PacketProcessor(this);
        counters.register(p.counters);
        return p;
    }

    /** @return live connections. */
    public long size()
    {
        return table.size();
    }

    /** @return the connection table (read-only use: diagnostics, tests). */
    public FlowTable table()
    {
        return table;
    }

    /**
     * Remove expired connections, examining at most {@code maxWork} entries, publishing a DESTROY event for each.
     * Returns 0 at once when another thread is expiring.
     *
     * @param nowNanos current time.
     * @param maxWork  entries to examine.
     * @return connections removed.
     */
    public int expire(final long nowNanos, final int maxWork)
    {
        if (!expiring.compareAndSet(false, true))
        {
            return 0;
        }
        try
        {
            expiryNow = nowNanos;
            return table.expire(nowNanos, maxWork, expiryListener);
        }
        finally
        {
            expiring.set(false);
        }
    }

    private void onExpired(final FlowTable t, final int entry)
    {
        bySource.expiredOpaque(entry);
        publish(ConntrackEventType.DESTROY, entry, expiryNow, engineCounters);
        engineCounters.extra(Counters.CONNECTIONS_DESTROYED);
    }

    /**
     * Record who is binding (under {@link #bindLock}, before the insert): an insert that evicts an entry to make
     * room publishes its DESTROY at this time and counts it in these counters.
     */
    void beginBind(final long nowNanos, final Counters counters)
    {
        bindNow = nowNanos;
        bindCounters = counters;
    }

    /**
     * Early drop evicts an entry: publish DESTROY while its tuples and fields are still intact. Runs on the inserting
     * thread under the table's writer lock and the victim's write lock (the table's rules: no allocation, no table
     * writes from here). Inserts come from {@link NewConnectionPath} under {@link #bindLock}, so bindNow and
     * bindCounters are that packet's; an insert made directly on the table outside the lock falls back to the
     * engine's own counters and the last bind time.
     */
    private void onEvicted(final FlowTable t, final int entry)
    {
        final Counters counters = bindCounters != null ? bindCounters : engineCounters;
        publish(ConntrackEventType.DESTROY, entry, bindNow, counters);
        counters.extra(Counters.CONNECTIONS_DESTROYED);
    }

    /**
     * Drain conntrack events (one consumer thread).
     *
     * @param handler receives each event.
     * @param limit   most events to deliver.
     * @return events delivered.
     */
    public int pollEvents(final ConntrackEventHandler handler, final int limit)
    {
        return events == null ? 0 : events.poll(handler, limit);
    }

    /**
     * @param verdict a verdict.
     * @return packets that got it, over all processors.
     */
    public long counter(final Verdict verdict)
    {
        return counters.sum(verdict.ordinal());
    }

    /**
     * @param reason a reason.
     * @return packets that got it, over all processors.
     */
    public long counter(final Reason reason)
    {
        return counters.sum(Counters.REASON_BASE + reason.id());
    }

    /**
     * @param extra one of the {@code Counters} extra counter ids (e.g. {@link Counters#CONNECTIONS_CREATED}).
     * @return its value over all processors.
     */
    public long extraCounter(final int extra)
    {
        return counters.sum(Counters.EXTRA_BASE + extra);
    }

    /**
     * Print every live connection as {@code conntrack -L -o extended,id} does, one per line.
     *
     * @param out      where to print.
     * @param nowNanos clock for the timeout column.
     */
    public void dumpConntrack(final Appendable out, final long nowNanos)
    {
        final FlowVisitor visitor = (t, entry) ->
        {
            if (t.deadlineOpaque(entry) <= nowNanos)
            {
                return; // timed out, not reaped yet: the kernel would not list it
            }
            try
            {
                encoder.appendEntry(out, entry, nowNanos, true);
                out.append('\n');
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        };
        int cursor = 0;
        while (cursor != FlowTable.END)
        {
            cursor = table.forEachLive(cursor, 4096, visitor);
        }
    }

    /** Publish an event about an entry whose fields are stable ({@link ConntrackEventEncoder#publish}). */
    void publish(final ConntrackEventType type, final int entry, final long nowNanos, final Counters counters)
    {
        encoder.publish(type, entry, nowNanos, counters);
    }

    /**
     * Remove a connection now (RST before any reply, reopen, expired on use, eviction by a new connection),
     * publishing DESTROY only when this call removes it. The caller holds the entry's write lock, as every remover
     * does (expiry and early drop take it with {@code tryBeginWrite}): so the entry cannot be freed, and handed to
     * another connection by the free list, between the check, the event and the removal.
     */
    void destroyLocked(final int entry, final long nowNanos, final Counters counters)
    {
        // acquire: a removal by another thread (which held this lock before us) is seen
        if ((table.statusAcquire(entry) & FlowStatus.CONFIRMED) == 0)
        {
            return;
        }
        publish(ConntrackEventType.DESTROY, entry, nowNanos, counters);
        if (table.remove(entry))
        {
            counters.extra(Counters.CONNECTIONS_DESTROYED);
        }
    }

    /**
     * The allocator found {@code handle}'s entry in its way and the kernel would reap or evict it: take its write
     * lock (try only: the bind lock is held, and a packet thread holding the entry may be refreshing it), check it
     * still holds the tuple, and destroy it.
     *
     * @return true when it was destroyed; false when it is busy or no longer holds the tuple (the tuple is then
     *     treated as taken, or looked at again by the caller's next lookup).
     */
    boolean destroyFound(final long handle, final long k0, final long k1, final long nowNanos, final Counters counters)
    {
        final int entry = FlowTable.entry(handle);
        if (table.tryBeginWrite(entry) < 0)
        {
            return false;
        }
        final boolean same = table.matches(entry, FlowTable.direction(handle), k0, k1);
        if (same)
        {
            destroyLocked(entry, nowNanos, counters);
        }
        table.endWrite(entry);
        return same;
    }

    /**
     * {@code insertions++} as a release store (no full fence): called under {@link #bindLock} only, so the plain
     * read sees the last value; readers load it volatile.
     */
    void incrementInsertionsRelease()
    {
        INSERTIONS.setRelease(this, insertions + 1);
    }

    /** Record a source-NATed connection's mapping (under {@link #bindLock}). */
    void recordSourceMapping(final int proto, final int srcIp, final int srcPort, final int entry)
    {
        bySource.record(proto, srcIp, srcPort, entry);
    }

    /**
     * Whether a new source-NATed connection's mapping must be recorded for its source's later connections
     * (kernel {@code find_appropriate_src} returns the newest connection of the source). Not needed when the next
     * connection's own choice finds the same tuple first: the port was kept, the range has one address (so
     * {@code find_best_ips_proto} gives that address whatever the destination), and no earlier mapping of this
     * source was live (which the newest one must then replace).
     *
     * @param rangeOneAddress the source manip's range maps to a single address.
     * @param portKept        the source port was not moved.
     * @return true to record.
     */
    boolean mustRecordMapping(final boolean rangeOneAddress, final boolean portKept)
    {
        return !rangeOneAddress || !portKept || oracle.mappingFound;
    }

    /**
     * @param proto  protocol of a reply tuple.
     * @param dstIp  its destination (the connection's source after NAT).
     * @param dstPort its destination port.
     * @return true when that port belongs to one of the box's own services on a box address
     *     ({@link NatEngineConfig#reservedPorts()}): a reply there would reach the service, so NAT must not use it.
     */
    boolean isReserved(final int proto, final int dstIp, final int dstPort)
    {
        return !reservedPorts.isEmpty() && reservedPorts.isReserved(proto, dstPort) && box.isLocalAddress(dstIp);
    }

    @Override
    public void close()
    {
        table.close();
    }

    /**
     * The port allocator's view of the table: a tuple is taken when either direction of a live, unexpired entry
     * holds it. Used under {@link #bindLock} only.
     */
    final class TableOracle implements TupleOracle
    {
        long now;
        /** Set when {@link #findSourceMapping} found a live mapping during the current binding (reset per binding). */
        boolean mappingFound;
        /** td_end of the new connection's first segment (TCP SYN), for the eviction check. */
        int newTcpEnd;
        Counters counters;

        @Override
        public boolean isTakenOrReapExpired(final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            if (isReserved(proto, dstIp, dstPort))
            {
                return true;
            }
            final long k0 = FlowKey.k0(srcIp, dstIp);
            final long k1 = FlowKey.k1(srcPort, dstPort, proto, zone);
            final long handle = table.lookup(k0, k1);
            if (handle == FlowTable.MISS)
            {
                return false;
            }
            // Timed out but not reaped yet: the kernel's tuple_taken reaps it and finds the tuple free.
            return table.deadlineOpaque(FlowTable.entry(handle)) > now || !destroyFound(handle, k0, k1, now, counters);
        }

        @Override
        public boolean findSourceMapping(final int proto, final int srcIp, final int srcPort, final NatTuple out)
        {
            final int entry = bySource.find(proto, srcIp, srcPort, now);
            if (entry == SourceMappings.NONE)
            {
                return false;
            }
            final long rk0 = table.keyK0(entry, FlowTable.DIR_REPLY);
            final long rk1 = table.keyK1(entry, FlowTable.DIR_REPLY);
            out.srcIp = FlowKey.dstIp(rk0);
            out.srcPort = FlowKey.dstPort(rk1);
            mappingFound = true;
            return true;
        }

        @Override
        public boolean isTakenOrEvictClosing(
            final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            final long k0 = FlowKey.k0(srcIp, dstIp);
            final long k1 = FlowKey.k1(srcPort, dstPort, proto, zone);
            final long handle = table.lookup(k0, k1);
            if (handle == FlowTable.MISS)
            {
                return false;
            }
            final int entry = FlowTable.entry(handle);
            if (FlowTable.direction(handle) != FlowTable.DIR_REPLY || proto != IpProtocol.TCP)
            {
                return true;
            }
            final int status = table.statusAcquire(entry);
            if ((status & FlowStatus.SRC_NAT) == 0 || (status & (FlowStatus.DYING | FlowStatus.FIXED_TIMEOUT)) != 0)
            {
                return true;
            }
            final int state = table.stateVolatile(entry);
            if (state < TcpState.TIME_WAIT)
            {
                return true;
            }
            // Kernel nf_seq_has_advanced: the new SYN's sequence space must be past the old original direction's,
            // so late packets of the old connection are out of window for the new one.
            final int oldEnd = table.scratchBuffer().getInt(table.scratchOffset(entry) + TcpStateLayout.directionOffset(0) +
                TcpStateLayout.TD_END_OFFSET, TcpStateLayout.ORDER);
            if (newTcpEnd - oldEnd <= 0)
            {
                return true;
            }
            return !destroyFound(handle, k0, k1, now, counters);
        }
    }
}
