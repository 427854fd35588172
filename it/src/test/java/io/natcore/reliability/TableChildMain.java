/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowStatus;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Child process of {@link RestartSurvivalTest}: opens (or creates) a flow table in a memory-mapped file, binds
 * connections to NAT ports it draws at random (so only the file can tell them afterwards), then runs traffic until
 * it is killed: rewrites entries under their write locks, binds more connections, removes some. One thread holds one
 * entry's write lock forever after writing half its fields: that entry is torn when the kill comes.
 * <p>
 * Reports on stdout, each line after the fact it states is in the table: {@code OPENED ...}, {@code EST conn port},
 * {@code REMOVING conn} (before) / {@code REMOVED conn} (after), {@code HOLDING conn}, {@code TRAFFIC n}.
 * <p>
 * Arguments: file, capacity, first connection id, connections to bind before traffic starts.
 */
public final class TableChildMain
{
    /**
     * Unbuffered: each line is one write to the pipe once println returns. System.out buffers when stdout is not a
     * terminal, and a SIGKILL would lose the buffered tail (facts the parent must know, e.g. removals).
     */
    private static final PrintStream OUT =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);

    private TableChildMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final int capacity = Integer.parseInt(args[1]);
        final int base = Integer.parseInt(args[2]);
        final int count = Integer.parseInt(args[3]);
        final FlowTable table = new FlowTable(new FlowTableConfig().capacity(capacity).mappedFile(file));
        int cursor = 0;
        final int[] tally = new int[1];
        while (cursor != FlowTable.END)
        {
            cursor = table.forEachLive(cursor, 4096, (t, e) ->
            {
                if (EntryFields.check(t, e) != Integer.MIN_VALUE)
                {
                    tally[0]++;
                }
            });
        }
        final int valid = tally[0];
        OUT.println("OPENED open=" + table.openCount() + " size=" + table.size() + " discarded=" +
            table.discarded() + " valid=" + valid);

        final SplittableRandom rnd = new SplittableRandom(new SecureRandom().nextLong());
        for (int c = base; c < base + count; c++)
        {
            establish(table, rnd, c);
        }

        final int held = base + count / 2;
        final Thread holder = new Thread(() -> hold(table, held), "holder");
        holder.setDaemon(true);
        holder.start();

        int version = 1 << 20;
        long ops = 0;
        int next = base + count;
        int removals = 0;
        while (true)
        {
            final int op = rnd.nextInt(100);
            if (op < 94)
            {
                final int c = base + rnd.nextInt(next - base);
                if (c != held)
                {
                    translate(table, c, version++ & 0x7FFF_FFFF);
                }
            }
            else if (op < 99 && next < base + count + 1000)
            {
                establish(table, rnd, next++);
            }
            else if (removals < count / 10)
            {
                // Bounded: the kill comes at an unknown point, and most connections should be there to survive it.
                final int c = base + rnd.nextInt(next - base);
                if (c != held && remove(table, c))
                {
                    removals++;
                }
            }
            if (++ops % 20_000 == 0)
            {
                OUT.println("TRAFFIC " + ops);
            }
        }
    }

    private static void establish(final FlowTable table, final SplittableRandom rnd, final int c)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            final int port = 1024 + rnd.nextInt(65536 - 1024);
            final int e = table.insertAndLock(
                EntryFields.origK0(c), EntryFields.origK1(c), EntryFields.replyK0(), EntryFields.replyK1(port));
            if (e >= 0)
            {
                EntryFields.write(table, e, port);
                table.orStatusVolatile(e, FlowStatus.ASSURED | FlowStatus.SEEN_REPLY | FlowStatus.SRC_NAT);
                table.endWrite(e);
                OUT.println("EST " + c + " " + port);
                return;
            }
            if (e != FlowTable.CLASH_REPLY)
            {
                return;
            }
        }
    }

    private static void translate(final FlowTable table, final int c, final int version)
    {
        final long h = table.lookup(EntryFields.origK0(c), EntryFields.origK1(c));
        if (h == FlowTable.MISS)
        {
            return;
        }
        final int e = FlowTable.entry(h);
        if (table.tryBeginWrite(e) < 0)
        {
            return;
        }
        if (table.isLive(e) && table.matches(e, 0, EntryFields.origK0(c), EntryFields.origK1(c)))
        {
            EntryFields.write(table, e, version);
            table.addCountersPlain(e, version & 1, 60);
        }
        table.endWrite(e);
    }

    private static boolean remove(final FlowTable table, final int c)
    {
        final long h = table.lookup(EntryFields.origK0(c), EntryFields.origK1(c));
        if (h == FlowTable.MISS)
        {
            return false;
        }
        OUT.println("REMOVING " + c);
        if (table.remove(FlowTable.entry(h)))
        {
            OUT.println("REMOVED " + c);
            return true;
        }
        return false;
    }

    /** Takes the entry's write lock, rewrites half its fields and never lets go. */
    private static void hold(final FlowTable table, final int c)
    {
        final long h = table.lookup(EntryFields.origK0(c), EntryFields.origK1(c));
        if (h == FlowTable.MISS)
        {
            OUT.println("HOLDING none");
            return;
        }
        final int e = FlowTable.entry(h);
        table.beginWrite(e);
        table.putScratchInt(e, 0, 777);
        table.putIpChecksumDelta(e, 0, 777);
        OUT.println("HOLDING " + c);
        while (true)
        {
            try
            {
                Thread.sleep(60_000);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }
}
