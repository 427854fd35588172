package io.natcore.packet;

import io.natcore.pcap.TestCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Parses every IPv4 packet of the kernel NAT traces and of the public-test-suite corpus.
 */
class CapturedPacketsTest
{
    static final Path TRACES = TestCaptures.TRACES;
    static final Path CORPUS = Path.of("src/test/resources/corpus");

    @Test
    void everyPacketTheKernelSentVerifiesUnlessItForwardedAnInvalidOneUntranslated() throws IOException
    {
        final List<Path> files = TestCaptures.files(TRACES, "trace.pcap");
        assertTrue(files.size() >= 14, "traces found: " + files.size());
        final ParsedPacket p = new ParsedPacket();
        int sent = 0;
        int sentVerified = 0;
        for (final Path file : files)
        {
            final Set<String> receivedInvalid = new HashSet<>();
            for (final TestCaptures.Frame f : TestCaptures.readUpToCut(file))
            {
                if (!f.isIpv4())
                {
                    continue;
                }
                final UnsafeBuffer b = new UnsafeBuffer(f.data());
                final ParseStatus s = PacketParser.parse(b, f.ipOffset(), f.ipLength(), p);
                final String where = file.getParent().getFileName() + " frame " + f.index() + " " + s;
                if (!f.sent())
                {
                    if (s.isL4Invalid())
                    {
                        receivedInvalid.add(key(p, s));
                    }
                    continue;
                }
                sent++;
                assertFalse(s.isL3Drop(), where);
                assertTrue(Checksum.ipv4HeaderValid(b, p.ipOffset, p.ipHeaderLength), where);
                if (s.isL4Invalid())
                {
                    // the kernel forwards what conntrack deems INVALID untranslated: same addresses, same id
                    assertTrue(receivedInvalid.contains(key(p, s)), "sent INVALID without received twin: " + where);
                    continue;
                }
                assertEquals(ParseStatus.OK, s, where);
                if (!p.isFragment && (p.protocol == 6 || p.protocol == 17 || p.protocol == 1))
                {
                    assertTrue(Checksum.l4ChecksumValid(b, p), where);
                    assertTrue(p.l4ChecksumState == L4ChecksumState.VALID ||
                        p.l4ChecksumState == L4ChecksumState.NONE, where);
                    sentVerified++;
                }
            }
        }
        assertTrue(sent > 1000, "sent packets: " + sent);
        assertTrue(sentVerified > 1000, "sent packets with a verified L4 checksum: " + sentVerified);
    }

    private static String key(final ParsedPacket p, final ParseStatus s)
    {
        return s + " " + p.srcIp + ">" + p.dstIp + " id " + p.ipId + " " + p.srcPort + ">" + p.dstPort;
    }

    @Test
    void malformedInputTraceClassifiesEveryInjectedCaseAsTheKernelTreatedIt() throws IOException
    {
        final Map<ParseStatus, Integer> received = new EnumMap<>(ParseStatus.class);
        final ParsedPacket p = new ParsedPacket();
        for (final TestCaptures.Frame f : TestCaptures.readUpToCut(TRACES.resolve("14-malformed-input/trace.pcap")))
        {
            if (f.isIpv4() && !f.sent())
            {
                received.merge(PacketParser.parse(new UnsafeBuffer(f.data()), f.ipOffset(), f.ipLength(), p), 1,
                    Integer::sum);
            }
        }
        // one of each broken case of scenario.cases
        for (final ParseStatus s : new ParseStatus[] {ParseStatus.BAD_VERSION, ParseStatus.IHL_TOO_SMALL, ParseStatus.TOTAL_LENGTH_BEYOND_BUFFER,
            ParseStatus.BAD_IP_CHECKSUM, ParseStatus.TCP_BAD_FLAGS, ParseStatus.L4_TRUNCATED,
            ParseStatus.TCP_BAD_DATA_OFFSET, ParseStatus.UDP_BAD_LENGTH})
        {
            assertNotNull(received.get(s), s + " in " + received);
        }
        // the wrong TCP checksum and the malformed SCTP
        assertEquals(2, received.get(ParseStatus.BAD_L4_CHECKSUM), received.toString());
    }

    @Test
    void everyCorpusPacketGetsAStatusAndNothingThrows() throws IOException
    {
        final List<Path> files = TestCaptures.files(CORPUS, ".pcap");
        assertTrue(files.size() >= 45, "corpus files: " + files.size());
        final ParsedPacket p = new ParsedPacket();
        final Map<ParseStatus, Integer> seen = new EnumMap<>(ParseStatus.class);
        int packets = 0;
        for (final Path file : files)
        {
            for (final TestCaptures.Frame f : TestCaptures.readUpToCut(file))
            {
                if (!f.isIpv4())
                {
                    continue;
                }
                packets++;
                final UnsafeBuffer b = new UnsafeBuffer(f.data());
                try
                {
                    final ParseStatus s = PacketParser.parse(b, f.ipOffset(), f.ipLength(), p);
                    assertNotNull(s);
                    assertEquals(s, p.status);
                    seen.merge(s, 1, Integer::sum);
                    // every prefix of the packet too: cut captures must never read out of bounds
                    for (int cut = 0; cut < f.ipLength(); cut += 7)
                    {
                        assertNotNull(PacketParser.parse(b, f.ipOffset(), cut, p));
                    }
                }
                catch (final RuntimeException e)
                {
                    fail(file.getFileName() + " frame " + f.index() + " threw " + e, e);
                }
            }
        }
        assertTrue(packets > 100, "corpus IPv4 packets: " + packets);
        // the zeek good/bad pairs: both sides must be seen
        assertTrue(seen.containsKey(ParseStatus.BAD_IP_CHECKSUM), seen.toString());
        assertTrue(seen.containsKey(ParseStatus.BAD_L4_CHECKSUM), seen.toString());
        assertTrue(seen.get(ParseStatus.OK) > 50, seen.toString());
    }

    @Test
    void zeekChecksumPairsAreClassifiedGoodAndBad() throws IOException
    {
        final ParsedPacket p = new ParsedPacket();
        for (final String proto : new String[] {"tcp", "udp", "icmp"})
        {
            assertEquals(ParseStatus.OK, first("zeek/chksums-ip4-" + proto + "-good-chksum.pcap", p), proto);
            assertEquals(ParseStatus.BAD_L4_CHECKSUM, first("zeek/chksums-ip4-" + proto + "-bad-chksum.pcap", p), proto);
        }
        assertEquals(ParseStatus.BAD_IP_CHECKSUM, first("zeek/chksums-ip4-bad-chksum.pcap", p));
    }

    private static ParseStatus first(final String name, final ParsedPacket p) throws IOException
    {
        final Path file = CORPUS.resolve(name);
        assertTrue(Files.exists(file), name);
        for (final TestCaptures.Frame f : TestCaptures.readUpToCut(file))
        {
            if (f.isIpv4())
            {
                return PacketParser.parse(new UnsafeBuffer(f.data()), f.ipOffset(), f.ipLength(), p);
            }
        }
        throw new AssertionError("no IPv4 packet in " + name);
    }
}
