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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Removal moves slots (backward shift) under a lookup: three connections whose keys all hash alike share one probe
 * run; one actor removes the first, which shifts the other two back; the other actor looks up the second and the
 * third. A lookup must never miss a connection that stays in the table (the SHIFT_SEQ retry protocol).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both found, as themselves")
@Outcome(expect = FORBIDDEN, desc = "a live connection was missed or found as another")
@State
public class RemoveShiftLookupStress
{
    private final FlowTable table = new FlowTable(new FlowTableConfig().capacity(8).hasher((k0, k1) -> 0x5555_0000_0000L));
    private final int a;
    private final int b;
    private final int c;

    public RemoveShiftLookupStress()
    {
        a = insert(table, 1);
        b = insert(table, 2);
        c = insert(table, 3);
    }

    /** Inserts connection {@code i} (its reply tuple the inverse of its original): all share one probe run here. */
    static int insert(final FlowTable table, final int i)
    {
        return table.insert(k0(i), k1(i), FlowKey.invertK0(k0(i)), FlowKey.invertK1(k1(i)));
    }

    static long k0(final int i)
    {
        return FlowKey.k0(0x0A000000 + i, 0xAC100305);
    }

    static long k1(final int i)
    {
        return FlowKey.k1(40_000 + i, 80, 6, 0);
    }

    @Actor
    public void remover()
    {
        table.remove(a);
    }

    @Actor
    public void reader(final II_Result r)
    {
        r.r1 = table.lookup(k0(2), k1(2)) == ((long)b << 1) ? 1 : 0;
        r.r2 = table.lookup(FlowKey.invertK0(k0(3)), FlowKey.invertK1(k1(3))) == (((long)c << 1) | 1) ? 1 : 0;
    }
}
