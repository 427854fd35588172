/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.engine.FragmentHoldTest.AT;
import static io.natcore.engine.FragmentHoldTest.FRAGMENT_TIMEOUT;
import static io.natcore.engine.FragmentHoldTest.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link FragmentHandling#REASSEMBLE} (the default), as the kernel: every fragment is held until its datagram is
 * complete, then all leave translated in offset order; a datagram with overlapping fragments, one past 65535 bytes
 * and one that never completes leave nothing and make no connection, each with its reason and counter. The same
 * datagram (FragmentHoldTest's: a UDP datagram through DNAT and MASQUERADE, checked against an independent sum).
 */
class FragmentReassemblyTest
{
    private NatEngine engine;
    private PacketProcessor p;

    @AfterEach
    void close()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    private void start() throws Exception
    {
        engine = new NatEngine(EngineFixture.config().build());
        p = engine.newProcessor();
    }

    @Test
    void fragmentsOutOfOrderAreHeldUntilTheDatagramCompletesThenLeaveInOffsetOrder() throws Exception
    {
        start();
        final int sport = 41001;
        final byte[][] frags = FragmentHoldTest.fragments(sport, 0x4101);
        final UnsafeBuffer[] bufs = new UnsafeBuffer[3];
        for (final int f : new int[] {2, 0})
        {
            bufs[f] = FragmentHoldTest.buffer(frags[f]);
            assertEquals(Verdict.HOLD, p.process(bufs[f], AT, frags[f].length, ETH0, T0), "fragment " + (f + 1));
            assertEquals(0, p.releasedCount());
        }
        assertEquals(0, engine.size(), "no connection before the datagram is complete");
        bufs[1] = FragmentHoldTest.buffer(frags[1]);
        assertEquals(Verdict.HOLD, p.process(bufs[1], AT, frags[1].length, ETH0, T0 + 5));
        assertEquals(3, p.releasedCount());
        final byte[][] out = new byte[3][];
        for (int i = 0; i < 3; i++)
        {
            assertSame(bufs[i], p.releasedBuffer(i), "offset order");
            assertEquals(Verdict.FORWARD, p.releasedVerdict(i));
            assertEquals(ETH0, p.releasedEgress(i));
            out[i] = FragmentHoldTest.copyOut(bufs[i], p.releasedLength(i));
        }
        FragmentHoldTest.checkTranslated(out, sport);
        assertEquals(1, engine.size());
        assertEquals(0, engine.counter(Verdict.HOLD), "nothing left held");
        assertEquals(3, engine.counter(Verdict.FORWARD));
    }

    @Test
    void everyFragmentLeavesWithTheFirstOnesTtlAndTosAndTheEcnOfAll() throws Exception
    {
        // Trace 26: TTL 64/40/30 and TOS 0x22/0x03/0x82 in, TTL 63 and TOS 0x23 (DSCP of the first, CE) on all out.
        start();
        final byte[][] frags = FragmentHoldTest.fragments(41005, 0x4105);
        final int[] ttl = {64, 40, 30};
        final int[] tos = {0x22, 0x03, 0x82};
        final UnsafeBuffer[] bufs = new UnsafeBuffer[3];
        for (int f = 0; f < 3; f++)
        {
            frags[f][1] = (byte)tos[f];
            frags[f][8] = (byte)ttl[f];
            io.natcore.packet.TestPackets.fixIpChecksum(frags[f], 0);
            bufs[f] = FragmentHoldTest.buffer(frags[f]);
            assertEquals(Verdict.HOLD, p.process(bufs[f], AT, frags[f].length, ETH0, T0));
        }
        assertEquals(3, p.releasedCount());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(Verdict.FORWARD, p.releasedVerdict(i));
            final byte[] out = FragmentHoldTest.copyOut(bufs[i], p.releasedLength(i));
            assertEquals(63, out[8] & 0xFF, "fragment " + (i + 1) + " TTL");
            assertEquals(0x23, out[1] & 0xFF, "fragment " + (i + 1) + " TOS");
            assertEquals(0xFFFF, io.natcore.packet.TestPackets.sum(out, 0, 20, 0), "fragment " + (i + 1) + " IP checksum");
        }
    }

    @Test
    void aDatagramMixingNotEctAndEctIsDroppedWhole() throws Exception
    {
        start();
        final byte[][] frags = FragmentHoldTest.fragments(41006, 0x4106);
        for (int f = 0; f < 3; f++)
        {
            frags[f][1] = (byte)(f == 0 ? 0x00 : 0x02);
            io.natcore.packet.TestPackets.fixIpChecksum(frags[f], 0);
            assertEquals(Verdict.HOLD, p.process(FragmentHoldTest.buffer(frags[f]), AT, frags[f].length, ETH0, T0));
        }
        assertEquals(3, p.releasedCount());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(Verdict.DROP, p.releasedVerdict(i));
            assertEquals(Reason.FRAG_ECN_INVALID, p.releasedReason(i));
        }
        assertEquals(0, engine.size(), "no connection");
    }

    @Test
    void anOverlapAfterTheFirstFragmentDropsTheWholeDatagram() throws Exception
    {
        start();
        final byte[][] frags = FragmentHoldTest.fragments(41002, 0x4102);
        final UnsafeBuffer first = FragmentHoldTest.buffer(frags[0]);
        assertEquals(Verdict.HOLD, p.process(first, AT, frags[0].length, ETH0, T0));
        // The second fragment moved 8 bytes back: it overlaps the first (inet_frag_queue_insert: IPFRAG_OVERLAP).
        final byte[] overlapping = frags[1].clone();
        overlapping[7] = (byte)(overlapping[7] - 1);
        overlapping[10] = 0;
        overlapping[11] = 0;
        io.natcore.packet.TestPackets.fixIpChecksum(overlapping, 0);
        assertEquals(Verdict.DROP, p.process(FragmentHoldTest.buffer(overlapping), AT, overlapping.length, ETH0, T0));
        assertEquals(Reason.FRAG_OVERLAP, p.reason());
        assertEquals(1, p.releasedCount());
        assertSame(first, p.releasedBuffer(0));
        assertEquals(Verdict.DROP, p.releasedVerdict(0));
        assertEquals(Reason.FRAG_DATAGRAM_DROPPED, p.releasedReason(0));
        // The kernel freed the queue: the last fragment starts a new datagram that never completes.
        assertEquals(Verdict.HOLD, p.process(FragmentHoldTest.buffer(frags[2]), AT, frags[2].length, ETH0, T0));
        p.expireHeld(T0 + FRAGMENT_TIMEOUT);
        assertEquals(Reason.FRAG_TIMEOUT, p.releasedReason(0));
        assertEquals(0, engine.size(), "no connection");
        assertEquals(1, engine.counter(Reason.FRAG_OVERLAP));
        assertEquals(1, engine.counter(Reason.FRAG_DATAGRAM_DROPPED));
        assertEquals(1, engine.counter(Reason.FRAG_TIMEOUT));
    }

    @Test
    void aDatagramMissingItsLastFragmentIsDroppedAtTheFragmentTimeout() throws Exception
    {
        start();
        final byte[][] frags = FragmentHoldTest.fragments(41003, 0x4103);
        for (int f = 0; f < 2; f++)
        {
            assertEquals(Verdict.HOLD, p.process(FragmentHoldTest.buffer(frags[f]), AT, frags[f].length, ETH0, T0));
        }
        p.expireHeld(T0 + FRAGMENT_TIMEOUT - 1);
        assertEquals(0, p.releasedCount(), "within ipfrag_time");
        // The last fragment 31 s later finds the datagram gone: the two held ones are dropped, it waits alone.
        assertEquals(Verdict.HOLD,
            p.process(FragmentHoldTest.buffer(frags[2]), AT, frags[2].length, ETH0, T0 + FRAGMENT_TIMEOUT + 1_000_000_000L));
        assertEquals(2, p.releasedCount());
        for (int i = 0; i < 2; i++)
        {
            assertEquals(Verdict.DROP, p.releasedVerdict(i));
            assertEquals(Reason.FRAG_TIMEOUT, p.releasedReason(i));
        }
        assertEquals(0, engine.size(), "no connection");
        assertEquals(2, engine.counter(Reason.FRAG_TIMEOUT));
    }

    @Test
    void aDatagramPast65535BytesIsDroppedWhole() throws Exception
    {
        start();
        // 45 fragments of 1480 bytes and a last one: 65600 bytes of payload, 65620 with the IP header.
        final int per = 1480;
        final int total = 65600;
        int count = 0;
        for (int off = 0; off < total; off += per)
        {
            final int len = Math.min(per, total - off);
            final byte[] b = new byte[20 + len];
            b[0] = 0x45;
            io.natcore.packet.TestPackets.put16(b, 2, b.length);
            io.natcore.packet.TestPackets.put16(b, 4, 0x4104);
            io.natcore.packet.TestPackets.put16(b, 6, (off + len < total ? 0x2000 : 0) | off / 8);
            b[8] = 64;
            b[9] = 17;
            io.natcore.packet.TestPackets.put32(b, 12, TestPackets.ip("192.168.1.5"));
            io.natcore.packet.TestPackets.put32(b, 16, TestPackets.ip("172.16.2.65"));
            io.natcore.packet.TestPackets.fixIpChecksum(b, 0);
            if (off == 0)
            {
                io.natcore.packet.TestPackets.put16(b, 20, 41004);
                io.natcore.packet.TestPackets.put16(b, 22, 53);
            }
            assertEquals(Verdict.HOLD, p.process(FragmentHoldTest.buffer(b), AT, b.length, ETH0, T0), "fragment " + count);
            count++;
        }
        assertEquals(count, p.releasedCount());
        for (int i = 0; i < count; i++)
        {
            assertEquals(Verdict.DROP, p.releasedVerdict(i));
            assertEquals(Reason.FRAG_OVERSIZE, p.releasedReason(i));
        }
        assertEquals(0, engine.size(), "no connection");
        assertEquals(count, engine.counter(Reason.FRAG_OVERSIZE));
    }
}
