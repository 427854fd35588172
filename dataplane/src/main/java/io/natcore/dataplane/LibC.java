/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import com.sun.jna.Native;

/**
 * The few libc calls the dataplane makes, through JNA's direct mapping (no C to compile): every pointer travels as
 * a {@code long} address of off-heap memory the caller owns, so a call on the packet path ({@link #send},
 * {@link #poll}) allocates nothing. Return values follow libc: -1 and {@link #errno()} on failure.
 * <p>
 * Constants are Linux x86-64/aarch64 values ({@code <linux/if_packet.h>}, {@code <linux/if_ether.h>},
 * {@code <sys/mman.h>}); each has one home here.
 */
final class LibC
{
    static
    {
        Native.register(LibC.class, "c");
    }

    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    /** Every protocol, in network byte order as socket(2) and bind(2) want it ({@code htons(ETH_P_ALL)}). */
    static final int ETH_P_ALL_BE = 0x0300;
    static final int SOL_PACKET = 263;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;

    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_TX_RING = 13;
    static final int PACKET_LOSS = 14;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int TPACKET_V2 = 1;
    static final int PACKET_FANOUT_HASH = 0;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_LOCKED = 0x2000;
    static final long MAP_FAILED = -1L;

    static final int MSG_DONTWAIT = 0x40;
    static final short POLLIN = 1;
    static final short POLLOUT = 4;
    static final short POLLERR = 8;
    static final short POLLHUP = 16;
    static final short POLLNVAL = 32;
    /** {@code <signal.h>}: hangup, the box's reload signal; the default disposition for {@link #signal}. */
    static final int SIGHUP = 1;
    static final long SIG_DFL = 0L;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOBUFS = 105;

    private LibC()
    {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, long sockaddr, int length);

    static native int setsockopt(int fd, int level, int name, long value, int length);

    static native int getsockopt(int fd, int level, int name, long value, long lengthAddress);

    static native long mmap(long address, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long address, long length);

    static native long send(int fd, long buffer, long length, int flags);

    static native int poll(long fds, long count, int timeoutMillis);

    static native int close(int fd);

    static native int if_nametoindex(String name);

    /** signal(2): sets a disposition, returns the previous one; only to undo an inherited SIG_IGN ({@link ReloadSignal}). */
    static native long signal(int signum, long handler);

    static native long strerror(int errnum);

    /** @return errno of this thread's last failed call. */
    static int errno()
    {
        return Native.getLastError();
    }

    /** @return errno's text, for messages at start-up (allocates). */
    static String describe(final int errno)
    {
        final long p = strerror(errno);
        return p == 0 ? "errno " + errno : new com.sun.jna.Pointer(p).getString(0) + " (errno " + errno + ")";
    }
}
