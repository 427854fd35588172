package io.natcore.bench;

import io.natcore.packet.Checksum;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.TcpHeader;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * RFC 1624 incremental checksum updates against RFC 1071 full recomputes, on a TCP/IPv4 packet of
 * {@code size} bytes (the L4 checksum covers the whole segment: header, payload and pseudo-header).
 * <p>
 * Single-field methods read their inputs from the packet and return the new checksum (read-only):
 * {@code ipHeaderFull}, {@code l4Full}, {@code update16}, {@code update32}, {@code applyDelta}.
 * <p>
 * The {@code rewrite*} methods do what SNAT does to one packet: write a new source address and port and
 * fix the IP header and TCP checksums, in three ways: full recompute of both, RFC 1624 updates computed
 * from old and new values, and precomputed per-connection deltas applied. Each op flips the packet
 * between tuple A and tuple B, so the packet stays valid and every op does the same work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {
    BenchJvm.EXPORT_MISC, BenchJvm.OPEN_MISC, BenchJvm.OPEN_NIO, BenchJvm.OPEN_NIO_CH, BenchJvm.OPEN_LANG,
    BenchJvm.OPEN_REFLECT, BenchJvm.OPEN_REF, BenchJvm.OPEN_IO, BenchJvm.OPEN_UTIL, BenchJvm.EXPORT_REF,
    BenchJvm.EXPORT_NIO_CH, BenchJvm.EXPORT_SUN_MISC, BenchJvm.CHRONICLE_NO_ANALYTICS }, jvmArgsAppend = BenchJvm.BOUNDS_CHECKS_OFF)
