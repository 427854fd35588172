/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pcap record as decoded by {@link PcapReader#next(PcapRecord)}: a mutable holder reused
 * for every record (plain fields, single thread). {@link #buffer} holds the record's bytes at
 * offset 0; the IPv4 packet, if any, is at {@link #ipOffset} for {@link #ipLength} bytes
 * (everything captured after the link-layer header, trailer included).
 */
public final class PcapRecord
{
    /** Record number in the file, 1-based. */
    public long number;
    /** Byte offset of this record's header in the file. */
    public long fileOffset;
    /** Timestamp in nanoseconds since the epoch (microsecond files are scaled). */
    public long timestampNanos;
    /** Bytes present in the file for this record. */
    public int capturedLength;
    /** Bytes the packet had on the wire. */
    public int originalLength;
    /** Link type of the file. */
    public int linkType;
    /** Interface index from a LINUX_SLL2 header, else -1. */
    public int ifIndex = -1;
    /** LINUX_SLL / LINUX_SLL2 packet type (4 = sent by the capturing host), else 0. */
    public int packetType;
    /** EtherType of the payload after the link-layer header (and VLAN tags), or -1 if unknown. */
    public int etherType = -1;
    /** Number of VLAN tags skipped (Ethernet only). */
    public int vlanTags;
    /** Offset of the IPv4 header in {@link #buffer}, or -1 if the record holds no IPv4 packet. */
    public int ipOffset = -1;
    /** Bytes from {@link #ipOffset} to the end of the captured data, or 0. */
    public int ipLength;
    /** The record's bytes at offset 0; valid until the next call to {@code next}. */
    public final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    /**
     * @return true if the record carries an IPv4 packet.
     */
    public boolean isIpv4()
    {
        return ipOffset >= 0;
    }

    /**
     * @return true if a cooked capture marked the packet as sent by the capturing host.
     */
    public boolean isOutgoing()
    {
        return packetType == Sll2Header.PACKET_OUTGOING &&
            (linkType == LinkType.LINUX_SLL2 || linkType == LinkType.LINUX_SLL);
    }

    /**
     * @return true if the capture cut the packet short.
     */
    public boolean isTruncated()
    {
        return capturedLength < originalLength;
    }
}
