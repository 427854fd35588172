/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes a pcapng file (the pcapng draft, little-endian): one section, one interface per name given (link type
 * IPV4: each packet is an IPv4 packet, no link-layer header; {@code if_name} set, nanosecond timestamps), then one
 * enhanced packet block per packet with its interface and {@code epb_flags} direction. So tcpdump and Wireshark
 * name the box's interfaces ({@code eth0}) rather than whatever the reading host has at that index.
 * <pre>
 *  block:  type (4) | total length (4) | body ... | options ... | total length (4)      (lengths: multiple of 4)
 *  option: code (2) | length (2) | value, padded to 4 | ... | opt_endofopt (0, 0)
 *  EPB body: interface id (4) | timestamp high (4) | timestamp low (4) | captured length (4) | original length (4)
 *            | packet, padded to 4
 * </pre>
 * Block and header bytes are reused, so writing does not allocate per packet (beyond growing the copy buffer for
 * a larger packet). Not thread-safe.
 */
public final class PcapngWriter extends CaptureWriter
{
    /** Section header block type (also the file's first four bytes, {@link PcapFileHeader#MAGIC_PCAPNG}). */
    public static final int BLOCK_SECTION_HEADER = PcapFileHeader.MAGIC_PCAPNG;
    /** Interface description block type. */
    public static final int BLOCK_INTERFACE = 1;
    /** Enhanced packet block type. */
    public static final int BLOCK_ENHANCED_PACKET = 6;
    /** Byte-order magic of the section header. */
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** Option code ending an option list. */
    public static final int OPT_END = 0;
    /** Section header option: the writing application. */
    public static final int OPT_SHB_USERAPPL = 4;
    /** Interface option: its name. */
    public static final int OPT_IF_NAME = 2;
    /** Interface option: timestamp resolution (one byte: 9 = 10^-9 s). */
    public static final int OPT_IF_TSRESOL = 9;
    /** Enhanced packet option: flags word; bits 0-1 are the direction. */
    public static final int OPT_EPB_FLAGS = 2;
    /** {@link #OPT_EPB_FLAGS} direction: received. */
    public static final int DIRECTION_INBOUND = 1;
    /** {@link #OPT_EPB_FLAGS} direction: sent. */
    public static final int DIRECTION_OUTBOUND = 2;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int SNAP_LENGTH = 262_144;
    private static final int NANOSECONDS = 9;
    /** EPB bytes before the packet: type, length, interface, two timestamp words, two lengths. */
    private static final int EPB_HEAD = 28;
    /** EPB bytes after the packet: flags option (4 + 4), end of options (4), trailing length (4). */
    private static final int EPB_TAIL = 16;

    private final int interfaces;
    private final UnsafeBuffer head = new UnsafeBuffer(new byte[EPB_HEAD]);
    private final UnsafeBuffer tail = new UnsafeBuffer(new byte[EPB_TAIL]);

    /**
     * Writes the section header and one interface description per name.
     *
     * @param out        destination; closed by {@link #close()}.
     * @param interfaces interface names; a packet's interface id is its position in this list.
     * @param application what wrote the file ({@code shb_userappl}).
     * @throws IOException on a write error.
     */
    public PcapngWriter(final OutputStream out, final List<String> interfaces, final String application)
        throws IOException
    {
        super(out);
        this.interfaces = interfaces.size();
        final byte[] app = application.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer shb = new UnsafeBuffer(new byte[28 + option(app.length) + 4]);
        int p = begin(shb, BLOCK_SECTION_HEADER);
        shb.putInt(p, BYTE_ORDER_MAGIC, ORDER);
        shb.putShort(p + 4, (short)1, ORDER);
        shb.putShort(p + 6, (short)0, ORDER);
        shb.putLong(p + 8, -1L, ORDER); // section length not given
        p = putOption(shb, p + 16, OPT_SHB_USERAPPL, app);
        end(shb, p);
        // LINKTYPE_IPV4 rather than RAW: libpcap 1.10 maps RAW to another DLT value for the first interface only
        // and then refuses the second interface as a different link type.
        for (final String name : interfaces)
        {
            final byte[] n = name.getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer idb = new UnsafeBuffer(new byte[20 + option(n.length) + option(1) + 4]);
            int q = begin(idb, BLOCK_INTERFACE);
            idb.putShort(q, (short)LinkType.IPV4, ORDER);
            idb.putShort(q + 2, (short)0, ORDER);
            idb.putInt(q + 4, SNAP_LENGTH, ORDER);
            q = putOption(idb, q + 8, OPT_IF_NAME, n);
            q = putOption(idb, q, OPT_IF_TSRESOL, new byte[] {NANOSECONDS});
            end(idb, q);
        }
    }

