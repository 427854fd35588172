package io.natcore.bench;

import io.natcore.engine.Counters;
import io.natcore.engine.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smoke test of NewConnectionBenchmark: after setup (one full pool cycle) every further packet still opens a new
 * connection and is forwarded translated, and the table stays well below capacity (expiry keeps up).
 */
class NewConnectionBenchmarkTest
{
    @ParameterizedTest
    @ValueSource(strings = { "dnatMasq", "mix" })
    void everyPacketAfterAFullPoolCycleIsStillANewForwardedConnection(final String traffic)
    {
        final NewConnectionBenchmark b = new NewConnectionBenchmark();
        b.traffic = traffic;
        b.setup();
        try
        {
            final long created = b.engine.extraCounter(Counters.CONNECTIONS_CREATED);
            assertEquals(NewConnectionBenchmark.POOL, created, "setup: one connection per pool packet");
            for (int i = 0; i < 5000; i++)
            {
                final int slot = b.cursor;
                assertEquals(Verdict.FORWARD, b.newConnection(), "packet " + i);
                final long before = b.pool.getLong(slot * NewConnectionBenchmark.SLOT + 12, ByteOrder.BIG_ENDIAN);
                assertTrue(before != b.rx.getLong(12, ByteOrder.BIG_ENDIAN), "packet " + i + " not translated");
                NaiveChecksum.assertIpv4AndL4Valid(b.rx, b.lengths[slot], "packet " + i);
            }
            assertEquals(created + 5000, b.engine.extraCounter(Counters.CONNECTIONS_CREATED));
            assertTrue(b.copyOnly() > 0);
            assertTrue(b.engine.size() < NewConnectionBenchmark.CAPACITY * 9L / 10,
                "live " + b.engine.size() + " near capacity: expiry does not keep up");
        }
        finally
        {
            b.tearDown();
        }
    }
}
