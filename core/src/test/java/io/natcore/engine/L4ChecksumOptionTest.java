/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.natcore.engine.EngineFixture.ETH0;
import static io.natcore.packet.TestPackets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChecksumVerification#IP_HEADER_ONLY}: trusting the NIC's L4 check, never the IP header's. */
class L4ChecksumOptionTest
{
    private static final long T0 = 1_000_000_000_000L;
    private NatEngine engine;

    @AfterEach
    void close()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    private Verdict send(final NatEngineConfig.Builder config, final byte[] packet) throws Exception
    {
        engine = new NatEngine(config.build());
        return engine.newProcessor().process(new UnsafeBuffer(packet), 0, packet.length, ETH0, T0);
    }

    /** Folded sum of pseudo-header and segment: 0xFFFF exactly when the TCP checksum is right. */
    private static int tcpSum(final byte[] b)
    {
        return TestPackets.sum(b, 20, 20, TestPackets.pseudo(TestPackets.u32(b, 12), TestPackets.u32(b, 16), 6, 20));
    }

    @Test
    void verifyingL4ChecksumsIsTheDefaultAsLinuxNfConntrackChecksum() throws Exception
    {
        assertEquals(ChecksumVerification.ALL, EngineFixture.config().build().checksumVerification());
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        TestPackets.put16(syn, 36, TestPackets.u16(syn, 36) ^ 0x0101);
        assertEquals(Verdict.INVALID, send(EngineFixture.config(), syn));
        assertEquals(0, engine.size());
    }

    @Test
    void withoutL4VerificationABadTcpChecksumIsTranslatedAndItsErrorCarriedThrough() throws Exception
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        TestPackets.put16(syn, 36, TestPackets.u16(syn, 36) ^ 0x0101);
        final int sumBefore = tcpSum(syn);
        assertNotEquals(0xFFFF, sumBefore);

        assertEquals(Verdict.FORWARD, send(EngineFixture.config().checksumVerification(ChecksumVerification.IP_HEADER_ONLY), syn));
        assertEquals(1, engine.size());
        assertEquals("172.16.2.5", TestPackets.src(syn));   // MASQUERADE
        assertEquals("172.16.3.5", TestPackets.dst(syn));   // DNAT
        assertEquals(0xFFFF, TestPackets.sum(syn, 0, 20, 0));
        // Incremental update (RFC 1624) keeps a wrong sum exactly as wrong: the receiver still sees the error.
        assertEquals(sumBefore, tcpSum(syn));
    }

    @Test
    void withoutL4VerificationABadIpHeaderChecksumIsStillDropped() throws Exception
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        syn[10] ^= 0x5A;
        assertEquals(Verdict.DROP,
            send(EngineFixture.config().checksumVerification(ChecksumVerification.IP_HEADER_ONLY), syn));
        assertEquals(0, engine.size());
    }

    @Test
    void withNoVerificationABadIpHeaderChecksumIsTranslatedNotDropped() throws Exception
    {
        final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41001, 80, SYN, 1000, 0, 64);
        syn[10] ^= 0x5A;
        assertEquals(Verdict.FORWARD,
            send(EngineFixture.config().checksumVerification(ChecksumVerification.NONE), syn));
        assertEquals(1, engine.size());
    }
}
