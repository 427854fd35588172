/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * An AF_PACKET socket bound with ETH_P_ALL to one interface, with a TPACKET_V2 RX ring and TX ring in one shared
 * mapping ({@code Documentation/networking/packet_mmap.rst}). One per worker; its methods are called by the owning
 * worker thread only, except {@link #readStatistics}, which the housekeeper calls.
 * <p>
 * Options, in the order the kernel requires (PACKET_LOSS and PACKET_VERSION before the rings: EBUSY after):
 * PACKET_VERSION = TPACKET_V2; PACKET_LOSS = 1 (a TX frame the kernel cannot send is dropped, not retried);
 * optionally PACKET_QDISC_BYPASS = 1 (no qdisc between ring and driver; off by default, since the bypass also
 * skips the taps, and an operator's tcpdump on the NAT VM should show what it sends, as with the kernel);
 * PACKET_IGNORE_OUTGOING = 1 (do not see our own transmissions on RX); then the rings, mmap, bind, and
 * PACKET_FANOUT (hash) when several workers share the interface.
 */
final class PacketSocket implements AutoCloseable
{
    /** Errors at set-up, with the call and errno's text. */
    static final class SetupException extends Exception
    {
        private static final long serialVersionUID = 1L;

        SetupException(final String message)
        {
            super(message);
        }
    }

    final int fd;
    final int ifIndex;
    final int frameSize;
    final int rxFrames;
    final int txFrames;
    private final long mapAddress;
    private final long mapLength;
    /** The RX ring then the TX ring, as one buffer over the mapping. */
    final UnsafeBuffer ring = new UnsafeBuffer(0, 0);
    final int txBase;
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final long scratchAddress = scratch.addressOffset();
    /** {@code struct pollfd} for {@link #await}: fd, events POLLIN, revents. */
    private final UnsafeBuffer pollfd = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
    private final long pollfdAddress = pollfd.addressOffset();
    private boolean closed;

    /**
     * @param ifIndex     interface to bind.
     * @param frameSize   ring frame size (power of two, at least the MTU + link header + 66).
     * @param frames      frames per ring.
     * @param fanoutGroup PACKET_FANOUT group id (0..65535), or -1 for none.
     * @param qdiscBypass PACKET_QDISC_BYPASS: frames go straight to the driver (faster), but then the host's
     *                    packet taps (tcpdump on the interface) do not see what the box sends.
     */
    PacketSocket(
        final int ifIndex, final int frameSize, final int frames, final int fanoutGroup, final boolean qdiscBypass)
        throws SetupException
    {
        this.ifIndex = ifIndex;
        this.frameSize = frameSize;
        this.rxFrames = frames;
        this.txFrames = frames;
        fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW, LibC.ETH_P_ALL_BE);
        if (fd < 0)
        {
            throw failure("socket(AF_PACKET)");
        }
        boolean ok = false;
        try
        {
            setInt(LibC.SOL_PACKET, LibC.PACKET_VERSION, LibC.TPACKET_V2, "PACKET_VERSION");
            setInt(LibC.SOL_PACKET, LibC.PACKET_LOSS, 1, "PACKET_LOSS");
            if (qdiscBypass)
            {
                setInt(LibC.SOL_PACKET, LibC.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            setInt(LibC.SOL_PACKET, LibC.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            final int blockSize = Math.max(frameSize, 1 << 16);
            final int framesPerBlock = blockSize / frameSize;
            final int blocks = (frames + framesPerBlock - 1) / framesPerBlock;
            final int ringFrames = blocks * framesPerBlock;
            if (ringFrames != frames)
            {
                throw new SetupException("ring frames " + frames + " not a multiple of " + framesPerBlock);
            }
            setRing(LibC.PACKET_RX_RING, blockSize, blocks, frameSize, frames, "PACKET_RX_RING");
            setRing(LibC.PACKET_TX_RING, blockSize, blocks, frameSize, frames, "PACKET_TX_RING");
            mapLength = 2L * blocks * blockSize;
            mapAddress = LibC.mmap(0, mapLength, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            if (mapAddress == LibC.MAP_FAILED || mapAddress == 0)
            {
                throw failure("mmap of the rings");
            }
            ring.wrap(mapAddress, (int)mapLength);
            txBase = (int)(mapLength / 2);
            bindTo(ifIndex);
            if (fanoutGroup >= 0)
            {
                setInt(LibC.SOL_PACKET, LibC.PACKET_FANOUT, (fanoutGroup & 0xFFFF) | (LibC.PACKET_FANOUT_HASH << 16),
                    "PACKET_FANOUT");
            }
            pollfd.putInt(0, fd);
            pollfd.putShort(4, LibC.POLLIN);
            ok = true;
        }
        finally
        {
            if (!ok)
            {
                LibC.close(fd);
            }
        }
    }

    /** @return offset in {@link #ring} of RX frame {@code i}. */
    int rxFrame(final int i)
    {
        return i * frameSize;
    }

    /** @return offset in {@link #ring} of TX frame {@code i}. */
    int txFrame(final int i)
    {
        return txBase + i * frameSize;
    }

    /** Asks the kernel to transmit every frame marked SEND_REQUEST. @return bytes sent, or -1 (see errno). */
    long kick()
    {
        return LibC.send(fd, 0, 0, LibC.MSG_DONTWAIT);
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame to arrive (poll POLLIN on the ring). Owner thread only.
     *
     * @return false when the socket reports an error instead (interface gone or down): the caller should back off.
     */
    boolean await(final int timeoutMillis)
    {
        pollfd.putShort(6, (short)0);
        final int n = LibC.poll(pollfdAddress, 1, timeoutMillis);
        return n >= 0 && (pollfd.getShort(6) & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) == 0;
    }

    /**
     * PACKET_STATISTICS: frames seen and frames dropped for a full ring since the last call (reading resets them).
     *
     * @param out out[0] += packets, out[1] += drops.
     */
    synchronized void readStatistics(final long[] out)
    {
        if (closed)
        {
            return;
        }
        scratch.putInt(16, 8);
        if (LibC.getsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_STATISTICS, scratchAddress, scratchAddress + 16) == 0)
        {
            out[0] += scratch.getInt(0) & 0xFFFF_FFFFL;
            out[1] += scratch.getInt(4) & 0xFFFF_FFFFL;
        }
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            LibC.munmap(mapAddress, mapLength);
            LibC.close(fd);
        }
    }

    private void setInt(final int level, final int name, final int value, final String what) throws SetupException
    {
        scratch.putInt(0, value);
        if (LibC.setsockopt(fd, level, name, scratchAddress, 4) != 0)
        {
            throw failure("setsockopt " + what);
        }
    }

    /** {@code struct tpacket_req}: block size, block count, frame size, frame count (four unsigned ints). */
    private void setRing(
        final int name, final int blockSize, final int blocks, final int frameSize, final int frames, final String what)
        throws SetupException
    {
        scratch.putInt(0, blockSize);
        scratch.putInt(4, blocks);
        scratch.putInt(8, frameSize);
        scratch.putInt(12, frames);
        if (LibC.setsockopt(fd, LibC.SOL_PACKET, name, scratchAddress, 16) != 0)
        {
            throw failure("setsockopt " + what);
        }
    }

    private void bindTo(final int ifIndex) throws SetupException
    {
        if (SockaddrLl.bind(fd, scratch, LibC.ETH_P_ALL_BE, ifIndex) != 0)
        {
            throw failure("bind to ifindex " + ifIndex);
        }
    }

    private static SetupException failure(final String call)
    {
        return new SetupException(call + ": " + LibC.describe(LibC.errno()));
    }
}
