/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import static io.natcore.replay.compare.Packets.CLIENT;
import static io.natcore.replay.compare.Packets.MASQ;
import static io.natcore.replay.compare.Packets.ROUTER;
import static io.natcore.replay.compare.Packets.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import io.natcore.replay.TestChecksums;
import org.junit.jupiter.api.Test;

/**
 * The comparator on hand-built packets, for the cases the traces do not hold.
 */
class KernelComparatorTest
{
    private final KernelComparator c = new KernelComparator("", "addr eth0 172.16.2.5/24\n");

    private String mismatches()
    {
        return c.mismatches().toString();
    }

    @Test
    void aTimeExceededTheBoxForwardsIsComparedNotSetAside()
    {
        // A router beyond the box reports TTL expiry of a masqueraded datagram; the kernel forwards it to the client.
        final byte[] quotedOut = Packets.udp(MASQ, 40000, SERVER, 7, 555, 1, true);
        final byte[] quotedIn = Packets.udp(CLIENT, 40000, SERVER, 7, 555, 1, true);
        c.onReceived(1, Packets.icmpError(11, 0, ROUTER, MASQ, 777, 60, quotedOut));
        c.onKernelSent(2, Packets.icmpError(11, 0, ROUTER, CLIENT, 777, 59, quotedIn));
        c.finish();
        assertEquals(1, c.mismatches().size(), mismatches());
        assertEquals(2, c.mismatches().get(0).kernelRecord());
        assertTrue(c.excluded().isEmpty());
    }

    @Test
    void aTimeExceededTheBoxWritesAboutAReceivedPacketIsSetAside()
    {
        final byte[] ttlOne = Packets.udp(CLIENT, 40000, SERVER, 7, 555, 1, true);
        c.onReceived(1, ttlOne);
        c.onKernelSent(2, Packets.icmpError(11, 0, MASQ, CLIENT, 900, 64, ttlOne));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(1, c.excluded().size());
        assertEquals(0, c.kernelCount());
    }

    @Test
    void aParameterProblemTheBoxWritesIsSetAside()
    {
        final byte[] bad = Packets.udp(CLIENT, 40000, SERVER, 7, 556, 64, true);
        c.onReceived(1, bad);
        c.onKernelSent(2, Packets.icmpError(12, 0, MASQ, CLIENT, 901, 64, bad));
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(1, c.excluded().size());
    }

    @Test
    void anIcmpErrorQuotingADrawnPortReachesTheEngineWithTheEnginesPortAndValidChecksums()
    {
        // The kernel drew 33384 for client 40000; the engine drew 40001.
        final byte[] kernelOut = Packets.udp(MASQ, 33384, SERVER, 7, 10, 63, true);
        final byte[] engineOut = kernelOut.clone();
        Packets.setSport(engineOut, 40001);
        c.onReceived(1, Packets.udp(CLIENT, 40000, SERVER, 7, 10, 64, true));
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        assertTrue(c.mismatches().isEmpty(), mismatches());

        final byte[] unreachable = Packets.icmpError(3, 3, SERVER, MASQ, 11, 64, kernelOut);
        final byte[] seenByEngine = unreachable.clone();
        assertTrue(c.rewriteInbound(seenByEngine));
        // Built independently: the same error quoting the engine's datagram.
        final byte[] expected = Packets.icmpError(3, 3, SERVER, MASQ, 11, 64, engineOut);
        assertArrayEquals(expected, seenByEngine);
    }

    @Test
    void aReplyToADrawnPortIsRewrittenForTheEngine()
    {
        final byte[] kernelOut = Packets.udp(MASQ, 33384, SERVER, 7, 10, 63, true);
        final byte[] engineOut = kernelOut.clone();
        Packets.setSport(engineOut, 40001);
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        final byte[] reply = Packets.udp(SERVER, 7, MASQ, 33384, 20, 64, true);
        assertTrue(c.rewriteInbound(reply));
        assertArrayEquals(Packets.udp(SERVER, 7, MASQ, 40001, 20, 64, true), reply);
        final byte[] other = Packets.udp(SERVER, 7, MASQ, 33385, 21, 64, true);
        assertFalse(c.rewriteInbound(other.clone()));
    }

    @Test
    void aUdpDatagramWithoutChecksumKeepsNoneWhenItsPortIsDrawn()
    {
        final byte[] kernelOut = Packets.udp(MASQ, 33384, SERVER, 7, 10, 63, false);
        final byte[] engineOut = kernelOut.clone();
        engineOut[20] = (byte)(40001 >> 8);
        engineOut[21] = (byte)40001;
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        c.finish();
        assertTrue(c.passed(), mismatches());
    }

    @Test
    void aUdpChecksumWhereTheKernelSentNoneFails()
    {
        final byte[] kernelOut = Packets.udp(MASQ, 33384, SERVER, 7, 10, 63, false);
        final byte[] engineOut = Packets.udp(MASQ, 40001, SERVER, 7, 10, 63, true);
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("udp.checksum"), mismatches());
    }

    @Test
    void packetsSwappedByTheKernelWithinAFewPacketsStillMatch()
    {
        final byte[] a = Packets.udp(MASQ, 1000, SERVER, 7, 1, 63, true);
        final byte[] b = Packets.udp(SERVER, 7, CLIENT, 2000, 2, 63, true);
        c.onEngineSent(1, a);
        c.onEngineSent(2, b);
        c.onKernelSent(3, b);
        c.onKernelSent(4, a);
        c.finish();
        assertTrue(c.passed(), mismatches());
        assertEquals(2, c.matchedCount());
    }

    @Test
    void anExtraPacketIsReportedAsTheEngines()
    {
        final byte[] a = Packets.udp(MASQ, 1000, SERVER, 7, 1, 63, true);
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
        final byte[] quoted = Packets.udp(CLIENT, 40000, SERVER, 7, 555, 61, true);
        final byte[] kernelOut = Packets.icmpError(3, 3, SERVER, CLIENT, 99, 62, quoted);
        final byte[] wrongQuote = Packets.udp(CLIENT, 40000, SERVER, 8, 555, 61, true);
        final byte[] engineOut = Packets.icmpError(3, 3, SERVER, CLIENT, 99, 62, wrongQuote);
        c.onEngineSent(1, engineOut);
        c.onKernelSent(2, kernelOut);
        c.finish();
        assertFalse(c.passed());
        assertTrue(mismatches().contains("icmp.inner.udp.dport kernel=7 engine=8"), mismatches());
        assertFalse(mismatches().contains("icmp.checksum"), "the ICMP checksum follows the quoted change: " + mismatches());
        assertTrue(Arrays.equals(kernelOut, kernelOut.clone()) && TestChecksums.ipHeaderValid(kernelOut));
    }
}
