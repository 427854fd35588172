/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.ACK;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The established path allocates nothing: one million packets of a translated connection, after warm-up, leave
 * the thread's allocated-bytes counter where it was. The new-connection path has no allocation site either, nor has
 * the box's own traffic (delivered locally, and sent through {@link PacketProcessor#processOutput}).
 */
class ZeroAllocationTest
{
    private static final long T0 = 1_000_000_000_000L;
    /** Fragment arrival order of each reassembled datagram: last, first, middle. */
    private static final int[] ORDER = {2, 0, 1};

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** The current-thread variant: getThreadAllocatedBytes(id) itself allocates a few hundred bytes per call. */
    private static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @Test
    void oneMillionEstablishedPacketsAllocateNothing() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
            final byte[] synAck = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, SYN | ACK, 5000, 1001, 64);
            final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
            final byte[] reply = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, ACK, 5001, 1001, 64);
            run(p, buf, syn, T0);
            run(p, buf, synAck, T0 + 1);
            assertEquals(Verdict.FORWARD, run(p, buf, ack, T0 + 2));

            long now = T0 + 3;
            for (int i = 0; i < 200_000; i++)
            {
                run(p, buf, (i & 1) == 0 ? ack : reply, now++);
            }
            final long before = allocatedBytes();
            int forwarded = 0;
            for (int i = 0; i < 1_000_000; i++)
            {
                if (run(p, buf, (i & 1) == 0 ? ack : reply, now++) == Verdict.FORWARD)
                {
                    forwarded++;
                }
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(1_000_000, forwarded);
            assertEquals(0, allocated, "bytes allocated over 1M established packets");
            engine.pollEvents(e -> { }, Integer.MAX_VALUE);
        }
    }

    @Test
    void reassembledDatagramsAllocateNothing() throws Exception
    {
        // REASSEMBLE (the default): every fragment is held until its datagram is complete, then all are released
        // translated. 100,000 datagrams of three fragments (out of order: last, first, middle) of one connection.
        try (NatEngine engine = new NatEngine(EngineFixture.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[][] frags = FragmentHoldTest.fragments(41500, 1);
            final UnsafeBuffer[] bufs = new UnsafeBuffer[3];
            for (int f = 0; f < 3; f++)
            {
                bufs[f] = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            }
            long now = T0;
            for (int i = 0; i < 50_000; i++)
            {
                datagram(p, bufs, frags, i, now += 1000);
            }
            final long before = allocatedBytes();
            int forwarded = 0;
            for (int i = 0; i < 100_000; i++)
            {
                forwarded += datagram(p, bufs, frags, i, now += 1000);
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(300_000, forwarded);
            assertEquals(0, allocated, "bytes allocated over 100k reassembled datagrams");
            engine.pollEvents(e -> { }, Integer.MAX_VALUE);
        }
    }

    /** One datagram's fragments, a fresh IP id each time (the IP checksum fixed incrementally): fragments forwarded. */
    private static int datagram(
        final PacketProcessor p, final UnsafeBuffer[] bufs, final byte[][] frags, final int id, final long now)
    {
        int forwarded = 0;
        for (final int f : ORDER)
        {
            final UnsafeBuffer b = bufs[f];
            b.putBytes(0, frags[f]);
            final int oldId = b.getShort(4, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int newId = id & 0xFFFF;
            b.putShort(4, (short)newId, java.nio.ByteOrder.BIG_ENDIAN);
            final int csum = b.getShort(10, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            b.putShort(10, (short)io.natcore.packet.Checksum.update16(csum, oldId, newId), java.nio.ByteOrder.BIG_ENDIAN);
            p.process(b, 0, frags[f].length, ETH0, now);
            for (int i = 0; i < p.releasedCount(); i++)
            {
                forwarded += p.releasedVerdict(i) == Verdict.FORWARD ? 1 : 0;
            }
        }
        return forwarded;
    }

    @Test
    void oneMillionEstablishedPacketsInBurstsAllocateNothing() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, SYN, 1000, 0, 64);
            final byte[] synAck = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, SYN | ACK, 5000, 1001, 64);
            final byte[] ack = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, ACK, 1001, 5001, 64);
            final byte[] reply = TestPackets.tcp("172.16.3.5", "172.16.2.5", 80, 41000, ACK, 5001, 1001, 64);
            final UnsafeBuffer one = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            run(p, one, syn, T0);
            run(p, one, synAck, T0 + 1);
            run(p, one, ack, T0 + 2);
            final int burst = PacketProcessor.MAX_BURST;
            final UnsafeBuffer[] bufs = new UnsafeBuffer[burst];
            final int[] offsets = new int[burst];
            final int[] lengths = new int[burst];
            final int[] ingress = new int[burst];
            final Verdict[] verdicts = new Verdict[burst];
            final int[] egresses = new int[burst];
            for (int i = 0; i < burst; i++)
            {
                bufs[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
                lengths[i] = ack.length;
                ingress[i] = ETH0;
            }
            long now = T0 + 3;
            for (int round = 0; round < 6_250; round++)
            {
                burstRound(p, bufs, offsets, lengths, ingress, verdicts, egresses, ack, reply, now++);
            }
            final long before = allocatedBytes();
            int forwarded = 0;
            for (int round = 0; round < 31_250; round++)
            {
                forwarded += burstRound(p, bufs, offsets, lengths, ingress, verdicts, egresses, ack, reply, now++);
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(1_000_000, forwarded);
            // An -Xint run measures exactly 0 here; under the JIT a deoptimisation of the burst loop may rematerialise
            // a few scalar-replaced objects once (a few hundred bytes). Any per-packet allocation would be >= 16 MB.
            assertTrue(allocated < 4096, "bytes allocated over 1M established packets in bursts: " + allocated);
        }
    }

    private static int burstRound(
        final PacketProcessor p,
        final UnsafeBuffer[] bufs,
        final int[] offsets,
        final int[] lengths,
        final int[] ingress,
        final Verdict[] verdicts,
        final int[] egresses,
        final byte[] ack,
        final byte[] reply,
        final long now)
    {
        for (int i = 0; i < bufs.length; i++)
        {
            bufs[i].putBytes(0, (i & 1) == 0 ? ack : reply);
        }
        p.processBurst(bufs, offsets, lengths, ingress, bufs.length, now, verdicts, egresses, null);
        int forwarded = 0;
        for (int i = 0; i < bufs.length; i++)
        {
            forwarded += verdicts[i] == Verdict.FORWARD ? 1 : 0;
        }
        return forwarded;
    }

    @Test
    void newConnectionsAllocateNothingAfterWarmUp() throws Exception
    {
        try (NatEngine engine = new NatEngine(EngineFixture.config().capacity(200_000).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            final byte[] udp = TestPackets.udp("192.168.1.5", "172.16.2.65", 1, 53, 64, 16);
            long now = T0;
            for (int i = 0; i < 10_000; i++)
            {
                newFlow(p, buf, udp, 1024 + i, now++);
            }
            final long before = allocatedBytes();
            int forwarded = 0;
            for (int i = 0; i < 40_000; i++)
            {
                if (newFlow(p, buf, udp, 12_000 + i, now++) == Verdict.FORWARD)
                {
                    forwarded++;
                }
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(40_000, forwarded);
            // The path has no allocation site (an -Xint run measures exactly 0); under the JIT a deoptimisation may
            // rematerialise a few scalar-replaced objects once. Any per-connection allocation would cost at least
            // 16 bytes x 40k = 640 KB: far above this bound.
            assertTrue(allocated < 4096, "bytes allocated over 40k new connections: " + allocated);
        }
    }

    @Test
    void theBoxsOwnConnectionsAndItsAnswersAllocateNothingAfterWarmUp() throws Exception
    {
        // Per flow: a query to the box (LOCAL, new connection) and the box's answer (processOutput), a connection the
        // box opens (processOutput, new) and its reply (LOCAL). Packets are built before measuring.
        final int flows = 20_000;
        final int warm = 5_000;
        final byte[][][] packets = new byte[flows + warm][][];
        for (int i = 0; i < packets.length; i++)
        {
            final int port = 1024 + i;
            packets[i] = new byte[][] {
                TestPackets.udp("192.168.1.5", "172.16.2.5", port, 53, 64, 16),
                TestPackets.udp("172.16.2.5", "192.168.1.5", 53, port, 64, 16),
                TestPackets.udp("172.16.2.5", "172.16.3.5", port, 53, 64, 16),
                TestPackets.udp("172.16.3.5", "172.16.2.5", 53, port, 64, 16)};
        }
        try (NatEngine engine = new NatEngine(EngineFixture.config().capacity(200_000).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            long now = T0;
            for (int i = 0; i < warm; i++)
            {
                ownTraffic(p, buf, packets[i], now++);
            }
            final long before = allocatedBytes();
            int handled = 0;
            for (int i = warm; i < packets.length; i++)
            {
                handled += ownTraffic(p, buf, packets[i], now++);
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(4 * flows, handled);
            assertTrue(allocated < 4096, "bytes allocated over " + flows + " flows of the box's own: " + allocated);
        }
    }

    /** @return how many of the four packets got the verdict the box's traffic should: LOCAL, FORWARD, FORWARD, LOCAL. */
    private static int ownTraffic(final PacketProcessor p, final UnsafeBuffer buf, final byte[][] four, final long now)
    {
        int ok = run(p, buf, four[0], now) == Verdict.LOCAL ? 1 : 0;
        buf.putBytes(0, four[1]);
        ok += p.processOutput(buf, 0, four[1].length, now) == Verdict.FORWARD ? 1 : 0;
        buf.putBytes(0, four[2]);
        ok += p.processOutput(buf, 0, four[2].length, now) == Verdict.FORWARD ? 1 : 0;
        return ok + (run(p, buf, four[3], now) == Verdict.LOCAL ? 1 : 0);
    }

    @Test
    void newConnectionsSteeredByRecordedDrawsAllocateNothingAfterWarmUp() throws Exception
    {
        // Every connection has a draw: half taken, half refused (outside the port's class), so both paths run.
        final int flows = 30_000;
        final io.natcore.nat.DrawHints hints = new io.natcore.nat.DrawHints(flows);
        final io.natcore.nat.NatTuple orig = new io.natcore.nat.NatTuple();
        final io.natcore.nat.NatTuple to = new io.natcore.nat.NatTuple();
        for (int i = 0; i < flows; i++)
        {
            final int sport = 1024 + i;
            hints.add(orig.set(17, TestPackets.ip("192.168.1.5"), TestPackets.ip("172.16.2.65"), sport, 53),
                to.set(17, TestPackets.ip("172.16.2.5"), TestPackets.ip("172.16.3.5"), (i & 1) == 0 ? 65535 - i : 100, 5353));
        }
        try (NatEngine engine = new NatEngine(EngineFixture.config().capacity(200_000).drawHints(hints).build()))
        {
            final PacketProcessor p = engine.newProcessor();
            final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            final byte[] udp = TestPackets.udp("192.168.1.5", "172.16.2.65", 1, 53, 64, 16);
            long now = T0;
            for (int i = 0; i < 10_000; i++)
            {
                newFlow(p, buf, udp, 1024 + i, now++);
            }
            final long before = allocatedBytes();
            int forwarded = 0;
            for (int i = 10_000; i < flows; i++)
            {
                if (newFlow(p, buf, udp, 1024 + i, now++) == Verdict.FORWARD)
                {
                    forwarded++;
                }
            }
            final long allocated = allocatedBytes() - before;
            assertEquals(flows - 10_000, forwarded);
            assertEquals(io.natcore.nat.DrawHints.TAKEN, hints.outcome(flows - 2));
            assertEquals(io.natcore.nat.DrawRefusal.PORT_CLASS.ordinal(), hints.outcome(flows - 1));
            // As above: no allocation site; any per-connection allocation would be far above this bound.
            assertTrue(allocated < 4096, "bytes allocated over 20k steered new connections: " + allocated);
        }
    }

    private static Verdict newFlow(final PacketProcessor p, final UnsafeBuffer buf, final byte[] template,
        final int sport, final long now)
    {
        buf.putBytes(0, template);
        // New source port with the UDP checksum fixed incrementally by hand (no allocation here either).
        final int oldPort = buf.getShort(20, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buf.putShort(20, (short)sport, java.nio.ByteOrder.BIG_ENDIAN);
        final int c = buf.getShort(26, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        long s = (~c & 0xFFFF) + (~oldPort & 0xFFFF) + sport;
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        int n = (int)(~s & 0xFFFF);
        buf.putShort(26, (short)(n == 0 ? 0xFFFF : n), java.nio.ByteOrder.BIG_ENDIAN);
        return p.process(buf, 0, template.length, ETH0, now);
    }

    private static Verdict run(final PacketProcessor p, final UnsafeBuffer buf, final byte[] packet, final long now)
    {
        buf.putBytes(0, packet);
        return p.process(buf, 0, packet.length, ETH0, now);
    }

    static
    {
        // Keep TestPackets linked so the helper class loads before measuring.
        TestPackets.u16(new byte[2], 0);
    }
}
