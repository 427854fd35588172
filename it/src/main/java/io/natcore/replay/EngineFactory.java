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
    /** The real engine. */
    EngineFactory NATCORE = EngineAdapter::create;

    /**
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @return a new engine.
     * @throws ReplayException if the engine rejects its configuration.
     */
    ReplayEngine create(String rulesText, String boxText) throws ReplayException;
}
