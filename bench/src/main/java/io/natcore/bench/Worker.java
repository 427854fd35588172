package io.natcore.bench;

import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One thread's share of a translate run: its own {@link PacketProcessor}, a receive area of
 * {@link #BURST} packet slots, and a cursor into the shared pristine pool of {@link EstablishedFlows}.
 * <p>
 * The engine rewrites packets in place, so every packet is first copied from the pristine pool into the
 * receive area ({@link #receive()}), the stand-in for a NIC writing a fresh packet into an RX ring; its cost
 * is measured on its own ({@code copyOnly}) so it can be told apart. Not thread safe: one per thread.
 */
public final class Worker
{
    /** Packets per burst. */
    public static final int BURST = 32;

    final EstablishedFlows flows;
    /** This thread's processor. */
    public final PacketProcessor processor;
    /** The receive area: slot k at {@code k * EstablishedFlows.SLOT}. */
    public final UnsafeBuffer rx;
    final MutableDirectBuffer[] bufs = new MutableDirectBuffer[BURST];
    final int[] offsets = new int[BURST];
    final int[] lengths = new int[BURST];
    final int[] ingress = new int[BURST];
    final int[] egresses = new int[BURST];
    final Verdict[] verdicts = new Verdict[BURST];
    int cursor;

    /**
     * @param flows       the shared connections and pool.
     * @param threadIndex 0-based; threads start at different places of the pool.
     * @param threads     how many threads share the pool.
     */
    public Worker(final EstablishedFlows flows, final int threadIndex, final int threads)
    {
        this.flows = flows;
        this.processor = flows.engine.newProcessor();
        this.rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BURST * EstablishedFlows.SLOT, 64));
        for (int k = 0; k < BURST; k++)
        {
            bufs[k] = rx;
            offsets[k] = k * EstablishedFlows.SLOT;
            ingress[k] = FlowMix.ETH0;
        }
        final int bursts = flows.poolSize / BURST;
        this.cursor = (int)((long)bursts * threadIndex / Math.max(1, threads)) * BURST;
    }

    /** Copy the next {@link #BURST} pristine packets of the pool into the receive area. */
    public void receive()
    {
        final UnsafeBuffer pool = flows.pool;
        final int[] poolLengths = flows.poolLengths;
        int c = cursor;
        for (int k = 0; k < BURST; k++)
        {
            final int len = poolLengths[c + k];
            rx.putBytes(k * EstablishedFlows.SLOT, pool, (c + k) * EstablishedFlows.SLOT, len);
            lengths[k] = len;
        }
        c += BURST;
        cursor = c == flows.poolSize ? 0 : c;
    }

    /**
     * Copy one pristine packet into receive slot 0.
     *
     * @return its length.
     */
    public int receiveOne()
    {
        final int c = cursor;
        final int len = flows.poolLengths[c];
        rx.putBytes(0, flows.pool, c * EstablishedFlows.SLOT, len);
        lengths[0] = len;
        cursor = c + 1 == flows.poolSize ? 0 : c + 1;
        return len;
    }

    /**
     * Process the received burst one packet at a time.
     *
     * @return a value depending on every verdict (for a Blackhole).
     */
    public int processEach()
    {
        int acc = 0;
        for (int k = 0; k < BURST; k++)
        {
            acc += processor.process(rx, offsets[k], lengths[k], FlowMix.ETH0, EstablishedFlows.NOW).ordinal();
        }
        return acc;
    }

    /**
     * Process the received burst with one {@link PacketProcessor#processBurst} call.
     *
     * @return a value depending on the verdicts (for a Blackhole).
     */
    public int processBurst()
    {
        processor.processBurst(bufs, offsets, lengths, ingress, BURST, EstablishedFlows.NOW, verdicts, egresses, null);
        return verdicts[0].ordinal() + verdicts[BURST - 1].ordinal() + egresses[BURST / 2];
    }

    /**
     * Process receive slot 0 (after {@link #receiveOne()}).
     *
     * @return the verdict.
     */
    public Verdict processOne()
    {
        return processor.process(rx, 0, lengths[0], FlowMix.ETH0, EstablishedFlows.NOW);
    }

    /** @return verdict of burst slot k after {@link #processBurst()}. */
    Verdict verdict(final int k)
    {
        return verdicts[k];
    }
}
