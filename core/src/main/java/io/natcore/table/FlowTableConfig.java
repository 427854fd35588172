/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Creation parameters of a {@link FlowTable}: capacity in connections (or a memory budget), index load factor,
 * hash seed (random unless set), optional hasher (tests) and storage (direct memory, or a memory-mapped file that
 * survives a process restart). Mutable builder, read once by the table constructor.
 */
public final class FlowTableConfig
{
    /**
     * Default index load factor: two keys per connection over {@code slots}. 0.375 (exact in binary) costs 21.3
     * bytes of 4-byte slots per connection (181.3 in all) and made burst lookups at a million connections about
     * 10% faster than 0.5 (fewer hits past their home slot); see BENCHMARKS.md.
     */
    public static final float DEFAULT_LOAD_FACTOR = 0.375f;
    /** Largest accepted load factor: the index must always keep an empty slot. */
    public static final float MAX_LOAD_FACTOR = 0.9f;
    /** Largest capacity (about 22 million): each region must stay below 2 GiB ({@code int} offsets). */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE / FlowEntryLayout.COLD_LENGTH) - 1;

    private int capacity = 65_536;
    private float loadFactor = DEFAULT_LOAD_FACTOR;
    private long seed;
    private boolean seedSet;
    private FlowHasher hasher;
    private Path mappedFile;
    private EvictionListener evictionListener;

    /** Connections the table holds; clamped to [1, {@link #MAX_CAPACITY}]. */
    public FlowTableConfig capacity(final int connections)
    {
        capacity = Math.max(1, Math.min(MAX_CAPACITY, connections));
        return this;
    }

    /** Sets the capacity from a memory budget in bytes (all regions included) at the current load factor. */
    public FlowTableConfig memoryBudget(final long bytes)
    {
        final double perEntry = bytesPerConnection(loadFactor);
        return capacity((int)Math.min(MAX_CAPACITY, Math.max(1, (long)((bytes - FlowTableFile.HEADER_LENGTH) / perEntry))));
    }

    /** Index load factor (keys / slots), clamped to [0.1, {@link #MAX_LOAD_FACTOR}]. */
    public FlowTableConfig loadFactor(final float lf)
    {
        loadFactor = Float.isNaN(lf) ? DEFAULT_LOAD_FACTOR : Math.max(0.1f, Math.min(MAX_LOAD_FACTOR, lf));
        return this;
    }

    /** Fixes the hash seed (tests, reproducible runs). Default: 64 random bits from {@link SecureRandom}. */
    public FlowTableConfig seed(final long s)
    {
        seed = s;
        seedSet = true;
        return this;
    }

    /** Replaces the keyed hash (tests only: colliding hashes). */
    public FlowTableConfig hasher(final FlowHasher h)
    {
        hasher = h;
        return this;
    }

    /** Backs the table by this file: created when absent or incompatible, reopened and recovered otherwise. */
    public FlowTableConfig mappedFile(final Path path)
    {
        mappedFile = path;
        return this;
    }

    /** Told about each entry early drop evicts, before it goes (see {@link EvictionListener}); null: nobody. */
    public FlowTableConfig evictionListener(final EvictionListener listener)
    {
        evictionListener = listener;
        return this;
    }

    /** Eviction listener, or null. */
    public EvictionListener evictionListener()
    {
        return evictionListener;
    }

    /** Connections. */
    public int capacity()
    {
        return capacity;
    }

    /** Index load factor. */
    public float loadFactor()
    {
        return loadFactor;
    }

    /** Seed, drawing a random one on first call if none was set. */
    public long seed()
    {
        if (!seedSet)
        {
            seed = new SecureRandom().nextLong();
            seedSet = true;
        }
        return seed;
    }

    /** Hasher, or null for the default {@link SeededFlowHasher}. */
    public FlowHasher hasher()
    {
        return hasher;
    }

    /** Backing file, or null for direct memory. */
    public Path mappedFile()
    {
        return mappedFile;
    }

    /** Index slots for this configuration: {@code ceil(2 * capacity / loadFactor)}, at least {@code 2 * capacity + 1}. */
    public int slotCount()
    {
        final long slots = (long)Math.ceil(2.0 * capacity / loadFactor);
        return (int)Math.min(Integer.MAX_VALUE / FlowEntryLayout.SLOT_LENGTH, Math.max(2L * capacity + 1, slots));
    }

    /** Bytes per connection, all regions included (hot line, cold record, index slots at this load factor). */
    public static double bytesPerConnection(final float loadFactor)
    {
        return FlowEntryLayout.HOT_LENGTH + FlowEntryLayout.COLD_LENGTH +
            (2.0 * FlowEntryLayout.SLOT_LENGTH / loadFactor);
    }
}
