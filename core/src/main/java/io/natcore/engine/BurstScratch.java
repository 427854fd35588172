/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.MutableDirectBuffer;

/**
 * Burst processing for {@link PacketProcessor#processBurst}: a first pass parses each packet and computes its key,
 * one {@link FlowTable#lookupBurst} resolves them together (the table overlaps the cache misses), then each packet
 * runs the normal path in order with its handle. A handle found in the first pass is re-checked by the established
 * path under the entry lock, and packets whose lookup is invalidated by an earlier packet of the same burst (a new
 * connection, a removal) are looked up again, so results equal packet-by-packet processing.
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
                final ParseStatus status = PacketParser.parse(bufs[at], offsets[at], lengths[at], p.pkt);
                if (status.isOk() && !p.pkt.isFragment && !p.pkt.isIcmpError)
                {
                    k0[keys] = FlowKey.k0(p.pkt.srcIp, p.pkt.dstIp);
                    k1[keys] = FlowKey.k1(p.srcPort(), p.dstPort(), p.pkt.protocol, p.zone);
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
                    v = p.processParsedAgain(bufs[at], offsets[at], lengths[at], ingress[at], now, handle);
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
}
