/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every cell of the kernel's {@code tcp_conntracks[2][6][10]} table (Linux 6.12
 * nf_conntrack_proto_tcp.c, transcribed below as text) exercised through {@link TcpTracker#packet}
 * with window checks off, from an otherwise blank state: invalid cells give INVALID, ignore cells
 * an accepted packet that leaves the state alone, the others the listed state.
 */
class TcpTransitionTableTest
{
    private static final List<String> STATES =
        Arrays.asList("sNO", "sSS", "sSR", "sES", "sFW", "sCW", "sLA", "sTW", "sCL", "sS2");

    // Rows syn, synack, fin, ack, rst, none; columns sNO..sS2. From the kernel source.
    private static final String[][] KERNEL =
    {
        {
            "sSS sSS sIG sIG sIG sIG sIG sSS sSS sS2",
            "sIV sIV sSR sIV sIV sIV sIV sIV sIV sSR",
            "sIV sIV sFW sFW sLA sLA sLA sTW sCL sIV",
            "sES sIV sES sES sCW sCW sTW sTW sCL sIV",
            "sIV sCL sCL sCL sCL sCL sCL sCL sCL sCL",
            "sIV sIV sIV sIV sIV sIV sIV sIV sIV sIV",
        },
        {
            "sIV sS2 sIV sIV sIV sIV sIV sSS sIV sS2",
            "sIV sSR sIG sIG sIG sIG sIG sIG sIG sSR",
            "sIV sIV sFW sFW sLA sLA sLA sTW sCL sIV",
            "sIV sIG sSR sES sCW sCW sTW sTW sCL sIG",
            "sIV sCL sCL sCL sCL sCL sCL sCL sCL sCL",
            "sIV sIV sIV sIV sIV sIV sIV sIV sIV sIV",
        }
    };

    private static final int[] FLAGS_BY_INDEX =
    {
        TcpSegment.SYN,
        TcpSegment.SYN | TcpSegment.ACK,
        TcpSegment.FIN | TcpSegment.ACK,
        TcpSegment.ACK,
        TcpSegment.RST,
        0,
    };

    private final TcpTracker liberal = new TcpTracker(new Timeouts(), true, true, 3, false);
    private final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH]);
    private final TcpSegment seg = new TcpSegment();
    private final TrackResult res = new TrackResult();

    @Test
    void everyTableCellBehavesAsTheKernelTableSays()
    {
        int cells = 0;
        for (int dir = 0; dir < 2; dir++)
        {
            for (int index = 0; index < 6; index++)
            {
                final String[] row = KERNEL[dir][index].split(" ");
                for (int old = 0; old < TcpState.MAX; old++)
                {
                    final String cell = row[old];
                    area.setMemory(0, TcpStateLayout.LENGTH, (byte)0);
                    TcpStateLayout.lastIndex(area, 0, TcpTransitions.INDEX_NONE);
                    seg.set(FLAGS_BY_INDEX[index], 1000, 2000, 1000, 0);
                    liberal.packet(area, 0, old, seg, dir, true, false, Long.MAX_VALUE, res);
                    final String where = "dir " + dir + " index " + index + " from " + STATES.get(old);
                    cells++;
                    if (cell.equals("sIV"))
                    {
                        assertEquals(TrackResult.INVALID, res.verdict, where);
                        assertEquals(TrackReason.TCP_INVALID_TRANSITION, res.reason, where);
                        assertEquals(old, res.newState, where);
                    }
                    else if (cell.equals("sIG") || (cell.equals("sSS") && old >= TcpState.TIME_WAIT))
                    {
                        // sSS from TIME_WAIT/CLOSE reopens only after a close this blank state lacks.
                        assertEquals(TrackResult.ACCEPT, res.verdict, where);
                        assertEquals(TrackReason.TCP_IGNORED, res.reason, where);
                        assertEquals(old, res.newState, where);
                        assertEquals(false, res.refresh, where);
                    }
                    else
                    {
                        assertEquals(TrackResult.ACCEPT, res.verdict, where);
                        assertEquals(STATES.indexOf(cell), res.newState, where);
                        assertEquals(STATES.indexOf(cell) != old, (res.events & TrackResult.EVENT_PROTOINFO) != 0, where);
                    }
                }
            }
        }
        assertEquals(2 * 6 * 10, cells);
    }

    @Test
    void indexFollowsKernelPriorityRstThenSynThenFinThenAck()
    {
        assertEquals(TcpTransitions.INDEX_RST, TcpTransitions.index(TcpSegment.RST | TcpSegment.SYN | TcpSegment.ACK));
        assertEquals(TcpTransitions.INDEX_SYNACK, TcpTransitions.index(TcpSegment.SYN | TcpSegment.ACK | TcpSegment.FIN));
        assertEquals(TcpTransitions.INDEX_SYN, TcpTransitions.index(TcpSegment.SYN | TcpSegment.FIN));
        assertEquals(TcpTransitions.INDEX_FIN, TcpTransitions.index(TcpSegment.FIN | TcpSegment.ACK));
        assertEquals(TcpTransitions.INDEX_ACK, TcpTransitions.index(TcpSegment.ACK | TcpSegment.PSH));
        assertEquals(TcpTransitions.INDEX_NONE, TcpTransitions.index(TcpSegment.PSH));
    }

    @Test
    void stateNamesAreTheConntrackNames()
    {
        assertEquals("SYN_SENT2", TcpState.name(TcpState.SYN_SENT2));
        assertEquals("TIME_WAIT", TcpState.name(7));
        assertEquals("UNKNOWN", TcpState.name(-1));
    }
}
