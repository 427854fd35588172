package io.natcore.bench;

import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.PacketParser;
import io.natcore.packet.ParseStatus;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import io.natcore.packet.UdpHeader;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer of the translate benchmarks: what a straightforward Java NAT would do with a
 * {@link ConcurrentHashMap} from 5-tuple to a precomputed rewrite. Same parser (with checksum verification),
 * same rewrite (addresses, ports or echo id, TTL, checksums by precomputed deltas), same results for the
 * {@link FlowMix} packets as the engine; but no connection state at all: no TCP window tracking, no timeout
 * refresh, no counters, no seqlock. It is a floor for a map-based design, not a full NAT.
 * <p>
 * Given its best honest configuration: sized up front (no resize), and a reusable mutable probe key per
 * thread so a lookup allocates nothing (stored keys are never mutated).
 */
public final class ChmTranslator
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final ConcurrentHashMap<TupleKey, Rewrite> map;
    /** Checksums verified as the engine of {@code flows} does. */
    private final boolean verifyIp;
    private final boolean verifyL4;

    /**
     * Build the map from the translations the engine chose for every connection of {@code flows}.
     *
     * @param flows established connections.
     */
    public ChmTranslator(final EstablishedFlows flows)
    {
        final int n = flows.flows;
        verifyIp = flows.verifyChecksums;
        verifyL4 = flows.verifyChecksums && Trace05.VERIFY_L4;
        map = new ConcurrentHashMap<>((int)Math.min(Integer.MAX_VALUE, 2L * n * 4 / 3 + 16));
        for (int i = 0; i < n; i++)
        {
            final int proto = FlowMix.protocol(i);
            final int src = FlowMix.srcIp(i);
            final int dst = FlowMix.dstIp(i);
            final int sport = FlowMix.srcPort(i);
            final int dport = FlowMix.dstPort(i);
            final int nSrc = flows.natSrcIp[i];
            final int nDst = flows.natDstIp[i];
            final int nSport = flows.natSrcPort[i];
            final int nDport = flows.natDstPort[i];
            map.put(new TupleKey().set(src, dst, sport, dport, proto),
                new Rewrite(proto, src, dst, sport, dport, nSrc, nDst, nSport, nDport));
            // The reply arrives addressed to the translated tuple and leaves addressed to the original sender.
            map.put(new TupleKey().set(nDst, nSrc, nDport, nSport, proto),
                new Rewrite(proto, nDst, nSrc, nDport, nSport, dst, src, dport, sport));
        }
    }

    /** @return a probe key for one thread's lookups. */
    public static TupleKey newProbe()
    {
        return new TupleKey();
    }

    /**
     * Translate one packet in place.
     *
     * @param buf    holding the packet.
     * @param offset of the IPv4 header.
     * @param length bytes.
     * @param pkt    this thread's parse holder.
     * @param probe  this thread's probe key.
     * @return egress ifindex, or -1 when the packet is not valid or belongs to no known connection.
     */
    public int translate(
        final MutableDirectBuffer buf, final int offset, final int length, final ParsedPacket pkt, final TupleKey probe)
    {
        if (PacketParser.parse(buf, offset, length, pkt, verifyIp, verifyL4) != ParseStatus.OK || pkt.isFragment)
        {
            return -1;
        }
        final int proto = pkt.protocol;
        final boolean icmp = proto == ParsedPacket.PROTO_ICMP;
        final int sport = icmp ? pkt.icmpId : pkt.srcPort;
        final int dport = icmp ? pkt.icmpId : pkt.dstPort;
        final Rewrite r = map.get(probe.set(pkt.srcIp, pkt.dstIp, sport, dport, proto));
        if (r == null || pkt.ttl <= 1)
        {
            return -1;
        }
        final int ip = offset;
        final int oldTtlProto = buf.getShort(ip + Ipv4Header.TTL_OFFSET, NET) & 0xFFFF;
        final int newTtlProto = oldTtlProto - 0x100;
        buf.putInt(ip + Ipv4Header.SRC_ADDRESS_OFFSET, r.newSrcIp, NET);
        buf.putInt(ip + Ipv4Header.DST_ADDRESS_OFFSET, r.newDstIp, NET);
        buf.putShort(ip + Ipv4Header.TTL_OFFSET, (short)newTtlProto, NET);
        final int ipDelta = Checksum.combine(r.ipDelta, Checksum.delta16(oldTtlProto, newTtlProto));
        buf.putShort(ip + Ipv4Header.CHECKSUM_OFFSET,
            (short)Checksum.applyDelta(buf.getShort(ip + Ipv4Header.CHECKSUM_OFFSET, NET) & 0xFFFF, ipDelta), NET);
        final int l4 = pkt.l4Offset;
        switch (proto)
        {
            case ParsedPacket.PROTO_TCP:
            {
                buf.putShort(l4 + TcpHeader.SRC_PORT_OFFSET, (short)r.newSrcPort, NET);
                buf.putShort(l4 + TcpHeader.DST_PORT_OFFSET, (short)r.newDstPort, NET);
                final int at = l4 + TcpHeader.CHECKSUM_OFFSET;
                buf.putShort(at, (short)Checksum.applyDelta(buf.getShort(at, NET) & 0xFFFF, r.l4Delta), NET);
                break;
            }
            case ParsedPacket.PROTO_UDP:
            {
                buf.putShort(l4 + UdpHeader.SRC_PORT_OFFSET, (short)r.newSrcPort, NET);
                buf.putShort(l4 + UdpHeader.DST_PORT_OFFSET, (short)r.newDstPort, NET);
                final int at = l4 + UdpHeader.CHECKSUM_OFFSET;
                buf.putShort(at, (short)Checksum.applyDeltaUdp(buf.getShort(at, NET) & 0xFFFF, r.l4Delta), NET);
                break;
            }
            default:
            {
                buf.putShort(l4 + IcmpHeader.ID_OFFSET, (short)r.newSrcPort, NET);
                final int at = l4 + IcmpHeader.CHECKSUM_OFFSET;
                buf.putShort(at, (short)Checksum.applyDelta(buf.getShort(at, NET) & 0xFFFF, r.l4Delta), NET);
                break;
            }
        }
        return r.egress;
    }

    /** @return entries (two per connection). */
    public int size()
    {
        return map.size();
    }

    /** 5-tuple packed in two longs. Stored instances are never mutated; probes are reused per thread. */
    public static final class TupleKey
    {
        long k0;
        long k1;
        int hash;

        TupleKey set(final int src, final int dst, final int sport, final int dport, final int proto)
        {
            k0 = (long)src << 32 | (dst & 0xFFFF_FFFFL);
            k1 = (long)sport << 32 | (long)dport << 16 | proto;
            final long h = k0 * 0x9E37_79B9_7F4A_7C15L + k1 * 0xC2B2_AE3D_27D4_EB4FL;
            hash = (int)(h ^ h >>> 32);
            return this;
        }

        @Override
        public int hashCode()
        {
            return hash;
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof TupleKey))
            {
                return false;
            }
            final TupleKey k = (TupleKey)o;
            return k.k0 == k0 && k.k1 == k1;
        }
    }

    /** A precomputed rewrite for one direction of one connection. */
    static final class Rewrite
    {
        final int newSrcIp;
        final int newDstIp;
        final int newSrcPort;
        final int newDstPort;
        final int ipDelta;
        final int l4Delta;
        final int egress = FlowMix.ETH0;

        Rewrite(
            final int proto,
            final int oldSrc, final int oldDst, final int oldSport, final int oldDport,
            final int newSrc, final int newDst, final int newSport, final int newDport)
        {
            newSrcIp = newSrc;
            newDstIp = newDst;
            newSrcPort = newSport;
            newDstPort = newDport;
            ipDelta = Checksum.combine(Checksum.delta32(oldSrc, newSrc), Checksum.delta32(oldDst, newDst));
            l4Delta = proto == ParsedPacket.PROTO_ICMP ?
                Checksum.delta16(oldSport, newSport) :
                Checksum.delta(oldSrc, oldDst, oldSport, oldDport, newSrc, newDst, newSport, newDport);
        }
    }
}
