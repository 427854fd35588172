/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PcapReaderTest
{
    private static final Path TRACES = Path.of("../it/src/test/resources/traces");
    private static final Path CORPUS = Path.of("src/test/resources/corpus");

    private static PcapReader reader(final byte[] file) throws Exception
    {
        return new PcapReader(new ByteArrayInputStream(file), "test.pcap");
    }

    private static PcapRecord first(final byte[] file) throws Exception
    {
        final PcapRecord rec = new PcapRecord();
        try (PcapReader r = reader(file))
        {
            assertTrue(r.next(rec));
        }
        return rec;
    }

    private static byte[] sll2(final int ifIndex, final int packetType, final int protocol)
    {
        final byte[] h = new byte[20];
        h[0] = (byte)(protocol >> 8);
        h[1] = (byte)protocol;
        h[4] = (byte)(ifIndex >>> 24);
        h[5] = (byte)(ifIndex >>> 16);
        h[6] = (byte)(ifIndex >>> 8);
        h[7] = (byte)ifIndex;
        h[9] = 1;
        h[10] = (byte)packetType;
        h[11] = 6;
        return h;
    }

    @Test
    void readsTheKernelTraceRecordByRecordAsTcpdumpShowsIt() throws Exception
    {
        // tcpdump -tt -r 05-.../trace.pcap: first record 1795667161.827858, "In ifindex 2", 80 bytes on the wire.
        final byte[] file = Files.readAllBytes(TRACES.resolve("05-reverse-dnat-to-onprem/trace.pcap"));
        final PcapRecord rec = new PcapRecord();
        try (PcapReader r = reader(file))
        {
            assertEquals(LinkType.LINUX_SLL2, r.linkType());
            assertEquals(ByteOrder.LITTLE_ENDIAN, r.byteOrder());
            assertFalse(r.isNanosecond());
            assertTrue(r.next(rec));
            assertEquals(1, rec.number);
            assertEquals(1_795_667_161_827_858_000L, rec.timestampNanos);
            assertEquals(2, rec.ifIndex);
            assertEquals(0, rec.packetType);
            assertFalse(rec.isOutgoing());
            assertEquals(20, rec.ipOffset);
            assertEquals(60, rec.ipLength);
            assertEquals(80, rec.capturedLength);
            assertEquals(80, rec.originalLength);
            assertEquals(0x45, rec.buffer.getByte(rec.ipOffset) & 0xFF);
            assertTrue(r.next(rec));
            assertTrue(rec.isOutgoing(), "record 2 is the kernel's 'Out'");
            int n = 2;
            while (r.next(rec))
            {
                n++;
            }
            assertEquals(82, n); // tcpdump -r ... | wc -l
        }
    }

    @Test
    void readsBigEndianMicrosecondFiles() throws Exception
    {
        final byte[] file = new PcapBuilder(true, false, LinkType.LINUX_SLL2)
            .record(100, 999_999, PcapBuilder.concat(sll2(7, 4, 0x0800), PcapBuilder.ipv4())).bytes();
        try (PcapReader r = reader(file))
        {
            assertEquals(ByteOrder.BIG_ENDIAN, r.byteOrder());
            final PcapRecord rec = new PcapRecord();
            assertTrue(r.next(rec));
            assertEquals(100_999_999_000L, rec.timestampNanos);
            assertEquals(7, rec.ifIndex);
            assertTrue(rec.isOutgoing());
            assertEquals(20, rec.ipOffset);
            assertFalse(r.next(rec));
        }
    }

    @Test
    void readsLittleEndianNanosecondFiles() throws Exception
    {
        final PcapRecord rec = first(new PcapBuilder(false, true, LinkType.IPV4).record(3, 123_456_789, PcapBuilder.ipv4()).bytes());
        assertEquals(3_123_456_789L, rec.timestampNanos);
        assertEquals(0, rec.ipOffset);
        assertEquals(28, rec.ipLength);
        assertEquals(-1, rec.ifIndex);
    }

    @Test
    void readsBigEndianNanosecondFiles() throws Exception
    {
        final PcapRecord rec = first(new PcapBuilder(true, true, LinkType.RAW).record(1, 5, PcapBuilder.ipv4()).bytes());
        assertEquals(1_000_000_005L, rec.timestampNanos);
        assertEquals(0, rec.ipOffset);
    }

    @Test
    void linuxSllGivesPacketTypeAndNoInterface() throws Exception
    {
        final byte[] sll = PcapBuilder.hex("0004" + "0001" + "0006" + "0011223344550000" + "0800");
        final PcapRecord rec = first(new PcapBuilder(false, false, LinkType.LINUX_SLL)
            .record(0, 0, PcapBuilder.concat(sll, PcapBuilder.ipv4())).bytes());
        assertEquals(16, rec.ipOffset);
        assertEquals(4, rec.packetType);
        assertTrue(rec.isOutgoing());
        assertEquals(-1, rec.ifIndex);
    }

    @Test
    void linuxSllCarryingIpv6IsNotIpv4() throws Exception
    {
        final byte[] sll = PcapBuilder.hex("0000" + "0001" + "0006" + "0011223344550000" + "86dd");
        final PcapRecord rec = first(new PcapBuilder(false, false, LinkType.LINUX_SLL)
            .record(0, 0, PcapBuilder.concat(sll, new byte[40])).bytes());
        assertFalse(rec.isIpv4());
        assertEquals(0x86DD, rec.etherType);
    }

    @Test
    void ethernetUntaggedSingleTaggedAndQinQ() throws Exception
    {
        final byte[] macs = new byte[12];
        final byte[] plain = PcapBuilder.concat(macs, PcapBuilder.hex("0800"), PcapBuilder.ipv4());
        final byte[] dot1q = PcapBuilder.concat(macs, PcapBuilder.hex("8100" + "0064" + "0800"), PcapBuilder.ipv4());
        final byte[] qinq = PcapBuilder.concat(macs, PcapBuilder.hex("88a8" + "00c8" + "8100" + "07d1" + "0800"), PcapBuilder.ipv4());
        final byte[] arp = PcapBuilder.concat(macs, PcapBuilder.hex("0806"), new byte[28]);
        final byte[] file = new PcapBuilder(false, false, LinkType.ETHERNET)
            .record(0, 0, plain).record(0, 0, dot1q).record(0, 0, qinq).record(0, 0, arp).bytes();
        try (PcapReader r = reader(file))
        {
            final PcapRecord rec = new PcapRecord();
            assertTrue(r.next(rec));
            assertEquals(14, rec.ipOffset);
            assertEquals(0, rec.vlanTags);
            assertTrue(r.next(rec));
            assertEquals(18, rec.ipOffset);
            assertEquals(1, rec.vlanTags);
            assertTrue(r.next(rec));
            assertEquals(22, rec.ipOffset);
            assertEquals(2, rec.vlanTags);
            assertEquals(28, rec.ipLength);
            assertTrue(r.next(rec));
            assertFalse(rec.isIpv4());
            assertEquals(0x0806, rec.etherType);
        }
    }

    @Test
    void realQinQCapturesFromTheCorpus() throws Exception
    {
        // tcpdump -e: zeek/q-in-q.pcap is 802.1Q + 802.1Q + IPv4; tcpdump/802.1ad_QinQ.pcap is 802.1ad + 802.1Q + ARP.
        final PcapRecord rec = first(Files.readAllBytes(CORPUS.resolve("zeek/q-in-q.pcap")));
        assertEquals(22, rec.ipOffset);
        assertEquals(2, rec.vlanTags);
        final PcapRecord arp = first(Files.readAllBytes(CORPUS.resolve("tcpdump/802.1ad_QinQ.pcap")));
        assertFalse(arp.isIpv4());
        assertEquals(2, arp.vlanTags);
        assertEquals(0x0806, arp.etherType);
    }

    @Test
    void rawLinkTypeTellsIpv4FromIpv6ByTheVersionNibble() throws Exception
    {
        final byte[] v6 = new byte[40];
        v6[0] = 0x60;
        final byte[] file = new PcapBuilder(false, false, LinkType.RAW).record(0, 0, PcapBuilder.ipv4()).record(0, 0, v6).bytes();
        try (PcapReader r = reader(file))
        {
            final PcapRecord rec = new PcapRecord();
            assertTrue(r.next(rec));
            assertEquals(0, rec.ipOffset);
            assertTrue(r.next(rec));
            assertFalse(rec.isIpv4());
        }
    }

    @Test
    void bsdLoopbackAddressFamily() throws Exception
    {
        final PcapRecord rec = first(new PcapBuilder(false, false, LinkType.NULL)
            .record(0, 0, PcapBuilder.concat(PcapBuilder.hex("02000000"), PcapBuilder.ipv4())).bytes());
        assertEquals(4, rec.ipOffset);
    }

    @Test
    void recordsCutByTheSnapLengthKeepBothLengths() throws Exception
    {
        final PcapRecord rec = first(new PcapBuilder(false, false, LinkType.IPV4).record(0, 0, PcapBuilder.ipv4(), 1500).bytes());
        assertEquals(28, rec.capturedLength);
        assertEquals(1500, rec.originalLength);
        assertTrue(rec.isTruncated());
    }

    @Test
    void aFileCutInsideARecordIsAClearError() throws Exception
    {
        final byte[] whole = Files.readAllBytes(TRACES.resolve("05-reverse-dnat-to-onprem/trace.pcap"));
        // Record 1: header at 24, 80 bytes of data; record 2's header at 120, its data at 136.
        final byte[] cut = Arrays.copyOf(whole, 150);
        final PcapRecord rec = new PcapRecord();
        try (PcapReader r = reader(cut))
        {
            assertTrue(r.next(rec));
            final PcapFormatException ex = assertThrows(PcapFormatException.class, () -> r.next(rec));
            assertTrue(ex.getMessage().contains("truncated file: record 2 at byte offset 120 claims 80 captured bytes " +
                "but the file ends after 14"), ex.getMessage());
        }
    }

    @Test
    void aFileCutInsideARecordHeaderIsAClearError() throws Exception
    {
        final byte[] whole = Files.readAllBytes(TRACES.resolve("05-reverse-dnat-to-onprem/trace.pcap"));
        final byte[] cut = Arrays.copyOf(whole, 24 + 16 + 80 + 5);
        final PcapRecord rec = new PcapRecord();
        try (PcapReader r = reader(cut))
        {
            assertTrue(r.next(rec));
            final PcapFormatException ex = assertThrows(PcapFormatException.class, () -> r.next(rec));
            assertTrue(ex.getMessage().contains("ends inside the header of record 2"), ex.getMessage());
        }
    }

    @Test
    void headerProblemsAreNamed()
    {
        assertTrue(assertThrows(PcapFormatException.class, () -> reader(new byte[0])).getMessage().contains("not a pcap file"));
        assertTrue(assertThrows(PcapFormatException.class, () -> reader(new byte[24])).getMessage().contains("magic number"));
        final byte[] pcapng = PcapBuilder.concat(PcapBuilder.hex("0a0d0d0a"), new byte[20]);
        assertTrue(assertThrows(PcapFormatException.class, () -> reader(pcapng)).getMessage().contains("pcapng"));
        final byte[] wifi = new PcapBuilder(false, false, 105).bytes();
        assertTrue(assertThrows(PcapFormatException.class, () -> reader(wifi)).getMessage().contains("unsupported link type 105"));
    }

    @Test
    void anImplausibleCapturedLengthIsAnError() throws Exception
    {
        final byte[] file = new PcapBuilder(false, false, LinkType.IPV4).record(0, 0, new byte[0]).bytes();
        file[24 + 8] = (byte)0xFF;
        file[24 + 11] = (byte)0x7F; // captured length 0x7F0000FF
        final PcapRecord rec = new PcapRecord();
        try (PcapReader r = reader(file))
        {
            assertTrue(assertThrows(PcapFormatException.class, () -> r.next(rec)).getMessage().contains("corrupt"));
        }
    }

    @Test
    void writerOutputIsLinuxSll2OutgoingAndReadsBack() throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] ip = PcapBuilder.ipv4();
        try (PcapWriter w = new PcapWriter(bytes))
        {
            final UnsafeBuffer b = new UnsafeBuffer(PcapBuilder.concat(new byte[3], ip));
            w.writeSll2(1_795_667_161_827_858_123L, 2, Sll2Header.PACKET_OUTGOING, b, 3, ip.length);
            w.writeSll2(1_795_667_162_000_000_001L, 300, Sll2Header.PACKET_OUTGOING, b, 3, 20);
        }
        final byte[] file = bytes.toByteArray();
        // Layout by hand: nanosecond magic (little-endian), link type 276 at 20, SLL2 after the 16-byte record header.
        assertArrayEquals(PcapBuilder.hex("4d3cb2a1"), Arrays.copyOf(file, 4));
        assertArrayEquals(PcapBuilder.hex("14010000"), Arrays.copyOfRange(file, 20, 24));
        assertArrayEquals(PcapBuilder.hex("0800" + "0000" + "00000002" + "0001" + "04"), Arrays.copyOfRange(file, 40, 51));
        assertArrayEquals(ip, Arrays.copyOfRange(file, 60, 60 + ip.length));
        try (PcapReader r = reader(file))
        {
            assertTrue(r.isNanosecond());
            final PcapRecord rec = new PcapRecord();
            assertTrue(r.next(rec));
            assertEquals(1_795_667_161_827_858_123L, rec.timestampNanos);
            assertEquals(2, rec.ifIndex);
            assertTrue(rec.isOutgoing());
            final byte[] got = new byte[rec.ipLength];
            rec.buffer.getBytes(rec.ipOffset, got);
            assertArrayEquals(ip, got);
            assertTrue(r.next(rec));
            assertEquals(300, rec.ifIndex);
            assertEquals(20, rec.ipLength);
            assertFalse(r.next(rec));
        }
    }

    @Test
    void readingRecordsDoesNotAllocatePerRecord() throws Exception
    {
        final byte[] file = Files.readAllBytes(TRACES.resolve("11-many-flows/trace.pcap"));
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long id = Thread.currentThread().getId();
        long records = 0;
        long allocated = 0;
        for (int round = 0; round < 5; round++)
        {
            try (PcapReader r = reader(file))
            {
                final PcapRecord rec = new PcapRecord();
                while (r.next(rec)) // warm the first record up, so the buffer has grown
                {
                    if (rec.number == 1)
                    {
                        allocated = threads.getThreadAllocatedBytes(id);
                    }
                    records = rec.number;
                }
                allocated = threads.getThreadAllocatedBytes(id) - allocated;
            }
        }
        assertEquals(3966, records);
        assertTrue(allocated < 16 * 1024, "reading " + records + " records allocated " + allocated + " bytes");
    }
}
