/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Sends ARP requests on the interface through a ring-less AF_PACKET socket (protocol 0: it receives nothing; the
 * replies arrive on the workers' rings). Requests are rare (one per next hop per second at most,
 * {@link Neighbours#claimRequest}), so one socket serves every thread, under this object's monitor.
 */
final class ArpSender implements AutoCloseable
{
    private final int fd;
    private final long ourMac;
    private final int ourIp;
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(Arp.MIN_FRAME));
    private long sent;

    ArpSender(final int ifIndex, final long ourMac, final int ourIp) throws PacketSocket.SetupException
    {
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW, 0);
        if (fd < 0)
        {
            throw new PacketSocket.SetupException("socket(AF_PACKET) for ARP: " + LibC.describe(LibC.errno()));
        }
        final UnsafeBuffer address = new UnsafeBuffer(ByteBuffer.allocateDirect(SockaddrLl.LENGTH));
        if (SockaddrLl.bind(fd, address, 0, ifIndex) != 0) // protocol 0: this socket receives nothing
        {
            final String why = LibC.describe(LibC.errno());
            LibC.close(fd);
            throw new PacketSocket.SetupException("bind ARP socket: " + why);
        }
    }

    /** Broadcasts "who has {@code targetIp}, tell {@code ourIp}". @return true when the kernel took it. */
    synchronized boolean request(final int targetIp)
    {
        final int length = Arp.writeRequest(frame, 0, ourMac, ourIp, targetIp);
        final boolean ok = LibC.send(fd, frame.addressOffset(), length, LibC.MSG_DONTWAIT) == length;
        if (ok)
        {
            sent++;
        }
        return ok;
    }

    /** @return requests sent so far. */
    synchronized long sent()
    {
        return sent;
    }

    @Override
    public void close()
    {
        LibC.close(fd);
    }
}
