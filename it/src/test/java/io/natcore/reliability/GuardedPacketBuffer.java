/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Places one packet between two guard regions of known bytes inside a direct buffer, and exposes a view whose
 * capacity ends right after the trailing guard:
 * <pre>
 *   0              GUARD+misalign                 +length                   +GUARD = view capacity
 *   +--------------+------------------------------+--------------------------+
 *   | leading guard|   packet [offset, offset+len) |      trailing guard      |
 *   +--------------+------------------------------+--------------------------+
 * </pre>
 * A write outside the packet either changes a guard byte (caught by {@link #guardsIntact()}) or falls beyond the
 * view's capacity (caught by Agrona's bounds checks as an exception). A read outside the packet is caught by
 * running twin engines whose guards hold different bytes: any read that matters makes their results differ.
 * Guard bytes depend on their position, so a shifted copy of the guard is caught too.
 */
final class GuardedPacketBuffer
{
    static final int GUARD = 128;
    static final int MAX_PACKET = 65_535 + 64;

    private final ByteBuffer memory = ByteBuffer.allocateDirect(MAX_PACKET + 2 * GUARD + 8);
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final int fill;
    private int offset;
    private int length;

    /**
     * @param fill base of the guard pattern; twins use different values.
     */
    GuardedPacketBuffer(final int fill)
    {
        this.fill = fill & 0xFF;
    }

    private byte guardByte(final int position)
    {
        return (byte)(fill ^ (position * 0x9D) ^ (position >>> 8));
    }

    /**
     * Copies {@code src[0, len)} to offset {@code GUARD + misalign} (misalign 0..7) between fresh guards.
     *
     * @return the view to hand to the code under test.
     */
    UnsafeBuffer place(final byte[] src, final int len, final int misalign)
    {
        offset = GUARD + (misalign & 7);
        length = len;
        final int end = offset + len + GUARD;
        for (int i = 0; i < offset; i++)
        {
            memory.put(i, guardByte(i));
        }
        memory.put(offset, src, 0, len);
        for (int i = offset + len; i < end; i++)
        {
            memory.put(i, guardByte(i));
        }
        view.wrap(memory, 0, end);
        return view;
    }

    /** Offset of the packet in the view. */
    int offset()
    {
        return offset;
    }

    /** Packet length. */
    int length()
    {
        return length;
    }

    /** True when every guard byte still holds its pattern. */
    boolean guardsIntact()
    {
        for (int i = 0; i < offset; i++)
        {
            if (memory.get(i) != guardByte(i))
            {
                return false;
            }
        }
        final int end = offset + length + GUARD;
        for (int i = offset + length; i < end; i++)
        {
            if (memory.get(i) != guardByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /** True when the packet bytes equal those of {@code other} (twin comparison). */
    boolean samePacketBytes(final GuardedPacketBuffer other)
    {
        if (length != other.length)
        {
            return false;
        }
        return memory.slice(offset, length).equals(other.memory.slice(other.offset, other.length));
    }

    /** Copy of the packet bytes (failure messages). */
    byte[] packetBytes()
    {
        final byte[] b = new byte[length];
        memory.get(offset, b, 0, length);
        return b;
    }
}
