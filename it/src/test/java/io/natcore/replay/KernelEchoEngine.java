/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import io.natcore.packet.IpProtocol;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import org.agrona.MutableDirectBuffer;

/**
 * A stand-in engine for testing the comparator and the commands: for each received packet it
 * "sends" what the kernel sent for it in the trace (paired by IP id, protocol, length and the
 * bytes NAT does not touch), optionally changed by a {@link Transform}. Fragments are sent
 * as soon as they are received (the kernel waits for the last one), which rule 3 allows.
 */
public final class KernelEchoEngine implements ReplayEngine
{
    /** Changes what the stand-in sends. */
    @FunctionalInterface
    public interface Transform
    {
        /**
         * @param kernelRecord record number of the kernel's packet.
         * @param kernelOut    a copy of the kernel's packet (may be changed and returned).
         * @param engineIn     the packet as handed to the engine (after the comparator's rewrite).
         * @return what to send, or null to send nothing.
         */
        byte[] apply(long kernelRecord, byte[] kernelOut, byte[] engineIn);
    }

    private static final String[] VERDICTS = {"FORWARD", "DROP", "LOCAL"};
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<Long> outputRecords = new ArrayList<>();
    private final List<Long> inputRecords = new ArrayList<>();
    /** What the box's own stack sent as the kernel recorded it (box-made records), for {@link #processOutput}. */
    private final List<byte[]> ownSent = new ArrayList<>();
    private final Transform transform;
    private Set<Long> forwardUnchanged = Set.of();
    private Set<Long> local = Set.of();
    private int next;
    private int verdict;

