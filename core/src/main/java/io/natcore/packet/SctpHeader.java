/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The SCTP common header (RFC 9260 section 3.1) and its CRC32c. Network byte order, except the checksum, which
 * goes on the wire least significant byte first (RFC 9260 appendix B).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Verification Tag                        |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Checksum (CRC32c)                         |  8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   chunks: type (1), flags (1), length (2), value ...          | 12
 * </pre>
 * The CRC covers the whole SCTP packet (no pseudo-header) with the checksum field taken as zero, so a port rewrite
 * must compute it again ({@link #putChecksum}), as the kernel's {@code sctp_manip_pkt} does.
 */
public final class SctpHeader
{
    /** Source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Verification tag. */
    public static final int VERIFICATION_TAG_OFFSET = 4;
    /** CRC32c, least significant byte first. */
    public static final int CHECKSUM_OFFSET = 8;
    /** Common header length; the first chunk starts here. */
    public static final int LENGTH = 12;
    /** Byte order of the checksum field. */
    public static final ByteOrder CHECKSUM_ORDER = ByteOrder.LITTLE_ENDIAN;

    private SctpHeader()
    {
    }

    /**
     * @param buffer   holding the packet.
     * @param l4Offset of the SCTP header.
     * @param l4Length SCTP header plus chunks (at least {@link #LENGTH}).
     * @return the CRC32c of the packet with its checksum field as zero, as read with {@link #CHECKSUM_ORDER}.
     */
    public static int checksum(final DirectBuffer buffer, final int l4Offset, final int l4Length)
    {
        return ~startChecksum(buffer, l4Offset, l4Length);
    }

    /** @return true when the packet's checksum field holds its CRC32c. */
    public static boolean checksumValid(final DirectBuffer buffer, final int l4Offset, final int l4Length)
    {
        return checksum(buffer, l4Offset, l4Length) == buffer.getInt(l4Offset + CHECKSUM_OFFSET, CHECKSUM_ORDER);
    }

    /**
     * The CRC32c register over the first piece of an SCTP packet (its common header, checksum as zero, and what
     * follows in this piece), to continue with {@link #continueChecksum} over the next pieces and store with
     * {@link #putChecksumRegister}: a reassembled packet's CRC from its fragments, in offset order.
     */
    public static int startChecksum(final DirectBuffer buffer, final int l4Offset, final int pieceLength)
    {
        int crc = Crc32c.update(0xFFFF_FFFF, buffer, l4Offset, CHECKSUM_OFFSET);
        crc = Crc32c.updateZeros(crc, 4);
        return Crc32c.update(crc, buffer, l4Offset + LENGTH, pieceLength - LENGTH);
    }

    /** @return the register continued over the next piece of the packet. */
    public static int continueChecksum(final int crc, final DirectBuffer buffer, final int offset, final int length)
    {
        return Crc32c.update(crc, buffer, offset, length);
    }

    /** Stores the CRC a register ends with in the checksum field of the packet's first piece. */
    public static void putChecksumRegister(final MutableDirectBuffer buffer, final int l4Offset, final int crc)
    {
        buffer.putInt(l4Offset + CHECKSUM_OFFSET, ~crc, CHECKSUM_ORDER);
    }

    /** Compute the packet's CRC32c and store it in its checksum field. */
    public static void putChecksum(final MutableDirectBuffer buffer, final int l4Offset, final int l4Length)
    {
        buffer.putInt(l4Offset + CHECKSUM_OFFSET, checksum(buffer, l4Offset, l4Length), CHECKSUM_ORDER);
    }
}
