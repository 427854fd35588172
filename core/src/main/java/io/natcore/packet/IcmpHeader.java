package io.natcore.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ICMP (v4) message header (RFC 792). Network byte order.
 * <pre>
 *  Query (echo 0/8, timestamp 13/14, information 15/16, address mask 17/18):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |           Checksum            |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Identifier           |        Sequence Number        |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...                                                  |  8
 *
 *  Error (3 unreachable, 4 source quench, 5 redirect, 11 time exceeded, 12 parameter problem):
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |           Checksum            |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   unused / pointer (12) / next-hop MTU (3/4) / gateway (5)    |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Embedded IPv4 header (with options) + first 8 bytes of L4   |  8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The embedded datagram is read with {@link Ipv4Header} at {@link #EMBEDDED_OFFSET}.
 */
public final class IcmpHeader
{
    /** Type. */
    public static final int TYPE_OFFSET = 0;
    /** Code. */
    public static final int CODE_OFFSET = 1;
    /** Checksum over the whole ICMP message. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Identifier (queries). */
    public static final int ID_OFFSET = 4;
    /** Sequence number (queries). */
    public static final int SEQ_OFFSET = 6;
    /** Rest-of-header word (errors: unused, pointer, MTU, gateway). */
    public static final int REST_OFFSET = 4;
    /** Embedded IPv4 header of an error message. */
    public static final int EMBEDDED_OFFSET = 8;
    /** Header length. */
    public static final int LENGTH = 8;

    /** Echo reply. */
    public static final int ECHO_REPLY = 0;
    /** Destination unreachable. */
    public static final int DEST_UNREACHABLE = 3;
    /** Source quench. */
    public static final int SOURCE_QUENCH = 4;
    /** Redirect. */
    public static final int REDIRECT = 5;
    /** Echo request. */
    public static final int ECHO_REQUEST = 8;
    /** Time exceeded. */
    public static final int TIME_EXCEEDED = 11;
    /** Parameter problem. */
    public static final int PARAMETER_PROBLEM = 12;
    /** Timestamp request. */
    public static final int TIMESTAMP = 13;
    /** Timestamp reply. */
    public static final int TIMESTAMP_REPLY = 14;
    /** Information request. */
    public static final int INFO_REQUEST = 15;
    /** Information reply. */
    public static final int INFO_REPLY = 16;
    /** Address mask request. */
    public static final int ADDRESS_MASK = 17;
    /** Address mask reply. */
    public static final int ADDRESS_MASK_REPLY = 18;
    /** Highest type the kernel's conntrack accepts (NR_ICMP_TYPES). */
    public static final int MAX_KNOWN_TYPE = 18;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * @param buffer holding the packet.
     * @param offset of the ICMP header.
     * @return this.
     */
    public IcmpHeader wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /**
     * @param type ICMP type.
     * @return true for the error types conntrack relates to a connection: 3, 4, 5, 11, 12.
     */
    public static boolean isError(final int type)
    {
        return type == DEST_UNREACHABLE || type == SOURCE_QUENCH || type == REDIRECT ||
            type == TIME_EXCEEDED || type == PARAMETER_PROBLEM;
    }

    /**
     * @param type ICMP type.
     * @return true for queries carrying an identifier conntrack tracks (echo, timestamp, info, mask).
     */
    public static boolean isQuery(final int type)
    {
        return type == ECHO_REPLY || type == ECHO_REQUEST || (type >= TIMESTAMP && type <= ADDRESS_MASK_REPLY);
    }

    /** @param b buffer. @param o header offset. @return type. */
    public static int type(final DirectBuffer b, final int o)
    {
        return b.getByte(o + TYPE_OFFSET) & 0xFF;
    }

    /** @param b buffer. @param o header offset. @return code. */
    public static int code(final DirectBuffer b, final int o)
    {
        return b.getByte(o + CODE_OFFSET) & 0xFF;
    }

    /** @param b buffer. @param o header offset. @return identifier. */
    public static int id(final DirectBuffer b, final int o)
    {
        return b.getShort(o + ID_OFFSET, NET) & 0xFFFF;
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

    /** @return type. */
    public int type()
    {
        return type(buffer, offset);
    }

    /** @return code. */
    public int code()
    {
        return code(buffer, offset);
    }

    /** @return checksum. */
    public int checksum()
    {
        return checksum(buffer, offset);
    }

    /** @return identifier (queries). */
    public int id()
    {
        return id(buffer, offset);
    }

    /** @return sequence number (queries). */
    public int seq()
    {
        return buffer.getShort(offset + SEQ_OFFSET, NET) & 0xFFFF;
    }

    /** @return rest-of-header word (errors). */
    public int rest()
    {
        return buffer.getInt(offset + REST_OFFSET, NET);
    }

    /** @return offset of the embedded IPv4 header (errors). */
    public int embeddedOffset()
    {
        return offset + EMBEDDED_OFFSET;
    }

    /** @param type type. @return this. */
    public IcmpHeader type(final int type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    /** @param code code. @return this. */
    public IcmpHeader code(final int code)
    {
        mutableBuffer.putByte(offset + CODE_OFFSET, (byte)code);
        return this;
    }

    /** @param checksum checksum. @return this. */
    public IcmpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, NET);
        return this;
    }

    /** @param id identifier. @return this. */
    public IcmpHeader id(final int id)
    {
        mutableBuffer.putShort(offset + ID_OFFSET, (short)id, NET);
        return this;
    }

    /** @param seq sequence number. @return this. */
    public IcmpHeader seq(final int seq)
    {
        mutableBuffer.putShort(offset + SEQ_OFFSET, (short)seq, NET);
        return this;
    }

    /** @param rest rest-of-header word. @return this. */
    public IcmpHeader rest(final int rest)
    {
        mutableBuffer.putInt(offset + REST_OFFSET, rest, NET);
        return this;
    }
}
