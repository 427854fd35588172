/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import io.natcore.packet.ParsedPacket;
import io.natcore.packet.TcpHeader;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The TCP facts {@link TcpTracker} needs from one segment: a mutable holder, one per thread, filled
 * by {@link #readFrom} straight from the packet (options parsed the way the kernel's conntrack
 * parses them) or by the setters in tests. No allocation.
 */
public final class TcpSegment
{
    /** TCP flag bits, as in {@link TcpHeader}. */
    public static final int FIN = TcpHeader.FIN;
    public static final int SYN = TcpHeader.SYN;
    public static final int RST = TcpHeader.RST;
    public static final int PSH = TcpHeader.PSH;
    public static final int ACK = TcpHeader.ACK;
    public static final int URG = TcpHeader.URG;
    public static final int ECE = TcpHeader.ECE;
    public static final int CWR = TcpHeader.CWR;

    private static final int OPT_EOL = TcpHeader.OPT_EOL;
    private static final int OPT_NOP = TcpHeader.OPT_NOP;
    private static final int OPT_WINDOW = TcpHeader.OPT_WINDOW_SCALE;
    private static final int OPT_SACK_PERM = TcpHeader.OPT_SACK_PERMITTED;
    private static final int OPT_SACK = 5;
    private static final int OPT_TIMESTAMP = 8;
    private static final int MAX_WSCALE = 14;
    /** Option bytes NOP, NOP, TIMESTAMP kind, TIMESTAMP length: the usual option area of a data segment. */
    private static final int NOP_NOP_TIMESTAMP = 0x0101080A;

    /** TCP flag byte (FIN 0x01 ... CWR 0x80). */
    public int flags;
    public int seq;
    public int ack;
    /** Raw 16-bit window, unscaled. */
    public int window;
    /** Payload bytes after the TCP header. */
    public int payloadLength;
    /** Bytes of options (data offset * 4 - 20); 0 means the kernel leaves option state untouched. */
    public int optionsLength;
    /** Window scale option value clamped to 14, or -1 when absent. */
    public int windowScale = -1;
    /** SACK-permitted option present. */
    public boolean sackPermitted;
    /** Highest SACK right edge after {@link #ack} (sequence space), or {@link #ack} when none. */
    public int sack;

