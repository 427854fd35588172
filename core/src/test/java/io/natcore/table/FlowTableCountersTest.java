/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FlowTableCounters}: each counter is its own header word, added to in place. */
class FlowTableCountersTest
{
    @Test
    void addsLandInTheNamedHeaderWordAndNowhereElse()
    {
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(FlowTableFile.HEADER_LENGTH));
        final FlowTableCounters counters = new FlowTableCounters(header);
        counters.increment(FlowTableFile.INSERTS_OFFSET);
        counters.increment(FlowTableFile.INSERTS_OFFSET);
        counters.add(FlowTableFile.SIZE_OFFSET, 5);
        counters.add(FlowTableFile.SIZE_OFFSET, -2);
        assertEquals(2, counters.get(FlowTableFile.INSERTS_OFFSET));
        assertEquals(3, header.getLong(FlowTableFile.SIZE_OFFSET));
        long others = 0;
        for (int at = 0; at < FlowTableFile.HEADER_LENGTH; at += 8)
        {
            if (at != FlowTableFile.INSERTS_OFFSET && at != FlowTableFile.SIZE_OFFSET)
            {
                others |= header.getLong(at);
            }
        }
        assertEquals(0, others);
    }
}
