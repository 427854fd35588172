package io.natcore.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader of classic pcap files: finds the IPv4 packet in each frame for link types Ethernet
 * (1, with 802.1Q/802.1ad tags), LINUX_SLL (113), LINUX_SLL2 (276) and RAW (101, 228).
 */
final class TestPcap
{
    static final int LINK_ETHERNET = 1;
    static final int LINK_RAW = 101;
    static final int LINK_SLL = 113;
    static final int LINK_IPV4 = 228;
    static final int LINK_SLL2 = 276;
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

    static List<Frame> read(final Path file) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        final int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1)
        {
            b.order(ByteOrder.LITTLE_ENDIAN);
        }
        else if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D)
        {
            throw new IOException("not a classic pcap: " + file);
        }
        final int linkType = b.getInt(20) & 0xFFFF;
        final List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.capacity())
        {
            final int capLen = b.getInt(at + 8);
            at += 16;
            if (capLen < 0 || at + capLen > b.capacity())
            {
                break; // cut file
            }
            final byte[] data = new byte[capLen];
            b.get(at, data);
            at += capLen;
            frames.add(frame(frames.size(), linkType, data));
        }
        return frames;
    }

    private static Frame frame(final int index, final int linkType, final byte[] d)
    {
        final ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.BIG_ENDIAN);
        switch (linkType)
        {
            case LINK_SLL2:
                if (d.length < 20)
                {
                    return new Frame(index, d, -1, -1);
                }
                return new Frame(index, d, (b.getShort(0) & 0xFFFF) == 0x0800 ? 20 : -1, d[10] & 0xFF);
            case LINK_SLL:
                if (d.length < 16)
                {
                    return new Frame(index, d, -1, -1);
                }
                return new Frame(index, d, (b.getShort(14) & 0xFFFF) == 0x0800 ? 16 : -1, b.getShort(0) & 0xFFFF);
            case LINK_IPV4:
                return new Frame(index, d, 0, -1); // IPv4 by link type: a bad version is the parser's to find
            case LINK_RAW:
                return new Frame(index, d, d.length > 0 && (d[0] & 0xF0) == 0x40 ? 0 : -1, -1);
            case LINK_ETHERNET:
                int at = 12;
                while (at + 2 <= d.length)
                {
                    final int type = b.getShort(at) & 0xFFFF;
                    if (type == 0x8100 || type == 0x88A8 || type == 0x9100)
                    {
                        at += 4;
                        continue;
                    }
                    return new Frame(index, d, type == 0x0800 ? at + 2 : -1, -1);
                }
                return new Frame(index, d, -1, -1);
            default:
                return new Frame(index, d, -1, -1);
        }
    }

    static List<Path> files(final Path dir, final String name) throws IOException
    {
        try (var s = Files.walk(dir))
        {
            return s.filter(p -> p.getFileName().toString().endsWith(name)).sorted().toList();
        }
    }
}
