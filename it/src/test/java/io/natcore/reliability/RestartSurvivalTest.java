/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import io.natcore.table.FlowTableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restart survival of a flow table in a memory-mapped file, across real process death. A child JVM
 * ({@link TableChildMain}) binds connections to NAT ports it draws at random, runs traffic, holds one entry's write
 * lock half-written, and is killed with SIGKILL ({@code Process.destroyForcibly()}) mid-traffic. The file is then
 * reopened: in this process, and again by a second child that is killed the same way. After each kill, every
 * connection the child reported bound (and did not start removing) translates with the port only the child knew,
 * the half-written entry is discarded (neither of its tuples is found), and no entry with inconsistent fields
 * survives.
 * <p>
 * This runs at the table level, where a half-written entry can be forced; {@link EngineRestartSurvivalTest}
 * does the same through the engine ({@code NatEngineConfig.mappedFile}).
 */
class RestartSurvivalTest
{
    private static final int CAPACITY = 8192;
    private static final int ROUND_ONE = 2000;
    private static final int ROUND_TWO = 1000;

    /** What a child reported before it was killed. */
    static final class ChildReport
    {
        final Map<Integer, Integer> established = new HashMap<>();
        final Set<Integer> removing = new HashSet<>();
        final Set<Integer> removed = new HashSet<>();
        int held = -1;
        long traffic;
        String opened;
        final StringBuilder other = new StringBuilder();
    }

    @Test
    void connectionsSurviveSigkillOfTheOwningProcessWithTheirBindingsAndTheTornEntryIsDiscarded(
        @TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("flows.nct");

        final ChildReport one = runAndKill(file, 0, ROUND_ONE);
        assertTrue(one.established.size() >= ROUND_ONE, "child bound its connections: " + one.established.size());
        assertTrue(one.held >= 0, "child held an entry half-written");
        assertTrue(one.traffic >= 40_000, "killed mid-traffic, after " + one.traffic + " operations");

        final int survivorsOne;
        final long discardedOne;
        try (FlowTable table = new FlowTable(new FlowTableConfig().capacity(16).mappedFile(file)))
        {
            assertEquals(1, table.openCount(), "reopened once");
            assertEquals(CAPACITY, table.capacity(), "geometry comes from the file, not the config");
            assertTrue(table.discarded() >= 1, "the half-written entry was discarded: " + table.discarded());
            discardedOne = table.discarded();
            survivorsOne = verify(table, one, (int)discardedOne);
            assertEveryLiveEntryWholeAndFindable(table);
            // Still a working table: the same connections keep translating (rewritten under their locks).
            for (final Map.Entry<Integer, Integer> c : one.established.entrySet())
            {
                final long h = table.lookup(EntryFields.origK0(c.getKey()), EntryFields.origK1(c.getKey()));
                if (h != FlowTable.MISS)
                {
                    final int e = FlowTable.entry(h);
                    table.beginWrite(e);
                    EntryFields.write(table, e, 5);
                    table.endWrite(e);
                }
            }
            // The torn connection can be bound anew.
            assertTrue(table.insert(EntryFields.origK0(one.held), EntryFields.origK1(one.held),
                EntryFields.replyK0(), EntryFields.replyK1(1)) >= 0, "the torn connection's tuple is free again");
        }

        final ChildReport two = runAndKill(file, 100_000, ROUND_TWO);
        assertTrue(two.opened.startsWith("OPENED open=2"), two.opened);
        // The second process found every connection the first left (and this process rewrote) whole.
        assertTrue(two.opened.endsWith(" valid=" + survivorsOne), two.opened + ", expected valid=" + survivorsOne);
        try (FlowTable table = new FlowTable(new FlowTableConfig().mappedFile(file)))
        {
            assertEquals(3, table.openCount());
            final long discardedTwo = table.discarded() - discardedOne;
            assertTrue(discardedTwo >= 1, "second child's half-written entry discarded");
            final int survivorsTwo = verify(table, two, (int)discardedTwo);
            // Round one's connections were not touched by the second child: still there, still bound the same.
            int stillThere = 0;
            for (final Map.Entry<Integer, Integer> c : one.established.entrySet())
            {
                final int conn = c.getKey();
                if (conn == one.held || one.removing.contains(conn))
                {
                    continue;
                }
                final long h = table.lookup(EntryFields.origK0(conn), EntryFields.origK1(conn));
                if (h != FlowTable.MISS)
                {
                    stillThere++;
                    assertEquals(c.getValue(), table.newSrcPort(FlowTable.entry(h), FlowTable.DIR_ORIGINAL));
                }
            }
            assertEquals(survivorsOne, stillThere, "round one's survivors survive a second kill");
            assertEveryLiveEntryWholeAndFindable(table);
            System.out.printf("RestartSurvivalTest: kill 1 after %d traffic ops: %d bound, %d removed before the kill, " +
                "%d survived with their bindings, %d discarded (torn); kill 2 after %d ops: %d bound, %d removed, " +
                "%d survived, %d discarded; round one still %d; live %d; file v%d%n",
                one.traffic, one.established.size(), one.removing.size(), survivorsOne, discardedOne, two.traffic,
                two.established.size(), two.removing.size(), survivorsTwo, discardedTwo, stillThere, table.size(),
                FlowTableFile.VERSION);
        }
    }

