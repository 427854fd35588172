/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.natcore.packet.Checksum;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 2, pcap side: every IPv4 packet of every trace and every corpus capture goes through
 * {@link PacketParser} in a buffer of exactly its size: it gets a status and nothing throws;
 * what the kernel sent verifies its checksums (or is an INVALID packet it forwarded untouched).
 */
class PacketParserOnCapturesTest
{
    private static final Path CORPUS = Path.of("../core/src/test/resources/corpus");

    static List<String> traces()
    {
        return Traces.names();
    }

    static List<Path> corpusFiles() throws IOException
    {
        try (Stream<Path> s = Files.walk(CORPUS))
        {
            return s.filter(p -> p.toString().endsWith(".pcap")).sorted().collect(Collectors.toList());
        }
    }

    private static byte[] ipOf(final PcapRecord rec)
    {
        return Arrays.copyOfRange(rec.buffer.byteArray(), rec.ipOffset, rec.ipOffset + rec.ipLength);
    }

    @ParameterizedTest
    @MethodSource("traces")
    void everyTracePacketParsesAndKernelSentPacketsCarryValidChecksums(final String name) throws Exception
    {
        final ParsedPacket p = new ParsedPacket();
        final List<byte[]> received = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int sent = 0;
        try (PcapReader r = PcapReader.open(Traces.DIR.resolve(name).resolve("trace.pcap")))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                assertTrue(rec.isIpv4(), name + " record " + rec.number);
                final byte[] ip = ipOf(rec);
                final UnsafeBuffer b = new UnsafeBuffer(ip);
                final ParseStatus status = PacketParser.parse(b, 0, ip.length, p);
                assertNotNull(status);
                if (!rec.isOutgoing())
                {
                    received.add(ip);
                    continue;
                }
                sent++;
                if (status.isL3Drop())
                {
                    problems.add("record " + rec.number + ": kernel sent a packet with a broken IPv4 header: " + status);
                }
                else if (status.isOk())
                {
                    if (!Checksum.l4ChecksumValid(b, p))
                    {
                        problems.add("record " + rec.number + ": L4 checksum does not verify");
                    }
                }
                else if (!forwardedUntouched(ip, received))
                {
                    problems.add("record " + rec.number + ": " + status + " but not an untouched forward of a received packet");
                }
            }
        }
        assertTrue(sent > 0);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The kernel forwards what conntrack deems INVALID untranslated: same bytes but TTL and IP checksum. */
    private static boolean forwardedUntouched(final byte[] sent, final List<byte[]> received)
    {
        for (int i = received.size() - 1; i >= 0; i--)
        {
            final byte[] in = received.get(i);
            final int ihl = (sent[0] & 0x0F) * 4;
            if (in.length < sent.length || ihl > sent.length)
            {
                continue;
            }
            boolean same = (in[8] & 0xFF) == (sent[8] & 0xFF) + 1;
            for (int j = 0; j < sent.length && same; j++)
            {
                same = j == 8 || j == 10 || j == 11 || in[j] == sent[j];
            }
            if (same)
            {
                return true;
            }
        }
        return false;
    }

    @Test
    void theMalformedTraceExercisesBothKindsOfBadInput() throws Exception
    {
        final Map<ParseStatus, Integer> received = new EnumMap<>(ParseStatus.class);
        final ParsedPacket p = new ParsedPacket();
        try (PcapReader r = PcapReader.open(Traces.DIR.resolve("14-malformed-input/trace.pcap")))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                if (!rec.isOutgoing())
                {
                    final byte[] ip = ipOf(rec);
                    received.merge(PacketParser.parse(new UnsafeBuffer(ip), 0, ip.length, p), 1, Integer::sum);
                }
            }
        }
        // tcpdump -v on the trace: bad IP checksum, IHL 4, total length 400 in a 40-byte frame, version 6.
        assertEquals(1, received.getOrDefault(ParseStatus.BAD_IP_CHECKSUM, 0), received.toString());
        assertEquals(1, received.getOrDefault(ParseStatus.IHL_TOO_SMALL, 0), received.toString());
        assertEquals(1, received.getOrDefault(ParseStatus.TOTAL_LENGTH_BEYOND_BUFFER, 0), received.toString());
        assertEquals(1, received.getOrDefault(ParseStatus.BAD_VERSION, 0), received.toString());
        assertTrue(received.keySet().stream().anyMatch(ParseStatus::isL4Invalid), received.toString());
    }

    @ParameterizedTest
    @MethodSource("corpusFiles")
    void everyCorpusPacketGetsAStatusWithoutThrowing(final Path file) throws Exception
    {
        final ParsedPacket p = new ParsedPacket();
        int ipv4 = 0;
        try (PcapReader r = PcapReader.open(file))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                if (!rec.isIpv4())
                {
                    continue;
                }
                ipv4++;
                final byte[] ip = ipOf(rec);
                final UnsafeBuffer b = new UnsafeBuffer(ip);
                final ParseStatus status = PacketParser.parse(b, 0, ip.length, p);
                assertNotNull(status, file + " record " + rec.number);
                assertEquals(status, p.status);
                if (status.isOk())
                {
                    assertFalse(p.l4Offset > ip.length, file + " record " + rec.number + ": L4 offset beyond the packet");
                }
            }
        }
        assertTrue(ipv4 > 0 || file.getFileName().toString().contains("QinQ"), file + " has no IPv4 packet");
    }

    @Test
    void theCorpusCoversEthernetSllSll2AndRawIpv4() throws Exception
    {
        final java.util.Set<Integer> linkTypes = new java.util.TreeSet<>();
        for (final Path f : corpusFiles())
        {
            try (PcapReader r = PcapReader.open(f))
            {
                linkTypes.add(r.linkType());
            }
        }
        // The corpus README: Ethernet (1), LINUX_SLL (113), RAW IPv4 (228), LINUX_SLL2 (276).
        assertEquals(java.util.Set.of(1, 113, 228, 276), linkTypes);
    }
}
