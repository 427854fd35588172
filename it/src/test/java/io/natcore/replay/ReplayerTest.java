/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;

import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapWriter;
import io.natcore.pcap.Sll2Header;
import io.natcore.rules.BoxConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ReplayerTest
{
    @Test
    void theReplayLoopWithAWriterDoesNotAllocatePerPacket() throws Exception
    {
        final TraceSource t = Traces.load("11-many-flows");
        final BoxConfig box = BoxConfig.parse(t.box());
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long allocated = 0;
        long sent = 0;
        for (int round = 0; round < 5; round++)
        {
            final Replayer replayer = new Replayer(new ForwardAllEngine(), box, -1);
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(t.pcap()), "11");
                PcapWriter writer = new PcapWriter(OutputStream.nullOutputStream()))
            {
                final Replayer.Sink sink = (record, ts, egressIf, buffer, offset, length) ->
                    writer.writeSll2(ts, egressIf, Sll2Header.PACKET_OUTGOING, buffer, offset, length);
                final long before = threads.getThreadAllocatedBytes(thread);
                replayer.run(reader, sink);
                allocated = threads.getThreadAllocatedBytes(thread) - before;
            }
            sent = replayer.summary().sent;
        }
        assertEquals(1983, sent);
        // One record buffer and one copy buffer growing to the largest packet, nothing per packet.
        assertTrue(allocated < 16 * 1024, "replaying " + sent + " packets allocated " + allocated + " bytes");
    }

    @Test
    void theReplayLoopWithTheEngineAllocatesNothingPerPacketAfterWarmUp() throws Exception
    {
        final TraceSource t = Traces.load("11-many-flows");
        final BoxConfig box = BoxConfig.parse(t.box());
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++)
        {
            final Replayer replayer = new Replayer(EngineFactory.NATCORE.create(t.rules(), t.box()), box, -1);
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(t.pcap()), "11");
                PcapWriter writer = new PcapWriter(OutputStream.nullOutputStream()))
            {
                final Replayer.Sink sink = (record, ts, egressIf, buffer, offset, length) ->
                    writer.writeSll2(ts, egressIf, Sll2Header.PACKET_OUTGOING, buffer, offset, length);
                final long before = threads.getThreadAllocatedBytes(thread);
                replayer.run(reader, sink);
                // The best round: a stray JIT or GC bookkeeping allocation is not the loop's.
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
            }
            assertEquals(1983, replayer.summary().sent);
        }
        assertTrue(allocated < 4 * 1024, "replaying 1983 packets through the engine allocated " + allocated + " bytes");
    }

    @Test
    void theSentPacketEndsAtTheIpTotalLength()
    {
        final byte[] frame = new byte[60];
        frame[0] = 0x45;
        frame[3] = 40;
        assertEquals(40, Replayer.ipPacketLength(new UnsafeBuffer(frame), 0, 60));
        frame[3] = (byte)200; // claims more than the frame holds: keep what there is
        assertEquals(60, Replayer.ipPacketLength(new UnsafeBuffer(frame), 0, 60));
        frame[0] = 0x60;
        assertEquals(60, Replayer.ipPacketLength(new UnsafeBuffer(frame), 0, 60));
    }
}
