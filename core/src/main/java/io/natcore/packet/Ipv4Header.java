package io.natcore.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an IPv4 header (RFC 791), options included. Network byte order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |      TOS      |          Total Length         |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|     Fragment Offset     |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      TTL      |   Protocol    |        Header Checksum        |  8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Source Address                         | 12
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Destination Address                      | 16
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL*4 - 20 bytes)                 | 20
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Flags: bit 0x4000 DF, 0x2000 MF; the fragment offset is in 8-byte units (low 13 bits).
 * One instance serves every packet via {@link #wrap}; static readers take {@code (buffer, offset)}.
 * Bounds are the caller's business (the parser checks them).
 */
public final class Ipv4Header
{
    /** Version (high nibble) and IHL (low nibble, 32-bit words). */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Type of service / DSCP+ECN. */
    public static final int TOS_OFFSET = 1;
    /** Total length of the datagram in bytes. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Identification. */
    public static final int ID_OFFSET = 4;
    /** Flags (3 bits) and fragment offset (13 bits, 8-byte units). */
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    /** Time to live. */
    public static final int TTL_OFFSET = 8;
    /** Protocol number. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Source address. */
    public static final int SRC_ADDRESS_OFFSET = 12;
    /** Destination address. */
    public static final int DST_ADDRESS_OFFSET = 16;
    /** First option byte. */
    public static final int OPTIONS_OFFSET = 20;
    /** Header length without options. */
    public static final int MIN_LENGTH = 20;
    /** Largest header (IHL 15). */
    public static final int MAX_LENGTH = 60;
    /** Largest datagram, header included (the 16-bit total length). */
    public static final int MAX_DATAGRAM_LENGTH = 65535;
    /** Don't-fragment flag in the flags/fragment word. */
    public static final int FLAG_DF = 0x4000;
    /** More-fragments flag in the flags/fragment word. */
    public static final int FLAG_MF = 0x2000;
    /** Fragment offset mask in the flags/fragment word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Wrap a read-only buffer at the start of an IPv4 header.
     *
     * @param buffer holding the packet.
     * @param offset of the IPv4 header.
     * @return this.
     */
    public Ipv4Header wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /** @return the wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return offset of the header in the buffer. */
    public int offset()
    {
        return offset;
    }

    // ---- static readers ----

    /** @param b buffer. @param o header offset. @return version nibble. */
    public static int version(final DirectBuffer b, final int o)
    {
        return (b.getByte(o + VERSION_IHL_OFFSET) >> 4) & 0xF;
    }

    /** @param b buffer. @param o header offset. @return header length in bytes (IHL * 4). */
    public static int headerLength(final DirectBuffer b, final int o)
    {
        return (b.getByte(o + VERSION_IHL_OFFSET) & 0xF) << 2;
    }

    /** @param b buffer. @param o header offset. @return total length. */
    public static int totalLength(final DirectBuffer b, final int o)
    {
        return b.getShort(o + TOTAL_LENGTH_OFFSET, NET) & 0xFFFF;
    }

    /** @param b buffer. @param o header offset. @return protocol number. */
    public static int protocol(final DirectBuffer b, final int o)
    {
        return b.getByte(o + PROTOCOL_OFFSET) & 0xFF;
    }

    /** @param b buffer. @param o header offset. @return TTL. */
    public static int ttl(final DirectBuffer b, final int o)
    {
        return b.getByte(o + TTL_OFFSET) & 0xFF;
    }

    /** @param b buffer. @param o header offset. @return source address. */
    public static int srcAddress(final DirectBuffer b, final int o)
    {
        return b.getInt(o + SRC_ADDRESS_OFFSET, NET);
    }

    /** @param b buffer. @param o header offset. @return destination address. */
    public static int dstAddress(final DirectBuffer b, final int o)
    {
        return b.getInt(o + DST_ADDRESS_OFFSET, NET);
    }

    /** @param b buffer. @param o header offset. @return flags and fragment offset word. */
    public static int flagsFragment(final DirectBuffer b, final int o)
    {
        return b.getShort(o + FLAGS_FRAGMENT_OFFSET, NET) & 0xFFFF;
    }

    /** @param b buffer. @param o header offset. @return header checksum. */
    public static int checksum(final DirectBuffer b, final int o)
    {
        return b.getShort(o + CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    // ---- getters ----

    /** @return version nibble. */
    public int version()
    {
        return version(buffer, offset);
    }

    /** @return IHL in 32-bit words. */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF;
    }

    /** @return header length in bytes. */
    public int headerLength()
    {
        return headerLength(buffer, offset);
    }

    /** @return type of service byte. */
    public int tos()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    /** @return total length. */
    public int totalLength()
    {
        return totalLength(buffer, offset);
    }

    /** @return identification. */
    public int id()
    {
        return buffer.getShort(offset + ID_OFFSET, NET) & 0xFFFF;
    }

    /** @return flags and fragment offset word. */
    public int flagsFragment()
    {
        return flagsFragment(buffer, offset);
    }

    /** @return true when DF is set. */
    public boolean dontFragment()
    {
        return (flagsFragment() & FLAG_DF) != 0;
    }

    /** @return true when MF is set. */
    public boolean moreFragments()
    {
        return (flagsFragment() & FLAG_MF) != 0;
    }

    /** @return fragment offset in bytes. */
    public int fragmentOffsetBytes()
    {
        return (flagsFragment() & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** @return TTL. */
    public int ttl()
    {
        return ttl(buffer, offset);
    }

    /** @return protocol number. */
    public int protocol()
    {
        return protocol(buffer, offset);
    }

    /** @return header checksum. */
    public int checksum()
    {
        return checksum(buffer, offset);
    }

    /** @return source address. */
    public int srcAddress()
    {
        return srcAddress(buffer, offset);
    }

    /** @return destination address. */
    public int dstAddress()
    {
        return dstAddress(buffer, offset);
    }

    /** @return options length in bytes. */
    public int optionsLength()
    {
        return headerLength() - MIN_LENGTH;
    }

    /** @return true when the carried header checksum verifies. */
    public boolean checksumValid()
    {
        return Checksum.ipv4HeaderValid(buffer, offset, headerLength());
    }

    // ---- setters (need a mutable buffer) ----

    /** @param version version nibble. @param ihl IHL in words. @return this. */
    public Ipv4Header versionIhl(final int version, final int ihl)
    {
        mutableBuffer.putByte(offset + VERSION_IHL_OFFSET, (byte)((version << 4) | (ihl & 0xF)));
        return this;
    }

    /** @param tos type of service. @return this. */
    public Ipv4Header tos(final int tos)
    {
        mutableBuffer.putByte(offset + TOS_OFFSET, (byte)tos);
        return this;
    }

    /** @param totalLength total length. @return this. */
    public Ipv4Header totalLength(final int totalLength)
    {
        mutableBuffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, NET);
        return this;
    }

    /** @param id identification. @return this. */
    public Ipv4Header id(final int id)
    {
        mutableBuffer.putShort(offset + ID_OFFSET, (short)id, NET);
        return this;
    }

    /** @param flagsFragment flags and fragment offset word. @return this. */
    public Ipv4Header flagsFragment(final int flagsFragment)
    {
        mutableBuffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)flagsFragment, NET);
        return this;
    }

    /** @param ttl time to live. @return this. */
    public Ipv4Header ttl(final int ttl)
    {
        mutableBuffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    /** @param protocol protocol number. @return this. */
    public Ipv4Header protocol(final int protocol)
    {
        mutableBuffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    /** @param checksum header checksum. @return this. */
    public Ipv4Header checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, NET);
        return this;
    }

    /** @param address source address. @return this. */
    public Ipv4Header srcAddress(final int address)
    {
        mutableBuffer.putInt(offset + SRC_ADDRESS_OFFSET, address, NET);
        return this;
    }

    /** @param address destination address. @return this. */
    public Ipv4Header dstAddress(final int address)
    {
        mutableBuffer.putInt(offset + DST_ADDRESS_OFFSET, address, NET);
        return this;
    }

    /** Recompute and store the header checksum. @return this. */
    public Ipv4Header updateChecksum()
    {
        return checksum(Checksum.ipv4HeaderChecksum(buffer, offset, headerLength()));
    }
}
