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
import org.openjdk.jcstress.infra.results.II_Result;

import static io.natcore.reliability.jcstress.RemoveShiftLookupStress.insert;
import static io.natcore.reliability.jcstress.RemoveShiftLookupStress.k0;
import static io.natcore.reliability.jcstress.RemoveShiftLookupStress.k1;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link RemoveShiftLookupStress} for {@link FlowTable#lookupBurst}: the burst reads its slots with plain loads and
 * one acquire fence, and validates SHIFT_SEQ once for the whole burst. A removal shifting the run under it must
 * never make it miss a connection that stays, nor return another connection's handle.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both found, as themselves")
@Outcome(expect = FORBIDDEN, desc = "a live connection was missed or found as another")
@State
public class BurstRemoveShiftLookupStress
{
    private final FlowTable table = new FlowTable(new FlowTableConfig().capacity(8).hasher((k0, k1) -> 0x5555_0000_0000L));
    private final long[] keys0 = {k0(2), FlowKey.invertK0(k0(3))};
    private final long[] keys1 = {k1(2), FlowKey.invertK1(k1(3))};
    private final long[] handles = new long[2];
    private final int a;
    private final int b;
    private final int c;

    public BurstRemoveShiftLookupStress()
    {
        a = insert(table, 1);
        b = insert(table, 2);
        c = insert(table, 3);
    }

    @Actor
    public void remover()
    {
        table.remove(a);
    }

    @Actor
    public void reader(final II_Result r)
    {
        table.lookupBurst(keys0, keys1, 2, handles);
        r.r1 = handles[0] == ((long)b << 1) ? 1 : 0;
        r.r2 = handles[1] == (((long)c << 1) | 1) ? 1 : 0;
    }
}
