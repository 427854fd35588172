/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * Seedable pseudo-random source standing in for the kernel's {@code get_random_u16()} in port and id choice.
 * SplitMix64: one long of state, no allocation, the same sequence for the same seed (reproducible runs and tests).
 * Not thread safe: callers serialise (the engine's new-connection path holds its bind lock).
 */
public final class NatRandom
{
    private long state;

    /**
     * @param seed initial state; equal seeds give equal sequences.
     */
    public NatRandom(final long seed)
    {
        this.state = seed;
    }

    /** @return the next 64 pseudo-random bits. */
    public long nextLong()
    {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return 0..65535, like {@code get_random_u16()}. */
    public int nextU16()
    {
        return (int)(nextLong() >>> 48);
    }

    /** @return 32 pseudo-random bits. */
    public int nextInt()
    {
        return (int)(nextLong() >>> 32);
    }
}
