/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Something a configuration says that natcore accepts but does not do as written (a filter table, a DROP policy,
 * an interface the box lacks, a rule that never matches...). Printed as {@code line N: message}, or
 * {@code box: message} when about the box as a whole ({@link #line} 0).
 */
public final class LoadWarning
{
    private final int line;
    private final String message;

    /**
     * @param line    1-based line of the rules text, 0 when about the box.
     * @param message what is not enforced, and why it matters.
     */
    public LoadWarning(final int line, final String message)
    {
        this.line = line;
        this.message = message;
    }

    /** @return 1-based line in the rules text, 0 for the box. */
    public int line()
    {
        return line;
    }

    /** @return the message without the line prefix. */
    public String message()
    {
        return message;
    }

    @Override
    public String toString()
    {
        return (line > 0 ? "line " + line : "box") + ": " + message;
    }
}
