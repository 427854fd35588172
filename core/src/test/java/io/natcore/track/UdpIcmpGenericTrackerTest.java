/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP, ICMP and generic trackers against the kernel's rules and default timeouts. */
class UdpIcmpGenericTrackerTest
{
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_795_667_000L * S;

    private final Timeouts timeouts = new Timeouts();
    private final UdpTracker udp = new UdpTracker(timeouts);
    private final IcmpTracker icmp = new IcmpTracker(timeouts);
    private final GenericTracker generic = new GenericTracker(timeouts);
    private final UnsafeBuffer area = new UnsafeBuffer(new byte[UdpTracker.LENGTH + 4]);
    private final TrackResult res = new TrackResult();

    @Test
    void udpUnrepliedAndFreshlyRepliedFlowsGetThirtySecondsAndNoAssured()
    {
        udp.packet(area, 4, true, false, false, T0, res);
        assertEquals(30 * S, res.timeoutNanos);
        assertTrue(res.refresh);
        udp.packet(area, 4, false, false, false, T0 + S / 10, res); // the reply: SEEN_REPLY not set yet
        assertEquals(30 * S, res.timeoutNanos);
        udp.packet(area, 4, false, true, false, T0 + S, res);
        assertEquals(30 * S, res.timeoutNanos, "replied but younger than 2 s: still 30 s");
        assertFalse(res.setAssured);
        assertEquals(0, res.events);
        udp.packet(area, 4, false, true, false, T0 + 2 * S, res);
        assertFalse(res.setAssured, "exactly 2 s is not after 2 s");
    }

    @Test
    void udpRepliedFlowActiveAfterTwoSecondsBecomesAStreamOnce()
    {
        udp.packet(area, 4, true, false, false, T0, res);
        udp.packet(area, 4, false, true, false, T0 + 2 * S + 1000, res);
        assertEquals(120 * S, res.timeoutNanos);
        assertTrue(res.setAssured);
        assertEquals(TrackResult.EVENT_ASSURED, res.events);
        udp.packet(area, 4, false, true, true, T0 + 3 * S, res);
        assertEquals(120 * S, res.timeoutNanos);
        assertFalse(res.setAssured);
        assertEquals(0, res.events, "already assured: no new event");
    }

    @Test
    void udpUnrepliedFlowNeverBecomesAStream()
    {
        udp.packet(area, 4, true, false, false, T0, res);
        udp.packet(area, 4, false, false, false, T0 + 10 * S, res);
        assertEquals(30 * S, res.timeoutNanos);
        assertFalse(res.setAssured);
    }

    @Test
    void icmpQueriesPairWithTheirReplies()
    {
        assertEquals(0, IcmpTracker.pairedType(8));
        assertEquals(8, IcmpTracker.pairedType(0));
        assertEquals(14, IcmpTracker.pairedType(13));
        assertEquals(16, IcmpTracker.pairedType(15));
        assertEquals(18, IcmpTracker.pairedType(17));
        assertEquals(17, IcmpTracker.pairedType(18));
        assertEquals(-1, IcmpTracker.pairedType(3));
        assertEquals(-1, IcmpTracker.pairedType(9));
        for (int type = 0; type <= 18; type++)
        {
            final boolean query = type == 8 || type == 13 || type == 15 || type == 17;
            assertEquals(query, IcmpTracker.isQuery(type), "type " + type);
        }
    }

    @Test
    void icmpErrorsAreDestUnreachSourceQuenchRedirectTimeExceededParamProblem()
    {
        for (int type = 0; type <= 18; type++)
        {
            final boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
            assertEquals(error, IcmpTracker.isError(type), "type " + type);
        }
        assertTrue(IcmpTracker.isUnknown(19));
        assertFalse(IcmpTracker.isUnknown(18));
    }

    @Test
    void icmpConnectionOpenedByARequestLastsThirtySeconds()
    {
        assertEquals(TrackResult.ACCEPT, icmp.packet(8, res));
        assertEquals(30 * S, res.timeoutNanos);
        assertTrue(res.refresh);
    }

    @Test
    void icmpReplyOrUnknownTypeCannotOpenAConnection()
    {
        assertEquals(TrackResult.INVALID, icmp.packet(0, res));
        assertEquals(TrackReason.ICMP_INVALID_NEW, res.reason);
        assertEquals(TrackResult.INVALID, icmp.packet(40, res));
        assertEquals(TrackReason.ICMP_UNKNOWN_TYPE, res.reason);
    }

    @Test
    void genericProtocolsLastSixHundredSeconds()
    {
        assertEquals(TrackResult.ACCEPT, generic.packet(res));
        assertEquals(600 * S, res.timeoutNanos);
    }

    @Test
    void greIsThirtySecondsUntilRepliedThenOneHundredEightyAndAssured()
    {
        final GreTracker gre = new GreTracker(timeouts);
        gre.packet(false, false, res);
        assertEquals(30 * S, res.timeoutNanos, "trace 14: NEW gre 30");
        assertFalse(res.setAssured);
        gre.packet(true, false, res);
        assertEquals(180 * S, res.timeoutNanos);
        assertTrue(res.setAssured);
        assertEquals(TrackResult.EVENT_ASSURED, res.events);
        gre.packet(true, true, res);
        assertEquals(0, res.events);
    }

    @Test
    void timeoutsAreConfigurable()
    {
        final Timeouts t = new Timeouts().tcp(TcpState.ESTABLISHED, 7 * S).udpStream(9 * S).icmp(3 * S);
        assertEquals(7 * S, t.tcp(TcpState.ESTABLISHED));
        assertEquals(9 * S, t.udpStream());
        assertEquals(3 * S, t.icmp());
        assertEquals(0, t.tcp(TcpState.NONE));
        assertEquals(0, t.tcp(42));
    }
}
