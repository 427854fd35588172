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
 * The value forms the engine's established path calls instead of filling a {@link TrackResult}
 * ({@link UdpTracker#stream} with {@link UdpTracker#timeout}, {@link IcmpTracker#timeout}) must say what the general
 * {@code packet} methods say: the engine turns the value into "accept, state unchanged, refresh with this timeout,
 * ASSURED (its one event) when the value form says so", and that must equal {@code packet}'s whole result.
 */
class TrackerValueFormsTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void udpValueFormEqualsTheGeneralResultForSeededDatagrams()
    {
        final SplittableRandom rnd = new SplittableRandom(20261126);
        final UnsafeBuffer area = new UnsafeBuffer(new byte[64]);
        final TrackResult general = new TrackResult();
        int streams = 0;
        int assuredNow = 0;
        for (int i = 0; i < 200_000; i++)
        {
            // Distinct stream/unreplied timeouts half of the time; equal ones (the value form cannot tell them apart
            // by the timeout) the other half.
            final Timeouts timeouts = new Timeouts().udpUnreplied((1 + rnd.nextInt(60)) * S)
                .udpStream(rnd.nextBoolean() ? (1 + rnd.nextInt(300)) * S : 30 * S);
            final UdpTracker udp = new UdpTracker(timeouts);
            final int base = rnd.nextInt(56);
            final long streamTs = rnd.nextLong();
            area.putLong(base + UdpTracker.STREAM_TS_OFFSET, streamTs, TcpStateLayout.ORDER);
            final long now = rnd.nextInt(3) == 0 ? streamTs + rnd.nextInt(5) - 2 : rnd.nextLong();
            final boolean seenReply = rnd.nextBoolean();
            final boolean assured = rnd.nextBoolean();

            udp.packet(area, base, false, seenReply, assured, now, general);
            final boolean stream = udp.stream(area, base, seenReply, now);
            // The kernel's rule, restated: a stream once a reply was seen and the stream instant has passed.
            assertEquals(seenReply && now - streamTs > 0, stream, "datagram " + i);
            final TrackResult expected = new TrackResult();
            expected.refresh = true;
            expected.timeoutNanos = udp.timeout(stream);
            expected.setAssured = stream && !assured;
            expected.events = expected.setAssured ? TrackResult.EVENT_ASSURED : 0;
            assertEquals(general.toString(), expected.toString(), "datagram " + i);
            streams += stream ? 1 : 0;
            assuredNow += expected.setAssured ? 1 : 0;
        }
        assertTrue(streams > 30_000 && assuredNow > 15_000, streams + " streams, " + assuredNow + " newly assured");
    }

    @Test
    void icmpValueFormEqualsTheGeneralResultForEveryType()
    {
        final Timeouts timeouts = new Timeouts();
        final IcmpTracker icmp = new IcmpTracker(timeouts);
        final TrackResult general = new TrackResult();
        int accepted = 0;
        for (int type = -1; type <= 256; type++)
        {
            icmp.packet(type, general);
            final long t = icmp.timeout(type);
            if (general.verdict == TrackResult.ACCEPT)
            {
                final TrackResult expected = new TrackResult();
                expected.refresh = true;
                expected.timeoutNanos = t;
                assertEquals(general.toString(), expected.toString(), "type " + type);
                accepted++;
            }
            else
            {
                assertEquals(-1, t, "type " + type + " is INVALID for the general path");
            }
        }
        assertEquals(4, accepted, "echo, timestamp, information and address mask requests");
    }
}
