/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static io.natcore.table.FlowEntryLayout.*;

/**
 * Named accessors for the fields of the entries of a {@link FlowTable} ({@link FlowEntryLayout}), the per-entry
 * seqlock, and the per-direction rewrite targets. Every method takes an entry index; a bad one is a caller's bug and
 * throws {@link IndexOutOfBoundsException} while bounds checks are on ({@link #checkEntry(int)}). The memory ordering is in each name or Javadoc;
 * "plain" setters expect the caller to hold the entry's write lock ({@link #beginWrite(int)}).
 */
public abstract class FlowEntries
{
    /** Value of {@link #egressIfIndex} when none was set. */
    public static final int NO_IFINDEX = -1;
    /**
     * Egress of a direction whose packets the box delivers to itself (a connection to one of its addresses, or the
     * replies to one it opened): ifindex 0, which names no interface in Linux.
     */
    public static final int LOCAL_DELIVERY = 0;

    final UnsafeBuffer hot;
    final UnsafeBuffer cold;
    /**
     * Raw addresses of the two regions (both are direct or mapped memory, never a heap array). Accessors go through
     * these, not through the buffers: the acquire/release/volatile accesses below are compiler barriers in C2, which
     * would otherwise reload {@code buffer.addressOffset} (two dependent loads) after each of them.
     */
    final long hotAddress;
    final long coldAddress;
    final int capacity;

    FlowEntries(final UnsafeBuffer hot, final UnsafeBuffer cold, final int capacity)
    {
        this.hot = hot;
        this.cold = cold;
        this.hotAddress = hot.addressOffset();
        this.coldAddress = cold.addressOffset();
        this.capacity = capacity;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Per-entry seqlock
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Takes the entry's write lock: spins until the sequence is even, then CAS to odd. Do not call lookup-free
     * blocking operations on the same entry from the same thread twice (not re-entrant).
     *
     * @return the odd sequence now held.
     */
    public int beginWrite(final int entry)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + SEQ_OFFSET;
        int spins = 0;
        while (true)
        {
            final int seq = UnsafeApi.getIntVolatile(null, hotAddress + at);
            if ((seq & 1) == 0 && UnsafeApi.compareAndSetInt(null, hotAddress + at, seq, seq + 1))
            {
                return seq + 1;
            }
            backOff(++spins);
        }
    }

