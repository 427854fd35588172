package io.natcore.bench;

import io.natcore.engine.ChecksumVerification;
import io.natcore.engine.NatEngine;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Verdict;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A {@link NatEngine} on the trace 05 rule set holding {@code flows} established connections of the
 * {@link FlowMix}, and a pool of pristine packets of those connections (both directions) to replay.
 * <p>
 * Setup drives every connection through the engine as a host would: TCP three-way handshake then one data
 * segment each way, UDP one datagram each way, ICMP one echo request and reply. The reply packets are built
 * from the translation the engine chose (read back from the rewritten first packet), so nothing here
 * assumes a port choice. Every setup packet must come back FORWARD with the expected reverse translation,
 * else the constructor throws: a benchmark must not time a broken path.
 * <p>
 * Pool slot {@code j} holds one packet of a uniformly random connection in a random direction, at byte
 * {@code j * SLOT}. The engine's clock is the constant {@link #NOW}: nothing expires during a run.
 */
public final class EstablishedFlows implements AutoCloseable
{
    /** Bytes per packet slot: the largest packet here is 240 bytes (TCP with 200 bytes of payload). */
    public static final int SLOT = 256;
    /** The engine clock for setup and every measured packet (ns). */
    public static final long NOW = 1_000_000_000L;
    /** TCP payload of original / reply data segments, per kind. */
    static final int TCP_DNAT_ORIG_PAYLOAD = 64;
    static final int TCP_DNAT_REPLY_PAYLOAD = 200;
    static final int TCP_MASQ_ORIG_PAYLOAD = 100;
    static final int TCP_MASQ_REPLY_PAYLOAD = 0;
    static final int UDP_PAYLOAD = 64;
    static final int ICMP_PAYLOAD = 56;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    /** The engine under test. */
    public final NatEngine engine;
    /** Established connections. */
    public final int flows;
    /** Pristine packets; slot j at {@code j * SLOT}. */
    public final UnsafeBuffer pool;
    /** Packets in the pool (a multiple of {@link Worker#BURST}). */
    public final int poolSize;
    /** Length of each pool packet. */
    public final int[] poolLengths;
    /** Connection of each pool packet. */
    public final int[] poolFlow;
    /** Direction of each pool packet: 0 original, 1 reply. */
    public final byte[] poolDirection;

    /** Whether the engine verifies checksums (the peers follow it). */
    public final boolean verifyChecksums;

    // The original direction after translation, per connection (what the reply is addressed to).
    final int[] natSrcIp;
    final int[] natDstIp;
    final int[] natSrcPort;
    final int[] natDstPort;

    /**
     * Build the engine, establish the connections and fill the pool.
     *
     * @param flows    connections to establish (below 2^24).
     * @param poolSize packets in the pool; rounded down to a multiple of {@link Worker#BURST}, at least one burst.
     * @param seed     of the pool's random choice of connection and direction.
     */
    public EstablishedFlows(final int flows, final int poolSize, final long seed)
    {
        this(flows, poolSize, seed, true);
    }

