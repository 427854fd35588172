/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.packet.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child JVM of {@link MissingExportsTest}: builds the fixture's engine and runs one packet through it. Prints the
 * verdict and exits 0, or prints what was thrown (class and message) and exits 3.
 */
public final class EngineConstructionChild
{
    private EngineConstructionChild()
    {
    }

    /**
     * @param args unused.
     * @throws Exception if the fixture's rules do not parse.
     */
    public static void main(final String[] args) throws Exception
    {
        final NatEngineConfig config = EngineFixture.config().build();
        try (NatEngine engine = new NatEngine(config))
        {
            final byte[] syn = TestPackets.tcp("192.168.1.5", "172.16.2.65", 41000, 80, TestPackets.SYN, 1000, 0, 64);
            System.out.println("verdict " +
                engine.newProcessor().process(new UnsafeBuffer(syn), 0, syn.length, EngineFixture.ETH0, 1_000_000L));
        }
        catch (final Throwable t)
        {
            System.out.println(t.getClass().getName() + ": " + t.getMessage());
            System.exit(3);
        }
    }
}
