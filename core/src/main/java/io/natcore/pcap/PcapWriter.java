/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes a classic pcap file of link type LINUX_SLL2, little-endian with nanosecond
 * timestamps, one IPv4 packet per record. Header bytes and the copy buffer are reused, so
 * writing does not allocate per packet (beyond growing the copy buffer for a larger packet).
 * Not thread-safe.
 */
public final class PcapWriter extends CaptureWriter
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int SNAP_LENGTH = 262_144;
    private static final ByteOrder FILE_ORDER = ByteOrder.LITTLE_ENDIAN;

    private final UnsafeBuffer header =
        new UnsafeBuffer(new byte[PcapFileHeader.RECORD_HEADER_LENGTH + Sll2Header.LENGTH]);

    /**
     * Writes the file header.
     *
     * @param out destination; closed by {@link #close()}.
     * @throws IOException on a write error.
     */
    public PcapWriter(final OutputStream out) throws IOException
    {
        super(out);
        final UnsafeBuffer h = new UnsafeBuffer(new byte[PcapFileHeader.LENGTH]);
        h.putInt(PcapFileHeader.MAGIC_OFFSET, PcapFileHeader.MAGIC_NANOS, FILE_ORDER);
        h.putShort(PcapFileHeader.VERSION_MAJOR_OFFSET, (short)2, FILE_ORDER);
        h.putShort(PcapFileHeader.VERSION_MINOR_OFFSET, (short)4, FILE_ORDER);
        h.putInt(PcapFileHeader.THISZONE_OFFSET, 0, FILE_ORDER);
        h.putInt(PcapFileHeader.SIGFIGS_OFFSET, 0, FILE_ORDER);
        h.putInt(PcapFileHeader.SNAPLEN_OFFSET, SNAP_LENGTH, FILE_ORDER);
        h.putInt(PcapFileHeader.LINK_TYPE_OFFSET, LinkType.LINUX_SLL2, FILE_ORDER);
        this.out.write(h.byteArray(), 0, PcapFileHeader.LENGTH);
    }

    /**
     * Creates (or truncates) a file and writes the file header.
     *
     * @param path the file.
     * @return the writer.
     * @throws IOException if the file cannot be written.
     */
    public static PcapWriter create(final Path path) throws IOException
    {
        return new PcapWriter(Files.newOutputStream(path));
    }

    /**
     * Appends one IPv4 packet behind a LINUX_SLL2 header.
     *
     * @param timestampNanos record time, nanoseconds since the epoch.
     * @param ifIndex        interface index for the SLL2 header.
     * @param packetType     SLL2 packet type ({@link Sll2Header#PACKET_OUTGOING} for sent).
     * @param buffer         packet bytes.
     * @param offset         start of the IPv4 header in {@code buffer}.
     * @param length         bytes of the packet.
     * @throws IOException on a write error.
     */
    public void writeSll2(
        final long timestampNanos,
        final int ifIndex,
        final int packetType,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws IOException
    {
        final int recordLength = Sll2Header.LENGTH + length;
        final UnsafeBuffer h = header;
        h.putInt(PcapFileHeader.TS_SEC_OFFSET, (int)(timestampNanos / 1_000_000_000L), FILE_ORDER);
        h.putInt(PcapFileHeader.TS_FRACTION_OFFSET, (int)(timestampNanos % 1_000_000_000L), FILE_ORDER);
        h.putInt(PcapFileHeader.CAPTURED_LENGTH_OFFSET, recordLength, FILE_ORDER);
        h.putInt(PcapFileHeader.ORIGINAL_LENGTH_OFFSET, recordLength, FILE_ORDER);
        final int s = PcapFileHeader.RECORD_HEADER_LENGTH;
        h.putShort(s + Sll2Header.PROTOCOL_OFFSET, (short)ETHERTYPE_IPV4, ByteOrder.BIG_ENDIAN);
        h.putShort(s + Sll2Header.RESERVED_OFFSET, (short)0, ByteOrder.BIG_ENDIAN);
        h.putInt(s + Sll2Header.IFINDEX_OFFSET, ifIndex, ByteOrder.BIG_ENDIAN);
        h.putShort(s + Sll2Header.ARPHRD_OFFSET, (short)Sll2Header.ARPHRD_ETHER, ByteOrder.BIG_ENDIAN);
        h.putByte(s + Sll2Header.PACKET_TYPE_OFFSET, (byte)packetType);
        // No link-layer address: the engine never sees one.
        h.putByte(s + Sll2Header.ADDRESS_LENGTH_OFFSET, (byte)0);
        h.putLong(s + Sll2Header.ADDRESS_OFFSET, 0L);
        out.write(h.byteArray(), 0, s + Sll2Header.LENGTH);
        writePacketBytes(buffer, offset, length, length);
        recordWritten();
    }
}
