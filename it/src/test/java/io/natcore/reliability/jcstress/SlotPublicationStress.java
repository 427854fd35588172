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
 * Slot publication: one actor inserts a connection and fills its fields under the entry's write lock
 * ({@code insertAndLock} ... {@code endWrite}); the other looks the tuple up and reads the fields in a seqlock read
 * section. A reader that finds the slot must never validate a read of unfilled or half-filled fields.
 */
@JCStressTest
@Outcome(id = "0", expect = ACCEPTABLE, desc = "not published yet")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "found, fields complete")
@Outcome(id = "3", expect = ACCEPTABLE, desc = "found, read raced with a writer and was refused")
@Outcome(id = "2", expect = FORBIDDEN, desc = "found, validated read of incomplete fields")
@State
public class SlotPublicationStress
{
    private static final long K0 = FlowKey.k0(0x0A000001, 0xAC100305);
    private static final long K1 = FlowKey.k1(40_000, 80, 6, 0);
    private final FlowTable table = new FlowTable(new FlowTableConfig().capacity(4).seed(1));

    @Actor
    public void writer()
    {
        final int e = table.insertAndLock(K0, K1, FlowKey.invertK0(K0), FlowKey.invertK1(K1) + (1L << 48));
        if (e >= 0)
        {
            table.putMark(e, 0x1234_5678);
            table.putScratchInt(e, 0, 77);
            table.putEgressIfIndex(e, 0, 3);
            table.endWrite(e);
        }
    }

    @Actor
    public void reader(final I_Result r)
    {
        final long h = table.lookup(K0, K1);
        if (h == FlowTable.MISS)
        {
            r.r1 = 0;
            return;
        }
        final int e = FlowTable.entry(h);
        final int seq = table.readBeginAcquire(e);
        final boolean complete = table.mark(e) == 0x1234_5678 && table.scratchInt(e, 0) == 77 &&
            table.egressIfIndex(e, 0) == 3 && table.matches(e, 0, K0, K1);
        if (!table.readValidate(e, seq))
        {
            r.r1 = 3;
            return;
        }
        r.r1 = complete ? 1 : 2;
    }
}
