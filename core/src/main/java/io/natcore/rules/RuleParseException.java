/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Refusal of a configuration text ({@code iptables-save} rules or {@code box.txt}) at load time.
 * The message reads {@code "line N: reason"}. Unchecked so a loader may let it reach its own
 * caller; the per-packet path never throws it.
 */
public final class RuleParseException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    /**
     * @param lineNumber 1-based line of the offending text.
     * @param reason     what is wrong, without the line prefix.
     */
    public RuleParseException(final int lineNumber, final String reason)
    {
        super("line " + lineNumber + ": " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /**
     * @return 1-based line number of the refused text.
     */
    public int getLineNumber()
    {
        return lineNumber;
    }

    /**
     * @return the reason, without the "line N: " prefix.
     */
    public String getReason()
    {
        return reason;
    }
}
