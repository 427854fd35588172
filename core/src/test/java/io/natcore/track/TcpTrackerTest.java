/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import io.natcore.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.natcore.track.TcpSegment.ACK;
import static io.natcore.track.TcpSegment.FIN;
import static io.natcore.track.TcpSegment.PSH;
import static io.natcore.track.TcpSegment.RST;
import static io.natcore.track.TcpSegment.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviours of the TCP tracker, each checked against the kernel's rules (nf_conntrack_proto_tcp.c). */
class TcpTrackerTest
{
    private static final long S = 1_000_000_000L;
    private static final int ORIG = 0;
    private static final int REPLY = 1;
    private static final int C_ISN = 1000;
    private static final int S_ISN = 50000;

    private final Timeouts timeouts = new Timeouts();
    private TcpTracker tracker = new TcpTracker(timeouts);
    private final UnsafeBuffer area = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH + 16]);
    private final int base = 8; // not at 0: the tracker must honour the base offset
    private final TcpSegment seg = new TcpSegment();
    private final TrackResult res = new TrackResult();
    private int tcpState = TcpState.NONE;
    private boolean created;
    private boolean seenReply;
    private boolean assured;

    /** Drives one packet the way the engine does (new check, packet, SEEN_REPLY/ASSURED bookkeeping). */
    private int send(final int dir, final int flags, final int seq, final int ack, final int win, final int len)
    {
        seg.set(flags, seq, ack, win, len);
        return drive(dir);
    }

    private int drive(final int dir)
    {
        if (!created)
        {
            if (!tracker.newConnection(area, base, seg, res))
            {
                return res.verdict;
            }
            created = true;
        }
        tracker.packet(area, base, tcpState, seg, dir, seenReply, assured, 100 * S, res);
        tcpState = res.newState; // the engine keeps the state in its entry
        if (res.verdict == TrackResult.ACCEPT)
        {
            if (dir == REPLY)
            {
                seenReply = true;
            }
            assured |= res.setAssured;
        }
        return res.verdict;
    }

    private void handshake(final int clientScale, final int serverScale)
    {
        seg.set(SYN, C_ISN, 0, 64240, 0).options(clientScale, true);
        drive(ORIG);
        seg.set(SYN | ACK, S_ISN, C_ISN + 1, 65160, 0).options(serverScale, true);
        drive(REPLY);
        send(ORIG, ACK, C_ISN + 1, S_ISN + 1, 502, 0);
    }

    @Test
    void handshakeGoesSynSentSynRecvEstablishedWithKernelTimeoutsAndAssuredOnTheThirdPacket()
    {
        seg.set(SYN, C_ISN, 0, 64240, 0).options(7, true);
        assertEquals(TrackResult.ACCEPT, drive(ORIG));
        assertEquals(TcpState.SYN_SENT, res.newState);
        assertEquals(120 * S, res.timeoutNanos);
        assertFalse(res.setAssured);

        seg.set(SYN | ACK, S_ISN, C_ISN + 1, 65160, 0).options(7, true);
        assertEquals(TrackResult.ACCEPT, drive(REPLY));
        assertEquals(TcpState.SYN_RECV, res.newState);
        assertEquals(60 * S, res.timeoutNanos);
        assertEquals(TrackResult.EVENT_PROTOINFO, res.events);
        assertFalse(res.setAssured, "SEEN_REPLY is set after the tracker runs: not assured on the SYN/ACK");

        assertEquals(TrackResult.ACCEPT, send(ORIG, ACK, C_ISN + 1, S_ISN + 1, 502, 0));
        assertEquals(TcpState.ESTABLISHED, res.newState);
        assertEquals(432000 * S, res.timeoutNanos);
        assertTrue(res.setAssured);
        assertEquals(TrackResult.EVENT_PROTOINFO | TrackResult.EVENT_ASSURED, res.events);
    }

    @Test
    void closeByClientGoesFinWaitCloseWaitLastAckTimeWait()
    {
        handshake(7, 7);
        send(ORIG, FIN | ACK, C_ISN + 1, S_ISN + 1, 502, 0);
        assertEquals(TcpState.FIN_WAIT, res.newState);
        assertEquals(120 * S, res.timeoutNanos);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 2, 509, 0);
        assertEquals(TcpState.CLOSE_WAIT, res.newState);
        assertEquals(60 * S, res.timeoutNanos);
        send(REPLY, FIN | ACK, S_ISN + 1, C_ISN + 2, 509, 0);
        assertEquals(TcpState.LAST_ACK, res.newState);
        assertEquals(30 * S, res.timeoutNanos);
        send(ORIG, ACK, C_ISN + 2, S_ISN + 2, 502, 0);
        assertEquals(TcpState.TIME_WAIT, res.newState);
        assertEquals(120 * S, res.timeoutNanos);
        assertTrue((TcpStateLayout.flags(area, base, ORIG) & TcpStateLayout.FLAG_CLOSE_INIT) != 0);
    }

    @Test
    void synInTimeWaitAfterACloseReopensTheConnection()
    {
        closeByClientGoesFinWaitCloseWaitLastAckTimeWait();
        seg.set(SYN, C_ISN + 100000, 0, 64240, 0).options(7, true);
        assertEquals(TrackResult.REPEAT, drive(ORIG));
        assertEquals(TrackReason.TCP_REOPEN, res.reason);
        assertEquals(TcpState.TIME_WAIT, tcpState, "the entry is left for the engine to destroy");
    }

    @Test
    void synAfterOwnRstInCloseReopens()
    {
        handshake(7, 7);
        send(ORIG, RST, C_ISN + 1, 0, 0, 0);
        assertEquals(TcpState.CLOSE, res.newState);
        assertEquals(10 * S, res.timeoutNanos);
        seg.set(SYN, C_ISN + 5, 0, 64240, 0);
        assertEquals(TrackResult.REPEAT, drive(ORIG));
    }

    @Test
    void synInEstablishedIsIgnoredNotRefreshed()
    {
        handshake(7, 7);
        seg.set(SYN, C_ISN + 100, 0, 64240, 0);
        assertEquals(TrackResult.ACCEPT, drive(ORIG));
        assertEquals(TrackReason.TCP_IGNORED, res.reason);
        assertFalse(res.refresh);
        assertEquals(TcpState.ESTABLISHED, tcpState);
    }

    @Test
    void firstPacketsThatCannotCreateAConnectionAreInvalid()
    {
        final int[] notNew = {SYN | ACK, FIN | ACK, RST, RST | ACK, 0};
        for (final int flags : notNew)
        {
            created = false;
            seg.set(flags, 1, 1, 100, 0);
            assertFalse(tracker.newConnection(area, base, seg, res), "flags " + flags);
            assertEquals(TrackResult.INVALID, res.verdict);
            assertEquals(TrackReason.TCP_INVALID_NEW, res.reason);
        }
    }

    @Test
    void midStreamAckIsPickedUpWithUnackTimeoutUntilAReplyThenAssured()
    {
        assertEquals(TrackResult.ACCEPT, send(ORIG, ACK | PSH, 7000, 9000, 500, 100));
        assertEquals(TcpState.ESTABLISHED, res.newState);
        assertEquals(300 * S, res.timeoutNanos, "ESTABLISHED without a reply is capped at UNACK");
        assertFalse(res.setAssured);
        final int pickupFlags = TcpStateLayout.FLAG_SACK_PERM | TcpStateLayout.FLAG_BE_LIBERAL;
        assertEquals(pickupFlags, TcpStateLayout.flags(area, base, REPLY) & pickupFlags);

        send(REPLY, ACK, 9000, 7100, 500, 0);
        assertEquals(TcpState.ESTABLISHED, res.newState);
        assertFalse(res.setAssured, "the reply itself is processed before SEEN_REPLY is set");
        send(ORIG, ACK, 7100, 9000, 500, 0);
        assertTrue(res.setAssured, "a valid answer for a picked up connection");
        assertEquals(432000 * S, res.timeoutNanos);
    }

    @Test
    void midStreamPickupRefusedWhenLooseIsOff()
    {
        tracker = new TcpTracker(timeouts, false, false, 3, false);
        assertEquals(TrackResult.INVALID, send(ORIG, ACK, 7000, 9000, 500, 0));
        assertEquals(TrackReason.TCP_PICKUP_DISABLED, res.reason);
    }

    @Test
    void invalidFlagCombinationsAreRejected()
    {
        assertFalse(TcpHeader.validFlags(SYN | FIN));
        assertFalse(TcpHeader.validFlags(SYN | RST));
        assertFalse(TcpHeader.validFlags(FIN));
        assertFalse(TcpHeader.validFlags(0));
        assertFalse(TcpHeader.validFlags(FIN | SYN | RST | PSH | ACK | TcpSegment.URG));
        assertTrue(TcpHeader.validFlags(SYN | TcpSegment.ECE | TcpSegment.CWR));
        assertTrue(TcpHeader.validFlags(FIN | ACK | PSH));
        assertTrue(TcpHeader.validFlags(RST | ACK));
    }

    @Test
    void retransmittedSynDoesNotRenewTheTimeout()
    {
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        assertTrue(res.refresh);
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertFalse(res.refresh);
        assertEquals(0, res.events);
    }

    @Test
    void rstBeforeAnyReplyDestroysTheConnection()
    {
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        send(REPLY, RST | ACK, 0, C_ISN + 1, 0, 0);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertTrue(res.destroy);
        assertEquals(TcpState.CLOSE, res.newState);
    }

    @Test
    void rstInWindowClosesAnEstablishedConnectionWithTenSeconds()
    {
        handshake(7, 7);
        send(REPLY, RST, S_ISN + 1, 0, 0, 0);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertFalse(res.destroy);
        assertEquals(TcpState.CLOSE, res.newState);
        assertEquals(10 * S, res.timeoutNanos);
    }

    @Test
    void rstBeforeThePeersHighestAckIsInvalid()
    {
        handshake(7, 7);
        send(ORIG, ACK | PSH, C_ISN + 1, S_ISN + 1, 502, 100);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 101, 509, 0);
        send(REPLY, RST, S_ISN - 5000, 0, 0, 0);
        assertEquals(TrackResult.INVALID, res.verdict);
        assertEquals(TrackReason.TCP_INVALID_RST, res.reason);
        assertEquals(TcpState.ESTABLISHED, tcpState);
    }

    @Test
    void dataBeyondTheReceiversWindowIsInvalid()
    {
        handshake(-1, -1);
        // server window 65160 unscaled: the overshoot (end - td_maxend + 1) exceeds a whole window
        send(ORIG, ACK | PSH, C_ISN + 1 + 200000, S_ISN + 1, 502, 100);
        assertEquals(TrackResult.INVALID, res.verdict);
        assertEquals(TrackReason.TCP_SEQ_OVER, res.reason);
    }

    @Test
    void dataOvershootingTheWindowByLessThanAWindowIsAcceptedButIgnored()
    {
        handshake(-1, -1);
        send(ORIG, ACK | PSH, C_ISN + 1 + 70000, S_ISN + 1, 502, 100);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertEquals(TrackReason.TCP_OVERSHOT, res.reason);
        assertFalse(res.refresh);
        assertEquals(C_ISN + 1 + 70100,
            TcpStateLayout.directionInt(area, base, ORIG, TcpStateLayout.TD_END_OFFSET), "td_end follows the data");
    }

    @Test
    void ackForDataNeverSentIsInvalid()
    {
        handshake(-1, -1);
        send(ORIG, ACK, C_ISN + 1, S_ISN + 1 + 5000, 502, 0);
        assertEquals(TrackResult.INVALID, res.verdict);
        assertEquals(TrackReason.TCP_ACK_OVER, res.reason);
    }

    @Test
    void beLiberalAcceptsOutOfWindowPackets()
    {
        tracker = new TcpTracker(timeouts, true, true, 3, false);
        handshake(-1, -1);
        send(ORIG, ACK, C_ISN + 1, S_ISN + 1 + 5000, 502, 0);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertEquals(TcpState.ESTABLISHED, res.newState);
    }

    @Test
    void oldRetransmissionBelowTheWindowIsAcceptedButIgnored()
    {
        handshake(-1, -1);
        // move the client far ahead: 8 segments of 60000, each acked
        int seq = C_ISN + 1;
        for (int i = 0; i < 8; i++)
        {
            send(ORIG, ACK | PSH, seq, S_ISN + 1, 502, 60000);
            assertEquals(TrackResult.ACCEPT, res.verdict);
            seq += 60000;
            send(REPLY, ACK, S_ISN + 1, seq, 65160, 0);
        }
        // receiver max window is 65160: data ending before td_end - 65160 is stale
        send(ORIG, ACK | PSH, C_ISN + 1, S_ISN + 1, 502, 100);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertEquals(TrackReason.TCP_SEQ_UNDER, res.reason);
        assertFalse(res.refresh);
    }

    @Test
    void windowScaleFromBothSynsWidensTheWindow()
    {
        // Client offers scale 7, server answers with scale 7 and a raw window of 1000 afterwards:
        // the scaled window is 128000, so 100000 bytes ahead fit.
        handshake(7, 7);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 1, 1000, 0);
        send(ORIG, ACK | PSH, C_ISN + 1 + 100000, S_ISN + 1, 502, 10);
        assertEquals(TrackResult.ACCEPT, res.verdict, "in the scaled window");
        assertEquals(TrackReason.NONE, res.reason);
        assertEquals(7, TcpStateLayout.scale(area, base, REPLY));
    }

    @Test
    void windowScaleIgnoredWhenOnlyOneSideOffersIt()
    {
        handshake(7, -1);
        assertEquals(0, TcpStateLayout.scale(area, base, ORIG));
        assertEquals(0, TcpStateLayout.scale(area, base, REPLY));
        send(REPLY, ACK, S_ISN + 1, C_ISN + 1, 1000, 0);
        send(ORIG, ACK | PSH, C_ISN + 1 + 100000, S_ISN + 1, 502, 10);
        assertEquals(TrackReason.TCP_OVERSHOT, res.reason, "beyond the unscaled window");
        assertFalse(res.refresh);
    }

    @Test
    void threeRetransmissionsShortenTheTimeoutToRetrans()
    {
        handshake(-1, -1);
        send(ORIG, ACK | PSH, C_ISN + 1, S_ISN + 1, 502, 100);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 101, 509, 0);
        for (int i = 1; i <= 3; i++)
        {
            send(REPLY, ACK, S_ISN + 1, C_ISN + 101, 509, 0); // identical: retransmission
            assertEquals(i, TcpStateLayout.retrans(area, base));
        }
        assertEquals(300 * S, res.timeoutNanos, "retrans >= max_retrans: RETRANS timeout");
        send(ORIG, ACK, C_ISN + 101, S_ISN + 1, 502, 0);
        assertEquals(0, TcpStateLayout.retrans(area, base));
        assertEquals(432000 * S, res.timeoutNanos);
    }

    @Test
    void unacknowledgedDataShortensEstablishedToUnack()
    {
        handshake(-1, -1);
        send(ORIG, ACK | PSH, C_ISN + 1, S_ISN + 1, 502, 100);
        assertEquals(300 * S, res.timeoutNanos);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 101, 509, 0);
        assertEquals(432000 * S, res.timeoutNanos);
    }

    @Test
    void synAckAnsweringAnIgnoredSynResynchronisesToSynRecv()
    {
        // As in trace 13: SYN/ACK seen, SYN retransmitted (ignored in SYN_RECV), SYN/ACK again.
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        send(REPLY, SYN | ACK, S_ISN, C_ISN + 1, 65160, 0);
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        assertEquals(TrackReason.TCP_IGNORED, res.reason);
        send(REPLY, SYN | ACK, S_ISN, C_ISN + 1, 65160, 0);
        assertEquals(TrackResult.ACCEPT, res.verdict);
        assertEquals(TcpState.SYN_RECV, res.newState);
        assertEquals(TrackResult.EVENT_PROTOINFO, res.events, "old state taken as SYN_SENT: an event");
        assertEquals(60 * S, res.timeoutNanos);
    }

    @Test
    void simultaneousOpenReachesEstablished()
    {
        send(ORIG, SYN, C_ISN, 0, 64240, 0);
        send(REPLY, SYN, S_ISN, 0, 65160, 0);
        assertEquals(TcpState.SYN_SENT2, res.newState);
        send(ORIG, SYN | ACK, C_ISN, S_ISN + 1, 64240, 0);
        assertEquals(TcpState.SYN_RECV, res.newState);
        send(REPLY, ACK, S_ISN + 1, C_ISN + 1, 65160, 0);
        assertEquals(TcpState.ESTABLISHED, res.newState);
    }

    @Test
    void stateKeptInTheAreaGivesTheSameResultsAsStateKeptByTheCaller()
    {
        final UnsafeBuffer withState = new UnsafeBuffer(new byte[TcpStateLayout.LENGTH_WITH_STATE]);
        final TrackResult r = new TrackResult();
        final TcpSegment s = new TcpSegment();
        s.set(SYN, C_ISN, 0, 64240, 0).options(7, true);
        tracker.newConnection(withState, 0, s, r);
        tracker.packet(withState, 0, s, ORIG, false, false, 100 * S, r);
        assertEquals(TcpState.SYN_SENT, TcpTracker.state(withState, 0));
        s.set(SYN | ACK, S_ISN, C_ISN + 1, 65160, 0).options(7, true);
        tracker.packet(withState, 0, s, REPLY, false, false, 100 * S, r);
        s.set(ACK, C_ISN + 1, S_ISN + 1, 502, 0);
        tracker.packet(withState, 0, s, ORIG, true, false, 100 * S, r);
        assertEquals(TcpState.ESTABLISHED, TcpTracker.state(withState, 0));
        assertTrue(r.setAssured);

        handshake(7, 7);
        assertEquals(tcpState, TcpTracker.state(withState, 0));
        for (int i = 0; i < TcpStateLayout.LENGTH; i++)
        {
            assertEquals(area.getByte(base + i), withState.getByte(i), "byte " + i);
        }
    }

    @Test
    void optionsAreReadFromTheWireLikeTheKernel()
    {
        // SYN header with MSS, SACK_PERM, TS, NOP, WS=15 (clamped to 14)
        final byte[] tcp = {
            (byte)0xA1, 0x06, 0x00, 0x50, 0x00, 0x00, 0x03, (byte)0xE8, 0, 0, 0, 0,
            (byte)0xA0, 0x02, (byte)0xFA, (byte)0xF0, 0, 0, 0, 0,
            0x02, 0x04, 0x05, (byte)0xB4, 0x04, 0x02, 0x08, 0x0A, 0, 0, 0, 1, 0, 0, 0, 0, 0x01, 0x03, 0x03, 0x0F};
        assertTrue(seg.readFrom(new UnsafeBuffer(tcp), 0, tcp.length));
        assertEquals(SYN, seg.flags);
        assertEquals(1000, seg.seq);
        assertEquals(64240, seg.window);
        assertEquals(14, seg.windowScale);
        assertTrue(seg.sackPermitted);
        assertEquals(0, seg.payloadLength);
        assertEquals(1001, seg.end());
        assertFalse(seg.readFrom(new UnsafeBuffer(tcp), 0, 30), "header longer than the segment");
    }
}
