/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.packet.Checksum;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.UdpHeader;
import io.natcore.rules.Ipv4Text;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code loadgen}: the lab benchmark's traffic source. Sends minimum-size UDP frames (64 bytes on the wire without
 * the FCS) from one address to one destination, cycling over N source ports (N flows), as fast as the TX ring
 * takes them or at a set rate, for a set time; prints the packets sent. Frames are built once up front and copied
 * into the ring, so the generator costs the same whatever box is measured.
 */
final class LoadGenerator
{
    static final String USAGE = String.join("\n",
        "usage: natcore-dataplane.jar loadgen --interface IFACE --dst-mac MAC --src IP --dst IP --dport PORT",
        "       [--flows N] [--seconds S] [--packets N] [--rate PPS] [--frame BYTES]",
        "Sends UDP from SRC to DST through the next hop MAC, cycling over N flows: flow f has source port",
        "10000 + f % 40000 and destination port DPORT + f / 40000 (so a masquerade keeps every flow's port).");
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    /** Source ports per destination port: under the 64k a masquerade has per destination. */
    static final int PORTS_PER_DPORT = 40_000;

    private LoadGenerator()
    {
    }

    static int run(final String[] args, final PrintStream out) throws Exception
    {
        String iface = null;
        long dstMac = -1;
        int src = 0;
        int dst = 0;
        int dport = 9;
        int flows = 1000;
        int seconds = 5;
        long rate = 0;
        int frame = 60;
        long packets = Long.MAX_VALUE;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--interface", "-i" -> iface = DataplaneOptions.value(args, ++i, a);
                case "--dst-mac" -> dstMac = Ethernet.parseMac(DataplaneOptions.value(args, ++i, a));
                case "--src" -> src = address(DataplaneOptions.value(args, ++i, a));
                case "--dst" -> dst = address(DataplaneOptions.value(args, ++i, a));
                case "--dport" -> dport = DataplaneOptions.number(DataplaneOptions.value(args, ++i, a), a, 1, 65535);
                case "--flows" -> flows = DataplaneOptions.number(DataplaneOptions.value(args, ++i, a), a, 1, 4_000_000);
                case "--seconds" -> seconds = DataplaneOptions.number(DataplaneOptions.value(args, ++i, a), a, 1, 3600);
                case "--rate" -> rate = DataplaneOptions.number(DataplaneOptions.value(args, ++i, a), a, 1, 100_000_000);
                case "--packets" -> packets = Long.parseLong(DataplaneOptions.value(args, ++i, a));
                case "--frame" -> frame = DataplaneOptions.number(DataplaneOptions.value(args, ++i, a), a, 60, 1514);
                case "--help", "-h" ->
                {
                    out.println(USAGE);
                    return 0;
                }
                default -> throw new IllegalArgumentException("loadgen: unknown option '" + a + "'");
            }
        }
        if (iface == null || dstMac < 0 || src == 0 || dst == 0)
        {
            throw new IllegalArgumentException("loadgen: --interface, --dst-mac, --src and --dst are required");
        }
        final int ifIndex = LibC.if_nametoindex(iface);
        if (ifIndex <= 0)
        {
            throw new IllegalArgumentException("unknown interface '" + iface + "'");
        }
        final long srcMac = Ethernet.parseMac(java.nio.file.Files.readString(
            java.nio.file.Path.of("/sys/class/net", iface, "address")));
        final UnsafeBuffer frames = new UnsafeBuffer(ByteBuffer.allocateDirect(flows * frame));
        for (int f = 0; f < flows; f++)
        {
            writeFrame(frames, f * frame, frame, dstMac, srcMac, src, dst, 10000 + f % PORTS_PER_DPORT,
                dport + f / PORTS_PER_DPORT);
        }
        final PacketSocket socket = new PacketSocket(ifIndex, 2048, 4096, -1, true);
        final UnsafeBuffer ring = socket.ring;
        long sent = 0;
        long full = 0;
        int head = 0;
        int unsent = 0;
        final long start = System.nanoTime();
        final long end = start + seconds * 1_000_000_000L;
        final long nanosPerPacket = rate > 0 ? 1_000_000_000L / rate : 0;
        long now = start;
        while (now < end && sent < packets)
        {
            if (nanosPerPacket > 0 && sent * nanosPerPacket > now - start)
            {
                now = System.nanoTime();
                continue;
            }
            final int tx = socket.txFrame(head);
            if (ring.getIntVolatile(tx + Tpacket2.STATUS_OFFSET) != Tpacket2.TP_STATUS_AVAILABLE)
            {
                socket.kick();
                unsent = 0;
                full++;
                now = System.nanoTime();
                continue;
            }
            ring.putBytes(tx + Tpacket2.TX_DATA_OFFSET, frames, (int)(sent % flows) * frame, frame);
            ring.putInt(tx + Tpacket2.LEN_OFFSET, frame);
            ring.putIntRelease(tx + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_SEND_REQUEST);
            head = head + 1 == socket.txFrames ? 0 : head + 1;
            sent++;
            if (++unsent == 64)
            {
                socket.kick();
                unsent = 0;
                now = System.nanoTime();
            }
        }
        socket.kick();
        final double secs = (System.nanoTime() - start) / 1e9;
        out.printf("sent %d packets in %.3f s (%.0f pps), %d flows, ring full %d times%n", sent, secs, sent / secs,
            flows, full);
        socket.close();
        return 0;
    }

    private static int address(final String text)
    {
        final long a = Ipv4Text.parseAddress(text);
        if (a < 0)
        {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return (int)a;
    }

    /** Ethernet + IPv4 + UDP with correct checksums, padded with zero bytes to {@code length}. */
    static void writeFrame(
        final UnsafeBuffer b, final int off, final int length, final long dstMac, final long srcMac, final int src,
        final int dst, final int sport, final int dport)
    {
        b.setMemory(off, length, (byte)0);
        Ethernet.write(b, off, dstMac, srcMac, Ethernet.TYPE_IPV4);
        final int ip = off + Ethernet.HEADER_LENGTH;
        final int total = length - Ethernet.HEADER_LENGTH;
        b.putByte(ip + Ipv4Header.VERSION_IHL_OFFSET, (byte)0x45);
        b.putShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)total, NET);
        b.putByte(ip + Ipv4Header.TTL_OFFSET, (byte)64);
        b.putByte(ip + Ipv4Header.PROTOCOL_OFFSET, (byte)IpProtocol.UDP);
        b.putInt(ip + Ipv4Header.SRC_ADDRESS_OFFSET, src, NET);
        b.putInt(ip + Ipv4Header.DST_ADDRESS_OFFSET, dst, NET);
        b.putShort(ip + Ipv4Header.CHECKSUM_OFFSET,
            (short)Checksum.ipv4HeaderChecksum(b, ip, Ipv4Header.MIN_LENGTH), NET);
        final int udp = ip + Ipv4Header.MIN_LENGTH;
        final int udpLength = total - Ipv4Header.MIN_LENGTH;
        b.putShort(udp + UdpHeader.SRC_PORT_OFFSET, (short)sport, NET);
        b.putShort(udp + UdpHeader.DST_PORT_OFFSET, (short)dport, NET);
        b.putShort(udp + UdpHeader.LENGTH_OFFSET, (short)udpLength, NET);
        b.putShort(udp + UdpHeader.CHECKSUM_OFFSET, (short)Checksum.udpChecksum(b, udp, udpLength, src, dst), NET);
    }
}
