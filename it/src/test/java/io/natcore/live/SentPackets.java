/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import io.natcore.packet.IpProtocol;
import io.natcore.packet.Ipv4Header;
import io.natcore.replay.TestCaptures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The IPv4 packets a NAT box sent in a lab capture (LINUX_SLL2, packet type 4), as hex, sorted, for comparing two
 * boxes fed the same hand-made packets. What a host's own stack wrote carries that host's identification counter,
 * different in every run, so the identification and the header checksum that covers it are blanked for: an ICMP
 * error (TOS 0xc0: written by the box, or by a server and forwarded), a packet with DF set (Linux's path MTU
 * discovery: a server's reply), and a DF packet quoted inside an ICMP error. Hand-made packets (DF clear) keep
 * theirs, and the NAT box never changes one.
 */
final class SentPackets
{
    private SentPackets()
    {
    }

    private static final int ICMP_ERROR_QUOTE = 8;

    /** Blanks the identification (and header checksum) of what a host's stack wrote: see the class comment. */
    static void blankHostIdentification(final byte[] ip)
    {
        if (ip.length < Ipv4Header.MIN_LENGTH)
        {
            return;
        }
        final boolean icmp = ip[Ipv4Header.PROTOCOL_OFFSET] == IpProtocol.ICMP;
        if ((ip[Ipv4Header.TOS_OFFSET] & 0xFF) == 0xC0 && icmp)
        {
            blank(ip, 0);
            final int inner = (ip[0] & 0x0F) * 4 + ICMP_ERROR_QUOTE;
            if (ip.length >= inner + Ipv4Header.MIN_LENGTH && (ip[inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET] & 0x40) != 0)
            {
                blank(ip, inner);
            }
        }
        else if ((ip[Ipv4Header.FLAGS_FRAGMENT_OFFSET] & 0x40) != 0)
        {
            blank(ip, 0);
        }
    }

    private static void blank(final byte[] ip, final int off)
    {
        ip[off + Ipv4Header.ID_OFFSET] = 0;
        ip[off + Ipv4Header.ID_OFFSET + 1] = 0;
        ip[off + Ipv4Header.CHECKSUM_OFFSET] = 0;
        ip[off + Ipv4Header.CHECKSUM_OFFSET + 1] = 0;
    }

    static List<String> of(final Path pcap) throws Exception
    {
        final List<String> out = new ArrayList<>();
        for (final TestCaptures.Packet p : TestCaptures.ipv4(pcap))
        {
            if (!p.sent())
            {
                continue;
            }
            final byte[] ip = p.ip();
            blankHostIdentification(ip);
            final StringBuilder hex = new StringBuilder(ip.length * 2);
            for (final byte b : ip)
            {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            out.add(hex.toString());
        }
        Collections.sort(out);
        return out;
    }
}
