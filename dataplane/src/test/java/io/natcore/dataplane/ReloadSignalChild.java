/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM for {@link ReloadSignalTest}: registers a SIGHUP handler ({@code takeover}: {@link ReloadSignal#install};
 * {@code plain}: {@link Signal#handle} alone), says so, then waits up to 5 s for one SIGHUP.
 */
public final class ReloadSignalChild
{
    private ReloadSignalChild()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final CountDownLatch hup = new CountDownLatch(1);
        final boolean takenOver;
        if ("takeover".equals(args[0]))
        {
            takenOver = ReloadSignal.install(sig -> hup.countDown());
        }
        else
        {
            Signal.handle(new Signal("HUP"), sig -> hup.countDown());
            takenOver = false;
        }
        System.out.println("installed, taken over " + takenOver);
        System.out.flush();
        System.out.println(hup.await(5, TimeUnit.SECONDS) ? "hup" : "no hup");
    }
}
