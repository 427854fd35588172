/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import io.natcore.packet.Ipv4Header;
import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The IPv4 packets a NAT box sent in a lab capture (LINUX_SLL2, packet type 4), as hex, sorted, for comparing two
 * boxes fed the same hand-made packets. The identification of an ICMP error (TOS 0xc0: written by the box, or by
 * a server and forwarded) is its writer's own counter, different in every run, so it and the header checksum
 * that covers it are blanked.
 */
final class SentPackets
{
    private SentPackets()
    {
    }

    static List<String> of(final Path pcap) throws Exception
    {
        final List<String> out = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(pcap))
        {
            final PcapRecord rec = new PcapRecord();
            while (reader.next(rec))
            {
                if (!rec.isIpv4() || !rec.isOutgoing())
                {
                    continue;
                }
                final byte[] ip = new byte[rec.ipLength];
                rec.buffer.getBytes(rec.ipOffset, ip);
                if (ip.length >= Ipv4Header.MIN_LENGTH && (ip[Ipv4Header.TOS_OFFSET] & 0xFF) == 0xC0 &&
                    ip[Ipv4Header.PROTOCOL_OFFSET] == 1)
                {
                    ip[Ipv4Header.ID_OFFSET] = 0;
                    ip[Ipv4Header.ID_OFFSET + 1] = 0;
                    ip[Ipv4Header.CHECKSUM_OFFSET] = 0;
                    ip[Ipv4Header.CHECKSUM_OFFSET + 1] = 0;
                }
                final StringBuilder hex = new StringBuilder(ip.length * 2);
                for (final byte b : ip)
                {
                    hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
                out.add(hex.toString());
            }
        }
        Collections.sort(out);
        return out;
    }
}
