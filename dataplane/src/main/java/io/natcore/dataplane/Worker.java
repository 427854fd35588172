/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import io.natcore.packet.Checksum;
import io.natcore.packet.IcmpHeader;
import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.packet.TcpHeader;
import io.natcore.packet.UdpHeader;
import io.natcore.rules.RouteTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * One packet loop over one AF_PACKET socket: RX frame -> (ARP: neighbours) -> engine ({@link PacketProcessor},
 * rewritten in place in the RX frame) -> route and next hop's MAC -> Ethernet header + copy into a TX frame ->
 * one {@code send()} per batch. The path a packet takes, in order, is {@link #drainRx}, {@link #ipv4},
 * {@link #act}, {@link #transmit}, {@link #sendFrame}.
 * <p>
 * Nothing on the loop allocates. The loop never blocks but in {@code poll()} when its ring is empty (10 ms at most,
 * so pause and stop requests are seen). Packets for an unresolved next hop wait in a bounded queue
 * ({@link #pending}); fragments the engine holds are copied to a bounded side pool ({@link #sidePool}) so ring
 * frames go back to the kernel at once.
 * <p>
 * Threading: everything here is the worker thread's, except {@link #pauseRequested}/{@link #paused} (volatile,
 * the reload handshake with {@link Dataplane}) and the published counters (opaque stores, read by other processes).
 */
final class Worker implements Runnable
{
    static final int BATCH = 64;
    static final int IDLE_POLL_MILLIS = 10;
    /**
     * How long an idle worker spins on its ring before it sleeps in {@code poll()}: a reply usually follows a
     * request within tens of microseconds, and a wake-up from {@code poll()} costs about as much again.
     */
    static final long SPIN_NANOS = 50_000;
    static final long NEIGHBOUR_WAIT_NANOS = 3_000_000_000L;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    final int id;
    private final PacketSocket socket;
    private final UnsafeBuffer ring;
    private final Neighbours neighbours;
    private final ArpSender arp;
    private final long ourMac;
    private final int mtu;
    private final PacketStore sidePool;
    private final PacketStore pending;
    private final IcmpErrorWriter icmp;
    private final IcmpRateLimit icmpLimit = new IcmpRateLimit();
    private final long[] counts = new long[WorkerCounter.VALUES.length];
    private final long[] published = new long[WorkerCounter.VALUES.length];
    private final AtomicCounter[] counters;

    private Generation gen;
    private PacketProcessor processor;
    private RouteTable routes;
    private int engineIf;

    private int rxHead;
    private int txHead;
    private int unsent;
    private int cachedHop;
    private int cachedSlot = Neighbours.FULL;
    private long lastPacketNanos;

    volatile boolean running = true;
    volatile boolean pauseRequested;
    volatile boolean paused;

    Worker(
        final int id,
        final PacketSocket socket,
        final Neighbours neighbours,
        final ArpSender arp,
        final long ourMac,
        final int mtu,
        final AtomicCounter[] counters,
        final Generation gen)
    {
        this.id = id;
        this.socket = socket;
        this.ring = socket.ring;
        this.neighbours = neighbours;
        this.arp = arp;
        this.ourMac = ourMac;
        this.mtu = mtu;
        this.counters = counters;
        this.sidePool = new PacketStore(256, socket.frameSize);
        this.pending = new PacketStore(256, socket.frameSize);
        this.icmp = new IcmpErrorWriter(id << 12);
        use(gen);
    }

    /** Switches to a new configuration; only while paused (or before the thread starts). */
    void use(final Generation generation)
    {
        gen = generation;
        processor = generation.engine.newProcessor();
        routes = generation.routes;
        engineIf = generation.engineIf;
        cachedHop = 0;
        cachedSlot = Neighbours.FULL;
        for (int i = 0; i < sidePool.slots(); i++)
        {
            sidePool.free(i); // fragments the old processor held die with it
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            if (pauseRequested)
            {
                paused = true;
                while (pauseRequested && running)
                {
                    Thread.onSpinWait();
                }
                paused = false;
                continue;
            }
            final long now = BoxClock.nanos();
            final int n = drainRx(now);
            if (n > 0)
            {
                lastPacketNanos = now;
            }
            if (pending.inUse() > 0)
            {
                retryPending(now);
            }
            flush();
            publishCounters();
            if (n == 0 && now - lastPacketNanos < SPIN_NANOS)
            {
                Thread.onSpinWait();
            }
            else if (n == 0)
            {
                processor.expireHeld(now);
                drainReleased(now);
                flush();
                if (!socket.await(IDLE_POLL_MILLIS))
                {
                    counts[WorkerCounter.SOCKET_ERRORS.ordinal()]++;
                    LockSupport.parkNanos(IDLE_POLL_MILLIS * 1_000_000L); // no busy loop while the link is gone
                }
            }
        }
        flush();
        publishCounters();
    }

    private int drainRx(final long now)
    {
        int n = 0;
        while (n < BATCH)
        {
            final int frame = socket.rxFrame(rxHead);
            final int status = ring.getIntVolatile(frame + Tpacket2.STATUS_OFFSET); // acquire: the frame is ours
            if ((status & Tpacket2.TP_STATUS_USER) == 0)
            {
                break;
            }
            frame(frame, status, now);
            ring.putIntRelease(frame + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_KERNEL); // hand it back
            rxHead = rxHead + 1 == socket.rxFrames ? 0 : rxHead + 1;
            n++;
        }
        return n;
    }

    private void frame(final int frame, final int status, final long now)
    {
        counts[WorkerCounter.RX_FRAMES.ordinal()]++;
        final int snap = ring.getInt(frame + Tpacket2.SNAPLEN_OFFSET);
        final int eth = frame + (ring.getShort(frame + Tpacket2.MAC_OFFSET) & 0xFFFF);
        if (snap < Ethernet.HEADER_LENGTH)
        {
            counts[WorkerCounter.RX_NOT_IPV4.ordinal()]++;
            return;
        }
        final int type = Ethernet.type(ring, eth);
        if (type == Ethernet.TYPE_ARP)
        {
            arp(eth + Ethernet.HEADER_LENGTH, snap - Ethernet.HEADER_LENGTH, now);
            return;
        }
        if (type != Ethernet.TYPE_IPV4)
        {
            counts[WorkerCounter.RX_NOT_IPV4.ordinal()]++;
            return;
        }
        if (ring.getByte(frame + Tpacket2.PKTTYPE_OFFSET) != Tpacket2.PACKET_HOST)
        {
            counts[WorkerCounter.RX_NOT_FOR_US.ordinal()]++;
            return;
        }
        if (ring.getInt(frame + Tpacket2.LEN_OFFSET) > snap)
        {
            counts[WorkerCounter.RX_TRUNCATED.ordinal()]++;
            return;
        }
        final int ip = eth + Ethernet.HEADER_LENGTH;
        final int length = snap - Ethernet.HEADER_LENGTH;
        if ((status & Tpacket2.TP_STATUS_CSUMNOTREADY) != 0 && completeChecksum(ring, ip, length))
        {
            counts[WorkerCounter.RX_CHECKSUM_COMPLETED.ordinal()]++;
        }
        ipv4(ip, length, now);
    }

    /** An IPv4 packet in the RX frame: fragments go through the side pool, the rest is NATed in place. */
    private void ipv4(final int ip, final int length, final long now)
    {
        if (length >= Ipv4Header.MIN_LENGTH &&
            (Ipv4Header.flagsFragment(ring, ip) & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0)
        {
            fragment(ip, length, now);
            return;
        }
        final Verdict v = processor.process(ring, ip, length, engineIf, now);
        act(ring, ip, v, processor.egressIfIndex(), processor.outputLength(), processor.reason(), now);
        drainReleased(now);
    }

    private void fragment(final int ip, final int length, final long now)
    {
        final int slot = sidePool.claim();
        if (slot < 0 || length > sidePool.slotBytes())
        {
            sidePool.free(slot);
            counts[WorkerCounter.SIDE_POOL_FULL.ordinal()]++;
            return;
        }
        counts[WorkerCounter.FRAGMENTS_COPIED.ordinal()]++;
        final UnsafeBuffer copy = sidePool.buffer(slot);
        copy.putBytes(0, ring, ip, length);
        final Verdict v = processor.process(copy, 0, length, engineIf, now);
        if (v != Verdict.HOLD)
        {
            act(copy, 0, v, processor.egressIfIndex(), processor.outputLength(), processor.reason(), now);
            sidePool.free(slot);
        }
        drainReleased(now);
    }

    /** Packets the engine held and now hands back (translated, or dropped): act on each, free its slot. */
    private void drainReleased(final long now)
    {
        final int released = processor.releasedCount();
        for (int i = 0; i < released; i++)
        {
            final MutableDirectBuffer b = processor.releasedBuffer(i);
            act(b, processor.releasedOffset(i), processor.releasedVerdict(i), processor.releasedEgress(i),
                processor.releasedLength(i), processor.releasedReason(i), now);
            sidePool.free(sidePool.indexOf(b));
        }
    }

    /** What a verdict means on the wire. */
    private void act(
        final DirectBuffer b,
        final int ip,
        final Verdict v,
        final int egress,
        final int length,
        final Reason reason,
        final long now)
    {
        switch (v)
        {
            case FORWARD:
            case INVALID:
                if (egress < 0)
                {
                    break;
                }
                if (egress != engineIf)
                {
                    counts[WorkerCounter.EGRESS_OTHER_INTERFACE.ordinal()]++;
                    break;
                }
                transmit(b, ip, length, now);
                break;
            case TIME_EXCEEDED:
                final int dialled = Ipv4Header.dstAddress(b, ip);
                icmpError(b, ip, length, IcmpHeader.TIME_EXCEEDED, IcmpErrorWriter.CODE_TTL_EXCEEDED, 0,
                    processor.routedDestination() != dialled ? dialled : gen.sourceIp,
                    WorkerCounter.ICMP_TIME_EXCEEDED_SENT, now);
                break;
            case LOCAL:
                counts[WorkerCounter.LOCAL.ordinal()]++;
                break;
            case DROP:
                if (reason == Reason.NO_ROUTE)
                {
                    icmpError(b, ip, length, IcmpHeader.DEST_UNREACHABLE, IcmpErrorWriter.CODE_NET_UNREACHABLE, 0,
                        gen.sourceIp, WorkerCounter.ICMP_UNREACHABLE_SENT, now);
                }
                break;
            default:
                break;
        }
    }

    /** Route the (translated) packet, find its next hop's MAC, fragment or refuse it above the MTU, send it. */
    private void transmit(final DirectBuffer b, final int ip, final int length, final long now)
    {
        final int dst = Ipv4Header.dstAddress(b, ip);
        final int route = routes.lookup(dst);
        if (route == RouteTable.NO_ROUTE)
        {
            counts[WorkerCounter.NO_ROUTE.ordinal()]++;
            return;
        }
        final int nextHop = routes.nextHopOf(route, dst);
        if (length > mtu)
        {
            tooBig(b, ip, length, nextHop, now);
            return;
        }
        final long mac = resolve(nextHop, now);
        if (mac == Neighbours.NO_MAC)
        {
            queue(b, ip, length, nextHop, now);
            return;
        }
        sendFrame(mac, b, ip, length);
    }

    private void tooBig(final DirectBuffer b, final int ip, final int length, final int nextHop, final long now)
    {
        if ((Ipv4Header.flagsFragment(b, ip) & Ipv4Header.FLAG_DF) != 0)
        {
            icmpError(b, ip, length, IcmpHeader.DEST_UNREACHABLE, IcmpErrorWriter.CODE_FRAGMENTATION_NEEDED, mtu,
                gen.sourceIp, WorkerCounter.ICMP_FRAG_NEEDED_SENT, now);
            return;
        }
        final long mac = resolve(nextHop, now);
        if (mac == Neighbours.NO_MAC)
        {
            counts[WorkerCounter.NEIGHBOUR_TOO_BIG_TO_QUEUE.ordinal()]++; // above the MTU: larger than a queue slot
            return;
        }
        counts[WorkerCounter.FRAGMENTED.ordinal()]++;
        for (int i = 0; ; i++)
        {
            final int tx = claimTx();
            if (tx < 0)
            {
                return;
            }
            final int data = tx + Tpacket2.TX_DATA_OFFSET;
            final int fragLength = Fragmenter.write(ring, data + Ethernet.HEADER_LENGTH, b, ip, length, mtu, i);
            if (fragLength == 0)
            {
                return; // the claimed frame stays AVAILABLE
            }
            Ethernet.write(ring, data, mac, ourMac, Ethernet.TYPE_IPV4);
            commitTx(tx, Ethernet.HEADER_LENGTH + fragLength);
        }
    }

    /**
     * An ICMP error about the packet at {@code b[ip]} back to its sender from address {@code from}, rate limited
     * as the kernel's.
     */
    private void icmpError(
        final DirectBuffer b,
        final int ip,
        final int length,
        final int type,
        final int code,
        final int rest,
        final int from,
        final WorkerCounter sent,
        final long now)
    {
        if (!IcmpErrorWriter.mayAnswer(b, ip, length))
        {
            return;
        }
        final int to = Ipv4Header.srcAddress(b, ip);
        final int route = routes.lookup(to);
        if (route == RouteTable.NO_ROUTE || routes.egressOf(route) != engineIf)
        {
            return;
        }
        if (!icmpLimit.allow(to, now))
        {
            counts[WorkerCounter.ICMP_RATE_LIMITED.ordinal()]++;
            return;
        }
        final long mac = resolve(routes.nextHopOf(route, to), now);
        final int tx = mac == Neighbours.NO_MAC ? -1 : claimTx();
        if (tx < 0)
        {
            return;
        }
        final int data = tx + Tpacket2.TX_DATA_OFFSET;
        final int ipLength = icmp.write(ring, data + Ethernet.HEADER_LENGTH, from, b, ip,
            Math.min(length, Ipv4Header.totalLength(b, ip)), type, code, rest);
        Ethernet.write(ring, data, mac, ourMac, Ethernet.TYPE_IPV4);
        commitTx(tx, Ethernet.HEADER_LENGTH + ipLength);
        counts[sent.ordinal()]++;
    }

    /** @return the MAC of {@code nextHop}, or {@link Neighbours#NO_MAC} (an ARP request is sent when due). */
    private long resolve(final int nextHop, final long now)
    {
        if (nextHop != cachedHop)
        {
            cachedSlot = neighbours.slot(nextHop);
            cachedHop = nextHop;
        }
        if (cachedSlot == Neighbours.FULL)
        {
            return Neighbours.NO_MAC;
        }
        if (neighbours.claimRequest(cachedSlot, now) && arp.request(nextHop))
        {
            counts[WorkerCounter.ARP_REQUESTS_SENT.ordinal()]++;
        }
        return neighbours.mac(cachedSlot);
    }

    private void queue(final DirectBuffer b, final int ip, final int length, final int nextHop, final long now)
    {
        if (length > pending.slotBytes())
        {
            counts[WorkerCounter.NEIGHBOUR_TOO_BIG_TO_QUEUE.ordinal()]++;
            return;
        }
        final int slot = pending.claim();
        if (slot < 0)
        {
            counts[WorkerCounter.NEIGHBOUR_QUEUE_FULL.ordinal()]++;
            return;
        }
        pending.buffer(slot).putBytes(0, b, ip, length);
        pending.length[slot] = length;
        pending.nextHop[slot] = nextHop;
        pending.since[slot] = now;
        counts[WorkerCounter.NEIGHBOUR_QUEUED.ordinal()]++;
    }

    /** Sends queued packets whose next hop resolved; drops those that waited too long. */
    private void retryPending(final long now)
    {
        for (int s = 0; s < pending.slots(); s++)
        {
            if (!pending.used[s])
            {
                continue;
            }
            final long mac = resolve(pending.nextHop[s], now);
            if (mac != Neighbours.NO_MAC)
            {
                sendFrame(mac, pending.buffer(s), 0, pending.length[s]);
                pending.free(s);
            }
            else if (now - pending.since[s] > NEIGHBOUR_WAIT_NANOS)
            {
                counts[WorkerCounter.NEIGHBOUR_TIMEOUT.ordinal()]++;
                pending.free(s);
            }
        }
    }

    private void arp(final int off, final int length, final long now)
    {
        counts[WorkerCounter.ARP_RECEIVED.ordinal()]++;
        if (Arp.isIpv4OverEthernet(ring, off, length) &&
            neighbours.learn(Arp.senderIp(ring, off), Arp.senderMac(ring, off), now))
        {
            counts[WorkerCounter.ARP_LEARNED.ordinal()]++;
        }
    }

    /** Ethernet header for the next hop + the IP packet into the next TX frame. */
    private void sendFrame(final long dstMac, final DirectBuffer b, final int ip, final int length)
    {
        final int tx = claimTx();
        if (tx < 0)
        {
            return;
        }
        final int data = tx + Tpacket2.TX_DATA_OFFSET;
        Ethernet.write(ring, data, dstMac, ourMac, Ethernet.TYPE_IPV4);
        ring.putBytes(data + Ethernet.HEADER_LENGTH, b, ip, length);
        commitTx(tx, Ethernet.HEADER_LENGTH + length);
    }

    /** @return the next TX frame if the kernel is done with it (kicking the ring once if not), else -1. */
    private int claimTx()
    {
        final int tx = socket.txFrame(txHead);
        int status = ring.getIntVolatile(tx + Tpacket2.STATUS_OFFSET); // acquire: the kernel finished with it
        if (status != Tpacket2.TP_STATUS_AVAILABLE && status != Tpacket2.TP_STATUS_WRONG_FORMAT)
        {
            flush();
            status = ring.getIntVolatile(tx + Tpacket2.STATUS_OFFSET);
        }
        if (status == Tpacket2.TP_STATUS_WRONG_FORMAT)
        {
            counts[WorkerCounter.TX_WRONG_FORMAT.ordinal()]++;
        }
        else if (status != Tpacket2.TP_STATUS_AVAILABLE)
        {
            counts[WorkerCounter.TX_RING_FULL.ordinal()]++;
            return -1;
        }
        return tx;
    }

    private void commitTx(final int tx, final int frameLength)
    {
        ring.putInt(tx + Tpacket2.LEN_OFFSET, frameLength);
        ring.putIntRelease(tx + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_SEND_REQUEST); // the frame is the kernel's
        txHead = txHead + 1 == socket.txFrames ? 0 : txHead + 1;
        counts[WorkerCounter.TX_FRAMES.ordinal()]++;
        if (++unsent >= BATCH)
        {
            flush();
        }
    }

    /** One send() for every frame queued since the last. */
    private void flush()
    {
        if (unsent > 0)
        {
            unsent = 0;
            if (socket.kick() < 0)
            {
                counts[WorkerCounter.TX_SEND_ERRORS.ordinal()]++;
            }
        }
    }

    private void publishCounters()
    {
        for (int i = 0; i < counts.length; i++)
        {
            if (counts[i] != published[i])
            {
                published[i] = counts[i];
                counters[i].setOpaque(counts[i]); // a statistic: atomic, no ordering needed
            }
        }
    }

    /**
     * A local sender's offloaded checksum (TP_STATUS_CSUMNOTREADY): the L4 checksum field holds only the pseudo
     * header's sum; compute the whole checksum so the engine can verify and adjust it.
     *
     * @return true when completed.
     */
    static boolean completeChecksum(final MutableDirectBuffer b, final int ip, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH ||
            (Ipv4Header.flagsFragment(b, ip) & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0)
        {
            return false;
        }
        final int ihl = Ipv4Header.headerLength(b, ip);
        final int total = Math.min(length, Ipv4Header.totalLength(b, ip));
        final int l4 = ip + ihl;
        final int l4Length = total - ihl;
        final int src = Ipv4Header.srcAddress(b, ip);
        final int dst = Ipv4Header.dstAddress(b, ip);
        switch (Ipv4Header.protocol(b, ip))
        {
            case IpProtocol.TCP:
                if (l4Length < TcpHeader.CHECKSUM_OFFSET + 2)
                {
                    return false;
                }
                b.putShort(l4 + TcpHeader.CHECKSUM_OFFSET, (short)0);
                b.putShort(l4 + TcpHeader.CHECKSUM_OFFSET, (short)Checksum.tcpChecksum(b, l4, l4Length, src, dst), NET);
                return true;
            case IpProtocol.UDP:
                if (l4Length < UdpHeader.LENGTH)
                {
                    return false;
                }
                b.putShort(l4 + UdpHeader.CHECKSUM_OFFSET, (short)0);
                b.putShort(l4 + UdpHeader.CHECKSUM_OFFSET, (short)Checksum.udpChecksum(b, l4, l4Length, src, dst), NET);
                return true;
            default:
                return false;
        }
    }

    /** @return the socket (for statistics). */
    PacketSocket socket()
    {
        return socket;
    }
}
