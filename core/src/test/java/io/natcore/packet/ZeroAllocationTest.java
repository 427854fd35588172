package io.natcore.packet;

import io.natcore.pcap.TestCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing (and verifying checksums of) every trace packet allocates nothing once warm. */
class ZeroAllocationTest
{
    @Test
    void parsingAllTracePacketsAllocatesNothingAfterWarmUp() throws Exception
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);

        final List<UnsafeBuffer> buffers = new ArrayList<>();
        final List<int[]> spans = new ArrayList<>();
        for (final Path dir : new Path[] {CapturedPacketsTest.TRACES, CapturedPacketsTest.CORPUS})
        {
            for (final Path file : TestCaptures.files(dir, ".pcap"))
            {
                for (final TestCaptures.Frame f : TestCaptures.readUpToCut(file))
                {
                    if (f.isIpv4())
                    {
                        buffers.add(new UnsafeBuffer(f.data()));
                        spans.add(new int[] {f.ipOffset(), f.ipLength()});
                    }
                }
            }
        }
        final int n = buffers.size();
        final UnsafeBuffer[] b = buffers.toArray(new UnsafeBuffer[0]);
        final int[] off = new int[n];
        final int[] len = new int[n];
        for (int i = 0; i < n; i++)
        {
            off[i] = spans.get(i)[0];
            len[i] = spans.get(i)[1];
        }
        final ParsedPacket p = new ParsedPacket();
        // warm up the parser and the measuring method itself (its loop in here may be OSR-compiled and
        // deoptimised in between rounds, which is not the parser's doing: only the windows are counted)
        for (int round = 0; round < 30; round++)
        {
            measureRound(mx, b, off, len, p);
        }
        // Every window parses the same packets, so an allocation on the parse path shows in every window.
        // A JIT event (tier-up, deoptimisation) may allocate a few bytes once; that is the JVM, not the
        // parser: so ask for ten consecutive windows of exactly zero bytes within a hundred.
        final long[] windows = new long[100];
        int zeroRun = 0;
        int round = 0;
        while (round < windows.length && zeroRun < 10)
        {
            windows[round] = measureRound(mx, b, off, len, p);
            zeroRun = windows[round] == 0 ? zeroRun + 1 : 0;
            round++;
        }
        assertTrue(sinkValue != 0);
        assertEquals(10, zeroRun, "bytes allocated per window of " + n + " packets: " +
            java.util.Arrays.toString(java.util.Arrays.copyOf(windows, round)));
    }

    private long sinkValue;

    /** Bytes the current thread allocated while parsing every packet once (the counter read costs none). */
    private long measureRound(
        final com.sun.management.ThreadMXBean mx,
        final UnsafeBuffer[] b,
        final int[] off,
        final int[] len,
        final ParsedPacket p)
    {
        final long before = mx.getCurrentThreadAllocatedBytes();
        final long acc = parseAll(b, off, len, p);
        final long after = mx.getCurrentThreadAllocatedBytes();
        sinkValue += acc;
        return after - before;
    }

    private static long parseAll(final UnsafeBuffer[] b, final int[] off, final int[] len, final ParsedPacket p)
    {
        long acc = 0;
        for (int i = 0; i < b.length; i++)
        {
            acc += PacketParser.parse(b[i], off[i], len[i], p).ordinal();
            acc += Checksum.l4ChecksumValid(b[i], p) ? 1 : 0;
            acc += p.srcPort;
        }
        return acc;
    }
}
