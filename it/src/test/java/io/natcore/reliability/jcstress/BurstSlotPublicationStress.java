/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability.jcstress;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;
import io.natcore.table.FlowTableConfig;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Publication seen by {@link FlowTable#lookupBurst}: one actor inserts a connection whose original key shares its
 * home slot with an existing one (a constant hash); the other bursts over both keys. The burst compares keys
 * after its plain slot loads and one acquire fence: it must find the old connection as itself every time, and the
 * new one either not yet or as itself, never as the other or with a torn key.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "old found; new not published yet")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "old found; new found as itself")
@Outcome(expect = FORBIDDEN, desc = "old missed, or either found as something else")
@State
public class BurstSlotPublicationStress
{
    private static final long OLD0 = FlowKey.k0(0x0A000001, 0xAC100305);
    private static final long OLD1 = FlowKey.k1(40_000, 80, 6, 0);
    private static final long NEW0 = FlowKey.k0(0x0A000002, 0xAC100305);
    private static final long NEW1 = FlowKey.k1(40_001, 80, 6, 0);
    private final FlowTable table = new FlowTable(new FlowTableConfig().capacity(4).hasher((k0, k1) -> 0x7777_0000_0000L));
    private final long[] keys0 = {OLD0, NEW0};
    private final long[] keys1 = {OLD1, NEW1};
    private final long[] handles = new long[2];
    private final int old;

    public BurstSlotPublicationStress()
    {
        old = table.insert(OLD0, OLD1, FlowKey.invertK0(OLD0), FlowKey.invertK1(OLD1));
    }

    @Actor
    public void writer()
    {
        table.insert(NEW0, NEW1, FlowKey.invertK0(NEW0), FlowKey.invertK1(NEW1));
    }

    @Actor
    public void reader(final I_Result r)
    {
        table.lookupBurst(keys0, keys1, 2, handles);
        if (handles[0] != ((long)old << 1))
        {
            r.r1 = 0;
            return;
        }
        final long h = handles[1];
        // A handle must lead to the key that was looked up (the entry is stable once published).
        r.r1 = h == FlowTable.MISS ? 1 : table.matches(FlowTable.entry(h), FlowTable.direction(h), NEW0, NEW1) ? 2 : 3;
    }
}
