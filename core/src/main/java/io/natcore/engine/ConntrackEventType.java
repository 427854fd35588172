/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * Kind of a {@link ConntrackEvent}, as {@code conntrack -E} prints it.
 */
public enum ConntrackEventType
{
    /** A connection was confirmed (its first packet passed). */
    NEW("    [NEW]"),
    /** State, timeout class, SEEN_REPLY or ASSURED changed. */
    UPDATE(" [UPDATE]"),
    /** The connection is gone (expired, closed by RST, replaced, evicted). */
    DESTROY("[DESTROY]");

    private static final ConntrackEventType[] VALUES = values();

    private final String label;

    ConntrackEventType(final String label)
    {
        this.label = label;
    }

    /** @return the right-aligned label {@code conntrack -E} prints. */
    public String label()
    {
        return label;
    }

    static ConntrackEventType ofOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
