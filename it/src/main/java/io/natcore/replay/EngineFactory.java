/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * Makes a fresh engine for one trace.
 */
@FunctionalInterface
public interface EngineFactory
{
    /** The real engine, with a random NAT seed. */
    EngineFactory NATCORE = EngineAdapter::create;

    /**
     * The real engine with a fixed NAT seed: port and ICMP-id choices repeat from run to run.
     *
     * @param seed the engine's port/id choice seed.
     * @return a factory of seeded engines.
     */
    static EngineFactory natcoreSeeded(final long seed)
    {
        return (rulesText, boxText) -> EngineAdapter.create(rulesText, boxText, seed);
    }

    /**
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @return a new engine.
     * @throws ReplayException if the engine rejects its configuration.
     */
    ReplayEngine create(String rulesText, String boxText) throws ReplayException;
}
