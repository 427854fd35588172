/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

/**
 * The box's clock for connection deadlines: epoch nanoseconds that never step back within a run. A connection table
 * in a mapped file ({@code --table}) outlives the process, so its deadlines need a clock that continues across a
 * restart (or a reboot): {@code System.nanoTime()}'s origin is arbitrary per JVM, the wall clock can step. This
 * one is {@code System.nanoTime()} shifted once, at start, onto the epoch.
 */
final class BoxClock
{
    private static final long OFFSET = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private BoxClock()
    {
    }

    /** @return epoch nanoseconds, monotonic within this process. */
    static long nanos()
    {
        return System.nanoTime() + OFFSET;
    }
}