    /**
     * @param trace     the trace.
     * @param boxMade   kernel records the box made itself (never a forward of a received packet).
     * @param transform changes to the kernel's packets, or null.
     */
    public KernelEchoEngine(final TraceSource trace, final Set<Long> boxMade, final Transform transform)
    {
        this.transform = transform;
        final List<long[]> received = new ArrayList<>();
        final List<byte[]> receivedBytes = new ArrayList<>();
        final List<Long> sentRecords = new ArrayList<>();
        final List<byte[]> sentBytes = new ArrayList<>();
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(trace.pcap()), trace.name()))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                if (!rec.isIpv4())
                {
                    continue;
                }
                final byte[] ip = Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength);
                if (rec.isOutgoing())
                {
                    if (!boxMade.contains(rec.number))
                    {
                        sentRecords.add(rec.number);
                        sentBytes.add(trimmed(ip));
                    }
                    else
                    {
                        ownSent.add(trimmed(ip));
                    }
                }
                else
                {
                    received.add(new long[] {rec.number});
                    receivedBytes.add(ip);
                }
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
        final boolean[] used = new boolean[sentRecords.size()];
        for (int i = 0; i < received.size(); i++)
        {
            final long r = received.get(i)[0];
            inputRecords.add(r);
            final byte[] in = trimmed(receivedBytes.get(i));
            int found = -1;
            for (int j = 0; j < sentRecords.size() && found < 0; j++)
            {
                if (!used[j] && sentRecords.get(j) > r && sameDatagramPart(in, sentBytes.get(j)))
                {
                    found = j;
                }
            }
            if (found >= 0)
            {
                used[found] = true;
                outputs.add(sentBytes.get(found));
                outputRecords.add(sentRecords.get(found));
            }
            else
            {
                outputs.add(null);
                outputRecords.add(-1L);
            }
        }
        for (int j = 0; j < used.length; j++)
        {
            if (!used[j])
            {
                throw new IllegalStateException(trace.name() + ": kernel record " + sentRecords.get(j) +
                    " pairs with no received packet: the stand-in cannot replay this trace");
            }
        }
    }

    /**
     * Makes the stand-in also forward these received records as they are (where the kernel sent nothing).
     *
     * @param records received record numbers.
     * @return this.
     */
    public KernelEchoEngine forwardUnchanged(final Set<Long> records)
    {
        this.forwardUnchanged = records;
        return this;
    }

    /**
     * Makes the stand-in deliver these received records locally (verdict LOCAL, nothing sent), as the kernel did
     * with packets addressed to the box (pass their answers, which the box's own stack made, as box-made).
     *
     * @param records received record numbers.
     * @return this.
     */
    public KernelEchoEngine deliverLocally(final Set<Long> records)
    {
        this.local = records;
        return this;
    }

    private static byte[] trimmed(final byte[] ip)
    {
        if (ip.length >= 20 && (ip[0] & 0xF0) == 0x40)
        {
            final int tl = TestPackets.u16(ip, 2);
            if (tl >= 20 && tl < ip.length)
            {
                return Arrays.copyOf(ip, tl);
            }
        }
        return ip;
    }

    /** Same IP id, protocol, fragment field and length, and the bytes NAT never changes. */
    private static boolean sameDatagramPart(final byte[] in, final byte[] out)
    {
        if (in.length < 20 || out.length != in.length || TestPackets.u16(in, 4) != TestPackets.u16(out, 4) ||
            in[9] != out[9] || TestPackets.u16(in, 6) != TestPackets.u16(out, 6))
        {
            return false;
        }
        final int ihl = (in[0] & 0x0F) * 4;
        final int proto = in[9] & 0xFF;
        final boolean first = (TestPackets.u16(in, 6) & 0x1FFF) == 0;
        if (ihl > in.length)
        {
            return equalRange(in, out, 0, in.length);
        }
        final int minimum = proto == 6 ? 20 : proto == 17 || proto == IpProtocol.UDPLITE ? 8 : proto == 1 ? 2 : 0;
        if (first && in.length - ihl < minimum)
        {
            return equalRange(in, out, ihl, in.length); // cut short: forwarded untranslated
        }
        final int from;
        if (!first)
        {
            from = ihl;
        }
        else if (proto == 6)
        {
            from = ihl + 4; // seq, ack, flags, window; checksum at +16 compared below as well
        }
        else if (proto == 17 || proto == IpProtocol.UDPLITE)
        {
            from = ihl + 8;
        }
        else if (proto == 1)
        {
            // Type and code; everything after may be translated (ids, quoted headers).
            return in[ihl] == out[ihl] && in[ihl + 1] == out[ihl + 1];
        }
        else
        {
            from = ihl;
        }
        if (first && proto == 6)
        {
            return equalRange(in, out, from, ihl + 16) && equalRange(in, out, ihl + 18, in.length);
        }
        return equalRange(in, out, Math.min(from, in.length), in.length);
    }

    private static boolean equalRange(final byte[] a, final byte[] b, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean process(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        final int i = next++;
        byte[] out = i < outputs.size() ? outputs.get(i) : null;
        if (out != null && transform != null)
        {
            final byte[] in = new byte[length];
            buffer.getBytes(offset, in);
            out = transform.apply(outputRecords.get(i), out.clone(), in);
        }
        if (out == null && i < inputRecords.size() && forwardUnchanged.contains(inputRecords.get(i)))
        {
            verdict = 0;
            return true;
        }
        if (out == null && i < inputRecords.size() && local.contains(inputRecords.get(i)))
        {
            verdict = 2;
            return false;
        }
        if (out == null || out.length > length)
        {
            verdict = 1;
            return false;
        }
        buffer.putBytes(offset, out);
        verdict = 0;
        return true;
    }

    /** Sends what the kernel sent for the box's own packet: the first box-made record of the same datagram. */
    @Override
    public boolean processOutput(final MutableDirectBuffer buffer, final int offset, final int length, final long now)
    {
        final byte[] in = new byte[length];
        buffer.getBytes(offset, in);
        for (int j = 0; j < ownSent.size(); j++)
        {
            if (sameDatagramPart(trimmed(in), ownSent.get(j)))
            {
                buffer.putBytes(offset, ownSent.remove(j));
                verdict = 0;
                return true;
            }
        }
        verdict = 1;
        return false;
    }

    @Override
    public int egressIfIndex()
    {
        return 2;
    }

    @Override
    public int verdict()
    {
        return verdict;
    }

    @Override
    public int reason()
    {
        return 0;
    }

    @Override
    public int verdictCount()
    {
        return VERDICTS.length;
    }

    @Override
    public String verdictName(final int ordinal)
    {
        return VERDICTS[ordinal];
    }

    @Override
    public int reasonCount()
    {
        return 1;
    }

    @Override
    public String reasonName(final int ordinal)
    {
        return "KERNEL_ECHO";
    }

    @Override
    public void dumpConntrack(final Appendable out, final long nowNanos) throws IOException
    {
    }
}
