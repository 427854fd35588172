/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import static io.natcore.replay.TestPackets.CLIENT;
import static io.natcore.replay.TestPackets.MASQ;
import static io.natcore.replay.TestPackets.ROUTER;
import static io.natcore.replay.TestPackets.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import io.natcore.replay.TestPackets;
import org.junit.jupiter.api.Test;

/**
 * The comparator on hand-built packets, for the cases the traces do not hold.
 */
class KernelComparatorTest
{
    private final KernelComparator c = new KernelComparator("", "addr eth0 172.16.2.5/24\n");

    /**
     * A packet the kernel sent as the forward of one it received (rule 5 needs the received one, which came with a TTL
     * one more: ip_forward decrements it).
     */
    private void forwarded(final long record, final byte[] ip)
    {
        final byte[] received = ip.clone();
        received[8]++;
        Wire.put16(received, 10, 0);
        Wire.put16(received, 10, ~Wire.fold(Wire.sum(received, 0, (received[0] & 0x0F) * 4)) & 0xFFFF);
        c.onReceived(record, received);
        c.onKernelSent(record, ip);
    }

    private String mismatches()
    {
        return c.mismatches().toString();
    }

    @Test
    void aTimeExceededTheBoxForwardsIsComparedNotSetAside()
    {
        // A router beyond the box reports TTL expiry of a masqueraded datagram; the kernel forwards it to the client.
        final byte[] quotedOut = TestPackets.udpWithId(MASQ, 40000, SERVER, 7, 555, 1, true);
        final byte[] quotedIn = TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 1, true);
        c.onReceived(1, TestPackets.icmpError(11, 0, ROUTER, MASQ, 777, 60, quotedOut));
        c.onKernelSent(2, TestPackets.icmpError(11, 0, ROUTER, CLIENT, 777, 59, quotedIn));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
        assertEquals(2, c.mismatches().get(0).kernelRecord());
        assertTrue(c.excluded().isEmpty());
    }

    @Test
    void aTimeExceededTheBoxWritesAboutAReceivedPacketIsSetAside()
    {
        final byte[] ttlOne = TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 1, true);
        c.onReceived(1, ttlOne);
        c.onKernelSent(2, TestPackets.icmpError(11, 0, MASQ, CLIENT, 900, 64, ttlOne));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(1, c.excluded().size());
        assertEquals(0, c.kernelCount());
    }

    @Test
    void theBoxsOwnAnswersAreSetAsideFromTheKernelsRecordAlone()
    {
        // A client connects to the box's port 7007 (trace 19): the box's stack answers with a SYN-ACK, then resets
        // a connection to a closed port. Neither is the forward of a received packet.
        final byte[] syn = TestPackets.tcpWithId(CLIENT, 47003, MASQ, 7007, 1, 64, 1000, 0x02);
        c.onReceived(1, syn);
        c.onKernelSent(2, TestPackets.tcpWithId(MASQ, 7007, CLIENT, 47003, 2, 64, 5000, 0x12));
        final byte[] closed = TestPackets.tcpWithId(CLIENT, 47004, MASQ, 9, 3, 64, 2000, 0x02);
        c.onReceived(3, closed);
        c.onKernelSent(4, TestPackets.tcpWithId(MASQ, 9, CLIENT, 47004, 4, 64, 0, 0x14));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(2, c.excluded().size(), c.excluded().toString());
        assertEquals(0, c.kernelCount());
    }

    @Test
    void aPacketTheEngineForwardedWhereTheKernelAnsweredItselfIsExtra()
    {
        final byte[] syn = TestPackets.tcpWithId(CLIENT, 47003, MASQ, 7007, 1, 64, 1000, 0x02);
        c.onReceived(1, syn);
        c.onKernelSent(2, TestPackets.tcpWithId(MASQ, 7007, CLIENT, 47003, 2, 64, 5000, 0x12));
        c.onEngineSent(1, TestPackets.tcpWithId(CLIENT, 47003, SERVER, 7007, 1, 63, 1000, 0x02));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
        assertEquals(-1, c.mismatches().get(0).kernelRecord());
    }

    @Test
    void aForwardToTheBoxsAddressTheEngineSwallowedIsMissingNotSetAside()
    {
        // A reply to a masqueraded connection is addressed to the box; the kernel forwarded it to the client. The
        // engine sent nothing (as if it delivered it locally): the kernel's forward is compared, and missing.
        c.onReceived(1, TestPackets.udpWithId(SERVER, 7, MASQ, 40000, 555, 64, true));
        c.onKernelSent(2, TestPackets.udpWithId(SERVER, 7, CLIENT, 40000, 555, 63, true));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
        assertEquals(2, c.mismatches().get(0).kernelRecord());
        assertTrue(c.excluded().isEmpty(), c.excluded().toString());
    }

    @Test
    void withoutPairingADifferentPortIsAMismatch()
    {
        final KernelComparator exact = new KernelComparator("", "addr eth0 172.16.2.5/24\n", false);
        exact.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 64, true));
        exact.onKernelSent(2, TestPackets.udpWithId(MASQ, 33384, SERVER, 7, 555, 63, true));
        exact.onEngineSent(1, TestPackets.udpWithId(MASQ, 40000, SERVER, 7, 555, 63, true));
        exact.finish();
        assertEquals(1, exact.mismatches().size(), exact.mismatches().toString());
        assertTrue(exact.mismatches().get(0).toString().contains("kernel=33384 engine=40000 (no pairing"),
            exact.mismatches().toString());
        assertEquals(0, exact.randomisedPortCount());
    }

    @Test
    void theEngineMayReuseAClosingConnectionsPortWhereTheKernelDrewAFreshOne()
    {
        final byte[] synA = TestPackets.tcpWithId(MASQ, 20001, SERVER, 7, 1, 63, 1000, 0x02);
        c.onEngineSent(1, withSport(synA, 30001));
        forwarded(2, synA);
        final byte[] finA = TestPackets.tcpWithId(MASQ, 20001, SERVER, 7, 3, 63, 1001, 0x11);
        c.onEngineSent(3, withSport(finA, 30001));
        forwarded(4, finA);
        final byte[] synB = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 5, 63, 9000, 0x02);
        c.onEngineSent(5, withSport(synB, 30001));
        forwarded(6, synB);
        c.finish();
        assertTrue(c.passed(), mismatches());
    }

    @Test
    void aPortTheKernelMovedForAConnectionNoRuleMatchedMayBeDrawnDifferently()
    {
        // No rule: the kernel's null binding moved 192.168.1.5:40000 to 40001 (its reply tuple was taken).
        c.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 64, true));
        c.onKernelSent(2, TestPackets.udpWithId(CLIENT, 40001, SERVER, 7, 555, 63, true));
        c.onEngineSent(1, TestPackets.udpWithId(CLIENT, 45000, SERVER, 7, 555, 63, true));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(1, c.randomisedPortCount());
    }

    @Test
    void aPortTheKernelKeptForAConnectionNoRuleMatchedMayNotBeMoved()
    {
        c.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 64, true));
        c.onKernelSent(2, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 63, true));
        c.onEngineSent(1, TestPackets.udpWithId(CLIENT, 45000, SERVER, 7, 555, 63, true));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
    }

    @Test
    void aKernelPortGivenToAnotherConnectionPairsAnew()
    {
        // 192.168.1.5:40000 had kernel 33000 = engine 34000; after it ended the kernel gave 33000 to 192.168.1.6:40000,
        // the engine another port: the pair lasts as long as its connection.
        final int other = CLIENT + 1;
        c.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 64, true));
        c.onKernelSent(2, TestPackets.udpWithId(MASQ, 33000, SERVER, 7, 555, 63, true));
        c.onEngineSent(1, TestPackets.udpWithId(MASQ, 34000, SERVER, 7, 555, 63, true));
        c.onReceived(3, TestPackets.udpWithId(other, 40000, SERVER, 7, 556, 64, true));
        c.onKernelSent(4, TestPackets.udpWithId(MASQ, 33000, SERVER, 7, 556, 63, true));
        c.onEngineSent(3, TestPackets.udpWithId(MASQ, 35000, SERVER, 7, 556, 63, true));
        c.finish();
        assertTrue(c.passed(), mismatches());
        final byte[] reply = TestPackets.udpWithId(SERVER, 7, MASQ, 33000, 20, 64, true);
        assertTrue(c.rewriteInbound(reply));
        assertArrayEquals(TestPackets.udpWithId(SERVER, 7, MASQ, 35000, 20, 64, true), reply, "replies reach the new connection");
    }

    @Test
    void theSameConnectionMayNotChangeItsEnginePort()
    {
        c.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 64, true));
        c.onKernelSent(2, TestPackets.udpWithId(MASQ, 33000, SERVER, 7, 555, 63, true));
        c.onEngineSent(1, TestPackets.udpWithId(MASQ, 34000, SERVER, 7, 555, 63, true));
        c.onReceived(3, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 556, 64, true));
        c.onKernelSent(4, TestPackets.udpWithId(MASQ, 33000, SERVER, 7, 556, 63, true));
        c.onEngineSent(3, TestPackets.udpWithId(MASQ, 35000, SERVER, 7, 556, 63, true));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
    }

    @Test
    void aParameterProblemTheBoxWritesIsSetAside()
    {
        final byte[] bad = TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 556, 64, true);
        c.onReceived(1, bad);
        c.onKernelSent(2, TestPackets.icmpError(12, 0, MASQ, CLIENT, 901, 64, bad));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(1, c.excluded().size());
    }

    @Test
    void anIcmpErrorQuotingADrawnPortReachesTheEngineWithTheEnginesPortAndValidChecksums()
    {
        // The kernel drew 33384 for client 40000; the engine drew 40001.
        final byte[] kernelOut = TestPackets.udpWithId(MASQ, 33384, SERVER, 7, 10, 63, true);
        final byte[] engineOut = kernelOut.clone();
        TestPackets.setSport(engineOut, 40001);
        c.onReceived(1, TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 10, 64, true));
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        assertTrue(c.mismatches().isEmpty(), mismatches());

        final byte[] unreachable = TestPackets.icmpError(3, 3, SERVER, MASQ, 11, 64, kernelOut);
        final byte[] seenByEngine = unreachable.clone();
        assertTrue(c.rewriteInbound(seenByEngine));
        // Built independently: the same error quoting the engine's datagram.
        final byte[] expected = TestPackets.icmpError(3, 3, SERVER, MASQ, 11, 64, engineOut);
        assertArrayEquals(expected, seenByEngine);
    }

    @Test
    void aReplyToADrawnPortIsRewrittenForTheEngine()
    {
        final byte[] kernelOut = TestPackets.udpWithId(MASQ, 33384, SERVER, 7, 10, 63, true);
        final byte[] engineOut = kernelOut.clone();
        TestPackets.setSport(engineOut, 40001);
        c.onEngineSent(1, engineOut);
        forwarded(2, kernelOut);
        final byte[] reply = TestPackets.udpWithId(SERVER, 7, MASQ, 33384, 20, 64, true);
        assertTrue(c.rewriteInbound(reply));
        assertArrayEquals(TestPackets.udpWithId(SERVER, 7, MASQ, 40001, 20, 64, true), reply);
        final byte[] other = TestPackets.udpWithId(SERVER, 7, MASQ, 33385, 21, 64, true);
        assertFalse(c.rewriteInbound(other.clone()));
    }

    /** Two SYNs whose drawn ports cross: kernel 20002 is engine 20001 (connection A), kernel 20001 is engine 20002 (B). */
    private void crossTwoConnections()
    {
        final byte[] kernelA = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 1, 63, 1000, 0x02);
        final byte[] kernelB = TestPackets.tcpWithId(MASQ, 20001, SERVER, 7, 2, 63, 2000, 0x02);
        c.onEngineSent(1, withSport(kernelA, 20001));
        forwarded(2, kernelA);
        c.onEngineSent(3, withSport(kernelB, 20002));
        forwarded(4, kernelB);
    }

    @Test
    void aNewTcpConnectionMayPairADrawnKernelPortAnew()
    {
        // Trace 15: the kernel evicts one closing connection to free port 20002 for a new SYN, the engine another
        // (its 20002 stood for the kernel's 20001); both are right, the pairing follows the new connection.
        crossTwoConnections();
        final byte[] toA = TestPackets.tcpWithId(SERVER, 7, MASQ, 20002, 4, 64, 77, 0x10);
        assertTrue(c.rewriteInbound(toA));
        assertArrayEquals(TestPackets.tcpWithId(SERVER, 7, MASQ, 20001, 4, 64, 77, 0x10), toA, "kernel 20002 is engine 20001");
        final byte[] resetB = TestPackets.tcpWithId(MASQ, 20001, SERVER, 7, 5, 63, 2001, 0x14);
        c.onEngineSent(7, withSport(resetB, 20002));
        forwarded(8, resetB);
        final byte[] kernelC = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 3, 63, 9000, 0x02);
        c.onEngineSent(5, withSport(kernelC, 20002));
        forwarded(6, kernelC);
        final byte[] synAck = TestPackets.tcpWithId(SERVER, 7, MASQ, 20002, 4, 64, 78, 0x12);
        assertFalse(c.rewriteInbound(synAck), "kernel 20002 is now engine 20002");
        final byte[] toB = TestPackets.tcpWithId(SERVER, 7, MASQ, 20001, 5, 64, 79, 0x10);
        assertFalse(c.rewriteInbound(toB), "the kernel's 20001 has no engine port any more");
        c.finish();
        assertTrue(c.passed(), mismatches());
    }

    @Test
    void aNewTcpConnectionMayNotTakeTheEnginePortOfALiveConnection()
    {
        crossTwoConnections();
        // B (kernel 20001, engine 20002) neither sent nor got a FIN or RST: engine 20002 is still B's.
        final byte[] kernelC = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 3, 63, 9000, 0x02);
        c.onEngineSent(5, withSport(kernelC, 20002));
        forwarded(6, kernelC);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("engine port 20002 already stands for kernel port 20001 of a connection that " +
            "is not closing"), mismatches());
    }

    @Test
    void aRetransmittedSynKeepsItsPort()
    {
        final byte[] syn = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 1, 63, 1000, 0x02);
        c.onEngineSent(1, withSport(syn, 20001));
        forwarded(2, syn);
        final byte[] again = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 2, 63, 1000, 0x02);
        c.onEngineSent(3, withSport(again, 20000));
        forwarded(4, again);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("kernel port 20002 was engine port 20001 before, now 20000"), mismatches());
    }

    @Test
    void aSegmentAfterTheSynKeepsItsPort()
    {
        final byte[] syn = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 1, 63, 1000, 0x02);
        c.onEngineSent(1, withSport(syn, 20001));
        forwarded(2, syn);
        final byte[] ack = TestPackets.tcpWithId(MASQ, 20002, SERVER, 7, 2, 63, 1001, 0x10);
        c.onEngineSent(3, withSport(ack, 20000));
        forwarded(4, ack);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("kernel port 20002 was engine port 20001 before, now 20000"), mismatches());
    }

    private static byte[] withSport(final byte[] ip, final int port)
    {
        final byte[] copy = ip.clone();
        TestPackets.setSport(copy, port);
        return copy;
    }

    @Test
    void aUdpDatagramWithoutChecksumKeepsNoneWhenItsPortIsDrawn()
    {
        final byte[] kernelOut = TestPackets.udpWithId(MASQ, 33384, SERVER, 7, 10, 63, false);
        final byte[] engineOut = kernelOut.clone();
        engineOut[20] = (byte)(40001 >> 8);
        engineOut[21] = (byte)40001;
        c.onEngineSent(1, engineOut);
        forwarded(2, kernelOut);
        c.finish();
        assertTrue(c.passed(), mismatches());
    }

    @Test
    void aUdpChecksumWhereTheKernelSentNoneFails()
    {
        final byte[] kernelOut = TestPackets.udpWithId(MASQ, 33384, SERVER, 7, 10, 63, false);
        final byte[] engineOut = TestPackets.udpWithId(MASQ, 40001, SERVER, 7, 10, 63, true);
        c.onEngineSent(1, engineOut);
        forwarded(2, kernelOut);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("udp.checksum"), mismatches());
    }

    @Test
    void packetsSwappedByTheKernelWithinAFewPacketsStillMatch()
    {
        final byte[] a = TestPackets.udpWithId(MASQ, 1000, SERVER, 7, 1, 63, true);
        final byte[] b = TestPackets.udpWithId(SERVER, 7, CLIENT, 2000, 2, 63, true);
        c.onEngineSent(1, a);
        c.onEngineSent(2, b);
        forwarded(3, b);
        forwarded(4, a);
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(2, c.matchedCount());
    }

    @Test
    void anExtraPacketIsReportedAsTheEngines()
    {
        final byte[] a = TestPackets.udpWithId(MASQ, 1000, SERVER, 7, 1, 63, true);
        c.onEngineSent(5, a);
        c.finish();
        assertEquals(1, c.mismatches().size());
        assertEquals(-1, c.mismatches().get(0).kernelRecord());
        assertEquals(5, c.mismatches().get(0).engineInput());
        assertTrue(c.mismatches().get(0).toString().startsWith("engine output for input #5: UDP 172.16.2.5:1000 > 172.16.3.5:7"),
            c.mismatches().get(0).toString());
    }

    @Test
    void theInnerHeaderOfAnIcmpErrorIsComparedFieldByField()
    {
        final byte[] quoted = TestPackets.udpWithId(CLIENT, 40000, SERVER, 7, 555, 61, true);
        final byte[] kernelOut = TestPackets.icmpError(3, 3, SERVER, CLIENT, 99, 62, quoted);
        final byte[] wrongQuote = TestPackets.udpWithId(CLIENT, 40000, SERVER, 8, 555, 61, true);
        final byte[] engineOut = TestPackets.icmpError(3, 3, SERVER, CLIENT, 99, 62, wrongQuote);
        c.onEngineSent(1, engineOut);
        forwarded(2, kernelOut);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("icmp.inner.udp.dport kernel=7 engine=8"), mismatches());
        assertFalse(mismatches().contains("icmp.checksum"), "the ICMP checksum follows the quoted change: " + mismatches());
        assertTrue(Arrays.equals(kernelOut, kernelOut.clone()) && TestPackets.ipHeaderValid(kernelOut));
    }
}
