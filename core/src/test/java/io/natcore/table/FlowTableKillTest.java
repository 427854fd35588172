/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM inserts, updates and removes connections in a mapped table until it is SIGKILLed; this JVM then maps
 * the same file and checks every recovered entry is whole (fields written together agree) and findable.
 */
class FlowTableKillTest
{
    private static final int CAPACITY = 4096;
    /** Operations the child runs before it tells the parent it has churned (then it churns on until killed). */
    private static final int CHURN_BEFORE_MARK = 50_000;

    @TempDir
    Path dir;

    /** Child process body: churn until killed. Fields of entry i always carry one version v in three places. */
    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(CAPACITY).mappedFile(file)))
        {
            Files.writeString(file.resolveSibling("ready"), "ok");
            int version = 0;
            for (int n = 0; ; n++)
            {
                if (n == CHURN_BEFORE_MARK)
                {
                    // The inserts so far are in the shared mapping (page cache): a SIGKILL from now on cannot lose them.
                    // Written aside, then renamed: the parent never reads a created but still empty file.
                    final Path mark = file.resolveSibling("churned.tmp");
                    Files.writeString(mark, Long.toString(t.inserts()));
                    Files.move(mark, file.resolveSibling("churned"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                final int i = n % (CAPACITY * 2);
                final long h = t.lookup(FlowTableTest.origK0(i), FlowTableTest.origK1(i));
                if (h == FlowTable.MISS)
                {
                    FlowTableTest.insert(t, i);
                    continue;
                }
                final int e = FlowTable.entry(h);
                if ((n & 7) == 0)
                {
                    t.remove(e);
                    continue;
                }
                version = (version + 1) & 0x7FFF;
                t.beginWrite(e);
                t.putIpChecksumDelta(e, 0, version);
                t.putScratchInt(e, 0, version);
                t.putDeadlineOpaque(e, version);
                t.endWrite(e);
            }
        }
    }

    @Test
    void tableSurvivesSigkillOfTheWritingProcess() throws Exception
    {
        final Path file = dir.resolve("flows.nat");
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FlowTableKillTest.class.getName());
        cmd.add(file.toString());
        final Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("ready")) && System.nanoTime() < deadline && child.isAlive())
        {
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), () -> "child died: " + read(dir.resolve("child.log").toFile()));
        assertTrue(Files.exists(dir.resolve("ready")), "child never mapped the table (machine overloaded?)");
        while (!Files.exists(dir.resolve("churned")) && System.nanoTime() < deadline && child.isAlive())
        {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(dir.resolve("churned")),
            () -> "child never churned: " + read(dir.resolve("child.log").toFile()));
        final long insertsBeforeMark = Long.parseLong(Files.readString(dir.resolve("churned")));
        child.destroyForcibly(); // SIGKILL on Linux
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));

        try (FlowTable t = new FlowTable(new FlowTableConfig().capacity(CAPACITY).mappedFile(file)))
        {
            assertEquals(1, t.openCount());
            assertTrue(insertsBeforeMark > CAPACITY, "the child filled the table before the mark: " + insertsBeforeMark);
            assertTrue(t.inserts() >= insertsBeforeMark, "inserts survived the kill: " + t.inserts() + " < " +
                insertsBeforeMark);
            int live = 0;
            int cursor = 0;
            final int[] bad = new int[1];
            final int[] count = new int[1];
            while (cursor != FlowTable.END)
            {
                cursor = t.forEachLive(cursor, 512, (table, e) ->
                {
                    count[0]++;
                    final long v = table.deadlineOpaque(e);
                    final boolean whole = v == Long.MAX_VALUE ?
                        table.ipChecksumDelta(e, 0) == 0 && table.scratchInt(e, 0) == 0 :
                        table.ipChecksumDelta(e, 0) == v && table.scratchInt(e, 0) == v;
                    final boolean findable =
                        table.lookup(table.keyK0(e, 0), table.keyK1(e, 0)) == ((long)e << 1) &&
                        table.lookup(table.keyK0(e, 1), table.keyK1(e, 1)) == (((long)e << 1) | 1);
                    if (!whole || !findable)
                    {
                        bad[0]++;
                    }
                });
            }
            live = count[0];
            assertEquals(0, bad[0], "torn or unfindable entries after recovery");
            assertEquals(t.size(), live);
            assertTrue(live > 0);
            assertTrue(t.discarded() <= 1, "at most the one entry being written when killed: " + t.discarded());
            final int e = FlowTableTest.insert(t, 100_000);
            assertTrue(e >= 0 || e == FlowTable.FULL);
        }
    }

    private static String read(final File f)
    {
        try
        {
            return Files.readString(f.toPath());
        }
        catch (final Exception ex)
        {
            return ex.toString();
        }
    }
}
