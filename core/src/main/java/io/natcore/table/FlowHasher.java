/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Hashes a 16-byte flow key to 64 bits. The table takes the slot index from the low 32 bits and a tag from the
 * high 32 bits, so both halves must be well mixed. Implementations must be pure and thread-safe. Injectable for
 * tests (colliding hashes) through {@link FlowTableConfig#hasher(FlowHasher)}.
 */
@FunctionalInterface
public interface FlowHasher
{
    /**
     * @param k0 first key word.
     * @param k1 second key word.
     * @return a 64-bit hash.
     */
    long hash(long k0, long k1);
}
