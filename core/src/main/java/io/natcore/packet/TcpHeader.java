package io.natcore.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a TCP header (RFC 9293), options included. Network byte order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |  8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | DOff  | Rsrvd |C|E|U|A|P|R|S|F|            Window             | 12
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        | 16
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Options (DOff*4 - 20 bytes)                   | 20
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpHeader
{
    /** Source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Sequence number. */
    public static final int SEQ_OFFSET = 4;
    /** Acknowledgment number. */
    public static final int ACK_OFFSET = 8;
    /** Data offset (high nibble, 32-bit words). */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Flags byte (CWR ECE URG ACK PSH RST SYN FIN). */
    public static final int FLAGS_OFFSET = 13;
    /** Window. */
    public static final int WINDOW_OFFSET = 14;
    /** Checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** Urgent pointer. */
    public static final int URGENT_POINTER_OFFSET = 18;
    /** First option byte. */
    public static final int OPTIONS_OFFSET = 20;
    /** Header length without options. */
    public static final int MIN_LENGTH = 20;

    /** FIN flag. */
    public static final int FIN = 0x01;
    /** SYN flag. */
    public static final int SYN = 0x02;
    /** RST flag. */
    public static final int RST = 0x04;
    /** PSH flag. */
    public static final int PSH = 0x08;
    /** ACK flag. */
    public static final int ACK = 0x10;
    /** URG flag. */
    public static final int URG = 0x20;
    /** ECE flag. */
    public static final int ECE = 0x40;
    /** CWR flag. */
    public static final int CWR = 0x80;

    /** Option kinds. */
    public static final int OPT_EOL = 0;
    /** No-operation option. */
    public static final int OPT_NOP = 1;
    /** Maximum segment size option. */
    public static final int OPT_MSS = 2;
    /** Window scale option. */
    public static final int OPT_WINDOW_SCALE = 3;
    /** SACK permitted option. */
    public static final int OPT_SACK_PERMITTED = 4;
    /** Largest window scale honoured (RFC 7323; the kernel clamps to it too). */
    public static final int MAX_WINDOW_SCALE = 14;

    /** First option word of the usual timestamp-only options: NOP, NOP, kind 8 (timestamp), length 10. */
    public static final int NOP_NOP_TIMESTAMP = 0x0101080A;
    /** Option bytes of NOP, NOP, timestamp. */
    public static final int NOP_NOP_TIMESTAMP_LENGTH = 12;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    /** tcp_valid_flags of nf_conntrack_proto_tcp.c, indexed by FIN, SYN, RST, ACK and URG (bits 0x37). */
    private static final boolean[] VALID_FLAGS = new boolean[64];
    /** Flags conntrack's validity check ignores. */
    private static final int FLAGS_IGNORED = PSH | ECE | CWR;

    static
    {
        final int[] valid = { SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG, ACK, ACK | URG };
        for (final int f : valid)
        {
            VALID_FLAGS[f] = true;
        }
    }

    /**
     * Kernel {@code tcp_valid_flags}: the flag combinations conntrack accepts (PSH, ECE, CWR ignored). SYN+FIN,
     * SYN+RST, FIN without ACK, no flags ... are INVALID.
     *
     * @param flags TCP flag byte.
     * @return true when valid.
     */
    public static boolean validFlags(final int flags)
    {
        return VALID_FLAGS[flags & ~FLAGS_IGNORED & 0x3F];
    }

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * @param buffer holding the packet.
     * @param offset of the TCP header.
     * @return this.
     */
    public TcpHeader wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    // ---- static readers ----

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

    /** @param b buffer. @param o header offset. @return header length in bytes (data offset * 4). */
    public static int headerLength(final DirectBuffer b, final int o)
    {
        return ((b.getByte(o + DATA_OFFSET_OFFSET) >> 4) & 0xF) << 2;
    }

    /** @param b buffer. @param o header offset. @return flags byte. */
    public static int flags(final DirectBuffer b, final int o)
    {
        return b.getByte(o + FLAGS_OFFSET) & 0xFF;
    }

    /** @param b buffer. @param o header offset. @return checksum. */
    public static int checksum(final DirectBuffer b, final int o)
    {
        return b.getShort(o + CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    /**
     * Window scale carried in the options, as conntrack reads it: the last well-formed window-scale
     * option (length 3) before any malformed one, clamped to 14. Walks NOP/EOL and stops at a malformed option.
     *
     * @param b            buffer.
     * @param o            header offset.
     * @param headerLength data offset * 4, already checked to lie within the buffer.
     * @return shift count 0..14, or -1 when absent.
     */
    public static int windowScale(final DirectBuffer b, final int o, final int headerLength)
    {
        final int at = findOption(b, o, headerLength, OPT_WINDOW_SCALE, 3);
        if (at < 0)
        {
            return -1;
        }
        return Math.min(b.getByte(at + 2) & 0xFF, MAX_WINDOW_SCALE);
    }

    /**
     * @param b            buffer.
     * @param o            header offset.
     * @param headerLength data offset * 4.
     * @return MSS option value, or -1 when absent.
     */
    public static int mss(final DirectBuffer b, final int o, final int headerLength)
    {
        final int at = findOption(b, o, headerLength, OPT_MSS, 4);
        return at < 0 ? -1 : b.getShort(at + 2, NET) & 0xFFFF;
    }

    /**
     * @param b            buffer.
     * @param o            header offset.
     * @param headerLength data offset * 4.
     * @return true when a SACK-permitted option is present.
     */
    public static boolean sackPermitted(final DirectBuffer b, final int o, final int headerLength)
    {
        return findOption(b, o, headerLength, OPT_SACK_PERMITTED, 2) >= 0;
    }

    /**
     * Find the last option of a kind and exact size in the option area (the kernel's tcp_options() walks
     * them all, so a later one wins).
     *
     * @return absolute offset of its kind byte, or -1.
     */
    private static int findOption(
        final DirectBuffer b, final int o, final int headerLength, final int kind, final int size)
    {
        int found = -1;
        int i = o + OPTIONS_OFFSET;
        final int end = o + headerLength;
        while (i < end)
        {
            final int k = b.getByte(i) & 0xFF;
            if (k == OPT_EOL)
            {
                return found;
            }
            if (k == OPT_NOP)
            {
                i++;
                continue;
            }
            if (end - i < 2)
            {
                return found;
            }
            final int len = b.getByte(i + 1) & 0xFF;
            if (len < 2 || len > end - i)
            {
                return found; // silly or partial option: stop, as the kernel does
            }
            if (k == kind && len == size)
            {
                found = i;
            }
            i += len;
        }
        return found;
    }

    // ---- getters ----

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

    /** @return sequence number. */
    public int seq()
    {
        return buffer.getInt(offset + SEQ_OFFSET, NET);
    }

    /** @return acknowledgment number. */
    public int ack()
    {
        return buffer.getInt(offset + ACK_OFFSET, NET);
    }

    /** @return data offset in 32-bit words. */
    public int dataOffset()
    {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) >> 4) & 0xF;
    }

    /** @return header length in bytes. */
    public int headerLength()
    {
        return headerLength(buffer, offset);
    }

    /** @return flags byte. */
    public int flags()
    {
        return flags(buffer, offset);
    }

    /** @return window (unscaled). */
    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, NET) & 0xFFFF;
    }

    /** @return checksum. */
    public int checksum()
    {
        return checksum(buffer, offset);
    }

    /** @return urgent pointer. */
    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, NET) & 0xFFFF;
    }

    /** @return window scale option (0..14) or -1. */
    public int windowScale()
    {
        return windowScale(buffer, offset, headerLength());
    }

    // ---- setters ----

    /** @param port source port. @return this. */
    public TcpHeader srcPort(final int port)
    {
        mutableBuffer.putShort(offset + SRC_PORT_OFFSET, (short)port, NET);
        return this;
    }

    /** @param port destination port. @return this. */
    public TcpHeader dstPort(final int port)
    {
        mutableBuffer.putShort(offset + DST_PORT_OFFSET, (short)port, NET);
        return this;
    }

    /** @param seq sequence number. @return this. */
    public TcpHeader seq(final int seq)
    {
        mutableBuffer.putInt(offset + SEQ_OFFSET, seq, NET);
        return this;
    }

    /** @param ack acknowledgment number. @return this. */
    public TcpHeader ack(final int ack)
    {
        mutableBuffer.putInt(offset + ACK_OFFSET, ack, NET);
        return this;
    }

    /** @param words data offset in 32-bit words (reserved bits cleared). @return this. */
    public TcpHeader dataOffset(final int words)
    {
        mutableBuffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)(words << 4));
        return this;
    }

    /** @param flags flags byte. @return this. */
    public TcpHeader flags(final int flags)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    /** @param window window. @return this. */
    public TcpHeader window(final int window)
    {
        mutableBuffer.putShort(offset + WINDOW_OFFSET, (short)window, NET);
        return this;
    }

    /** @param checksum checksum. @return this. */
    public TcpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, NET);
        return this;
    }

    /** @param urgentPointer urgent pointer. @return this. */
    public TcpHeader urgentPointer(final int urgentPointer)
    {
        mutableBuffer.putShort(offset + URGENT_POINTER_OFFSET, (short)urgentPointer, NET);
        return this;
    }
}