    /** One attempt at the entry's write lock: the odd sequence now held, or -1 (held elsewhere). */
    public int tryBeginWrite(final int entry)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + SEQ_OFFSET;
        final int seq = UnsafeApi.getIntVolatile(null, hotAddress + at);
        return (seq & 1) == 0 && UnsafeApi.compareAndSetInt(null, hotAddress + at, seq, seq + 1) ? seq + 1 : -1;
    }

    /** Releases the entry's write lock (release store of the next even sequence). No-op if not held. */
    public void endWrite(final int entry)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + SEQ_OFFSET;
        final int seq = UnsafeApi.getInt(null, hotAddress + at); // plain: only the holder writes it while odd
        if ((seq & 1) != 0)
        {
            UnsafeApi.putIntRelease(null, hotAddress + at, seq + 1); // release: field writes visible before the even sequence
        }
    }

    /**
     * Starts a consistent read: spins while a writer holds the entry, returns the even sequence (acquire). Not to be
     * called by the thread holding the entry's write lock (it would wait for itself).
     */
    public int readBeginAcquire(final int entry)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + SEQ_OFFSET;
        int spins = 0;
        while (true)
        {
            final int seq = UnsafeApi.getIntAcquire(null, hotAddress + at);
            if ((seq & 1) == 0)
            {
                return seq;
            }
            backOff(++spins);
        }
    }

    /** Ends a consistent read: true when no writer touched the entry since {@link #readBeginAcquire(int)}. */
    public boolean readValidate(final int entry, final int seq)
    {
        checkEntry(entry);
        VarHandle.loadLoadFence(); // field loads complete before the sequence re-read
        return UnsafeApi.getInt(null, hotAddress + hotOffset(entry) + SEQ_OFFSET) == seq;
    }

    /** Current sequence (volatile read). */
    public int seqVolatile(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getIntVolatile(null, hotAddress + hotOffset(entry) + SEQ_OFFSET);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Hot fields
    // ------------------------------------------------------------------------------------------------------------

    /** Status word (acquire). */
    public int statusAcquire(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getIntAcquire(null, hotAddress + hotOffset(entry) + STATUS_OFFSET);
    }

    /** Status word (opaque). */
    public int statusOpaque(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getIntOpaque(null, hotAddress + hotOffset(entry) + STATUS_OFFSET);
    }

    /** True when all {@code bits} are set (acquire). */
    public boolean hasStatus(final int entry, final int bits)
    {
        return (statusAcquire(entry) & bits) == bits;
    }

    /** Sets status bits with a CAS loop (volatile); table-owned bits are ignored. Returns the previous word. */
    public int orStatusVolatile(final int entry, final int bits)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + STATUS_OFFSET;
        final int add = bits & ~FlowStatus.TABLE_OWNED;
        while (true)
        {
            final int old = UnsafeApi.getIntVolatile(null, hotAddress + at);
            if ((old | add) == old || UnsafeApi.compareAndSetInt(null, hotAddress + at, old, old | add))
            {
                return old;
            }
        }
    }

    /** Clears status bits with a CAS loop (volatile); table-owned bits are ignored. Returns the previous word. */
    public int andNotStatusVolatile(final int entry, final int bits)
    {
        checkEntry(entry);
        return andNotStatusInternal(entry, bits & ~FlowStatus.TABLE_OWNED);
    }

    final int andNotStatusInternal(final int entry, final int bits)
    {
        final int at = hotOffset(entry) + STATUS_OFFSET;
        while (true)
        {
            final int old = UnsafeApi.getIntVolatile(null, hotAddress + at);
            if ((old & ~bits) == old || UnsafeApi.compareAndSetInt(null, hotAddress + at, old, old & ~bits))
            {
                return old;
            }
        }
    }

    /** True while the entry is in the table (CONFIRMED, acquire). */
    public boolean isLive(final int entry)
    {
        return (statusAcquire(entry) & FlowStatus.CONFIRMED) != 0;
    }

    /** Protocol state byte, 0..255 (volatile). */
    public int stateVolatile(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getByteVolatile(null, hotAddress + hotOffset(entry) + STATE_OFFSET) & 0xFF;
    }

    /** Stores the protocol state byte with release. */
    public void putStateRelease(final int entry, final int state)
    {
        checkEntry(entry);
        UnsafeApi.putByteVolatile(null, hotAddress + hotOffset(entry) + STATE_OFFSET, (byte)state); // volatile >= release
    }

    /** Stores the protocol state byte (plain; hold the write lock). */
    public void putStatePlain(final int entry, final int state)
    {
        checkEntry(entry);
        UnsafeApi.putByte(null, hotAddress + hotOffset(entry) + STATE_OFFSET, (byte)state);
    }

    /** Deadline in nanos (opaque). */
    public long deadlineOpaque(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getLongOpaque(null, hotAddress + hotOffset(entry) + DEADLINE_OFFSET);
    }

    /** Stores the deadline (opaque: the expiry scan tolerates a stale value and re-checks under the lock). */
    public void putDeadlineOpaque(final int entry, final long deadlineNanos)
    {
        checkEntry(entry);
        UnsafeApi.putLongOpaque(null, hotAddress + hotOffset(entry) + DEADLINE_OFFSET, deadlineNanos);
    }

    /** Stores the deadline with release. */
    public void putDeadlineRelease(final int entry, final long deadlineNanos)
    {
        checkEntry(entry);
        UnsafeApi.putLongRelease(null, hotAddress + hotOffset(entry) + DEADLINE_OFFSET, deadlineNanos);
    }

    /** k0 of a direction's tuple (plain; immutable while the entry is live). */
    public long keyK0(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getLong(null, hotAddress + hotOffset(entry) + keyOffset(dir & 1));
    }

    /** k1 of a direction's tuple (plain; immutable while the entry is live). */
    public long keyK1(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getLong(null, hotAddress + hotOffset(entry) + keyOffset(dir & 1) + 8);
    }

    /** True when the entry holds this tuple in this direction (plain; use inside a read/write section). */
    public boolean matches(final int entry, final int dir, final long k0, final long k1)
    {
        checkEntry(entry);
        final int at = hotOffset(entry) + keyOffset(dir & 1);
        return UnsafeApi.getLong(null, hotAddress + at) == k0 && UnsafeApi.getLong(null, hotAddress + at + 8) == k1;
    }

    /** New source address of packets in {@code dir}: the other direction's destination (plain). */
    public int newSrcIp(final int entry, final int dir)
    {
        return FlowKey.dstIp(keyK0(entry, dir ^ 1));
    }

    /** New destination address of packets in {@code dir}: the other direction's source (plain). */
    public int newDstIp(final int entry, final int dir)
    {
        return FlowKey.srcIp(keyK0(entry, dir ^ 1));
    }

    /** New source port (ICMP id) of packets in {@code dir}: the other direction's destination port (plain). */
    public int newSrcPort(final int entry, final int dir)
    {
        return FlowKey.dstPort(keyK1(entry, dir ^ 1));
    }

    /** New destination port (ICMP id) of packets in {@code dir}: the other direction's source port (plain). */
    public int newDstPort(final int entry, final int dir)
    {
        return FlowKey.srcPort(keyK1(entry, dir ^ 1));
    }

    /** Precomputed IP header checksum delta for {@code dir}, 0..0xFFFF (plain). */
    public int ipChecksumDelta(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getShort(null, hotAddress + hotOffset(entry) + IP_DELTA_OFFSET + ((dir & 1) << 2)) & 0xFFFF;
    }

    /** Stores the IP header checksum delta for {@code dir} (plain; hold the write lock). */
    public void putIpChecksumDelta(final int entry, final int dir, final int delta)
    {
        checkEntry(entry);
        UnsafeApi.putShort(null, hotAddress + hotOffset(entry) + IP_DELTA_OFFSET + ((dir & 1) << 2), (short)delta);
    }

    /** Precomputed L4 checksum delta for {@code dir}, 0..0xFFFF (plain). */
    public int l4ChecksumDelta(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getShort(null, hotAddress + hotOffset(entry) + L4_DELTA_OFFSET + ((dir & 1) << 2)) & 0xFFFF;
    }

    /** Stores the L4 checksum delta for {@code dir} (plain; hold the write lock). */
    public void putL4ChecksumDelta(final int entry, final int dir, final int delta)
    {
        checkEntry(entry);
        UnsafeApi.putShort(null, hotAddress + hotOffset(entry) + L4_DELTA_OFFSET + ((dir & 1) << 2), (short)delta);
    }

    /** Egress ifindex for {@code dir}, or {@link #NO_IFINDEX} (plain). */
    public int egressIfIndex(final int entry, final int dir)
    {
        checkEntry(entry);
        final int v = UnsafeApi.getShort(null, hotAddress + hotOffset(entry) + EGRESS_OFFSET + ((dir & 1) << 1)) & 0xFFFF;
        return v == 0xFFFF ? NO_IFINDEX : v;
    }

    /** Stores the egress ifindex for {@code dir} (0..65534, else none; plain; hold the write lock). */
    public void putEgressIfIndex(final int entry, final int dir, final int ifIndex)
    {
        checkEntry(entry);
        final int v = ifIndex >= 0 && ifIndex < 0xFFFF ? ifIndex : 0xFFFF;
        UnsafeApi.putShort(null, hotAddress + hotOffset(entry) + EGRESS_OFFSET + ((dir & 1) << 1), (short)v);
    }

    /** Ops bitmask for {@code dir}, 0..255 (plain). */
    public int ops(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getByte(null, hotAddress + hotOffset(entry) + OPS_OFFSET + (dir & 1)) & 0xFF;
    }

    /** Stores the ops bitmask for {@code dir} (plain; hold the write lock). */
    public void putOps(final int entry, final int dir, final int ops)
    {
        checkEntry(entry);
        UnsafeApi.putByte(null, hotAddress + hotOffset(entry) + OPS_OFFSET + (dir & 1), (byte)ops);
    }

    /** Zone of the connection (from the original tuple). */
    public int zone(final int entry)
    {
        return FlowKey.zone(keyK1(entry, FlowTable.DIR_ORIGINAL));
    }

    /** IP protocol of the connection (from the original tuple). */
    public int protocol(final int entry)
    {
        return FlowKey.protocol(keyK1(entry, FlowTable.DIR_ORIGINAL));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Cold fields
    // ------------------------------------------------------------------------------------------------------------

    /** Adds one packet of {@code bytes} to {@code dir}'s counters (plain read-modify-write; hold the write lock). */
    public void addCountersPlain(final int entry, final int dir, final long bytes)
    {
        checkEntry(entry);
        final int at = coldOffset(entry) + ((dir & 1) << 4);
        UnsafeApi.putLong(null, coldAddress + at + PACKETS_OFFSET, UnsafeApi.getLong(null, coldAddress + at + PACKETS_OFFSET) + 1);
        UnsafeApi.putLong(null, coldAddress + at + BYTES_OFFSET, UnsafeApi.getLong(null, coldAddress + at + BYTES_OFFSET) + bytes);
    }

    /** Adds one packet of {@code bytes} to {@code dir}'s counters with atomic adds (no lock needed). */
    public void addCountersAtomic(final int entry, final int dir, final long bytes)
    {
        checkEntry(entry);
        final int at = coldOffset(entry) + ((dir & 1) << 4);
        UnsafeApi.getAndAddLong(null, coldAddress + at + PACKETS_OFFSET, 1);
        UnsafeApi.getAndAddLong(null, coldAddress + at + BYTES_OFFSET, bytes);
    }

    /** Packets seen in {@code dir} (opaque). */
    public long packetsOpaque(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getLongOpaque(null, coldAddress + coldOffset(entry) + PACKETS_OFFSET + ((dir & 1) << 4));
    }

    /** Bytes seen in {@code dir} (opaque). */
    public long bytesOpaque(final int entry, final int dir)
    {
        checkEntry(entry);
        return UnsafeApi.getLongOpaque(null, coldAddress + coldOffset(entry) + BYTES_OFFSET + ((dir & 1) << 4));
    }

    /** Creation time in nanos (plain). */
    public long createdNanos(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getLong(null, coldAddress + coldOffset(entry) + CREATED_OFFSET);
    }

    /** Stores the creation time (plain; hold the write lock). */
    public void putCreatedNanos(final int entry, final long nanos)
    {
        checkEntry(entry);
        UnsafeApi.putLong(null, coldAddress + coldOffset(entry) + CREATED_OFFSET, nanos);
    }

    /** Conntrack id assigned at insert (plain; nonzero for a live entry). */
    public int ctId(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getInt(null, coldAddress + coldOffset(entry) + CT_ID_OFFSET);
    }

    /** Connection mark (plain). */
    public int mark(final int entry)
    {
        checkEntry(entry);
        return UnsafeApi.getInt(null, coldAddress + coldOffset(entry) + MARK_OFFSET);
    }

    /** Stores the connection mark (plain; hold the write lock). */
    public void putMark(final int entry, final int mark)
    {
        checkEntry(entry);
        UnsafeApi.putInt(null, coldAddress + coldOffset(entry) + MARK_OFFSET, mark);
    }

    /**
     * The buffer holding every entry's protocol scratch area, for trackers that work on a
     * {@code (MutableDirectBuffer, base)} pair (e.g. {@code TcpTracker}). Write only
     * {@code [scratchOffset(entry), scratchOffset(entry) + SCRATCH_LENGTH)}, holding the entry's write lock.
     */
    public final org.agrona.MutableDirectBuffer scratchBuffer()
    {
        return cold;
    }

    /** Base offset of the entry's scratch area in {@link #scratchBuffer()}. */
    public final int scratchOffset(final int entry)
    {
        checkEntry(entry);
        return coldOffset(entry) + SCRATCH_OFFSET;
    }

    /** Scratch int at {@code offset} (0..44) of the protocol area (plain); 0 when out of range. */
    public int scratchInt(final int entry, final int offset)
    {
        checkEntry(entry);
        return validScratch(offset, 4) ?
            UnsafeApi.getInt(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset) : 0;
    }

    /** Stores a scratch int (plain; hold the write lock); ignored when out of range. */
    public void putScratchInt(final int entry, final int offset, final int value)
    {
        checkEntry(entry);
        if (validScratch(offset, 4))
        {
            UnsafeApi.putInt(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset, value);
        }
    }

    /** Scratch short (0..0xFFFF) at {@code offset} (plain); 0 when out of range. */
    public int scratchShort(final int entry, final int offset)
    {
        checkEntry(entry);
        return validScratch(offset, 2) ?
            UnsafeApi.getShort(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset) & 0xFFFF : 0;
    }

    /** Stores a scratch short (plain; hold the write lock); ignored when out of range. */
    public void putScratchShort(final int entry, final int offset, final int value)
    {
        checkEntry(entry);
        if (validScratch(offset, 2))
        {
            UnsafeApi.putShort(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset, (short)value);
        }
    }

    /** Scratch byte (0..255) at {@code offset} (plain); 0 when out of range. */
    public int scratchByte(final int entry, final int offset)
    {
        checkEntry(entry);
        return validScratch(offset, 1) ?
            UnsafeApi.getByte(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset) & 0xFF : 0;
    }

    /** Stores a scratch byte (plain; hold the write lock); ignored when out of range. */
    public void putScratchByte(final int entry, final int offset, final int value)
    {
        checkEntry(entry);
        if (validScratch(offset, 1))
        {
            UnsafeApi.putByte(null, coldAddress + coldOffset(entry) + SCRATCH_OFFSET + offset, (byte)value);
        }
    }

    /**
     * Fails loudly on an entry index outside the table, a caller's bug: a getter returning 0 would hide it. Behind
     * Agrona's switch ({@link UnsafeBuffer#SHOULD_BOUNDS_CHECK}, on unless {@code -Dagrona.disable.bounds.checks=true}),
     * a static final that C2 folds: with checks off the test and the branch are gone, as in Agrona's buffers.
     *
     * @throws IndexOutOfBoundsException when checks are on and {@code entry} is not in {@code [0, capacity)}.
     */
    final void checkEntry(final int entry)
    {
        if (UnsafeBuffer.SHOULD_BOUNDS_CHECK && (entry < 0 || entry >= capacity))
        {
            throw badEntry(entry); // out of line: keeps the accessors small enough to inline
        }
    }

    private IndexOutOfBoundsException badEntry(final int entry)
    {
        return new IndexOutOfBoundsException("entry " + entry + " not in [0, " + capacity + ")");
    }

    private static boolean validScratch(final int offset, final int width)
    {
        return offset >= 0 && offset <= SCRATCH_LENGTH - width;
    }

    /** Spin briefly, then yield: the holder may be descheduled on a shared core. */
    static void backOff(final int spins)
    {
        if (spins < 100)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
    }
}
