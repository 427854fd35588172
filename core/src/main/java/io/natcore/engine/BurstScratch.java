/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Burst processing for {@link PacketProcessor#processBurst}: a first pass reads each packet's key cheaply (IPv4
 * header without checksum, then the ports), one {@link FlowTable#lookupBurst} resolves them together (the table
 * overlaps the cache misses), then each packet runs the normal path in order, fully parsed once, with its handle.
 * The handle is used only when the validated key equals the first pass's; the established path re-checks it under
 * the entry lock; misses are looked up again once an earlier packet of the burst inserted a connection. So results
 * equal packet-by-packet processing.
 */
final class BurstScratch
{
    /** Packets looked up together. */
    static final int MAX_BURST = 32;

    private final long[] k0 = new long[MAX_BURST];
    private final long[] k1 = new long[MAX_BURST];
    private final long[] handles = new long[MAX_BURST];
    private final int[] slotOfPacket = new int[MAX_BURST];

    void run(
        final PacketProcessor p,
        final MutableDirectBuffer[] bufs,
        final int[] offsets,
        final int[] lengths,
        final int[] ingress,
        final int n,
        final long now,
        final Verdict[] verdicts,
        final int[] egresses,
        final Reason[] reasons)
    {
        for (int start = 0; start < n; start += MAX_BURST)
        {
            final int count = Math.min(MAX_BURST, n - start);
            int keys = 0;
            for (int i = 0; i < count; i++)
            {
                final int at = start + i;
                slotOfPacket[i] = -1;
                if (peekKey(bufs[at], offsets[at], lengths[at], p.zone, keys))
                {
                    slotOfPacket[i] = keys++;
                }
            }
            p.table.lookupBurst(k0, k1, keys, handles);
            final long insertionsAtLookup = p.engine.insertions; // volatile read
            for (int i = 0; i < count; i++)
            {
                final int at = start + i;
                final int slot = slotOfPacket[i];
                final Verdict v;
                if (slot < 0)
                {
                    v = p.process(bufs[at], offsets[at], lengths[at], ingress[at], now);
                }
                else
                {
                    // A connection created since the burst lookup may hold a key that missed then: look again.
                    final long handle = handles[slot] == FlowTable.MISS &&
                        p.engine.insertions != insertionsAtLookup ?
                        PacketProcessor.LOOK_UP : handles[slot];
                    v = p.process(bufs[at], offsets[at], lengths[at], ingress[at], now, handle, k0[slot], k1[slot]);
                }
                verdicts[at] = v;
                egresses[at] = p.egressIfIndex();
                if (reasons != null)
                {
                    reasons[at] = p.reason();
                }
            }
        }
    }

    /**
     * The key of a TCP, UDP or ICMP query packet from its IPv4 header (not checksum-verified) and ports, into
     * slot {@code index}; false for anything else (fragments, ICMP errors, other protocols, short packets), which
     * is then looked up on its own.
     */
    private boolean peekKey(final MutableDirectBuffer buf, final int offset, final int length, final int zone,
        final int index)
    {
        if (length < 28)
        {
            return false;
        }
        final int vihl = buf.getByte(offset) & 0xFF;
        final int ihl = (vihl & 0x0F) * 4;
        if ((vihl >>> 4) != 4 || ihl < 20 || length < ihl + 8 ||
            (buf.getShort(offset + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF) != 0)
        {
            return false;
        }
        final int proto = buf.getByte(offset + 9) & 0xFF;
        final int l4 = offset + ihl;
        final int srcPort;
        final int dstPort;
        switch (proto)
        {
            case NatEngine.PROTO_TCP:
            case NatEngine.PROTO_UDP:
                srcPort = buf.getShort(l4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                dstPort = buf.getShort(l4 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                break;
            case NatEngine.PROTO_ICMP:
            {
                final int type = buf.getByte(l4) & 0xFF;
                if (type != 0 && type != 8 && (type < 13 || type > 18))
                {
                    return false;
                }
                srcPort = buf.getShort(l4 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                dstPort = srcPort;
                break;
            }
            default:
                return false;
        }
        k0[index] = FlowKey.k0(buf.getInt(offset + 12, ByteOrder.BIG_ENDIAN), buf.getInt(offset + 16, ByteOrder.BIG_ENDIAN));
        k1[index] = FlowKey.k1(srcPort, dstPort, proto, zone);
        return true;
    }
}
