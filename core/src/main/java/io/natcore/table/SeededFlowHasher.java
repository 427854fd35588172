/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Default keyed hash: both key words are whitened with seed-derived words, multiplied by odd constants, combined
 * and finished with a xor-shift-multiply avalanche. Without the seed an attacker cannot predict which tuples share
 * a slot, which bounds probe lengths under hash flooding. It is not a cryptographic PRF (SipHash would be); the
 * goal is that flooding needs knowledge of a 64-bit random secret, at 3 multiplies per key.
 */
public final class SeededFlowHasher implements FlowHasher
{
    private final long s0;
    private final long s1;

    /**
     * @param seed per-table secret.
     */
    public SeededFlowHasher(final long seed)
    {
        s0 = avalanche(seed ^ 0x9E37_79B9_7F4A_7C15L);
        s1 = avalanche(seed + 0x632B_E59B_D9B4_E019L);
    }

    /** {@inheritDoc} */
    public long hash(final long k0, final long k1)
    {
        return hash(s0, s1, k0, k1);
    }

    /** The first seed-derived word for this seed (for callers that keep the words themselves). */
    public long s0()
    {
        return s0;
    }

    /** The second seed-derived word for this seed. */
    public long s1()
    {
        return s1;
    }

    /** {@link #hash(long, long)} with the seed-derived words {@link #s0()} and {@link #s1()} passed in. */
    static long hash(final long s0, final long s1, final long k0, final long k1)
    {
        final long a = (k0 ^ s0) * 0x9E37_79B9_7F4A_7C15L;
        final long b = (k1 ^ s1) * 0xC2B2_AE3D_27D4_EB4FL;
        return avalanche(a ^ Long.rotateLeft(b, 31));
    }

    static long avalanche(final long v)
    {
        long z = v;
        z = (z ^ (z >>> 32)) * 0xD6E8_FEB8_6659_FD93L;
        z = z ^ (z >>> 32);
        return z;
    }
}
