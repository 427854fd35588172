/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Burst processing for {@link PacketProcessor#processBurst}. Three passes per chunk of {@link #MAX_BURST}:
 * <ol>
 * <li>peek at each packet's lookup key straight from its header bytes (no validation, no checksums: a guess that
 * the full parse later confirms), which also pulls each packet's first line into the cache;</li>
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

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    /** MF flag and fragment offset bits of the flags/fragment word. */
    private static final int MF_AND_OFFSET = 0x3FFF;

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
     * Reads the key the full parse would produce for an unfragmented TCP, UDP or ICMP query packet into
     * {@code k0[slot]}/{@code k1[slot]}. Only bounds are checked (every read stays inside {@code [offset,
     * offset + length)} and the buffer); anything else is the parser's job. The header is read as words, as the
     * parser reads it: w0 = version/IHL, TOS, total length, id, flags/fragment; w1 = TTL, protocol, checksum, source.
     *
     * @return false when the packet is not such a packet (it then takes the normal path).
     */
    boolean peekKey(final DirectBuffer buf, final int offset, final int length, final int zone, final int slot)
    {
        if (offset < 0 || length < Ipv4Header.MIN_LENGTH || offset + length > buf.capacity() || offset + length < 0)
        {
            return false;
        }
        final long w0 = buf.getLong(offset, NET);
        final int versionIhl = (int)(w0 >>> 56);
        final int hl = (versionIhl & 0xF) << 2;
        if ((versionIhl >> 4) != 4 || hl < Ipv4Header.MIN_LENGTH || (w0 & MF_AND_OFFSET) != 0)
        {
            return false;
        }
        final long w1 = buf.getLong(offset + 8, NET);
        final int protocol = (int)(w1 >>> 48) & 0xFF;
        final int l4 = offset + hl;
        final int ports;
        if (protocol == IpProtocol.TCP || protocol == IpProtocol.UDP)
        {
            if (hl + 4 > length)
            {
                return false;
            }
            ports = buf.getInt(l4, NET);
        }
        else if (protocol == IpProtocol.ICMP)
        {
            if (hl + IcmpHeader.LENGTH > length)
            {
                return false;
            }
            // type (63..56), code, checksum, identifier (31..16), sequence
            final long icmp = buf.getLong(l4, NET);
            if (!IcmpHeader.isQuery((int)(icmp >>> 56)))
            {
                return false;
            }
            final int id = (int)(icmp >>> 16) & 0xFFFF;
            ports = id << 16 | id;
        }
        else
        {
            return false;
        }
        k0[slot] = FlowKey.k0((int)w1, buf.getInt(offset + Ipv4Header.DST_ADDRESS_OFFSET, NET));
        k1[slot] = FlowKey.k1(ports >>> 16, ports & 0xFFFF, protocol, zone);
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
