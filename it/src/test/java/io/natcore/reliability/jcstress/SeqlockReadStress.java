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
 * The per-entry seqlock: a packet writer rewrites two fields of a live entry (cold scratch and hot deltas) under
 * {@code beginWrite}/{@code endWrite}; a reader reads both in a read section. A validated read sees both old or both
 * new, never a mix.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "validated, both old")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "validated, both new")
@Outcome(id = "3", expect = ACCEPTABLE, desc = "raced with the writer, refused")
@Outcome(id = "9", expect = FORBIDDEN, desc = "validated a torn read")
@State
public class SeqlockReadStress
{
    private final FlowTable table = new FlowTable(new FlowTableConfig().capacity(4).seed(2));
    private final int e;

    public SeqlockReadStress()
    {
        final long k0 = FlowKey.k0(0x0A000001, 0xAC100305);
        final long k1 = FlowKey.k1(40_000, 80, 6, 0);
        e = table.insert(k0, k1, FlowKey.invertK0(k0), FlowKey.invertK1(k1));
        table.putScratchInt(e, 0, 100);
        table.putIpChecksumDelta(e, 1, 100);
    }

    @Actor
    public void writer()
    {
        table.beginWrite(e);
        table.putScratchInt(e, 0, 200);
        table.putIpChecksumDelta(e, 1, 200);
        table.endWrite(e);
    }

    @Actor
    public void reader(final I_Result r)
    {
        final int seq = table.readBeginAcquire(e);
        final int x = table.scratchInt(e, 0);
        final int y = table.ipChecksumDelta(e, 1);
        if (!table.readValidate(e, seq))
        {
            r.r1 = 3;
            return;
        }
        r.r1 = x == y ? (x == 100 ? 1 : 2) : 9;
    }
}
