package io.natcore.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a UDP header (RFC 768). Network byte order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A checksum of 0 means "none" (IPv4 only).
 * <p>
 * UDP-Lite (RFC 3828) has the same header with the checksum coverage in place of the length (0: the whole
 * datagram; else 8 or more bytes from the header on) and a checksum that is never 0.
 */
public final class UdpHeader
{
    /** Source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Length of header plus data. */
    public static final int LENGTH_OFFSET = 4;
    /** UDP-Lite: checksum coverage, in the place of UDP's length. */
    public static final int COVERAGE_OFFSET = LENGTH_OFFSET;
    /** Checksum. */
    public static final int CHECKSUM_OFFSET = 6;
    /** Header length. */
    public static final int LENGTH = 8;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * @param buffer holding the packet.
     * @param offset of the UDP header.
     * @return this.
     */
    public UdpHeader wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /** @param b buffer. @param o header offset. @return source port. */
    public static int srcPort(final DirectBuffer b, final int o)
    {
        return b.getShort(o + SRC_PORT_OFFSET, NET) & 0xFFFF;
    }

    /** @param b buffer. @param o header offset. @return destination port. */
    public static int dstPort(final DirectBuffer b, final int o)
    {
        return b.getShort(o + DST_PORT_OFFSET, NET) & 0xFFFF;
    }

    /** @param b buffer. @param o header offset. @return length field. */
    public static int length(final DirectBuffer b, final int o)
    {
        return b.getShort(o + LENGTH_OFFSET, NET) & 0xFFFF;
    }

    /** @param b buffer. @param o header offset. @return checksum. */
    public static int checksum(final DirectBuffer b, final int o)
    {
        return b.getShort(o + CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    /** @return offset of the header. */
    public int offset()
    {
        return offset;
    }

    /** @return source port. */
    public int srcPort()
    {
        return srcPort(buffer, offset);
    }

    /** @return destination port. */
    public int dstPort()
    {
        return dstPort(buffer, offset);
    }

    /** @return length field. */
    public int length()
    {
        return length(buffer, offset);
    }

    /** @return checksum. */
    public int checksum()
    {
        return checksum(buffer, offset);
    }

    /** @param port source port. @return this. */
    public UdpHeader srcPort(final int port)
    {
        mutableBuffer.putShort(offset + SRC_PORT_OFFSET, (short)port, NET);
        return this;
    }

    /** @param port destination port. @return this. */
    public UdpHeader dstPort(final int port)
    {
        mutableBuffer.putShort(offset + DST_PORT_OFFSET, (short)port, NET);
        return this;
    }

    /** @param length header plus data. @return this. */
    public UdpHeader length(final int length)
    {
        mutableBuffer.putShort(offset + LENGTH_OFFSET, (short)length, NET);
        return this;
    }

    /** @param checksum checksum. @return this. */
    public UdpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, NET);
        return this;
    }
}
