/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;

import org.agrona.MutableDirectBuffer;

/**
 * The one class of the replay tool that knows the engine's API ({@code io.natcore.engine}):
 * builds a {@code NatEngine} from iptables-save and box text and runs packets through one
 * {@code PacketProcessor}.
 */
public final class EngineAdapter implements ReplayEngine
{
    private EngineAdapter()
    {
    }

    /**
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules or box are rejected, or the engine is missing.
     */
    public static ReplayEngine create(final String rulesText, final String boxText) throws ReplayException
    {
        throw new ReplayException("the NAT engine (io.natcore.engine) is not in this build yet");
    }

    @Override
    public boolean process(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        return false;
    }

    @Override
    public int egressIfIndex()
    {
        return -1;
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
        return "NONE";
    }

    @Override
    public int reasonCount()
    {
        return 1;
    }

    @Override
    public String reasonName(final int ordinal)
    {
        return "NONE";
    }

    @Override
    public void dumpConntrack(final Appendable out, final long nowNanos) throws IOException
    {
    }
}
