/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * {@link EngineFactory#NATCORE} and {@link EngineFactory#natcoreSeeded}: the real engine, with the box's timeouts
 * when a trace gives them, a fixed NAT seed
 * and the checksums to verify when asked.
 */
final class NatcoreEngineFactory implements EngineFactory
{
    private final boolean seeded;
    private final long seed;
    private final ChecksumMode checksums;

    NatcoreEngineFactory(final boolean seeded, final long seed, final ChecksumMode checksums)
    {
        this.seeded = seeded;
        this.seed = seed;
        this.checksums = checksums;
    }

    @Override
    public ReplayEngine create(final String rulesText, final String boxText) throws ReplayException
    {
        return create(rulesText, boxText, "");
    }

    @Override
    public ReplayEngine create(final String rulesText, final String boxText, final String sysctlText)
        throws ReplayException
    {
        return EngineAdapter.create(rulesText, boxText, sysctlText, seeded, seed, checksums);
    }

    @Override
    public ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final KernelDraws draws) throws ReplayException
    {
        return EngineAdapter.create(rulesText, boxText, sysctlText, seeded ? seed : null, draws, checksums);
    }
}