    /**
     * Reads a TCP header and its options. Returns false (holder unspecified) when the header is cut
     * short or the data offset is below 5: the kernel's "truncated packet" (INVALID).
     *
     * @param buffer     packet bytes.
     * @param tcpOffset  offset of the TCP header.
     * @param tcpLength  bytes of the TCP segment (IP total length minus IP header length).
     * @return true when a complete header was read.
     */
    public boolean readFrom(final DirectBuffer buffer, final int tcpOffset, final int tcpLength)
    {
        if (tcpLength < TcpHeader.MIN_LENGTH)
        {
            return false;
        }
        final int headerLength = ((buffer.getByte(tcpOffset + TcpHeader.DATA_OFFSET_OFFSET) & 0xF0) >>> 4) * 4;
        if (headerLength < TcpHeader.MIN_LENGTH || tcpLength < headerLength)
        {
            return false;
        }
        seq = buffer.getInt(tcpOffset + TcpHeader.SEQ_OFFSET, ByteOrder.BIG_ENDIAN);
        ack = buffer.getInt(tcpOffset + TcpHeader.ACK_OFFSET, ByteOrder.BIG_ENDIAN);
        flags = buffer.getByte(tcpOffset + TcpHeader.FLAGS_OFFSET) & 0xFF;
        window = buffer.getShort(tcpOffset + TcpHeader.WINDOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        payloadLength = tcpLength - headerLength;
        optionsLength = headerLength - TcpHeader.MIN_LENGTH;
        windowScale = -1;
        sackPermitted = false;
        sack = ack;
        parseOptions(buffer, tcpOffset + TcpHeader.OPTIONS_OFFSET, optionsLength);
        return true;
    }

    /**
     * Takes the header facts from a parse that already read them ({@link io.natcore.packet.PacketParser} on an
     * unfragmented TCP packet with an OK status: complete header, data offset in range), so the fixed header is not
     * read twice; only the option area is walked here, and not at all for the common timestamp-only layout.
     *
     * @param buffer packet bytes (for the options).
     * @param pkt    the parse of the packet in {@code buffer}.
     * @return true when a complete header was read (false in the same cases as {@link #readFrom}).
     */
    public boolean readParsed(final DirectBuffer buffer, final ParsedPacket pkt)
    {
        final int headerLength = pkt.tcpDataOffset;
        final int tcpLength = pkt.l4Length;
        if (tcpLength < 20 || headerLength < 20 || tcpLength < headerLength)
        {
            return false;
        }
        seq = pkt.tcpSeq;
        final int a = pkt.tcpAck;
        ack = a;
        flags = pkt.tcpFlags;
        window = pkt.tcpWindow;
        payloadLength = tcpLength - headerLength;
        final int optLength = headerLength - 20;
        optionsLength = optLength;
        windowScale = -1;
        sackPermitted = false;
        sack = a;
        // NOP NOP TS(10) alone carries no window scale, SACK-permitted or SACK block: nothing to read.
        if (optLength != 0 &&
            (optLength != 12 || buffer.getInt(pkt.l4Offset + 20, ByteOrder.BIG_ENDIAN) != NOP_NOP_TIMESTAMP))
        {
            parseOptions(buffer, pkt.l4Offset + 20, optLength);
        }
        return true;
    }

    /**
     * Sets the header facts directly (tests, or a caller with its own parser). No options.
     */
    public TcpSegment set(final int flags, final int seq, final int ack, final int window, final int payloadLength)
    {
        this.flags = flags;
        this.seq = seq;
        this.ack = ack;
        this.window = window;
        this.payloadLength = payloadLength;
        this.optionsLength = 0;
        this.windowScale = -1;
        this.sackPermitted = false;
        this.sack = ack;
        return this;
    }

    /**
     * Adds SYN options as if present in the header.
     *
     * @param windowScale window scale (clamped to 14) or -1 for none.
     * @param sackPermitted SACK-permitted option present.
     */
    public TcpSegment options(final int windowScale, final boolean sackPermitted)
    {
        this.optionsLength = 20;
        this.windowScale = windowScale < 0 ? -1 : Math.min(windowScale, MAX_WSCALE);
        this.sackPermitted = sackPermitted;
        return this;
    }

    /** @return sequence number just past this segment: seq + payload + SYN + FIN (kernel segment_seq_plus_len). */
    public int end()
    {
        return seq + payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    public boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    // Mirrors the kernel's tcp_options() and tcp_sack() walks: silly or partial options end the walk.
    private void parseOptions(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            return;
        }
        // Timestamp-only fast path of tcp_sack(): NOP NOP TS(10); it still carries no WS/SACK_PERM.
        boolean sackDone = length == 12 && buffer.getInt(offset, ByteOrder.BIG_ENDIAN) == NOP_NOP_TIMESTAMP;
        int p = offset;
        int remaining = length;
        while (remaining > 0)
        {
            final int opcode = buffer.getByte(p++) & 0xFF;
            if (opcode == OPT_EOL)
            {
                return;
            }
            if (opcode == OPT_NOP)
            {
                remaining--;
                continue;
            }
            if (remaining < 2)
            {
                return;
            }
            final int size = buffer.getByte(p++) & 0xFF;
            if (size < 2 || size > remaining)
            {
                return;
            }
            if (opcode == OPT_SACK_PERM && size == 2)
            {
                sackPermitted = true;
            }
            else if (opcode == OPT_WINDOW && size == 3)
            {
                windowScale = Math.min(buffer.getByte(p) & 0xFF, MAX_WSCALE);
            }
            else if (opcode == OPT_SACK && !sackDone && size >= 10 && ((size - 2) % 8) == 0)
            {
                for (int i = 0; i < size - 2; i += 8)
                {
                    final int rightEdge = buffer.getInt(p + i + 4, ByteOrder.BIG_ENDIAN);
                    if (rightEdge - sack > 0)
                    {
                        sack = rightEdge;
                    }
                }
                sackDone = true; // the kernel reads only the first SACK option
            }
            else if (opcode == OPT_TIMESTAMP)
            {
                // nothing to track
            }
            p += size - 2;
            remaining -= size;
        }
    }
}
