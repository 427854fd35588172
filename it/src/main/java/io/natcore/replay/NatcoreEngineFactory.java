/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * {@link EngineFactory#NATCORE} and {@link EngineFactory#natcoreSeeded}: the real engine, with the box's timeouts
 * when a trace gives them, and a fixed NAT seed when asked.
 */
final class NatcoreEngineFactory implements EngineFactory
{
    private final boolean seeded;
    private final long seed;

    NatcoreEngineFactory(final boolean seeded, final long seed)
    {
        this.seeded = seeded;
        this.seed = seed;
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
        return seeded ? EngineAdapter.create(rulesText, boxText, sysctlText, seed) :
            EngineAdapter.create(rulesText, boxText, sysctlText);
    }

    @Override
    public ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final KernelDraws draws) throws ReplayException
    {
        return EngineAdapter.create(rulesText, boxText, sysctlText, seeded ? seed : null, draws);
    }
}
