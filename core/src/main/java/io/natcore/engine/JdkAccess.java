/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one JDK access natcore needs: Agrona's buffers use {@code jdk.internal.misc.Unsafe}, which {@code java.base}
 * exports only when the JVM is told to. Without it the first buffer access dies deep inside Agrona with an
 * {@link IllegalAccessError}; {@link #require()} says what to add instead, once, when an engine is built.
 */
final class JdkAccess
{
    /** The package Agrona reaches into. */
    static final String PACKAGE = "jdk.internal.misc";

    private JdkAccess()
    {
    }

    /**
     * @return the JVM option that exports {@link #PACKAGE} to Agrona (its module name, or ALL-UNNAMED on the class
     *     path).
     */
    static String option()
    {
        final Module agrona = UnsafeBuffer.class.getModule();
        return "--add-exports java.base/" + PACKAGE + "=" + (agrona.isNamed() ? agrona.getName() : "ALL-UNNAMED");
    }

    /**
     * Checks that {@code java.base} exports {@link #PACKAGE} to Agrona (a module lookup, no buffer is touched).
     *
     * @throws IllegalStateException naming the JVM option to add when it does not.
     */
    static void require()
    {
        if (!Object.class.getModule().isExported(PACKAGE, UnsafeBuffer.class.getModule()))
        {
            throw new IllegalStateException("natcore needs the JVM option " + option() +
                " (Agrona's UnsafeBuffer uses jdk.internal.misc.Unsafe): add it to the java command line, or " +
                "'Add-Exports: java.base/" + PACKAGE + "' to an executable jar's manifest");
        }
    }
}
