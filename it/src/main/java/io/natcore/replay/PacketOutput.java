/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.natcore.pcap.PcapWriter;
import io.natcore.pcap.PcapngWriter;
import io.natcore.pcap.Sll2Header;
import io.natcore.rules.BoxConfig;
import org.agrona.DirectBuffer;

/**
 * Where {@code rewrite} writes the packets the engine sends: pcapng (the default: one interface per interface of
 * the box, by name, and the outbound direction flag) or classic pcap (LINUX_SLL2, packet type 4 and the egress
 * interface index), to a file or to standard output ({@code -}).
 */
final class PacketOutput implements Replayer.Sink, Closeable
{
    /** The formats {@code --format} takes. */
    static final String FORMATS = "pcapng or pcap";

    private final PcapngWriter pcapng;
    private final PcapWriter pcap;
    /** Box interface index -> pcapng interface id. */
    private final int[] interfaceIds;

    private PacketOutput(final PcapngWriter pcapng, final PcapWriter pcap, final int[] interfaceIds)
    {
        this.pcapng = pcapng;
        this.pcap = pcap;
        this.interfaceIds = interfaceIds;
    }

    /**
     * @param file   a path, or "-" for {@code stdout}.
     * @param stdout standard output (not closed).
     * @param format "pcapng" or "pcap".
     * @param box    names the interfaces.
     * @return the output.
     * @throws ReplayException for an unknown format.
     * @throws IOException     if the file cannot be created.
     */
    static PacketOutput open(final String file, final OutputStream stdout, final String format, final BoxConfig box)
        throws ReplayException, IOException
    {
        if (!"pcapng".equals(format) && !"pcap".equals(format))
        {
            throw new ReplayException("--format " + format + ": expected " + FORMATS);
        }
        final OutputStream out = "-".equals(file) ? new FilterOutputStream(stdout)
        {
            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException
            {
                flush(); // standard output stays open for the caller
            }
        } : Files.newOutputStream(Path.of(file));
        if ("pcap".equals(format))
        {
            return new PacketOutput(null, new PcapWriter(out), null);
        }
        final int[] ids = new int[box.maxIfIndex() + 1];
        Arrays.fill(ids, -1);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < ids.length; i++)
        {
            final String name = box.ifName(i);
            if (name != null)
            {
                ids[i] = names.size();
                names.add(name);
            }
        }
        return new PacketOutput(new PcapngWriter(out, names, "natcore replay"), null, ids);
    }

    @Override
    public void send(final long inputRecord, final long timestampNanos, final int egressIf, final DirectBuffer buffer,
        final int offset, final int length) throws IOException
    {
        if (pcap != null)
        {
            pcap.writeSll2(timestampNanos, egressIf, Sll2Header.PACKET_OUTGOING, buffer, offset, length);
        }
        else
        {
            // The engine only sends out of the box's interfaces, each of which has an id.
            pcapng.writePacket(timestampNanos, interfaceIds[egressIf], PcapngWriter.DIRECTION_OUTBOUND, buffer, offset,
                length);
        }
    }

    @Override
    public void close() throws IOException
    {
        if (pcap != null)
        {
            pcap.close();
        }
        else
        {
            pcapng.close();
        }
    }
}
