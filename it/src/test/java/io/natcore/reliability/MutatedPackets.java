/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.packet.Ipv4Header;
import io.natcore.replay.TestPackets;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fuzzer's mutated packets ({@link PacketMutator} over the packets the NAT box received in the kernel traces),
 * written as hex lines for the live lab's injector (it/lab/faults/flood.py {@code hex}). Packets with one of the
 * TCP or UDP ports {@code avoidPorts} are not used as inputs, so the mutations are not copies of packets of the
 * live test's own connections.
 */
public final class MutatedPackets
{
    /** Largest IP packet written: a 1500-byte MTU, so every frame fits the lab's links. */
    public static final int MAX_LENGTH = 1500;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    private MutatedPackets()
    {
    }

    /**
     * @param out       file of hex lines, one IP packet each.
     * @param seed      mutator seed.
     * @param count     packets to write.
     * @param avoidPorts inputs with one of these TCP/UDP source or destination ports are skipped.
     * @return how many of the written packets the mutator left unchanged.
     */
    public static long write(final Path out, final long seed, final int count, final int... avoidPorts) throws IOException
    {
        final List<byte[]> inputs = new ArrayList<>();
        for (final Path trace : CapturedPackets.traceDirs())
        {
            for (final CapturedPackets.Packet p : CapturedPackets.read(trace.resolve("trace.pcap")))
            {
                if (!p.sentByBox && !usesPort(p.ip, avoidPorts))
                {
                    inputs.add(p.ip);
                }
            }
        }
        final PacketMutator mutator = new PacketMutator(seed);
        final byte[] work = new byte[GuardedPacketBuffer.MAX_PACKET];
        final StringBuilder hex = new StringBuilder();
        int written = 0;
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII))
        {
            while (written < count)
            {
                final byte[] src = inputs.get(mutator.random().nextInt(inputs.size()));
                final byte[] other = inputs.get(mutator.random().nextInt(inputs.size()));
                final int len = Math.min(mutator.mutate(src, other, work), MAX_LENGTH);
                if (len == 0)
                {
                    continue;
                }
                hex.setLength(0);
                for (int i = 0; i < len; i++)
                {
                    hex.append(Character.forDigit((work[i] >> 4) & 0xF, 16)).append(Character.forDigit(work[i] & 0xF, 16));
                }
                w.write(hex.append('\n').toString());
                written++;
            }
        }
        return mutator.kindCounts[0];
    }

    private static boolean usesPort(final byte[] ip, final int[] ports)
    {
        if (ip.length < Ipv4Header.MIN_LENGTH)
        {
            return false;
        }
        final int proto = ip[Ipv4Header.PROTOCOL_OFFSET] & 0xFF;
        final int l4 = (ip[0] & 0xF) * 4;
        if ((proto != PROTO_TCP && proto != PROTO_UDP) || ip.length < l4 + 4)
        {
            return false;
        }
        for (final int port : ports)
        {
            if (TestPackets.u16(ip, l4) == port || TestPackets.u16(ip, l4 + 2) == port)
            {
                return true;
            }
        }
        return false;
    }
}
