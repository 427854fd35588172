package io.natcore.packet;

import io.natcore.pcap.PcapFormatException;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test view of classic pcap files as lists of frames, read with {@link PcapReader} (link types Ethernet with
 * 802.1Q/802.1ad tags, LINUX_SLL, LINUX_SLL2, RAW).
 */
final class TestPcap
{
    /** SLL/SLL2 packet type of a packet the capturing host sent. */
    static final int PACKET_OUTGOING = 4;

    /** One frame: the whole captured bytes, where the IPv4 packet starts (-1 if not IPv4) and its length. */
    record Frame(int index, byte[] data, int ipOffset, int packetType)
    {
        int ipLength()
        {
            return data.length - ipOffset;
        }

        boolean isIpv4()
        {
            return ipOffset >= 0;
        }
    }

    private TestPcap()
    {
    }

    /** Every record of a pcap file; a file cut inside a record ends the list there. */
    static List<Frame> read(final Path file) throws IOException
    {
        final List<Frame> frames = new ArrayList<>();
        final PcapRecord rec = new PcapRecord();
        try (PcapReader reader = PcapReader.open(file))
        {
            while (reader.next(rec))
            {
                final byte[] data = new byte[rec.capturedLength];
                rec.buffer.getBytes(0, data);
                frames.add(new Frame(frames.size(), data, rec.ipOffset, rec.isIpv4() ? rec.packetType : -1));
            }
        }
        catch (final PcapFormatException cut)
        {
            return frames; // corpus files may be cut mid-record: keep what was whole
        }
        return frames;
    }

    static List<Path> files(final Path dir, final String name) throws IOException
    {
        try (var s = Files.walk(dir))
        {
            return s.filter(p -> p.getFileName().toString().endsWith(name)).sorted().toList();
        }
    }

    /** The IPv4 packet (IP header onwards) of every IPv4 frame of every pcap file under the traces and the corpus. */
    static List<byte[]> capturedIpv4Packets() throws IOException
    {
        final List<byte[]> packets = new ArrayList<>();
        for (final Path dir : new Path[] {CapturedPacketsTest.TRACES, CapturedPacketsTest.CORPUS})
        {
            for (final Path file : files(dir, ".pcap"))
            {
                for (final Frame f : read(file))
                {
                    if (f.isIpv4() && f.ipLength() > 0)
                    {
                        final byte[] ip = new byte[f.ipLength()];
                        System.arraycopy(f.data(), f.ipOffset(), ip, 0, ip.length);
                        packets.add(ip);
                    }
                }
            }
        }
        return packets;
    }
}
