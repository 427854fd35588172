/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-packet calls allocate nothing (thread-allocated bytes over many packets). */
class TrackerAllocationTest
{
    private static final int PACKETS = 1_000_000;

    private static long allocated()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    // What two back-to-back readings of the counter report by themselves (the MXBean call may allocate).
    private static long measurementOverhead()
    {
        final long a = allocated();
        return allocated() - a;
    }

    @Test
    void establishedTcpUdpAndFragmentPathsAllocateNothing()
    {
        final Timeouts timeouts = new Timeouts();
        final TcpTracker tcp = new TcpTracker(timeouts);
        final UdpTracker udp = new UdpTracker(timeouts);
        final FragmentTracker fragments = new FragmentTracker(1024, 4, 2, 30_000_000_000L, 7);
        final FragmentResult fr = fragments.newResult();
        final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH + UdpTracker.LENGTH]);
        final TcpSegment seg = new TcpSegment();
        final TrackResult res = new TrackResult();

        seg.set(TcpSegment.SYN, 1000, 0, 64240, 0).options(7, true);
        tcp.newConnection(area, 0, seg, res);
        tcp.packet(area, 0, TcpState.NONE, seg, 0, false, false, 0, res);
        seg.set(TcpSegment.SYN | TcpSegment.ACK, 5000, 1001, 65160, 0).options(7, true);
        tcp.packet(area, 0, res.newState, seg, 1, false, false, 0, res);
        int state = res.newState;
        udp.packet(area, TcpStateLayout.LENGTH, true, false, false, 0, res);

        // Every call's result is checked (they are in window, in order), which also keeps the JIT from dropping them.
        long unexpected = 0;
        int c = 1001;
        int s = 5001;
        for (int round = 0; round < 3; round++) // rounds 0 and 1 warm up (JIT, OSR)
        {
            final long before = allocated();
            for (int i = 0; i < PACKETS; i++)
            {
                seg.set(TcpSegment.ACK | TcpSegment.PSH, c, s, 502, 100);
                unexpected += tcp.packet(area, 0, state, seg, 0, true, true, 1, res) == TrackResult.ACCEPT ? 0 : 1;
                state = res.newState;
                c += 100;
                seg.set(TcpSegment.ACK, s, c, 509, 0);
                unexpected += tcp.packet(area, 0, state, seg, 1, true, true, 1, res) == TrackResult.ACCEPT ? 0 : 1;
                state = res.newState;
                unexpected += udp.packet(area, TcpStateLayout.LENGTH, false, true, true, i, res) == TrackResult.ACCEPT ?
                    0 : 1;
                final int id = (round * PACKETS + i) & 0xFFFF;
                unexpected += fragments.onFragment(1, 2, 17, id, 0, 1480, true, -1, i, fr) == FragmentTracker.FIRST ?
                    0 : 1;
                unexpected += fragments.bind(1, 2, 17, id, i, fr) == 0 ? 0 : 1; // nothing was parked
                unexpected += fragments.onFragment(1, 2, 17, id, 1480, 20, false, -1, i, fr) ==
                    FragmentTracker.FOLLOW ? 0 : 1;
            }
            final long bytes = allocated() - before - measurementOverhead();
            if (round == 2)
            {
                assertEquals(0, bytes, "bytes allocated over " + PACKETS + " rounds");
            }
        }
        assertEquals(0, unexpected, "calls with another result than an in-order flow gets");
        assertEquals(TcpState.ESTABLISHED, state);
    }
}
