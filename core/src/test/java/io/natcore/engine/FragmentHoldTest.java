/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.natcore.engine.EngineFixture.ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FragmentHandling#EMIT_ON_ARRIVAL}: non-first fragments that arrive before their first fragment are held ({@link Verdict#HOLD}) and handed back
 * translated once it is processed, or dropped when their datagram times out. Expected bytes come from an
 * independent RFC 1071 sum over hand-built fragments of a UDP datagram sent through the fixture's DNAT
 * (172.16.2.65:53 -> 172.16.3.5:5353) and MASQUERADE (192.168.1.5 -> 172.16.2.5).
 */
class FragmentHoldTest
{
    static final long T0 = 1_000_000_000_000L;
    static final long FRAGMENT_TIMEOUT = 30_000_000_000L;
    /** Fragments sit behind a 14-byte link header in their buffers: offsets are honoured. */
    static final int AT = 14;
    private static final int UDP_LENGTH = 8 + 60;
    /** Payload bytes [start, end) of each fragment of the UDP datagram (multiples of 8 except the last). */
    private static final int[][] PIECES = {{0, 24}, {24, 48}, {48, UDP_LENGTH}};

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

    private void start(final NatEngineConfig.Builder config)
    {
        engine = new NatEngine(config.build());
        p = engine.newProcessor();
    }

    @Test
    void fragmentsBeforeTheirFirstAreHeldAndReleasedTranslatedInOrder231() throws Exception
    {
        deliverAndCheck(new int[] {1, 2, 0}, 40001);
    }

    @Test
    void fragmentsBeforeTheirFirstAreHeldAndReleasedTranslatedInOrder312() throws Exception
    {
        deliverAndCheck(new int[] {2, 0, 1}, 40002);
    }

    @Test
    void fragmentsAfterTheFirstFollowWithoutHoldingInOrder132() throws Exception
    {
        deliverAndCheck(new int[] {0, 2, 1}, 40003);
    }

    @Test
    void aBurstReportsHeldFragmentsAndReleasesThemAfterTheFirst() throws Exception
    {
        start(EngineFixture.config().fragmentHandling(FragmentHandling.EMIT_ON_ARRIVAL));
        final byte[][] frags = fragments(40004, 0x4444);
        final MutableDirectBuffer[] bufs = {buffer(frags[1]), buffer(frags[2]), buffer(frags[0])};
        final Verdict[] verdicts = new Verdict[3];
        p.processBurst(bufs, new int[] {AT, AT, AT}, new int[] {frags[1].length, frags[2].length, frags[0].length},
            new int[] {ETH0, ETH0, ETH0}, 3, T0, verdicts, new int[3], new Reason[3]);
        assertEquals(Verdict.HOLD, verdicts[0]);
        assertEquals(Verdict.HOLD, verdicts[1]);
        assertEquals(Verdict.FORWARD, verdicts[2]);
        assertEquals(2, p.releasedCount());
        assertSame(bufs[0], p.releasedBuffer(0));
        assertSame(bufs[1], p.releasedBuffer(1));
        assertEquals(Verdict.FORWARD, p.releasedVerdict(0));
        assertEquals(Verdict.FORWARD, p.releasedVerdict(1));
        checkTranslated(new byte[][] {copyOut(bufs[2]), copyOut(bufs[0]), copyOut(bufs[1])}, 40004);
    }

