/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpWindow}'s checks and update on hand-made numbers: the sender (seq 1000.., end 2000, maxend 11000, maxwin
 * 9000) talks to a receiver (end 5000, maxwin 10000); the bounds below are the kernel's {@code tcp_in_window()}
 * inequalities worked out for these values.
 */
class TcpWindowTest
{
    private static int fault(final int seq, final int sack, final int end)
    {
        return TcpWindow.windowFault(seq, sack, end, 2000, 11000, 9000, 5000, 10000);
    }

    @Test
    void theFourChecksTakeTheKernelsBoundsInTheKernelsOrder()
    {
        assertEquals(TrackReason.NONE, fault(2000, 5000, 2100));
        assertEquals(TrackReason.NONE, fault(11000, 5000, 11000), "seq == maxend is still in");
        assertEquals(TrackReason.TCP_SEQ_OVER, fault(11001, 5000, 11001));
        assertEquals(TrackReason.NONE, fault(2000, 5000, 2000), "ack == receiver end is still in");
        assertEquals(TrackReason.TCP_ACK_OVER, fault(2000, 5001, 2000));
        assertEquals(TrackReason.TCP_SEQ_OVER, fault(11001, 5001, 11001), "seq over is reported first");
        assertEquals(TrackReason.NONE, fault(-8000, 5000, -8000), "end == sender end - receiver maxwin is still in");
        assertEquals(TrackReason.TCP_SEQ_UNDER, fault(-8001, 5000, -8001));
        // max ack window: the sender's maxwin (9000) is below MAXACKWINCONST, so 66000
        assertEquals(TrackReason.NONE, fault(2000, 5000 - 66000, 2000));
        assertEquals(TrackReason.TCP_ACK_UNDER, fault(2000, 5000 - 66001, 2000));
    }

    @Test
    void sequenceComparisonsWrapAroundTheSequenceSpace()
    {
        assertTrue(TcpWindow.before(0xFFFF_FFF0, 0x10));
        assertTrue(TcpWindow.after(0x10, 0xFFFF_FFF0));
        assertFalse(TcpWindow.after(5, 5));
        assertFalse(TcpWindow.before(5, 5));
    }

    @Test
    void anInWindowAckAdvancesTheEndsWidensTheWindowsAndStartsTheRetransmissionCount()
    {
        final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH]);
        final int s = TcpStateLayout.directionOffset(0);
        final int r = TcpStateLayout.directionOffset(1);
        TcpStateLayout.putInt(area, s + TcpStateLayout.TD_END_OFFSET, 2000);
        TcpStateLayout.putInt(area, s + TcpStateLayout.TD_MAXEND_OFFSET, 11000);
        TcpStateLayout.putInt(area, s + TcpStateLayout.TD_MAXWIN_OFFSET, 9000);
        TcpStateLayout.putInt(area, r + TcpStateLayout.TD_END_OFFSET, 5000);
        TcpStateLayout.putInt(area, r + TcpStateLayout.TD_MAXEND_OFFSET, 6000);
        TcpStateLayout.putInt(area, r + TcpStateLayout.TD_MAXWIN_OFFSET, 10000);
        // 100 bytes at 2000, acking 5000 (all the receiver sent), window 12000
        final int bits = TcpWindow.updateWindows(area, 0, 0, 0, TcpTransitions.INDEX_ACK, true, 2000, 5000, 5000, 2100,
            12000, 12000);
        assertEquals(2100, TcpStateLayout.getInt(area, s + TcpStateLayout.TD_END_OFFSET), "sender end advanced");
        assertEquals(12000, TcpStateLayout.getInt(area, s + TcpStateLayout.TD_MAXWIN_OFFSET), "max(9000, 12000)");
        assertEquals(5000, TcpStateLayout.getInt(area, s + TcpStateLayout.TD_MAXACK_OFFSET));
        assertEquals(17000, TcpStateLayout.getInt(area, r + TcpStateLayout.TD_MAXEND_OFFSET), "ack 5000 + window 12000");
        assertEquals(10000, TcpStateLayout.getInt(area, r + TcpStateLayout.TD_MAXWIN_OFFSET), "end 2100 < maxend 11000");
        assertTrue((bits & TcpStateLayout.flagBit(0, TcpStateLayout.FLAG_DATA_UNACKNOWLEDGED)) != 0, "new data");
        assertTrue((bits & TcpStateLayout.flagBit(0, TcpStateLayout.FLAG_MAXACK_SET)) != 0);
        assertEquals(0, TcpStateLayout.retransOf(bits));
        assertEquals(100, TcpStateLayout.getShort(area, TcpStateLayout.LAST_LEN_OFFSET));
        // the same segment again (last_dir 0 in the word) counts one retransmission and stores nothing new
        final int again = TcpWindow.updateWindows(area, 0, bits, 0, TcpTransitions.INDEX_ACK, true, 2000, 5000, 5000, 2100,
            12000, 12000);
        assertEquals(1, TcpStateLayout.retransOf(again));
    }
}