    /**
     * Build the engine, establish the connections and fill the pool.
     *
     * @param flows           connections to establish (below 2^24).
     * @param poolSize        packets in the pool; rounded down to a multiple of {@link Worker#BURST}.
     * @param seed            of the pool's random choice of connection and direction.
     * @param verifyChecksums false for an engine that trusts the IP and L4 checksums (NIC-validated traffic,
     *                        {@code checksumVerification(ChecksumVerification.NONE)}).
     */
    public EstablishedFlows(final int flows, final int poolSize, final long seed, final boolean verifyChecksums)
    {
        this.flows = flows;
        this.verifyChecksums = verifyChecksums;
        this.engine = new NatEngine(verifyChecksums ?
            Trace05.config(flows + flows / 4 + 64).build() :
            Trace05.config(flows + flows / 4 + 64).checksumVerification(ChecksumVerification.NONE).build());
        this.natSrcIp = new int[flows];
        this.natDstIp = new int[flows];
        this.natSrcPort = new int[flows];
        this.natDstPort = new int[flows];

        final PacketProcessor p = engine.newProcessor();
        final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SLOT, 64));
        for (int i = 0; i < flows; i++)
        {
            establish(p, scratch, i);
        }

        this.poolSize = Math.max(Worker.BURST, poolSize - poolSize % Worker.BURST);
        this.pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(this.poolSize * SLOT, 64));
        this.poolLengths = new int[this.poolSize];
        this.poolFlow = new int[this.poolSize];
        this.poolDirection = new byte[this.poolSize];
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int j = 0; j < this.poolSize; j++)
        {
            final int f = rnd.nextInt(flows);
            final boolean reply = rnd.nextBoolean();
            poolFlow[j] = f;
            poolDirection[j] = (byte)(reply ? 1 : 0);
            poolLengths[j] = reply ? writeReply(pool, j * SLOT, f) : writeOriginal(pool, j * SLOT, f);
        }
    }

    /** @return a pool size that touches enough connections to defeat the caches but fits memory: min(2 * flows, 2^18). */
    public static int defaultPoolSize(final int flows)
    {
        return Math.min(2 * flows, 1 << 18);
    }

    private void establish(final PacketProcessor p, final UnsafeBuffer b, final int i)
    {
        final int kind = FlowMix.kind(i);
        final int src = FlowMix.srcIp(i);
        final int dst = FlowMix.dstIp(i);
        final int sport = FlowMix.srcPort(i);
        final int dport = FlowMix.dstPort(i);
        int len;
        switch (kind)
        {
            case FlowMix.TCP_DNAT:
            case FlowMix.TCP_MASQ:
            {
                final int c = clientIsn(i);
                final int s = serverIsn(i);
                forward(p, b, writeFirst(b, 0, i), i, "SYN");
                captureTranslation(b, i, ParsedPacket.PROTO_TCP);
                len = PacketWriter.tcp(b, 0, natDstIp[i], natSrcIp[i], natDstPort[i], natSrcPort[i], s, c + 1,
                    TcpHeader.SYN | TcpHeader.ACK, 0);
                forwardReply(p, b, len, i, "SYN-ACK");
                len = PacketWriter.tcp(b, 0, src, dst, sport, dport, c + 1, s + 1, TcpHeader.ACK, 0);
                forward(p, b, len, i, "ACK");
                len = PacketWriter.tcp(b, 0, src, dst, sport, dport, c + 1, s + 1, TcpHeader.ACK | TcpHeader.PSH,
                    origPayload(kind));
                forward(p, b, len, i, "first data");
                forwardReply(p, b, writeReply(b, 0, i), i, "reply data");
                forward(p, b, writeOriginal(b, 0, i), i, "original data");
                break;
            }
            case FlowMix.UDP_MASQ:
                forward(p, b, writeFirst(b, 0, i), i, "UDP");
                captureTranslation(b, i, ParsedPacket.PROTO_UDP);
                forwardReply(p, b, writeReply(b, 0, i), i, "UDP reply");
                break;
            default:
                forward(p, b, writeFirst(b, 0, i), i, "echo request");
                captureTranslation(b, i, ParsedPacket.PROTO_ICMP);
                forwardReply(p, b, writeReply(b, 0, i), i, "echo reply");
                break;
        }
    }

    /**
     * Write flow {@code i}'s first packet: TCP SYN, UDP datagram or ICMP echo request.
     *
     * @param b   destination.
     * @param off offset.
     * @param i   flow.
     * @return length.
     */
    static int writeFirst(final UnsafeBuffer b, final int off, final int i)
    {
        final int src = FlowMix.srcIp(i);
        final int dst = FlowMix.dstIp(i);
        final int sport = FlowMix.srcPort(i);
        final int dport = FlowMix.dstPort(i);
        switch (FlowMix.kind(i))
        {
            case FlowMix.TCP_DNAT:
            case FlowMix.TCP_MASQ:
                return PacketWriter.tcp(b, off, src, dst, sport, dport, clientIsn(i), 0, TcpHeader.SYN, 0);
            case FlowMix.UDP_MASQ:
                return PacketWriter.udp(b, off, src, dst, sport, dport, UDP_PAYLOAD);
            default:
                return PacketWriter.icmpEcho(b, off, src, dst, IcmpHeader.ECHO_REQUEST, sport, 1, ICMP_PAYLOAD);
        }
    }

    /**
     * Write flow {@code i}'s steady-state original-direction packet, as it arrives from the sender.
     *
     * @param b   destination.
     * @param off offset.
     * @param i   flow.
     * @return length.
     */
    int writeOriginal(final UnsafeBuffer b, final int off, final int i)
    {
        final int kind = FlowMix.kind(i);
        final int src = FlowMix.srcIp(i);
        final int dst = FlowMix.dstIp(i);
        final int sport = FlowMix.srcPort(i);
        final int dport = FlowMix.dstPort(i);
        switch (kind)
        {
            case FlowMix.TCP_DNAT:
            case FlowMix.TCP_MASQ:
            {
                final int payload = origPayload(kind);
                return PacketWriter.tcp(b, off, src, dst, sport, dport, clientIsn(i) + 1,
                    serverIsn(i) + 1 + replyPayload(kind), TcpHeader.ACK | (payload > 0 ? TcpHeader.PSH : 0), payload);
            }
            case FlowMix.UDP_MASQ:
                return PacketWriter.udp(b, off, src, dst, sport, dport, UDP_PAYLOAD);
            default:
                return PacketWriter.icmpEcho(b, off, src, dst, IcmpHeader.ECHO_REQUEST, sport, 1, ICMP_PAYLOAD);
        }
    }

    /**
     * Write flow {@code i}'s steady-state reply packet, as it arrives from the peer (addressed to the
     * translated tuple).
     *
     * @param b   destination.
     * @param off offset.
     * @param i   flow.
     * @return length.
     */
    int writeReply(final UnsafeBuffer b, final int off, final int i)
    {
        final int kind = FlowMix.kind(i);
        switch (kind)
        {
            case FlowMix.TCP_DNAT:
            case FlowMix.TCP_MASQ:
            {
                final int payload = replyPayload(kind);
                return PacketWriter.tcp(b, off, natDstIp[i], natSrcIp[i], natDstPort[i], natSrcPort[i],
                    serverIsn(i) + 1, clientIsn(i) + 1 + origPayload(kind),
                    TcpHeader.ACK | (payload > 0 ? TcpHeader.PSH : 0), payload);
            }
            case FlowMix.UDP_MASQ:
                return PacketWriter.udp(b, off, natDstIp[i], natSrcIp[i], natDstPort[i], natSrcPort[i], UDP_PAYLOAD);
            default:
                return PacketWriter.icmpEcho(
                    b, off, natDstIp[i], natSrcIp[i], IcmpHeader.ECHO_REPLY, natSrcPort[i], 1, ICMP_PAYLOAD);
        }
    }

    private void captureTranslation(final UnsafeBuffer b, final int i, final int protocol)
    {
        natSrcIp[i] = b.getInt(Ipv4Header.SRC_ADDRESS_OFFSET, NET);
        natDstIp[i] = b.getInt(Ipv4Header.DST_ADDRESS_OFFSET, NET);
        final int l4 = PacketWriter.IP_HEADER_LENGTH;
        if (protocol == ParsedPacket.PROTO_ICMP)
        {
            natSrcPort[i] = b.getShort(l4 + IcmpHeader.ID_OFFSET, NET) & 0xFFFF;
            natDstPort[i] = natSrcPort[i];
        }
        else
        {
            natSrcPort[i] = b.getShort(l4, NET) & 0xFFFF;
            natDstPort[i] = b.getShort(l4 + 2, NET) & 0xFFFF;
        }
    }

    private static void forward(final PacketProcessor p, final UnsafeBuffer b, final int len, final int i, final String what)
    {
        final Verdict v = p.process(b, 0, len, FlowMix.ETH0, NOW);
        if (v != Verdict.FORWARD)
        {
            throw new IllegalStateException("flow " + i + " " + what + ": " + v + " " + p.reason());
        }
    }

    /** A reply must come back FORWARD addressed to the original sender from the original destination. */
    private static void forwardReply(
        final PacketProcessor p, final UnsafeBuffer b, final int len, final int i, final String what)
    {
        forward(p, b, len, i, what);
        final int src = b.getInt(Ipv4Header.SRC_ADDRESS_OFFSET, NET);
        final int dst = b.getInt(Ipv4Header.DST_ADDRESS_OFFSET, NET);
        if (src != FlowMix.dstIp(i) || dst != FlowMix.srcIp(i))
        {
            throw new IllegalStateException("flow " + i + " " + what + ": reply translated to " +
                Integer.toHexString(src) + " -> " + Integer.toHexString(dst));
        }
    }

    static int clientIsn(final int i)
    {
        return i * 0x2545F491;
    }

    static int serverIsn(final int i)
    {
        return ~i * 0x61C88647;
    }

    static int origPayload(final int kind)
    {
        return kind == FlowMix.TCP_DNAT ? TCP_DNAT_ORIG_PAYLOAD : TCP_MASQ_ORIG_PAYLOAD;
    }

    static int replyPayload(final int kind)
    {
        return kind == FlowMix.TCP_DNAT ? TCP_DNAT_REPLY_PAYLOAD : TCP_MASQ_REPLY_PAYLOAD;
    }

    /** Release the engine's off-heap table. */
    @Override
    public void close()
    {
        engine.close();
    }
}
