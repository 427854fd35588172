/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.natcore.engine.EngineFixture.ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A packet of a connection that timed out but was not reaped yet destroys it. The destroy must act on that
 * connection only: if the entry's lock is released first, expiry can free the entry in the gap and the LIFO free
 * list hands the same index to a new connection, which a late destroy would then remove (and report). The gap is
 * forced here: the table runs expiry and a new connection the moment the packet's thread releases the entry's lock.
 */
class StaleDestroyTest
{
    private static final long T0 = 1_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** A table that runs {@link #hook} once, right after the next release of {@link #armedEntry}'s lock. */
    static final class InterleavingTable extends FlowTable
    {
        int armedEntry = -1;
        Runnable hook;

        InterleavingTable(final FlowTableConfig cfg)
        {
            super(cfg);
        }

        @Override
        public void endWrite(final int entry)
        {
            super.endWrite(entry);
            if (entry == armedEntry && hook != null)
            {
                final Runnable h = hook;
                hook = null;
                h.run();
            }
        }
    }

    @Test
    void aLateDestroyOfAnExpiredConnectionLeavesTheConnectionThatReusedItsEntry() throws Exception
    {
        final InterleavingTable[] tables = new InterleavingTable[1];
        final List<String> events = new ArrayList<>();
        try (NatEngine engine = new NatEngine(EngineFixture.config().expiryWorkPerPacket(0).build(),
            cfg -> tables[0] = new InterleavingTable(cfg)))
        {
            final InterleavingTable table = tables[0];
            final PacketProcessor p = engine.newProcessor();
            final PacketProcessor other = engine.newProcessor();
            final byte[] old = TestPackets.udp("192.168.1.5", "172.16.3.5", 40000, 7000, 64, 4);
            assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(old), 0, old.length, ETH0, T0));
            final int oldEntry = FlowTable.entry(table.lookup(
                FlowKey.k0(TestPackets.ip("192.168.1.5"), TestPackets.ip("172.16.3.5")), FlowKey.k1(40000, 7000, 17, 0)));
            engine.pollEvents(e -> { }, 100);

            // 60 s later (past the 30 s unreplied UDP timeout) the connection sends again, expiry not run yet.
            final long late = T0 + 60 * SECOND;
            final byte[] fresh = TestPackets.udp("192.168.1.6", "172.16.3.5", 41000, 7001, 64, 4);
            final int[] freshEntry = {-1};
            table.armedEntry = oldEntry;
            table.hook = () ->
            {
                engine.expire(late, 1024);
                assertEquals(Verdict.FORWARD, other.process(new UnsafeBuffer(fresh), 0, fresh.length, ETH0, late));
                freshEntry[0] = FlowTable.entry(other.outcome.connection);
            };
            final byte[] again = TestPackets.udp("192.168.1.5", "172.16.3.5", 40000, 7000, 64, 4);
            assertEquals(Verdict.FORWARD, p.process(new UnsafeBuffer(again), 0, again.length, ETH0, late));
            engine.pollEvents(e -> events.add(e.toString().replaceAll(" id=\\d+$", "")), 100);

            assertNotEquals(-1, freshEntry[0], "the interleaving ran");
            final long freshHandle = table.lookup(
                FlowKey.k0(TestPackets.ip("192.168.1.6"), TestPackets.ip("172.16.3.5")), FlowKey.k1(41000, 7001, 17, 0));
            assertNotEquals(FlowTable.MISS, freshHandle, "the new connection is still in the table: " + events);
            assertEquals(2, engine.size(), "the new connection and the old one's packet, opened again");
            assertEquals(1, events.stream().filter(e -> e.startsWith("[DESTROY]")).count(),
                "one DESTROY, the expired connection's: " + events);
            assertEquals(0, events.stream().filter(e -> e.startsWith("[DESTROY]") && e.contains("41000")).count(),
                "no DESTROY names the new connection: " + events);
        }
    }
}