public class ChecksumBenchmark
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int IP = 0;
    private static final int L4 = PacketWriter.IP_HEADER_LENGTH;
    private static final int IP_CSUM = IP + Ipv4Header.CHECKSUM_OFFSET;
    private static final int IP_SRC = IP + Ipv4Header.SRC_ADDRESS_OFFSET;
    private static final int IP_DST = IP + Ipv4Header.DST_ADDRESS_OFFSET;
    private static final int TCP_SPORT = L4 + TcpHeader.SRC_PORT_OFFSET;
    private static final int TCP_CSUM = L4 + TcpHeader.CHECKSUM_OFFSET;

    /** Total IPv4 packet length: a minimum-size frame's packet or a full MTU. */
    @Param({ "64", "1500" })
    public int size;

    UnsafeBuffer buf;
    int l4Length;

    // Tuples A (client side) and B (masqueraded); the packet flips between them.
    int ipA;
    int portA;
    int ipB;
    int portB;
    boolean atA;

    // Precomputed per-connection deltas, as a flow entry would hold them.
    int ipDeltaAtoB;
    int ipDeltaBtoA;
    int l4DeltaAtoB;
    int l4DeltaBtoA;

    /** Build the packet and the deltas. */
    @Setup(Level.Trial)
    public void setup()
    {
        buf = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
        ipA = PacketWriter.ip("192.168.1.10");
        portA = 40000;
        ipB = PacketWriter.ip("172.16.2.5");
        portB = 61000;
        final int dst = PacketWriter.ip("172.16.3.5");
        final int payload = size - PacketWriter.IP_HEADER_LENGTH - PacketWriter.TCP_HEADER_LENGTH;
        PacketWriter.tcp(buf, IP, ipA, dst, portA, 80, 0x1234_5678, 0x0abc_def0, TcpHeader.ACK | TcpHeader.PSH, payload);
        l4Length = size - PacketWriter.IP_HEADER_LENGTH;
        atA = true;
        ipDeltaAtoB = Checksum.delta32(ipA, ipB);
        ipDeltaBtoA = Checksum.delta32(ipB, ipA);
        l4DeltaAtoB = Checksum.delta(ipA, portA, ipB, portB);
        l4DeltaBtoA = Checksum.delta(ipB, portB, ipA, portA);
    }

    /** @return IPv4 header checksum recomputed over the 20-byte header. */
    @Benchmark
    public int ipHeaderFull()
    {
        return Checksum.ipv4HeaderChecksum(buf, IP, PacketWriter.IP_HEADER_LENGTH);
    }

    /** @return TCP checksum recomputed over the whole segment and the pseudo-header. */
    @Benchmark
    public int l4Full()
    {
        return Checksum.tcpChecksum(buf, L4, l4Length, buf.getInt(IP_SRC, NET), buf.getInt(IP_DST, NET));
    }

    /** @return whether the TCP checksum verifies (the parser's check: whole segment and pseudo-header). */
    @Benchmark
    public boolean l4Verify()
    {
        return Checksum.l4Valid(buf, L4, l4Length, buf.getInt(IP_SRC, NET), buf.getInt(IP_DST, NET), 6);
    }

    /** @return TCP checksum after a port change, RFC 1624 eqn. 3. */
    @Benchmark
    public int update16()
    {
        return Checksum.update16(buf.getShort(TCP_CSUM, NET) & 0xFFFF, buf.getShort(TCP_SPORT, NET) & 0xFFFF, portB);
    }

    /** @return TCP checksum after an address change, RFC 1624 eqn. 3. */
    @Benchmark
    public int update32()
    {
        return Checksum.update32(buf.getShort(TCP_CSUM, NET) & 0xFFFF, buf.getInt(IP_SRC, NET), ipB);
    }

    /** @return TCP checksum after an address and port change, from a precomputed delta. */
    @Benchmark
    public int applyDelta()
    {
        return Checksum.applyDelta(buf.getShort(TCP_CSUM, NET) & 0xFFFF, l4DeltaAtoB);
    }

    /** SNAT one packet in place, both checksums recomputed in full. */
    @Benchmark
    public void rewriteFullRecompute()
    {
        final boolean toB = atA;
        final int newIp = toB ? ipB : ipA;
        final int newPort = toB ? portB : portA;
        buf.putInt(IP_SRC, newIp, NET);
        buf.putShort(TCP_SPORT, (short)newPort, NET);
        buf.putShort(IP_CSUM, (short)Checksum.ipv4HeaderChecksum(buf, IP, PacketWriter.IP_HEADER_LENGTH), NET);
        buf.putShort(TCP_CSUM, (short)Checksum.tcpChecksum(buf, L4, l4Length, newIp, buf.getInt(IP_DST, NET)), NET);
        atA = !toB;
    }

    /** SNAT one packet in place, both checksums updated incrementally from the old and new values. */
    @Benchmark
    public void rewriteIncremental()
    {
        final boolean toB = atA;
        final int newIp = toB ? ipB : ipA;
        final int newPort = toB ? portB : portA;
        final int oldIp = buf.getInt(IP_SRC, NET);
        final int oldPort = buf.getShort(TCP_SPORT, NET) & 0xFFFF;
        buf.putInt(IP_SRC, newIp, NET);
        buf.putShort(TCP_SPORT, (short)newPort, NET);
        buf.putShort(IP_CSUM, (short)Checksum.update32(buf.getShort(IP_CSUM, NET) & 0xFFFF, oldIp, newIp), NET);
        final int l4 = Checksum.update32(buf.getShort(TCP_CSUM, NET) & 0xFFFF, oldIp, newIp);
        buf.putShort(TCP_CSUM, (short)Checksum.update16(l4, oldPort, newPort), NET);
        atA = !toB;
    }

    /** SNAT one packet in place, both checksums fixed with deltas precomputed per connection. */
    @Benchmark
    public void rewritePrecomputedDelta()
    {
        final boolean toB = atA;
        buf.putInt(IP_SRC, toB ? ipB : ipA, NET);
        buf.putShort(TCP_SPORT, (short)(toB ? portB : portA), NET);
        buf.putShort(IP_CSUM,
            (short)Checksum.applyDelta(buf.getShort(IP_CSUM, NET) & 0xFFFF, toB ? ipDeltaAtoB : ipDeltaBtoA), NET);
        buf.putShort(TCP_CSUM,
            (short)Checksum.applyDelta(buf.getShort(TCP_CSUM, NET) & 0xFFFF, toB ? l4DeltaAtoB : l4DeltaBtoA), NET);
        atA = !toB;
    }
}