    @Test
    void anOrphanIsReleasedAsDropAfterTheFragmentTimeout() throws Exception
    {
        start(EngineFixture.config().fragmentHandling(FragmentHandling.EMIT_ON_ARRIVAL));
        final byte[][] frags = fragments(40005, 0x5555);
        final UnsafeBuffer orphan = buffer(frags[1]);
        assertEquals(Verdict.HOLD, p.process(orphan, AT, frags[1].length, ETH0, T0));
        assertEquals(0, p.releasedCount());

        final byte[] other = TestPackets.udp("192.168.1.9", "172.16.3.7", 1000, 2000, 64, 4);
        p.process(new UnsafeBuffer(other), 0, other.length, ETH0, T0 + FRAGMENT_TIMEOUT - 1);
        assertEquals(0, p.releasedCount(), "still within the fragment timeout");

        p.process(new UnsafeBuffer(other), 0, other.length, ETH0, T0 + FRAGMENT_TIMEOUT);
        assertEquals(1, p.releasedCount());
        assertSame(orphan, p.releasedBuffer(0));
        assertEquals(AT, p.releasedOffset(0));
        assertEquals(Verdict.DROP, p.releasedVerdict(0));
        assertEquals(Reason.FRAG_ORPHAN, p.releasedReason(0));
        assertEquals(-1, p.releasedEgress(0));

        p.expireHeld(T0 + FRAGMENT_TIMEOUT + 1);
        assertEquals(0, p.releasedCount(), "released once only");
    }

    @Test
    void anIdleProcessorDropsTheOrphanOnExpireHeld() throws Exception
    {
        start(EngineFixture.config().fragmentHandling(FragmentHandling.EMIT_ON_ARRIVAL));
        final byte[][] frags = fragments(40006, 0x6666);
        assertEquals(Verdict.HOLD, p.process(buffer(frags[2]), AT, frags[2].length, ETH0, T0));
        p.expireHeld(T0 + FRAGMENT_TIMEOUT);
        assertEquals(1, p.releasedCount());
        assertEquals(Verdict.DROP, p.releasedVerdict(0));
    }

    @Test
    void aFullHeldStoreDropsWithItsReason() throws Exception
    {
        start(EngineFixture.config().fragmentHandling(FragmentHandling.EMIT_ON_ARRIVAL).fragmentsHeld(2));
        for (int id = 1; id <= 2; id++)
        {
            final byte[] f = fragments(40010 + id, id)[1];
            assertEquals(Verdict.HOLD, p.process(buffer(f), AT, f.length, ETH0, T0));
        }
        final byte[] third = fragments(40013, 3)[1];
        assertEquals(Verdict.DROP, p.process(buffer(third), AT, third.length, ETH0, T0));
        assertEquals(Reason.FRAG_HELD_FULL, p.reason());
        assertEquals(1, engine.counter(Reason.FRAG_HELD_FULL));
    }

    private void deliverAndCheck(final int[] order, final int sport) throws Exception
    {
        start(EngineFixture.config().fragmentHandling(FragmentHandling.EMIT_ON_ARRIVAL));
        final byte[][] frags = fragments(sport, sport & 0xFFFF);
        final UnsafeBuffer[] bufs = new UnsafeBuffer[3];
        final byte[][] out = new byte[3][];
        boolean firstSeen = false;
        for (final int f : order)
        {
            bufs[f] = buffer(frags[f]);
            final Verdict v = p.process(bufs[f], AT, frags[f].length, ETH0, T0);
            if (f == 0)
            {
                firstSeen = true;
            }
            if (!firstSeen)
            {
                assertEquals(Verdict.HOLD, v, "fragment " + (f + 1) + " before the first");
                assertEquals(0, p.releasedCount());
                continue;
            }
            assertEquals(Verdict.FORWARD, v, "fragment " + (f + 1));
            assertEquals(ETH0, p.egressIfIndex());
            out[f] = copyOut(bufs[f], p.outputLength());
            for (int i = 0; i < p.releasedCount(); i++)
            {
                assertEquals(Verdict.FORWARD, p.releasedVerdict(i));
                assertEquals(ETH0, p.releasedEgress(i));
                assertEquals(ETH0, p.releasedIngress(i));
                assertEquals(AT, p.releasedOffset(i));
                final int held = p.releasedBuffer(i) == bufs[1] ? 1 : p.releasedBuffer(i) == bufs[2] ? 2 : -1;
                assertTrue(held > 0 && out[held] == null, "released once, a held fragment");
                out[held] = copyOut(bufs[held], p.releasedLength(i));
            }
        }
        for (int f = 0; f < 3; f++)
        {
            assertNotNull(out[f], "fragment " + (f + 1) + " came out");
        }
        checkTranslated(out, sport);
    }

