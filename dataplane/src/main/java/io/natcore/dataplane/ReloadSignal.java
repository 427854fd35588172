/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP as the box's reload signal, however the box was started.
 * <p>
 * A process started with SIGHUP ignored (under {@code nohup}, or by a supervisor that ignores it) inherits the
 * ignored disposition, and HotSpot then leaves the shutdown signals alone: {@link Signal#handle} installs nothing
 * and answers {@link SignalHandler#SIG_IGN}, so every later SIGHUP would be dropped without a word and a reload
 * would never happen. Daemons that reload on SIGHUP (sshd, nginx) install their handler regardless; so does this:
 * when the registration answers SIG_IGN, the default disposition is put back with {@code signal(2)} and the handler
 * registered again. A SIGHUP in the few microseconds between the two would stop the box (the default action); it
 * can only come at start, before {@code ready}.
 */
final class ReloadSignal
{
    private static final Signal HUP = new Signal("HUP");

    private ReloadSignal()
    {
    }

    /**
     * @param onHup runs on the JVM's signal thread at each SIGHUP.
     * @return true when SIGHUP had been ignored at start and was taken over.
     */
    static boolean install(final SignalHandler onHup)
    {
        if (Signal.handle(HUP, onHup) != SignalHandler.SIG_IGN)
        {
            return false;
        }
        LibC.signal(LibC.SIGHUP, LibC.SIG_DFL);
        Signal.handle(HUP, onHup);
        return true;
    }
}
