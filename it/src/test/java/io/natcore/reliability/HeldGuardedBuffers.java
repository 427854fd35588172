/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.engine.PacketProcessor;
import org.agrona.DirectBuffer;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * A fuzz harness's side of {@code Verdict.HOLD}: the engine keeps a held packet by reference until it releases it
 * (fragments wait for their whole datagram), so the harness must not reuse that buffer meanwhile. Buffers of held
 * packets are set aside here and come back, their guards checked, when the processor releases them.
 */
final class HeldGuardedBuffers
{
    private final int fill;
    private final ArrayDeque<GuardedPacketBuffer> spare = new ArrayDeque<>();
    private final IdentityHashMap<DirectBuffer, GuardedPacketBuffer> held = new IdentityHashMap<>();

    /**
     * @param fill guard pattern of the buffers made here (twins use different values).
     */
    HeldGuardedBuffers(final int fill)
    {
        this.fill = fill;
    }

    /** @return a buffer the engine does not hold. */
    GuardedPacketBuffer take()
    {
        final GuardedPacketBuffer b = spare.poll();
        return b != null ? b : new GuardedPacketBuffer(fill);
    }

    /** The engine is done with {@code b}: it may take the next packet. */
    void give(final GuardedPacketBuffer b)
    {
        spare.push(b);
    }

    /** The engine held the packet placed in {@code b} (its view {@code view}): keep it out of use. */
    void hold(final GuardedPacketBuffer b, final DirectBuffer view)
    {
        held.put(view, b);
    }

    /**
     * After each call: the buffers the processor released come back.
     *
     * @return false when a released packet's guards were written.
     */
    boolean drainReleased(final PacketProcessor p)
    {
        boolean intact = true;
        for (int i = 0; i < p.releasedCount(); i++)
        {
            final GuardedPacketBuffer b = held.remove(p.releasedBuffer(i));
            if (b != null)
            {
                intact &= b.guardsIntact();
                spare.push(b);
            }
        }
        return intact;
    }

    /** @return packets the engine holds now. */
    int heldCount()
    {
        return held.size();
    }
}
