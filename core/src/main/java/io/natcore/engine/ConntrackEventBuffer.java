/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The conntrack event stream: an Agrona {@link ManyToOneRingBuffer} of fixed-size
 * {@link ConntrackEventDescriptor} records. Packet threads claim a slot, fill it in place and commit (no
 * allocation, lock-free, never blocks: a full buffer loses the event and the caller counts it). One consumer
 * thread drains it with {@link #poll}.
 */
final class ConntrackEventBuffer implements MessageHandler
{
    private final ManyToOneRingBuffer ring;
    private final ConntrackEvent event = new ConntrackEvent();
    private ConntrackEventHandler handler;

    /**
     * @param capacityBytes data capacity, rounded up to a power of two (at least 4 KiB).
     */
    ConntrackEventBuffer(final int capacityBytes)
    {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4096, capacityBytes));
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * Claim a record (any thread).
     *
     * @return an index into {@link #buffer()}, or a negative value when full.
     */
    int claim()
    {
        return ring.tryClaim(ConntrackEventDescriptor.MSG_TYPE_ID, ConntrackEventDescriptor.LENGTH);
    }

    /** @return the buffer claimed records are written into. */
    AtomicBuffer buffer()
    {
        return ring.buffer();
    }

    /**
     * Publish a claimed record (release store of its length header inside the ring buffer).
     *
     * @param index from {@link #claim()}.
     */
    void commit(final int index)
    {
        ring.commit(index);
    }

    /**
     * Drain up to {@code limit} events (the single consumer thread).
     *
     * @return events delivered.
     */
    int poll(final ConntrackEventHandler h, final int limit)
    {
        handler = h;
        try
        {
            return ring.read(this, limit);
        }
        finally
        {
            handler = null;
        }
    }

    @Override
    public void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length)
    {
        handler.onEvent(event.wrap(buffer, index));
    }

    /** @return bytes of events waiting. */
    int size()
    {
        return ring.size();
    }

    static boolean isClaimed(final int index)
    {
        return index != RingBuffer.INSUFFICIENT_CAPACITY && index >= 0;
    }
}