    /**
     * Every connection the child bound (except the held one, and those it had started removing) is found from
     * both tuples with the child's NAT port; the held one is gone; removed ones are gone. A connection the child
     * was rewriting at the instant of the kill may be discarded too: at most {@code discarded - 1} of them.
     *
     * @return connections that survived.
     */
    private static int verify(final FlowTable table, final ChildReport report, final int discarded)
    {
        final List<Integer> missing = new ArrayList<>();
        int survived = 0;
        for (final Map.Entry<Integer, Integer> c : report.established.entrySet())
        {
            final int conn = c.getKey();
            final int port = c.getValue();
            final long ho = table.lookup(EntryFields.origK0(conn), EntryFields.origK1(conn));
            final long hr = table.lookup(EntryFields.replyK0(), EntryFields.replyK1(port));
            if (conn == report.held)
            {
                assertEquals(FlowTable.MISS, ho, "torn entry not found by its original tuple");
                assertEquals(FlowTable.MISS, hr, "torn entry not found by its reply tuple");
                continue;
            }
            if (report.removed.contains(conn))
            {
                assertEquals(FlowTable.MISS, ho, "removed before the kill: " + conn);
                continue;
            }
            if (report.removing.contains(conn))
            {
                continue;
            }
            if (ho == FlowTable.MISS)
            {
                missing.add(conn);
                continue;
            }
            final int e = FlowTable.entry(ho);
            assertEquals(FlowTable.DIR_ORIGINAL, FlowTable.direction(ho));
            assertEquals((long)e << 1 | 1, hr, "reply tuple finds the same entry: " + conn);
            // Translation, original direction: SNAT to the child's port. Reply direction: back to the client.
            assertEquals(EntryFields.NAT_IP, table.newSrcIp(e, FlowTable.DIR_ORIGINAL));
            assertEquals(port, table.newSrcPort(e, FlowTable.DIR_ORIGINAL));
            assertEquals(EntryFields.clientIp(conn), table.newDstIp(e, FlowTable.DIR_REPLY));
            assertEquals(EntryFields.clientPort(conn), table.newDstPort(e, FlowTable.DIR_REPLY));
            assertNotEquals(Integer.MIN_VALUE, EntryFields.check(table, e), "fields whole: " + conn);
            survived++;
        }
        assertTrue(missing.size() <= Math.max(0, discarded - 1),
            "only an entry caught mid-write may be lost: missing " + missing + ", discarded " + discarded);
        return survived;
    }

    private static void assertEveryLiveEntryWholeAndFindable(final FlowTable table)
    {
        final List<String> problems = new ArrayList<>();
        final int[] live = new int[1];
        int cursor = 0;
        while (cursor != FlowTable.END)
        {
            cursor = table.forEachLive(cursor, 4096, (t, e) ->
            {
                live[0]++;
                if (EntryFields.check(t, e) == Integer.MIN_VALUE && t.mark(e) != 0)
                {
                    problems.add("entry " + e + " survived with inconsistent fields");
                }
                if (t.lookup(t.keyK0(e, 0), t.keyK1(e, 0)) != ((long)e << 1) ||
                    t.lookup(t.keyK0(e, 1), t.keyK1(e, 1)) != (((long)e << 1) | 1))
                {
                    problems.add("entry " + e + " not findable from both tuples");
                }
            });
        }
        assertEquals(List.of(), problems);
        assertEquals(live[0], table.size(), "size rebuilt");
    }

    /** Starts a child on the file, waits until it runs traffic with one entry held, SIGKILLs it. */
    static ChildReport runAndKill(final Path file, final int base, final int count) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TableChildMain.class.getName());
        cmd.add(file.toString());
        cmd.add(Integer.toString(CAPACITY));
        cmd.add(Integer.toString(base));
        cmd.add(Integer.toString(count));
        // Output to a file, not a pipe: after a SIGKILL the file holds every byte the child wrote (the JDK's pipe
        // draining on process exit was seen to drop a tail of lines).
        final Path log = Files.createTempFile(file.getParent(), "child", ".log");
        final Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (child.isAlive() && System.nanoTime() < deadline && trafficLinesAfterHold(Files.readString(log)) < 3)
        {
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no unmap, no flush beyond the page cache
        child.waitFor(30, TimeUnit.SECONDS);
        final ChildReport report = new ChildReport();
        final String[] lines = Files.readString(log).split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) // the last one may have been cut by the kill: not a fact
        {
            final String[] w = lines[i].split(" ");
            switch (w[0])
            {
                case "OPENED" -> report.opened = lines[i];
                case "EST" -> report.established.put(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                case "REMOVING" -> report.removing.add(Integer.parseInt(w[1]));
                case "REMOVED" -> report.removed.add(Integer.parseInt(w[1]));
                case "HOLDING" -> report.held = w[1].equals("none") ? -1 : Integer.parseInt(w[1]);
                case "TRAFFIC" -> report.traffic = Long.parseLong(w[1]);
                default -> report.other.append(lines[i]).append('\n');
            }
        }
        assertTrue(!child.isAlive(), "child killed");
        assertTrue(report.opened != null, "child started: " + report.other);
        assertNotEquals(0, child.exitValue(), "killed, not exited");
        return report;
    }

    private static int trafficLinesAfterHold(final String log)
    {
        final int hold = log.indexOf("HOLDING ");
        if (hold < 0)
        {
            return 0;
        }
        int n = 0;
        for (int at = log.indexOf("TRAFFIC ", hold); at >= 0; at = log.indexOf("TRAFFIC ", at + 1))
        {
            n++;
        }
        return n;
    }

}
