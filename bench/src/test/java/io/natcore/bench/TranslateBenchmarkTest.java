package io.natcore.bench;

import io.natcore.engine.Verdict;
import io.natcore.packet.ParsedPacket;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Smoke test of TranslateBenchmark: each method runs one op after its setup, every packet is forwarded, and the
 * engine and the ConcurrentHashMap peer turn every pool packet into the same bytes with valid checksums.
 */
class TranslateBenchmarkTest
{
    private static TranslateBenchmark.Flows flows;
    private static TranslateBenchmark.Chm chm;
    private static TranslateBenchmark.Rx rx;

    @BeforeAll
    static void setUp()
    {
        flows = new TranslateBenchmark.Flows();
        flows.flows = 2000;
        flows.setup();
        chm = new TranslateBenchmark.Chm();
        chm.setup(flows);
        rx = new TranslateBenchmark.Rx();
        rx.worker = new Worker(flows.established, 0, 1);
    }

    @AfterAll
    static void tearDown()
    {
        flows.tearDown();
    }

    @Test
    void everyBenchmarkMethodRunsAndForwardsTheWholeBurst()
    {
        final TranslateBenchmark b = new TranslateBenchmark();
        final int forward = Verdict.FORWARD.ordinal();
        assertEquals(Worker.BURST * forward, b.singlePacket(rx));
        b.burst32(rx);
        for (int k = 0; k < Worker.BURST; k++)
        {
            assertEquals(Verdict.FORWARD, rx.worker.verdict(k), "burst slot " + k);
        }
        b.burst32Threads1(rx);
        b.burst32Threads2(rx);
        // copyOnly returns the last packet's byte count: the IP total length of what landed in the last slot.
        final int lastSlot = (Worker.BURST - 1) * EstablishedFlows.SLOT;
        final int copied = b.copyOnly(rx);
        assertEquals(rx.worker.rx.getShort(lastSlot + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF, copied);
        assertEquals(0, b.parseOnly(rx), "ParseStatus.OK is ordinal 0 for all 32");
        assertEquals(Worker.BURST * FlowMix.ETH0, b.chmTranslate(rx, chm));
        assertEquals(Worker.BURST * FlowMix.ETH0, b.chmTranslateThreads1(rx, chm));
        assertEquals(Worker.BURST * FlowMix.ETH0, b.chmTranslateThreads2(rx, chm));
    }

    @Test
    void engineAndPeerProduceTheSameValidBytesForEveryPoolPacket()
    {
        final EstablishedFlows f = flows.established;
        final UnsafeBuffer a = new UnsafeBuffer(BufferUtil.allocateDirectAligned(EstablishedFlows.SLOT, 64));
        final UnsafeBuffer c = new UnsafeBuffer(BufferUtil.allocateDirectAligned(EstablishedFlows.SLOT, 64));
        final Worker w = new Worker(f, 0, 1);
        final ParsedPacket pkt = new ParsedPacket();
        final ChmTranslator.TupleKey probe = ChmTranslator.newProbe();
        assertEquals(2 * f.flows, chm.peer.size());
        for (int j = 0; j < f.poolSize; j++)
        {
            final int len = f.poolLengths[j];
            a.putBytes(0, f.pool, j * EstablishedFlows.SLOT, len);
            c.putBytes(0, f.pool, j * EstablishedFlows.SLOT, len);
            assertEquals(Verdict.FORWARD, w.processor.process(a, 0, len, FlowMix.ETH0, EstablishedFlows.NOW), "slot " + j);
            assertEquals(FlowMix.ETH0, chm.peer.translate(c, 0, len, pkt, probe), "slot " + j);
            for (int i = 0; i < len; i++)
            {
                assertEquals(a.getByte(i), c.getByte(i), "slot " + j + " byte " + i);
            }
            final long before = f.pool.getLong(j * EstablishedFlows.SLOT + 12, ByteOrder.BIG_ENDIAN);
            assertNotEquals(before, a.getLong(12, ByteOrder.BIG_ENDIAN), "slot " + j + ": no address translated");
            NaiveChecksum.assertIpv4AndL4Valid(a, len, "slot " + j);
        }
    }
}
