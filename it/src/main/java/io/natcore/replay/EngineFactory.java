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
    EngineFactory NATCORE = new NatcoreEngineFactory(false, 0, ChecksumMode.VERIFY);

    /**
     * The real engine with a fixed NAT seed: port and ICMP-id choices repeat from run to run.
     *
     * @param seed the engine's port/id choice seed.
     * @return a factory of seeded engines.
     */
    static EngineFactory natcoreSeeded(final long seed)
    {
        return new NatcoreEngineFactory(true, seed, ChecksumMode.VERIFY);
    }

    /**
     * The real engine as {@code rewrite} sets it up.
     *
     * @param seeded    whether {@code seed} fixes the port/id choice (else a random seed per engine).
     * @param seed      the engine's port/id choice seed.
     * @param checksums which received checksums the engine verifies.
     * @return a factory.
     */
    static EngineFactory natcore(final boolean seeded, final long seed, final ChecksumMode checksums)
    {
        return new NatcoreEngineFactory(seeded, seed, checksums);
    }

    /**
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @return a new engine with the kernel's default timeouts.
     * @throws ReplayException if the engine rejects its configuration.
     */
    ReplayEngine create(String rulesText, String boxText) throws ReplayException;

    /**
     * A new engine with the box's conntrack timeouts (a trace's {@code sysctl.txt}, read by {@link KernelTimeouts}).
     * This default is for engines that keep no connections (test doubles): it ignores the timeouts.
     *
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's timeout sysctls, or "" for the kernel's defaults.
     * @return a new engine.
     * @throws ReplayException if the engine rejects its configuration.
     */
    default ReplayEngine create(final String rulesText, final String boxText, final String sysctlText)
        throws ReplayException
    {
        return create(rulesText, boxText);
    }

    /**
     * A new engine steered by the kernel's recorded draws: each new connection tries the tuple the kernel chose first
     * and writes its outcome into {@code draws}; its evictions are reported to {@code draws} too. This default is for
     * engines that keep no connections (test doubles): nothing to steer, so it ignores the draws.
     *
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's timeout sysctls, or "".
     * @param draws      the kernel's draws and evictions.
     * @return a new engine.
     * @throws ReplayException if the engine rejects its configuration.
     */
    default ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final KernelDraws draws) throws ReplayException
    {
        return create(rulesText, boxText, sysctlText);
    }
}
