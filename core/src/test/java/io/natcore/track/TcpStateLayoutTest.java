/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.natcore.track.TcpStateLayout.FLAG_BE_LIBERAL;
import static io.natcore.track.TcpStateLayout.FLAG_CLOSE_INIT;
import static io.natcore.track.TcpStateLayout.FLAG_DATA_UNACKNOWLEDGED;
import static io.natcore.track.TcpStateLayout.FLAG_EXP_CHALLENGE_ACK;
import static io.natcore.track.TcpStateLayout.FLAG_MAXACK_SET;
import static io.natcore.track.TcpStateLayout.FLAG_SACK_PERM;
import static io.natcore.track.TcpStateLayout.FLAG_SIMULTANEOUS_OPEN;
import static io.natcore.track.TcpStateLayout.FLAG_WINDOW_SCALE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The packed TCP area: 48 bytes, every field independent of the others, zero means blank. */
class TcpStateLayoutTest
{
    private final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
    private final int base = 16;

    @Test
    void fitsTheFlowTablesFortyEightByteScratchArea()
    {
        assertEquals(48, TcpStateLayout.LENGTH);
        assertEquals(TcpStateLayout.LENGTH, TcpStateLayout.BITS_OFFSET + 4);
    }

    @Test
    void blankAreaHasNoFlagsNoScaleAndIndexSyn()
    {
        assertEquals(0, TcpStateLayout.flags(b, base, 0));
        assertEquals(0, TcpStateLayout.flags(b, base, 1));
        assertEquals(0, TcpStateLayout.scale(b, base, 0));
        assertEquals(-1, TcpStateLayout.lastWscale(b, base));
        assertEquals(0, TcpStateLayout.lastFlags(b, base));
        assertEquals(0, TcpStateLayout.retrans(b, base));
    }

    @Test
    void packedFieldsRoundTripWithoutDisturbingEachOther()
    {
        final int all = FLAG_WINDOW_SCALE | FLAG_SACK_PERM | FLAG_CLOSE_INIT | FLAG_BE_LIBERAL |
            FLAG_DATA_UNACKNOWLEDGED | FLAG_MAXACK_SET;
        TcpStateLayout.flags(b, base, 0, all);
        TcpStateLayout.scale(b, base, 0, 14);
        TcpStateLayout.flags(b, base, 1, FLAG_SACK_PERM | FLAG_MAXACK_SET);
        TcpStateLayout.lastWscale(b, base, 9);
        TcpStateLayout.lastFlags(b, base, FLAG_WINDOW_SCALE | FLAG_EXP_CHALLENGE_ACK | FLAG_SIMULTANEOUS_OPEN);
        TcpStateLayout.lastDir(b, base, 1);
        TcpStateLayout.lastIndex(b, base, 5);
        TcpStateLayout.retrans(b, base, 200);

        assertEquals(all, TcpStateLayout.flags(b, base, 0));
        assertEquals(14, TcpStateLayout.scale(b, base, 0));
        assertEquals(FLAG_SACK_PERM | FLAG_MAXACK_SET, TcpStateLayout.flags(b, base, 1));
        assertEquals(0, TcpStateLayout.scale(b, base, 1), "no window scale flag: scale stays 0");
        assertEquals(9, TcpStateLayout.lastWscale(b, base));
        assertEquals(FLAG_WINDOW_SCALE | FLAG_EXP_CHALLENGE_ACK | FLAG_SIMULTANEOUS_OPEN,
            TcpStateLayout.lastFlags(b, base));
        assertEquals(1, TcpStateLayout.lastDir(b, base));
        assertEquals(5, TcpStateLayout.lastIndex(b, base));
        assertEquals(TcpStateLayout.RETRANS_MAX, TcpStateLayout.retrans(b, base), "saturates");

        TcpStateLayout.flags(b, base, 0, FLAG_BE_LIBERAL); // kernel: flags &= BE_LIBERAL
        assertEquals(FLAG_BE_LIBERAL, TcpStateLayout.flags(b, base, 0));
        assertEquals(0, TcpStateLayout.scale(b, base, 0), "clearing the flag clears the scale");
        assertEquals(9, TcpStateLayout.lastWscale(b, base));
        assertEquals(0, b.getInt(0) | b.getInt(8), "nothing written outside the area");
    }
    @Test
    void singleFlagAccessorsAgreeWithTheWholeFlagsAccessors()
    {
        final int[] singles = {FLAG_SACK_PERM, FLAG_CLOSE_INIT, FLAG_BE_LIBERAL, FLAG_DATA_UNACKNOWLEDGED, FLAG_MAXACK_SET};
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int n = 0; n < 20_000; n++)
        {
            final int word = rnd.nextInt();
            b.putInt(base + TcpStateLayout.BITS_OFFSET, word, TcpStateLayout.ORDER);
            final int dir = rnd.nextInt(2);
            final int flag = singles[rnd.nextInt(singles.length)];
            final int f0 = TcpStateLayout.flags(b, base, 0);
            final int f1 = TcpStateLayout.flags(b, base, 1);
            assertEquals(((dir == 0 ? f0 : f1) & flag) != 0, TcpStateLayout.has(b, base, dir, flag), "has " + n);
            assertEquals(((f0 | f1) & flag) != 0, TcpStateLayout.eitherDirectionHas(b, base, flag), "either " + n);

            final boolean on = rnd.nextBoolean();
            final UnsafeBuffer viaFlags = new UnsafeBuffer(new byte[64]);
            viaFlags.putInt(base + TcpStateLayout.BITS_OFFSET, word, TcpStateLayout.ORDER);
            final int before = TcpStateLayout.flags(viaFlags, base, dir);
            TcpStateLayout.flags(viaFlags, base, dir, on ? before | flag : before & ~flag);
            TcpStateLayout.flag(b, base, dir, flag, on);
            assertEquals(TcpStateLayout.bits(viaFlags, base), TcpStateLayout.bits(b, base), "flag " + n);

            final int index = rnd.nextInt(6);
            TcpStateLayout.lastIndex(viaFlags, base, index);
            TcpStateLayout.lastDir(viaFlags, base, dir);
            TcpStateLayout.lastIndexAndDir(b, base, index, dir);
            assertEquals(TcpStateLayout.bits(viaFlags, base), TcpStateLayout.bits(b, base), "last " + n);
        }
    }
}
