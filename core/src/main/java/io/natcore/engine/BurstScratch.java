/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.PacketParser;
import io.natcore.packet.ParsedPacket;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Burst processing for {@link PacketProcessor#processBurst}. Three passes per chunk of {@link #MAX_BURST}:
 * <ol>
 * <li>peek at each packet's lookup key straight from its header bytes ({@link PacketParser#peekKey}: no
 * validation, no checksums, a guess that the full parse later confirms), which also pulls each packet's first line
 * into the cache;</li>
 * <li>one {@link FlowTable#lookupBurstTouchingCold} for all keys (the table overlaps the index misses, then the
 * hot-line and cold-record misses of the candidates together: counters and tracker state are in the cold
 * record);</li>
 * <li>each packet in order through the normal path, parsed once: its handle is used only when the parsed key equals
 * the peeked one, else it is looked up again.</li>
 * </ol>
 * A handle is re-checked by the established path under the entry lock, and a miss is looked up again when a
 * connection was inserted since the burst lookup, so results equal packet-by-packet processing.
 */
final class BurstScratch
{
    /** Packets looked up together. */
    static final int MAX_BURST = 32;


    private final long[] k0 = new long[MAX_BURST];
    private final long[] k1 = new long[MAX_BURST];
    private final long[] handles = new long[MAX_BURST];
    private final int[] slotOfPacket = new int[MAX_BURST];
    /** What {@link PacketParser#peekKey} read of the packet in hand (key fields only). */
    private final ParsedPacket peeked = new ParsedPacket();

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
        final FlowTable table = p.table;
        for (int start = 0; start < n; start += MAX_BURST)
        {
            final int count = Math.min(MAX_BURST, n - start);
            int keys = 0;
            for (int i = 0; i < count; i++)
            {
                final int at = start + i;
                slotOfPacket[i] = peekKey(bufs[at], offsets[at], lengths[at], p.zone, keys) ? keys++ : -1;
            }
            table.lookupBurstTouchingCold(k0, k1, keys, handles);
            final long insertionsAtLookup = p.engine.insertions; // volatile read
            for (int i = 0; i < count; i++)
            {
                final int at = start + i;
                final int slot = slotOfPacket[i];
                final Verdict v;
                if (slot < 0)
                {
                    v = p.process(bufs[at], offsets[at], lengths[at], ingress[at], now, PacketProcessor.NOT_LOOKED_UP, 0, 0,
                        true);
                }
                else
                {
                    // A connection created since the burst lookup may hold a key that missed then: look again.
                    final long handle = handles[slot] == FlowTable.MISS &&
                        p.engine.insertions != insertionsAtLookup ? PacketProcessor.NOT_LOOKED_UP : handles[slot];
                    v = p.process(bufs[at], offsets[at], lengths[at], ingress[at], now, handle,
                        k0[slot], k1[slot], true);
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
     * The key the full parse would produce ({@link PacketParser#peekKey}) into {@code k0[slot]}/{@code k1[slot]}.
     *
     * @return false when the packet has no key to peek (it then takes the normal path).
     */
    boolean peekKey(final DirectBuffer buf, final int offset, final int length, final int zone, final int slot)
    {
        final ParsedPacket key = peeked;
        if (!PacketParser.peekKey(buf, offset, length, key))
        {
            return false;
        }
        k0[slot] = FlowKey.k0(key.srcIp, key.dstIp);
        k1[slot] = FlowKey.k1(key.srcPort, key.dstPort, key.protocol, zone);
        return true;
    }

    /** The key {@link #peekKey} wrote for {@code slot}: k0 (tests). */
    long peekedK0(final int slot)
    {
        return k0[slot];
    }

    /** The key {@link #peekKey} wrote for {@code slot}: k1 (tests). */
    long peekedK1(final int slot)
    {
        return k1[slot];
    }
}
