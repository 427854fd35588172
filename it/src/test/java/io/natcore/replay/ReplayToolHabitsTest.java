/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.natcore.pcap.PcapReader;
import io.natcore.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tool's command-line habits, as tcpdump and conntrack-tools users expect them: --help and --version,
 * "-" for standard input and output, -c, -v, what a truncated capture leaves behind, --checksums. Expected
 * addresses come from the kernel's own output in trace 05 (its type-4 records), not from the engine.
 */
class ReplayToolHabitsTest
{
    private static final String T05 = "05-reverse-dnat-to-onprem";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final InputStream in, final String... args)
    {
        return ReplayMain.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), EngineFactory.NATCORE);
    }

    private int run(final String... args)
    {
        return run(InputStream.nullInputStream(), args);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String trace(final String file)
    {
        return Traces.DIR.resolve(T05).resolve(file).toString();
    }

    private static String[] rewrite(final String in, final String outFile, final String... more)
    {
        final List<String> a = new ArrayList<>(List.of("rewrite", "--rules", trace("rules.txt"), "--box",
            trace("box.txt"), "--in", in, "--out", outFile));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** The IPv4 packets the kernel sent in trace 05 (type-4 records), in order. */
    private static List<byte[]> kernelSent(final Path pcap) throws Exception
    {
        final List<byte[]> sent = new ArrayList<>();
        for (final TestCaptures.Packet p : TestCaptures.records(pcap))
        {
            if (p.sent())
            {
                sent.add(p.ip());
            }
        }
        return sent;
    }

    private static String addresses(final byte[] ip)
    {
        return (ip[12] & 0xFF) + "." + (ip[13] & 0xFF) + "." + (ip[14] & 0xFF) + "." + (ip[15] & 0xFF) + " > " +
            (ip[16] & 0xFF) + "." + (ip[17] & 0xFF) + "." + (ip[18] & 0xFF) + "." + (ip[19] & 0xFF) + " ports " +
            ((ip[20] & 0xFF) << 8 | ip[21] & 0xFF) + " > " + ((ip[22] & 0xFF) << 8 | ip[23] & 0xFF);
    }

    @Test
    void everyCommandAnswersHelpOnStdoutWithExitZero()
    {
        for (final String command : List.of("demo", "rewrite", "show", "check"))
        {
            out.reset();
            err.reset();
            assertEquals(0, run(command, "--help"), command + ": " + err());
            assertTrue(out().contains("\n  " + command + " "), out());
            assertEquals("", err(), command);
        }
        out.reset();
        assertEquals(0, run("check", "-h", "some-folder"));
        assertTrue(out().contains("check [-v] [--iface NAME] TRACE_DIR..."), out());
    }

    @Test
    void versionNamesTheBuiltProjectVersion()
    {
        assertEquals(0, run("--version"));
        assertTrue(out().matches("replay \\(natcore\\) \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, Java .*\\n"), out());
    }

    @Test
    void anUnknownOptionNamesItAndTheCommandsHelp()
    {
        assertEquals(2, run("show", "--frobnicate"));
        assertEquals("replay: show: unknown option '--frobnicate' (try show --help)\n", err());
    }

    @Test
    void rewriteToStandardOutputWritesOnlyPacketsThereAndTheSummaryToStderr() throws Exception
    {
        assertEquals(0, run(rewrite(trace("trace.pcap"), "-")), err());
        final PcapngFile file = new PcapngFile(out.toByteArray());
        final List<byte[]> kernel = kernelSent(Path.of(trace("trace.pcap")));
        assertEquals(kernel.size(), file.packets.size());
        for (int i = 0; i < kernel.size(); i++)
        {
            assertEquals(addresses(kernel.get(i)), addresses(file.packets.get(i).data()), "packet " + i);
        }
        assertTrue(err().contains("records 82: 41 received packets processed, 41 sent out"), err());
        assertTrue(err().contains("wrote 41 packets to standard output"), err());
    }

    @Test
    void rewriteReadsStandardInput(@TempDir final Path dir) throws Exception
    {
        final Path o = dir.resolve("o.pcap");
        final byte[] capture = Files.readAllBytes(Path.of(trace("trace.pcap")));
        assertEquals(0, run(new ByteArrayInputStream(capture), rewrite("-", o.toString(), "--format", "pcap")), err());
        assertTrue(out().contains("records 82: 41 received packets processed, 41 sent out"), out());
        assertEquals(41, kernelSent(o).size());
    }

    @Test
    void aTruncatedCaptureLeavesItsCompleteRecordsAndExitsTwo(@TempDir final Path dir) throws Exception
    {
        // Cut trace 05 inside record 32: records 1-31 hold 16 received packets (the kernel's own 15 are skipped).
        final byte[] capture = Files.readAllBytes(Path.of(trace("trace.pcap")));
        final Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(capture, 3000));
        final Path o = dir.resolve("o.pcapng");
        assertEquals(2, run(rewrite(cut.toString(), o.toString())));
        assertEquals(1, err().split("\n").length, err());
        assertTrue(err().startsWith("replay: " + cut + ": truncated file: record 32 at byte offset 2924"), err());
        assertTrue(out().contains("records 31: 16 received packets processed, 16 sent out"), out());
        assertTrue(out().contains("(the complete records before the error)"), out());
        final PcapngFile written = new PcapngFile(Files.readAllBytes(o));
        final List<byte[]> kernel = kernelSent(Path.of(trace("trace.pcap")));
        assertEquals(16, written.packets.size());
        for (int i = 0; i < 16; i++)
        {
            assertEquals(addresses(kernel.get(i)), addresses(written.packets.get(i).data()), "packet " + i);
        }
    }

    @Test
    void countStopsAfterNRecordsAndVerbosePrintsEachRecordBeforeAndAfter(@TempDir final Path dir)
    {
        assertEquals(0, run(rewrite(trace("trace.pcap"), dir.resolve("o.pcapng").toString(), "-c", "4", "-v")),
            err());
        final String[] lines = out().split("\n");
        // The kernel's record 2 is record 1 after DNAT and MASQUERADE (tcpdump -nr trace.pcap).
        assertEquals("#1     FORWARD NONE: tcp 172.16.3.5:33610 -> 172.16.20.6:22 ==> " +
            "tcp 172.16.2.5:33610 -> 192.168.1.5:22 out eth0", lines[0]);
        assertEquals("#2     skipped: sent by the box", lines[1]);
        assertEquals("#3     FORWARD NONE: tcp 192.168.1.5:22 -> 172.16.2.5:33610 ==> " +
            "tcp 172.16.20.6:22 -> 172.16.3.5:33610 out eth0", lines[2]);
        assertEquals("#4     skipped: sent by the box", lines[3]);
        assertTrue(lines[4].startsWith("records 4: 2 received packets processed, 2 sent out"), out());
    }

    @Test
    void offloadedChecksumsAreWarnedAboutAndChecksumsIpTranslatesThePackets(@TempDir final Path dir) throws Exception
    {
        // Break the TCP checksum of every received packet, as a capture on a host with checksum offload does.
        final byte[] capture = Files.readAllBytes(Path.of(trace("trace.pcap")));
        final Path offloaded = dir.resolve("offloaded.pcap");
        Files.write(offloaded, breakReceivedTcpChecksums(capture));

        assertEquals(0, run(rewrite(offloaded.toString(), dir.resolve("a.pcapng").toString())), err());
        assertTrue(err().startsWith("replay: warning: 41 of 41 packets had a bad TCP/UDP/ICMP checksum"), err());
        assertTrue(err().contains("try --checksums ip"), err());
        // Untracked, untranslated: INVALID packets go out as they came, those to the box's address are LOCAL.
        assertTrue(out().matches("(?s).*\\n  INVALID +22\\n.*"), out());
        assertTrue(out().matches("(?s).*\\n  LOCAL +19\\n.*"), out());
        assertFalse(out().contains("FORWARD"), out());

        out.reset();
        err.reset();
        final Path o = dir.resolve("b.pcapng");
        assertEquals(0, run(rewrite(offloaded.toString(), o.toString(), "--checksums", "ip")), err());
        assertEquals("", err());
        assertTrue(out().matches("(?s).*\\n  FORWARD +41\\n.*"), out());
        final List<byte[]> kernel = kernelSent(Path.of(trace("trace.pcap")));
        final PcapngFile written = new PcapngFile(Files.readAllBytes(o));
        for (int i = 0; i < kernel.size(); i++)
        {
            assertEquals(addresses(kernel.get(i)), addresses(written.packets.get(i).data()), "packet " + i);
        }
    }

    private static byte[] breakReceivedTcpChecksums(final byte[] capture) throws Exception
    {
        final byte[] copy = capture.clone();
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(capture), "trace"))
        {
            final PcapRecord rec = new PcapRecord();
            while (r.next(rec))
            {
                final int ip = (int)rec.fileOffset + 16 + rec.ipOffset;
                if (!rec.isOutgoing() && copy[ip + 9] == 6)
                {
                    final int tcpChecksum = ip + (copy[ip] & 0x0F) * 4 + 16;
                    copy[tcpChecksum] ^= 0x5A;
                }
            }
        }
        return copy;
    }

    @Test
    void rewriteConnectionsShowsWhatTheClientSentAndWhatTheServerSaw(@TempDir final Path dir)
    {
        assertEquals(0, run(rewrite(trace("trace.pcap"), dir.resolve("o.pcapng").toString(), "--connections")),
            err());
        // clients.txt of the kernel run: the server saw 172.16.2.5 (the box) as the client.
        assertTrue(out().contains("1. tcp  client 172.16.3.5:33610 -> published 172.16.20.6:22  ==>  " +
            "server saw 172.16.2.5:33610 -> 192.168.1.5:22"), out());
        assertTrue(out().contains("DNAT to 192.168.1.5:22, MASQUERADE to 172.16.2.5"), out());
    }

    @Test
    void checkTakesAnIngressInterface()
    {
        final String d05 = Traces.DIR.resolve(T05).toString();
        assertEquals(0, run("check", "--iface", "eth0", d05), out());
        assertTrue(out().endsWith("1 passed, 0 failed\n"), out());
        out.reset();
        assertEquals(1, run("check", "--iface", "eth7", d05));
        assertTrue(out().contains("--iface eth7: the box file has no such interface"), out());
    }
}