    /** Addresses (DNAT + MASQUERADE), TTL and IP checksum of every fragment; ports and the UDP checksum over the reassembled datagram. */
    static void checkTranslated(final byte[][] out, final int sport)
    {
        final byte[] udp = new byte[UDP_LENGTH];
        for (int f = 0; f < 3; f++)
        {
            final byte[] b = out[f];
            assertEquals(20 + PIECES[f][1] - PIECES[f][0], b.length);
            assertEquals("172.16.2.5", TestPackets.src(b));
            assertEquals("172.16.3.5", TestPackets.dst(b));
            assertEquals(63, b[8] & 0xFF);
            assertEquals(0xFFFF, TestPackets.sum(b, 0, 20, 0), "IP header checksum of fragment " + (f + 1));
            System.arraycopy(b, 20, udp, PIECES[f][0], b.length - 20);
        }
        assertEquals(sport, u16(udp, 0), "no clash: MASQUERADE keeps the source port");
        assertEquals(5353, u16(udp, 2));
        final long pseudo = (TestPackets.ip("172.16.2.5") & 0xFFFF_FFFFL) + (TestPackets.ip("172.16.3.5") & 0xFFFF_FFFFL) + 17 + UDP_LENGTH;
        assertEquals(0xFFFF, TestPackets.sum(udp, 0, UDP_LENGTH, pseudo),
            "UDP checksum over the reassembled datagram");
    }

    /**
     * The three fragments of a UDP datagram 192.168.1.5:sport -> 172.16.2.65:53 with a valid checksum, each an
     * IPv4 packet with its own header (id {@code ipId}).
     */
    static byte[][] fragments(final int sport, final int ipId)
    {
        final byte[] udp = new byte[UDP_LENGTH];
        put16(udp, 0, sport);
        put16(udp, 2, 53);
        put16(udp, 4, UDP_LENGTH);
        for (int i = 8; i < UDP_LENGTH; i++)
        {
            udp[i] = (byte)(i * 7 + 3);
        }
        final long pseudo = (TestPackets.ip("192.168.1.5") & 0xFFFF_FFFFL) + (TestPackets.ip("172.16.2.65") & 0xFFFF_FFFFL) + 17 + UDP_LENGTH;
        put16(udp, 6, ~TestPackets.sum(udp, 0, UDP_LENGTH, pseudo) & 0xFFFF);
        final byte[][] frags = new byte[3][];
        for (int f = 0; f < 3; f++)
        {
            final int start = PIECES[f][0];
            final int len = PIECES[f][1] - start;
            final byte[] b = new byte[20 + len];
            b[0] = 0x45;
            put16(b, 2, b.length);
            put16(b, 4, ipId);
            put16(b, 6, (f < 2 ? 0x2000 : 0) | start / 8);
            b[8] = 64;
            b[9] = 17;
            put32(b, 12, TestPackets.ip("192.168.1.5"));
            put32(b, 16, TestPackets.ip("172.16.2.65"));
            put16(b, 10, ~TestPackets.sum(b, 0, 20, 0) & 0xFFFF);
            System.arraycopy(udp, start, b, 20, len);
            frags[f] = b;
        }
        return frags;
    }

    static UnsafeBuffer buffer(final byte[] packet)
    {
        final byte[] framed = new byte[AT + packet.length + 6]; // trailing link padding is not transmitted
        System.arraycopy(packet, 0, framed, AT, packet.length);
        return new UnsafeBuffer(framed);
    }

    private static byte[] copyOut(final MutableDirectBuffer buf)
    {
        return copyOut(buf, buf.capacity() - AT - 6);
    }

    static byte[] copyOut(final MutableDirectBuffer buf, final int length)
    {
        final byte[] b = new byte[length];
        buf.getBytes(AT, b);
        return b;
    }

    private static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static void put16(final byte[] b, final int at, final int v)
    {
        b[at] = (byte)(v >>> 8);
        b[at + 1] = (byte)v;
    }

    private static void put32(final byte[] b, final int at, final int v)
    {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }
}
