/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * A problem the replay tool reports to its user as one line (bad arguments, unreadable or
 * malformed input, a rule or box file the engine rejects), never as a stack trace.
 */
public final class ReplayException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for the user.
     */
    public ReplayException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for the user.
     * @param cause   underlying exception (kept for debugging, not printed).
     */
    public ReplayException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
