/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import io.natcore.rules.BoxConfig;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The replay loop: every received IPv4 packet of a pcap, in order, through the engine, with
 * the pcap timestamp as the clock and the capture's interface (or a fixed one) as ingress;
 * every packet the engine sends goes to a {@link Sink}. Packets the capturing host sent
 * (LINUX_SLL/SLL2 type 4) are skipped. The loop reuses the reader's record buffer and
 * allocates nothing per packet.
 */
public final class Replayer
{
    /** Receives each packet the engine sends. */
    @FunctionalInterface
    public interface Sink
    {
        /**
         * @param inputRecord    pcap record number of the received packet.
         * @param timestampNanos its timestamp.
         * @param egressIf       egress interface index.
         * @param buffer         the rewritten packet.
         * @param offset         start of its IPv4 header.
         * @param length         its length (IPv4 total length).
         * @throws IOException if writing fails.
         */
        void send(long inputRecord, long timestampNanos, int egressIf, DirectBuffer buffer, int offset, int length)
            throws IOException;
    }

    private final ReplayEngine engine;
    private final BoxConfig box;
    private final int fixedIngress;
    private final VerdictSummary summary;
    private long lastTimestamp;
    private long recordLimit = Long.MAX_VALUE;
    private RecordObserver[] observers = new RecordObserver[0];
    private Progress progress;
    private byte[] before = new byte[2048];

    /**
     * @param engine       the engine.
     * @param box          names the interfaces.
     * @param fixedIngress ingress interface index for every packet, or -1 to take it from SLL2.
     */
    public Replayer(final ReplayEngine engine, final BoxConfig box, final int fixedIngress)
    {
        this.engine = engine;
        this.box = box;
        this.fixedIngress = fixedIngress;
        this.summary = new VerdictSummary(engine);
    }

    /**
     * @param records stop after reading this many records ({@code -c N}).
     * @return this.
     */
    public Replayer stopAfter(final long records)
    {
        this.recordLimit = records;
        return this;
    }

    /**
     * @param observer also told about every record (each packet is then copied before the engine sees it).
     * @return this.
     */
    Replayer observe(final RecordObserver observer)
    {
        final RecordObserver[] more = java.util.Arrays.copyOf(observers, observers.length + 1);
        more[observers.length] = observer;
        observers = more;
        return this;
    }

    /**
     * @param progress told after every record (prints a line now and then).
     * @return this.
     */
    Replayer progress(final Progress progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * @return the counts so far.
     */
    public VerdictSummary summary()
    {
        return summary;
    }

    /**
     * @return timestamp of the last record read, nanoseconds.
     */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }

    /**
     * Replays every record (or the first {@link #stopAfter N}). On a read error the packets of the complete
     * records before it have gone to the sink, and the counts cover them.
     *
     * @param reader source.
     * @param sink   destination of the packets the engine sends.
     * @throws IOException         on a read or write error.
     * @throws PcapFormatException if the pcap is malformed.
     * @throws ReplayException     if a packet's interface is unknown or none is given.
     */
    public void run(final PcapReader reader, final Sink sink) throws IOException, PcapFormatException, ReplayException
    {
        final PcapRecord rec = new PcapRecord();
        while (summary.records < recordLimit && reader.next(rec))
        {
            summary.records++;
            lastTimestamp = rec.timestampNanos;
            if (rec.isOutgoing() || !rec.isIpv4())
            {
                if (rec.isOutgoing())
                {
                    summary.skippedOutgoing++;
                }
                else
                {
                    summary.skippedNonIpv4++;
                }
                for (final RecordObserver o : observers)
                {
                    o.skipped(rec.number, rec.isOutgoing());
                }
            }
            else
            {
                replay(rec, sink);
            }
            if (progress != null)
            {
                progress.record(summary);
            }
        }
    }

    private void replay(final PcapRecord rec, final Sink sink) throws IOException, ReplayException
    {
        final int ingress = ingressOf(rec);
        final MutableDirectBuffer buffer = rec.buffer;
        if (observers.length > 0)
        {
            if (before.length < rec.ipLength)
            {
                before = new byte[Math.max(rec.ipLength, before.length * 2)];
            }
            buffer.getBytes(rec.ipOffset, before, 0, rec.ipLength);
        }
        final boolean send = engine.process(buffer, rec.ipOffset, rec.ipLength, ingress, rec.timestampNanos);
        summary.countLast();
        final int length = ipPacketLength(buffer, rec.ipOffset, rec.ipLength);
        if (send)
        {
            summary.sent++;
            sink.send(rec.number, rec.timestampNanos, engine.egressIfIndex(), buffer, rec.ipOffset, length);
        }
        for (final RecordObserver o : observers)
        {
            o.judged(rec.number, before, rec.ipLength, send, buffer, rec.ipOffset, length,
                engine.verdictName(engine.verdict()), engine.reasonName(engine.reason()), engine.egressIfIndex());
        }
        // Fragments held until their first fragment (this one) came: out after it.
        for (int i = 0; i < engine.releasedCount(); i++)
        {
            final boolean sent = engine.releasedSent(i);
            if (sent)
            {
                summary.sent++;
                sink.send(rec.number, rec.timestampNanos, engine.releasedEgress(i), engine.releasedBuffer(i),
                    engine.releasedOffset(i), engine.releasedLength(i));
            }
            for (final RecordObserver o : observers)
            {
                o.released(rec.number, sent, engine.releasedBuffer(i), engine.releasedOffset(i),
                    engine.releasedLength(i), sent ? engine.releasedEgress(i) : -1);
            }
        }
    }

    /**
     * The ingress interface of a record: the fixed one, else the SLL2 index, which must name
     * an interface of the box.
     *
     * @param rec a received record.
     * @return interface index.
     * @throws ReplayException if there is none or the box does not know it.
     */
    int ingressOf(final PcapRecord rec) throws ReplayException
    {
        if (fixedIngress >= 0)
        {
            return fixedIngress;
        }
        if (rec.ifIndex < 0)
        {
            throw new ReplayException("record " + rec.number + ": the capture does not say which interface " +
                "the packet arrived on (link type has no interface index): give --iface NAME");
        }
        if (box.ifName(rec.ifIndex) == null)
        {
            throw new ReplayException("record " + rec.number + ": interface index " + rec.ifIndex +
                " of the capture is not in the box file (declare it with 'ifindex " + rec.ifIndex + " NAME', or give --iface NAME)");
        }
        return rec.ifIndex;
    }

    /**
     * What the box sends of a frame: the IPv4 packet up to its total length (a link-layer
     * trailer is not part of it; the kernel trims it on receive).
     *
     * @param buffer holds the packet.
     * @param offset start of the IPv4 header.
     * @param length captured bytes from there.
     * @return the IPv4 total length if sane, else {@code length}.
     */
    public static int ipPacketLength(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 20 || (buffer.getByte(offset) & 0xF0) != 0x40)
        {
            return length;
        }
        final int totalLength = (buffer.getByte(offset + 2) & 0xFF) << 8 | (buffer.getByte(offset + 3) & 0xFF);
        return totalLength >= 20 && totalLength <= length ? totalLength : length;
    }
}
