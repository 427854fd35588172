/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewrite}'s pcapng output, read back by a reader written from the specification ({@link PcapngFile}) and,
 * where installed, by tshark and tcpdump: the box's interfaces by name, every packet on eth0 flagged outbound,
 * with the same bytes and timestamps as the classic pcap output of the same seeded run.
 */
class PcapngOutputTest
{
    private static final String T05 = "05-reverse-dnat-to-onprem";

    private static Path rewrite(final Path dir, final String name, final String format)
    {
        final Path out = dir.resolve(name);
        final String t = Traces.DIR.resolve(T05).toString();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ReplayMain.run(new String[] {"rewrite", "--rules", t + "/rules.txt", "--box", t + "/box.txt",
            "--in", t + "/trace.pcap", "--out", out.toString(), "--format", format, "--seed", "7"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), EngineFactory.NATCORE);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void pcapngNamesTheBoxsInterfacesAndFlagsEveryPacketOutbound(@TempDir final Path dir) throws Exception
    {
        final PcapngFile file = new PcapngFile(Files.readAllBytes(rewrite(dir, "o.pcapng", "pcapng")));
        // box.txt: ifindex 1 lo, ifindex 2 eth0; LINKTYPE_IPV4 (228), nanosecond timestamps.
        assertEquals(List.of(new PcapngFile.Interface(228, "lo", 9), new PcapngFile.Interface(228, "eth0", 9)),
            file.interfaces);

        final List<byte[]> packets = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        for (final TestCaptures.Packet p : TestCaptures.records(rewrite(dir, "o.pcap", "pcap")))
        {
            packets.add(p.ip());
            times.add(p.timeNanos());
        }
        assertEquals(41, file.packets.size());
        assertEquals(packets.size(), file.packets.size());
        for (int i = 0; i < packets.size(); i++)
        {
            final PcapngFile.Packet p = file.packets.get(i);
            assertEquals("eth0", file.interfaces.get(p.interfaceId()).name());
            assertEquals(2, p.flags() & 3, "direction bits: outbound");
            assertArrayEquals(packets.get(i), p.data(), "packet " + i);
            assertEquals(p.data().length, p.originalLength());
            assertEquals(times.get(i), p.timestamp(), "packet " + i);
        }
    }

    @Test
    void tsharkReadsTheInterfaceNameAndDirection(@TempDir final Path dir) throws Exception
    {
        final Path tshark = Path.of("/usr/bin/tshark");
        Assumptions.assumeTrue(Files.isExecutable(tshark), "tshark is not installed (/usr/bin/tshark)");
        final List<String> lines = lines(tshark.toString(), "-r", rewrite(dir, "o.pcapng", "pcapng").toString(),
            "-T", "fields", "-e", "frame.interface_name", "-e", "frame.packet_flags_direction", "-e", "ip.src",
            "-e", "ip.dst");
        assertEquals(41, lines.size(), String.join("\n", lines));
        for (final String line : lines)
        {
            final String[] f = line.split("\t");
            assertEquals("eth0", f[0], line);
            assertEquals(2, Long.decode(f[1]), line);
        }
        // The kernel's first packet out (trace 05, record 2): the SYN after DNAT and MASQUERADE.
        assertEquals("eth0\t0x00000002\t172.16.2.5\t192.168.1.5", lines.get(0).replaceFirst("\t0x0*2\t", "\t0x00000002\t"));
    }

    @Test
    void tcpdumpReadsEveryPacket(@TempDir final Path dir) throws Exception
    {
        final Path tcpdump = Path.of("/usr/bin/tcpdump");
        Assumptions.assumeTrue(Files.isExecutable(tcpdump), "tcpdump is not installed (/usr/bin/tcpdump)");
        final List<String> lines = lines(tcpdump.toString(), "-nr", rewrite(dir, "o.pcapng", "pcapng").toString());
        assertEquals(41, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("IP 172.16.2.5.33610 > 192.168.1.5.22: Flags [S]"), lines.get(0));
    }

    private static List<String> lines(final String... cmd) throws Exception
    {
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
