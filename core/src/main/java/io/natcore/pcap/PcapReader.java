/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Streaming reader of classic pcap files: either byte order, microsecond or nanosecond
 * timestamps, link types Ethernet (with 802.1Q/802.1ad tags), LINUX_SLL, LINUX_SLL2, RAW,
 * IPV4, NULL and LOOP. Finds the IPv4 packet inside each record.
 * <p>
 * One record buffer is reused (grown only when a larger record arrives), so reading does not
 * allocate per packet. Not thread-safe. A file that breaks the format gives a
 * {@link PcapFormatException} naming the record and byte offset; bad packets inside a
 * well-formed file are not errors here (the packet parser judges them).
 */
public final class PcapReader implements Closeable
{
    /** Largest record accepted; anything bigger means a corrupt length field. */
    public static final int MAX_RECORD_LENGTH = 64 * 1024 * 1024;
    private static final int MAX_VLAN_TAGS = 8;
    private static final int AF_INET = 2;

    private final InputStream in;
    private final String name;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final int snapLength;
    private final int versionMajor;
    private final int versionMinor;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[PcapFileHeader.LENGTH]);
    private byte[] data = new byte[2048];
    private long position;
    private long records;

    /**
     * Reads the file header.
     *
     * @param in   the pcap bytes; closed by {@link #close()}.
     * @param name file name for messages.
     * @throws IOException         on a read error.
     * @throws PcapFormatException if the header is not a classic pcap header this reader supports.
     */
    public PcapReader(final InputStream in, final String name) throws IOException, PcapFormatException
    {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        this.name = name;
        final byte[] h = header.byteArray();
        final int n = readFully(h, 0, PcapFileHeader.LENGTH);
        if (n < PcapFileHeader.LENGTH)
        {
            throw new PcapFormatException(name + ": not a pcap file: " + n +
                " bytes, the pcap file header alone needs " + PcapFileHeader.LENGTH);
        }
        position = PcapFileHeader.LENGTH;
        final int magicLe = header.getInt(PcapFileHeader.MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int magicBe = header.getInt(PcapFileHeader.MAGIC_OFFSET, ByteOrder.BIG_ENDIAN);
        if (magicLe == PcapFileHeader.MAGIC_MICROS || magicLe == PcapFileHeader.MAGIC_NANOS)
        {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = magicLe == PcapFileHeader.MAGIC_NANOS;
        }
        else if (magicBe == PcapFileHeader.MAGIC_MICROS || magicBe == PcapFileHeader.MAGIC_NANOS)
        {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magicBe == PcapFileHeader.MAGIC_NANOS;
        }
        else if (magicBe == PcapFileHeader.MAGIC_PCAPNG)
        {
            throw new PcapFormatException(name + ": this is a pcapng file; only classic pcap is read " +
                "(convert with: editcap -F pcap IN OUT)");
        }
        else
        {
            throw new PcapFormatException(name + ": not a pcap file (magic number 0x" +
                Integer.toHexString(magicBe) + " is neither 0xa1b2c3d4 nor 0xa1b23c4d in either byte order)");
        }
        versionMajor = header.getShort(PcapFileHeader.VERSION_MAJOR_OFFSET, order) & 0xFFFF;
        versionMinor = header.getShort(PcapFileHeader.VERSION_MINOR_OFFSET, order) & 0xFFFF;
        snapLength = header.getInt(PcapFileHeader.SNAPLEN_OFFSET, order);
        // The upper 16 bits may carry FCS flags (pcap-linktype(7)); the type is the low 16.
        linkType = header.getInt(PcapFileHeader.LINK_TYPE_OFFSET, order) & 0xFFFF;
        if (versionMajor != 2)
        {
            throw new PcapFormatException(name + ": unsupported pcap version " + versionMajor + "." +
                versionMinor + " (expected 2.x)");
        }
        if (!LinkType.isSupported(linkType))
        {
            throw new PcapFormatException(name + ": unsupported link type " + linkType +
                " (supported: ETHERNET 1, RAW 101, IPV4 228, LINUX_SLL 113, LINUX_SLL2 276, NULL 0, LOOP 108)");
        }
    }

    /**
     * Opens a file.
     *
     * @param path the file.
     * @return a reader positioned at the first record.
     * @throws IOException         if the file cannot be read.
     * @throws PcapFormatException if the header is not valid.
     */
    public static PcapReader open(final Path path) throws IOException, PcapFormatException
    {
        final InputStream in = Files.newInputStream(path);
        try
        {
            return new PcapReader(in, path.toString());
        }
        catch (final IOException | PcapFormatException | RuntimeException ex)
        {
            in.close();
            throw ex;
        }
    }

    /**
     * @return the file's link type.
     */
    public int linkType()
    {
        return linkType;
    }

    /**
     * @return the byte order the file was written in.
     */
    public ByteOrder byteOrder()
    {
        return order;
    }

    /**
     * @return true if the timestamps are in nanoseconds.
     */
    public boolean isNanosecond()
    {
        return nanos;
    }

    /**
     * @return the snap length from the file header.
     */
    public int snapLength()
    {
        return snapLength;
    }

    /**
     * Reads the next record into {@code rec}, reusing its buffer.
     *
     * @param rec holder to fill.
     * @return false at the clean end of the file.
     * @throws IOException         on a read error.
     * @throws PcapFormatException if the file ends inside a record or a length is implausible.
     */
    public boolean next(final PcapRecord rec) throws IOException, PcapFormatException
    {
        final byte[] h = header.byteArray();
        final int n = readFully(h, 0, PcapFileHeader.RECORD_HEADER_LENGTH);
        if (n == 0)
        {
            return false;
        }
        final long recordNumber = records + 1;
        if (n < PcapFileHeader.RECORD_HEADER_LENGTH)
        {
            throw new PcapFormatException(name + ": truncated file: it ends inside the header of record " +
                recordNumber + " at byte offset " + position + " (" + n + " of " +
                PcapFileHeader.RECORD_HEADER_LENGTH + " bytes)");
        }
        final long seconds = header.getInt(PcapFileHeader.TS_SEC_OFFSET, order) & 0xFFFF_FFFFL;
        final long fraction = header.getInt(PcapFileHeader.TS_FRACTION_OFFSET, order) & 0xFFFF_FFFFL;
        final long capturedLength = header.getInt(PcapFileHeader.CAPTURED_LENGTH_OFFSET, order) & 0xFFFF_FFFFL;
        final long originalLength = header.getInt(PcapFileHeader.ORIGINAL_LENGTH_OFFSET, order) & 0xFFFF_FFFFL;
        if (capturedLength > MAX_RECORD_LENGTH)
        {
            throw new PcapFormatException(name + ": record " + recordNumber + " at byte offset " + position +
                " claims " + capturedLength + " captured bytes (limit " + MAX_RECORD_LENGTH +
                "): the file is corrupt");
        }
        final int length = (int)capturedLength;
        if (data.length < length)
        {
            data = new byte[Math.max(length, data.length * 2)];
        }
        final int got = readFully(data, 0, length);
        if (got < length)
        {
            throw new PcapFormatException(name + ": truncated file: record " + recordNumber + " at byte offset " +
                position + " claims " + length + " captured bytes but the file ends after " + got);
        }
        rec.fileOffset = position;
        position += PcapFileHeader.RECORD_HEADER_LENGTH + length;
        records = recordNumber;

        rec.number = recordNumber;
        rec.timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        rec.capturedLength = length;
        rec.originalLength = (int)Math.min(originalLength, Integer.MAX_VALUE);
        rec.linkType = linkType;
        if (rec.buffer.byteArray() != data)
        {
            rec.buffer.wrap(data);
        }
        decodeLinkLayer(rec);
        return true;
    }

    @Override
    public void close() throws IOException
    {
        in.close();
    }

    private void decodeLinkLayer(final PcapRecord rec)
    {
        final UnsafeBuffer b = rec.buffer;
        final int len = rec.capturedLength;
        rec.ifIndex = -1;
        rec.packetType = 0;
        rec.etherType = -1;
        rec.vlanTags = 0;
        int ip = -1;
        switch (linkType)
        {
            case LinkType.LINUX_SLL2:
                if (len >= Sll2Header.LENGTH)
                {
                    rec.etherType = b.getShort(Sll2Header.PROTOCOL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    rec.ifIndex = b.getInt(Sll2Header.IFINDEX_OFFSET, ByteOrder.BIG_ENDIAN);
                    rec.packetType = b.getByte(Sll2Header.PACKET_TYPE_OFFSET) & 0xFF;
                    ip = rec.etherType == EthernetHeader.ETHERTYPE_IPV4 ? Sll2Header.LENGTH : -1;
                }
                break;

            case LinkType.LINUX_SLL:
                if (len >= SllHeader.LENGTH)
                {
                    rec.etherType = b.getShort(SllHeader.PROTOCOL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    rec.packetType = b.getShort(SllHeader.PACKET_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    ip = rec.etherType == EthernetHeader.ETHERTYPE_IPV4 ? SllHeader.LENGTH : -1;
                }
                break;

            case LinkType.ETHERNET:
                ip = decodeEthernet(rec, b, len);
                break;

            case LinkType.RAW:
                // LINKTYPE_RAW may carry IPv6; anything else goes to the IPv4 parser to judge.
                if (len >= 1 && (b.getByte(0) & 0xF0) != 0x60)
                {
                    ip = 0;
                    rec.etherType = EthernetHeader.ETHERTYPE_IPV4;
                }
                break;

            case LinkType.IPV4:
                ip = 0;
                rec.etherType = EthernetHeader.ETHERTYPE_IPV4;
                break;

            case LinkType.NULL:
            case LinkType.LOOP:
                if (len >= 4)
                {
                    // NULL stores the family in the capturing host's order, which need not be the file's.
                    final boolean inet = linkType == LinkType.LOOP ?
                        b.getInt(0, ByteOrder.BIG_ENDIAN) == AF_INET :
                        b.getInt(0, ByteOrder.BIG_ENDIAN) == AF_INET || b.getInt(0, ByteOrder.LITTLE_ENDIAN) == AF_INET;
                    if (inet)
                    {
                        ip = 4;
                        rec.etherType = EthernetHeader.ETHERTYPE_IPV4;
                    }
                }
                break;

            default:
                break;
        }
        rec.ipOffset = ip;
        rec.ipLength = ip >= 0 ? len - ip : 0;
    }

    private static int decodeEthernet(final PcapRecord rec, final UnsafeBuffer b, final int len)
    {
        int typeOffset = EthernetHeader.ETHERTYPE_OFFSET;
        if (len < typeOffset + 2)
        {
            return -1;
        }
        int etherType = b.getShort(typeOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int tags = 0;
        while (EthernetHeader.isVlanTag(etherType) && tags < MAX_VLAN_TAGS &&
            typeOffset + EthernetHeader.VLAN_TAG_LENGTH + 2 <= len)
        {
            typeOffset += EthernetHeader.VLAN_TAG_LENGTH;
            etherType = b.getShort(typeOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            tags++;
        }
        rec.etherType = etherType;
        rec.vlanTags = tags;
        return etherType == EthernetHeader.ETHERTYPE_IPV4 ? typeOffset + 2 : -1;
    }

    private int readFully(final byte[] dst, final int off, final int len) throws IOException
    {
        int total = 0;
        while (total < len)
        {
            final int r = in.read(dst, off + total, len - total);
            if (r < 0)
            {
                break;
            }
            total += r;
        }
        return total;
    }
}
