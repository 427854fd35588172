/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import org.agrona.MutableDirectBuffer;

/**
 * A stand-in engine that forwards every packet unchanged out of the interface it came in on:
 * a router without NAT, to test the tool around the engine.
 */
final class ForwardAllEngine implements ReplayEngine
{
    private int egress = -1;

    /** For method references as an {@link EngineFactory}. */
    static ReplayEngine new0(final String rules, final String box)
    {
        return new ForwardAllEngine();
    }

    @Override
    public boolean process(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        egress = ingressIf;
        return true;
    }

    @Override
    public boolean processOutput(final MutableDirectBuffer buffer, final int offset, final int length, final long now)
    {
        egress = -1;
        return true;
    }

    @Override
    public int egressIfIndex()
    {
        return egress;
    }

    @Override
    public int verdict()
    {
        return 0;
    }

    @Override
    public int reason()
    {
        return 0;
    }

    @Override
    public int verdictCount()
    {
        return 1;
    }

    @Override
    public String verdictName(final int ordinal)
    {
        return "FORWARD";
    }

    @Override
    public int reasonCount()
    {
        return 1;
    }

    @Override
    public String reasonName(final int ordinal)
    {
        return "ROUTED";
    }

    @Override
    public void dumpConntrack(final Appendable out, final long nowNanos) throws java.io.IOException
    {
        out.append("tcp      6 431999 ESTABLISHED src=1.2.3.4 dst=5.6.7.8 sport=1 dport=2 [ASSURED]\n");
    }
}
