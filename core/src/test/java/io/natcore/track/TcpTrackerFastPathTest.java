/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpTracker#establishedAck} (the fast path: an in-window plain ACK of an ESTABLISHED connection) must
 * leave exactly the area and result the general path ({@link TcpTracker#generalPacket}) leaves, and must not touch anything when it declines. The
 * general path is the one pinned to the kernel by the trace tests; here both run from the same states over seeded
 * random conversations (handshakes and pickups, data both ways, retransmissions, SACK, zero windows, stray FIN,
 * RST and SYN, out-of-window jumps, liberal and strict trackers). The value form the engine calls straight from
 * the parse (a timeout, or -1) must take exactly the same segments, and its timeout with the fixed rest of the
 * result (accept, ESTABLISHED kept, refresh, ASSURED once a reply was seen) must equal the general path's result.
 */
class TcpTrackerFastPathTest
{
    private static final long S = 1_000_000_000L;
    private static final int BASE = 8;

    @Test
    void fastPathLeavesTheSameAreaAndResultAsTheGeneralPath()
    {
        final Timeouts timeouts = new Timeouts();
        final SplittableRandom rnd = new SplittableRandom(20261126);
        final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH + 2 * BASE]);
        final UnsafeBuffer a = new UnsafeBuffer(new byte[area.capacity()]);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[area.capacity()]);
        final UnsafeBuffer c = new UnsafeBuffer(new byte[area.capacity()]);
        final UnsafeBuffer d = new UnsafeBuffer(new byte[area.capacity()]);
        final TcpSegment seg = new TcpSegment();
        final TrackResult ra = new TrackResult();
        final TrackResult rb = new TrackResult();
        final TrackResult rc = new TrackResult();
        int taken = 0;
        int declined = 0;
        int retransmissions = 0;
        int valueTaken = 0;
        for (int conversation = 0; conversation < 3_000; conversation++)
        {
            final boolean liberal = rnd.nextInt(4) == 0;
            final TcpTracker fast = new TcpTracker(timeouts, liberal, true, 3, false);
            final int[] isn = {rnd.nextInt(), rnd.nextInt()};
            int tcpState;
            boolean seenReply;
            boolean assured = false;
            area.setMemory(0, area.capacity(), (byte)0);
            if (rnd.nextBoolean())
            {
                seg.set(TcpSegment.SYN, isn[0], 0, 1 + rnd.nextInt(65535), 0);
                if (rnd.nextBoolean())
                {
                    seg.options(rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(15), rnd.nextBoolean());
                }
                assertTrue(fast.newConnection(area, BASE, seg, rb));
                tcpState = TcpState.SYN_SENT;
                seg.set(TcpSegment.SYN | TcpSegment.ACK, isn[1], isn[0] + 1, 1 + rnd.nextInt(65535), 0);
                if (rnd.nextBoolean())
                {
                    seg.options(rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(15), rnd.nextBoolean());
                }
                fast.generalPacket(area, BASE, tcpState, seg, 1, false, false, 100 * S, rb);
                tcpState = rb.newState;
                seenReply = true;
                isn[0]++;
                isn[1]++;
            }
            else
            {
                seg.set(TcpSegment.ACK, isn[0], isn[1], rnd.nextInt(65536), rnd.nextInt(1000));
                assertTrue(fast.newConnection(area, BASE, seg, rb));
                tcpState = TcpState.ESTABLISHED;
                seenReply = false;
                isn[0] += seg.payloadLength;
            }

            int lastDir = 0;
            for (int step = 0; step < 60; step++)
            {
                final boolean repeat = step > 0 && rnd.nextInt(10) == 0;
                final int dir = repeat ? lastDir : rnd.nextInt(2);
                if (!repeat)
                {
                    nextSegment(rnd, seg, area, dir, isn);
                }
                lastDir = dir;
                area.getBytes(0, a, 0, area.capacity());
                area.getBytes(0, b, 0, area.capacity());
                area.getBytes(0, c, 0, area.capacity());
                area.getBytes(0, d, 0, area.capacity());
                final boolean sr = seenReply || rnd.nextInt(20) == 0;
                final boolean as = assured || rnd.nextInt(20) == 0 && sr;

                fast.packet(a, BASE, tcpState, seg, dir, sr, as, 100 * S, ra);
                fast.generalPacket(b, BASE, tcpState, seg, dir, sr, as, 100 * S, rb);
                final String what = "conversation " + conversation + " step " + step;
                for (int i = 0; i < area.capacity(); i++)
                {
                    assertEquals(b.getByte(i), a.getByte(i), what + " area byte " + i);
                }
                assertEquals(rb.toString(), ra.toString(), what);

                rc.clear();
                if (tcpState == TcpState.ESTABLISHED &&
                    TcpTransitions.index(seg.flags) == TcpTransitions.INDEX_ACK)
                {
                    final long t = fast.establishedAck(d, BASE, dir, seg.seq, seg.ack, seg.sack, seg.window,
                        seg.payloadLength, sr);
                    if (t >= 0)
                    {
                        // What the engine applies from the timeout alone must be the general path's whole result.
                        final TrackResult expected = new TrackResult();
                        expected.oldState = TcpState.ESTABLISHED;
                        expected.newState = TcpState.ESTABLISHED;
                        expected.refresh = true;
                        expected.timeoutNanos = t;
                        expected.setAssured = sr && !as;
                        expected.events = sr && !as ? TrackResult.EVENT_ASSURED : 0;
                        assertEquals(rb.toString(), expected.toString(), what + " value fast path");
                        valueTaken++;
                    }
                    for (int i = 0; i < area.capacity(); i++)
                    {
                        assertEquals(t >= 0 ? b.getByte(i) : area.getByte(i), d.getByte(i), what + " value fast path, area byte " + i);
                    }
                    if (fast.establishedAck(c, BASE, seg, dir, sr, as, rc))
                    {
                        assertTrue(t >= 0, what + " the value fast path declined what the segment one took");
                        taken++;
                        retransmissions += repeat ? 1 : 0;
                    }
                    else
                    {
                        declined++;
                        for (int i = 0; i < area.capacity(); i++)
                        {
                            assertEquals(area.getByte(i), c.getByte(i), what + " declined, area byte " + i);
                        }
                    }
                }

                b.getBytes(0, area, 0, area.capacity());
                if (rb.verdict == TrackResult.REPEAT || rb.destroy)
                {
                    break;
                }
                if (rb.verdict == TrackResult.ACCEPT)
                {
                    tcpState = rb.newState;
                    seenReply |= dir == 1;
                    assured |= rb.setAssured;
                }
            }
        }
        assertTrue(taken > 20_000, "fast path taken " + taken);
        assertTrue(declined > 5_000, "fast path declined " + declined);
        assertTrue(retransmissions > 1_000, "retransmissions through the fast path " + retransmissions);
        assertEquals(taken, valueTaken, "value fast path taken as often as the segment one");
    }

    /** A segment of direction {@code dir}: mostly plausible data/ACKs around the tracked windows, sometimes not. */
    private static void nextSegment(
        final SplittableRandom rnd, final TcpSegment seg, final UnsafeBuffer area, final int dir, final int[] next)
    {
        final int senderEnd = TcpStateLayout.directionInt(area, BASE, dir, TcpStateLayout.TD_END_OFFSET);
        final int receiverEnd = TcpStateLayout.directionInt(area, BASE, 1 - dir, TcpStateLayout.TD_END_OFFSET);
        final int pick = rnd.nextInt(100);
        final int flags = pick < 80 ? TcpSegment.ACK | (rnd.nextBoolean() ? TcpSegment.PSH : 0) :
            pick < 86 ? TcpSegment.ACK | TcpSegment.FIN :
            pick < 90 ? TcpSegment.RST | (rnd.nextBoolean() ? TcpSegment.ACK : 0) :
            pick < 93 ? TcpSegment.SYN | (rnd.nextBoolean() ? TcpSegment.ACK : 0) :
            pick < 96 ? 0 : TcpSegment.ACK | TcpSegment.URG;
        final int jitter = rnd.nextInt(8) == 0 ? rnd.nextInt() : rnd.nextInt(4000) - 2000;
        final int seq = (rnd.nextBoolean() ? senderEnd : next[dir]) + (rnd.nextInt(3) == 0 ? jitter : 0);
        final int ack = receiverEnd + (rnd.nextInt(4) == 0 ? rnd.nextInt(6000) - 3000 : 0);
        final int window = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(5) == 0 ? 65535 : rnd.nextInt(65536);
        final int payload = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1461);
        seg.set(flags, seq, ack, window, payload);
        if (rnd.nextInt(4) == 0)
        {
            seg.optionsLength = 12;
            seg.sack = ack + rnd.nextInt(5000) - 1000;
        }
        next[dir] = seq + payload;
    }
}