    private static int option(final int valueLength)
    {
        return 4 + align(valueLength);
    }

    private static int align(final int n)
    {
        return (n + 3) & ~3;
    }

    /** Type and a placeholder length; returns where the body starts. */
    private static int begin(final UnsafeBuffer b, final int type)
    {
        b.putInt(0, type, ORDER);
        b.putInt(4, b.capacity(), ORDER);
        return 8;
    }

    private static int putOption(final UnsafeBuffer b, final int at, final int code, final byte[] value)
    {
        b.putShort(at, (short)code, ORDER);
        b.putShort(at + 2, (short)value.length, ORDER);
        b.putBytes(at + 4, value);
        return at + option(value.length);
    }

    /** End of options and the trailing length, then out with the block. */
    private void end(final UnsafeBuffer b, final int at) throws IOException
    {
        b.putInt(at, OPT_END, ORDER);
        b.putInt(at + 4, b.capacity(), ORDER);
        if (at + 8 != b.capacity())
        {
            throw new IllegalStateException("block length " + b.capacity() + " != " + (at + 8));
        }
        out.write(b.byteArray(), 0, b.capacity());
    }

    /**
     * Appends one IPv4 packet.
     *
     * @param timestampNanos record time, nanoseconds since the epoch.
     * @param interfaceId    position of its interface in the constructor's list.
     * @param direction      {@link #DIRECTION_INBOUND} or {@link #DIRECTION_OUTBOUND} (0: not given).
     * @param buffer         packet bytes.
     * @param offset         start of the IPv4 header in {@code buffer}.
     * @param length         bytes of the packet.
     * @throws IOException on a write error.
     */
    public void writePacket(
        final long timestampNanos,
        final int interfaceId,
        final int direction,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws IOException
    {
        if (interfaceId < 0 || interfaceId >= interfaces)
        {
            throw new IllegalArgumentException("interface id " + interfaceId + " of " + interfaces);
        }
        final int padded = align(length);
        final int blockLength = EPB_HEAD + padded + EPB_TAIL;
        final UnsafeBuffer h = head;
        h.putInt(0, BLOCK_ENHANCED_PACKET, ORDER);
        h.putInt(4, blockLength, ORDER);
        h.putInt(8, interfaceId, ORDER);
        h.putInt(12, (int)(timestampNanos >>> 32), ORDER);
        h.putInt(16, (int)timestampNanos, ORDER);
        h.putInt(20, length, ORDER);
        h.putInt(24, length, ORDER);
        out.write(h.byteArray(), 0, EPB_HEAD);
        writePacketBytes(buffer, offset, length, padded);
        final UnsafeBuffer t = tail;
        t.putShort(0, (short)OPT_EPB_FLAGS, ORDER);
        t.putShort(2, (short)4, ORDER);
        t.putInt(4, direction & 3, ORDER);
        t.putInt(8, OPT_END, ORDER);
        t.putInt(12, blockLength, ORDER);
        out.write(t.byteArray(), 0, EPB_TAIL);
        recordWritten();
    }
}
