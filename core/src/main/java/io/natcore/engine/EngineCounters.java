/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import java.util.Arrays;

/**
 * The engine's counter totals: each processor counts into its own {@link Counters} (one writer each, no sharing on
 * the packet path), work done off any processor (expiry, early drop outside a bind) counts into {@link #shared};
 * a total is their sum, read opaque.
 */
final class EngineCounters
{
    /** Counters of work no processor does (expiry, housekeeping); one writer at a time (the expirer). */
    final Counters shared = new Counters();
    /** Every processor's counters; replaced (copy on write) under this object's monitor, read volatile. */
    private volatile Counters[] perProcessor = new Counters[0];

    /** Adds a new processor's counters to the totals. */
    synchronized void register(final Counters counters)
    {
        final Counters[] grown = Arrays.copyOf(perProcessor, perProcessor.length + 1);
        grown[grown.length - 1] = counters;
        perProcessor = grown;
    }

    /** @return counter {@code slot} summed over the shared counters and every processor's. */
    long sum(final int slot)
    {
        long total = shared.getOpaque(slot);
        final Counters[] all = perProcessor;
        for (int i = 0; i < all.length; i++)
        {
            total += all[i].getOpaque(slot);
        }
        return total;
    }
}
