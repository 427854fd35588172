/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.packet.IpProtocol;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.track.FragmentResult;
import io.natcore.track.FragmentTracker;
import io.natcore.track.IcmpTracker;
import io.natcore.track.TcpSegment;
import io.natcore.track.TcpStateLayout;
import io.natcore.track.TcpTracker;
import io.natcore.track.Timeouts;
import io.natcore.track.TrackResult;
import io.natcore.track.UdpTracker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the layers below the engine: {@link PacketParser}, {@link TcpSegment} option parsing, and the TCP, UDP,
 * ICMP and fragment trackers on per-connection state areas. Every mutated packet sits between guard regions in two
 * twin buffers whose guards differ: a write outside the packet breaks a guard, a read outside it makes the twins
 * disagree. Tracker areas carry their own guards (the bytes after the 49 the TCP tracker owns).
 */
class ParserTrackerFuzzTest
{
    private static final int AREAS = 1024;
    private static final int AREA_STRIDE = 64;
    private static final int AREA_USED = TcpStateLayout.LENGTH_WITH_STATE;

    @Test
    void mutatedPacketsNeverThrowNeverTouchBytesOutsideThePacketAndParseAlikeWhateverSurroundsThem()
    {
        final long seed = FuzzCorpus.seed();
        final long count = FuzzCorpus.packets(400_000);
        final List<CapturedPackets.Packet> packets = FuzzCorpus.allPackets();
        assertTrue(packets.size() > 6000, "traces and corpus found: " + packets.size());

        final PacketMutator mutator = new PacketMutator(seed);
        final GuardedPacketBuffer a = new GuardedPacketBuffer(0x00);
        final GuardedPacketBuffer b = new GuardedPacketBuffer(0xFF);
        final ParsedPacket pa = new ParsedPacket();
        final ParsedPacket pb = new ParsedPacket();
        final byte[] work = new byte[GuardedPacketBuffer.MAX_PACKET];
        final Timeouts timeouts = new Timeouts();
        final TcpTracker tcp = new TcpTracker(timeouts);
        final UdpTracker udp = new UdpTracker(timeouts);
        final IcmpTracker icmp = new IcmpTracker(timeouts);
        final FragmentTracker fragments = new FragmentTracker(64, 8, 4, timeouts.fragment(), seed);
        final FragmentResult fragmentResult = fragments.newResult();
        final TcpSegment seg = new TcpSegment();
        final TcpSegment segA = new TcpSegment();
        final TcpSegment segB = new TcpSegment();
        final TrackResult result = new TrackResult();
        final UnsafeBuffer areas = new UnsafeBuffer(ByteBuffer.allocateDirect(AREAS * AREA_STRIDE));
        for (int i = 0; i < AREAS * AREA_STRIDE; i++)
        {
            areas.putByte(i, areaGuard(i));
        }
        final Map<ParseStatus, Long> statuses = new EnumMap<>(ParseStatus.class);
        long now = 1_000_000_000L;
        long trackerCalls = 0;

        for (long n = 0; n < count; n++)
        {
            final CapturedPackets.Packet p = packets.get((int)(n % packets.size()));
            final CapturedPackets.Packet other = packets.get(mutator.random().nextInt(packets.size()));
            final int len = mutator.mutate(p.ip, other.ip, work);
            final int misalign = mutator.random().nextInt(8);
            final UnsafeBuffer va = a.place(work, len, misalign);
            final UnsafeBuffer vb = b.place(work, len, misalign);
            now += 1 + mutator.random().nextInt(50_000_000);
            try
            {
                final ParseStatus sa = PacketParser.parse(va, a.offset(), len, pa);
                final ParseStatus sb = PacketParser.parse(vb, b.offset(), len, pb);
                statuses.merge(sa, 1L, Long::sum);
                if (sa != sb || !digest(pa).equals(digest(pb)))
                {
                    fail("parse depends on bytes outside the packet (seed " + seed + ", packet " + n + "): " +
                        digest(pa) + " vs " + digest(pb) + " bytes " + hex(work, len));
                }
                if (sa == ParseStatus.OK && pa.protocol == IpProtocol.TCP)
                {
                    final boolean ra = segA.readFrom(va, pa.l4Offset, pa.l4Length);
                    final boolean rb = segB.readFrom(vb, pb.l4Offset, pb.l4Length);
                    if (ra != rb || ra && !segment(segA).equals(segment(segB)))
                    {
                        fail("TCP option parsing depends on bytes outside the packet (seed " + seed + ", packet " +
                            n + "): " + hex(work, len));
                    }
                }
                if (!sa.isL3Drop())
                {
                    trackerCalls += track(va, pa, seg, tcp, udp, icmp, fragments, fragmentResult, result, areas, now);
                }
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("exception escaped (seed " + seed + ", packet " + n + ", from " + p.source +
                    "): bytes " + hex(work, len), ex);
            }
            if (!a.guardsIntact() || !b.guardsIntact())
            {
                fail("write outside the packet (seed " + seed + ", packet " + n + "): " + hex(work, len));
            }
        }
        for (int i = 0; i < AREAS * AREA_STRIDE; i++)
        {
            if (i % AREA_STRIDE >= AREA_USED)
            {
                assertEquals(areaGuard(i), areas.getByte(i), "tracker wrote past its area at " + i);
            }
        }
        assertFalse(statuses.getOrDefault(ParseStatus.OK, 0L) < count / 10, "enough packets reach L4: " + statuses);
        System.out.printf("ParserTrackerFuzzTest: seed=0x%X packets=%d trackerCalls=%d statuses=%s mutations=%s%n",
            seed, count, trackerCalls, statuses, kinds(mutator));
    }

