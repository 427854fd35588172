/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * Why the port allocator refused a recorded draw ({@link DrawHints}): the engine's own rules do not allow the
 * tuple the kernel chose, so the engine chooses by itself and the run deviates from the kernel's.
 */
public enum DrawRefusal
{
    /** The recorded tuple's destination is not the one the engine's destination manip gave. */
    DESTINATION("the kernel's destination differs from the one the engine's rules gave"),
    /** No outcome of the rules' {@code -m statistic --mode random} matches leads to the recorded destination. */
    STATISTIC("no outcome of the statistic matches leads to the kernel's destination"),
    /** The recorded address is outside the rule's address range (or moves an address no rule maps). */
    ADDRESS("the address is outside the rule's address range"),
    /** The recorded port (ICMP id) is outside the rule's port range. */
    PORT_RANGE("the port is outside the rule's port range"),
    /** Without a port range: the recorded port is outside the class of the original port. */
    PORT_CLASS("the port is outside the original port's class (1-511, 600-1023, 1024-65535)"),
    /** A destination NAT without a port range never moves the port. */
    PORT_KEPT("the rule keeps the destination port (destination NAT without a port range)"),
    /** A live connection holds the reply tuple, and nf_nat_used_tuple_harder would not evict it. */
    TAKEN("a live connection the kernel would not evict holds its reply tuple");

    private final String reason;

    DrawRefusal(final String reason)
    {
        this.reason = reason;
    }

    /** @return the reason in words. */
    public String reason()
    {
        return reason;
    }
}
