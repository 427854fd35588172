/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Another process's view: what the box writes through {@link CountersManager}, a second mapping reads. */
class CountersFileTest
{
    @Test
    void aSecondMappingSeesTheLabelsAndLiveValues(@TempDir final Path dir) throws Exception
    {
        try (CountersFile writer = CountersFile.create(dir, 64))
        {
            final CountersManager m = writer.manager();
            final AtomicCounter rx = new AtomicCounter(writer.values, m.allocate("worker 0: rx frames"));
            final AtomicCounter drops = new AtomicCounter(writer.values, m.allocate("worker 0: ring drops (full)"));
            rx.setOpaque(41);
            drops.setOpaque(3);
            writer.heartbeat(12345);
            try (CountersFile reader = CountersFile.open(dir))
            {
                assertEquals(ProcessHandle.current().pid(), reader.pid());
                assertEquals(12345, reader.heartbeatMs());
                rx.setOpaque(42);
                final Map<String, Long> seen = new HashMap<>();
                reader.reader().forEach((value, id, label) -> seen.put(label, value));
                assertEquals(Map.of("worker 0: rx frames", 42L, "worker 0: ring drops (full)", 3L), seen);
            }
        }
    }
}