    private static int track(
        final UnsafeBuffer packet,
        final ParsedPacket pkt,
        final TcpSegment seg,
        final TcpTracker tcp,
        final UdpTracker udp,
        final IcmpTracker icmp,
        final FragmentTracker fragments,
        final FragmentResult fragmentResult,
        final TrackResult result,
        final UnsafeBuffer areas,
        final long now)
    {
        if (pkt.isFragment)
        {
            final int action = fragments.onFragment(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, pkt.fragmentOffset,
                pkt.l4Length, pkt.moreFragments, now & 0xFFFF, now, fragmentResult);
            if (action == FragmentTracker.FIRST)
            {
                fragments.bind(pkt.srcIp, pkt.dstIp, pkt.protocol, pkt.ipId, 7, fragmentResult);
            }
            if ((now & 0xFF) == 0)
            {
                fragments.expire(now, token -> { });
            }
            if (!pkt.isFirstFragment)
            {
                return 1;
            }
        }
        if (pkt.status != ParseStatus.OK)
        {
            return 0;
        }
        // Direction-independent area choice: both directions of a connection share state, as in the table.
        final int lo = Math.min(pkt.srcIp, pkt.dstIp);
        final int hi = Math.max(pkt.srcIp, pkt.dstIp);
        final int dir = pkt.srcIp == lo ? 0 : 1;
        final int area = ((lo * 31 + hi) * 31 + (pkt.srcPort ^ pkt.dstPort) * 17 + pkt.protocol) & (AREAS - 1);
        final int base = area * AREA_STRIDE;
        switch (pkt.protocol)
        {
            case IpProtocol.TCP:
                if (!seg.readFrom(packet, pkt.l4Offset, pkt.l4Length))
                {
                    return 1;
                }
                if (TcpTracker.state(areas, base) == 0)
                {
                    if (tcp.newConnection(areas, base, seg, result))
                    {
                        tcp.packet(areas, base, seg, 0, false, false, 1_000_000_000L, result);
                    }
                }
                else
                {
                    tcp.packet(areas, base, seg, dir, dir == 1, (now & 1) == 0, 1_000_000_000L, result);
                }
                return 2;
            case IpProtocol.UDP:
                udp.packet(areas, base, (now & 7) == 0, dir == 1, (now & 2) == 0, now, result);
                return 1;
            case IpProtocol.ICMP:
                icmp.packet(pkt.icmpType, result);
                return 1;
            default:
                return 0;
        }
    }

    private static byte areaGuard(final int i)
    {
        return (byte)(0x5A ^ i);
    }

    /** The fields the engine relies on, as text (test only). */
    static String digest(final ParsedPacket p)
    {
        return p.status + " tl=" + p.totalLength + " ihl=" + p.ipHeaderLength + " proto=" + p.protocol + " " +
            p.srcIp + ">" + p.dstIp + " frag=" + p.fragmentOffset + "/" + p.moreFragments + " l4=" + p.l4Offset + "+" +
            p.l4Length + " ports=" + p.hasPorts + ":" + p.srcPort + ">" + p.dstPort + " csum=" + p.l4ChecksumState +
            " tcp=" + p.tcpFlags + "," + p.tcpSeq + "," + p.tcpAck + "," + p.tcpWindow + "," + p.tcpDataOffset + "," +
            p.tcpWindowScale + "," + p.tcpMss + "," + p.tcpSackPermitted + " udp=" + p.udpLength + " icmp=" +
            p.icmpType + "/" + p.icmpCode + "/" + p.icmpId + "/" + p.isIcmpError + " inner=" + p.innerProtocol + " " +
            p.innerSrcIp + ">" + p.innerDstIp + " " + p.innerHasPorts + ":" + p.innerSrcPort + ">" + p.innerDstPort +
            " l4=" + p.innerL4Offset + "+" + p.innerL4Available + " itype=" + p.innerIcmpType + "/" + p.innerIcmpCode;
    }

    private static String segment(final TcpSegment s)
    {
        return s.flags + "," + s.seq + "," + s.ack + "," + s.window + "," + s.payloadLength + "," + s.optionsLength +
            "," + s.windowScale + "," + s.sackPermitted + "," + s.sack;
    }

    static String kinds(final PacketMutator m)
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < PacketMutator.KINDS.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(PacketMutator.KINDS[i]).append('=').append(m.kindCounts[i]);
        }
        return sb.append('}').toString();
    }

    static String hex(final byte[] b, final int len)
    {
        final StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++)
        {
            sb.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return sb.toString();
    }
}
