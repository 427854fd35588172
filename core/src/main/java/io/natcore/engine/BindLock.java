/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The engine's bind lock: a test-and-test-and-set spin lock, taken with a CAS (acquire) and released with a
 * release store. A Java monitor's exit is a second CAS, a full fence that waits for every store still in flight,
 * and on the new-connection path those are the fresh entry's cache misses (the insert has just zeroed its cold
 * record): the release store does not wait for them. Held for a few hundred nanoseconds at most (one binding), so
 * a waiter spins, then yields. Not reentrant. Allocates nothing.
 */
final class BindLock
{
    private static final VarHandle STATE;
    private static final int SPINS_BEFORE_YIELD = 256;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(BindLock.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** 0 free, 1 held. Written by CAS (acquire) and release stores; waiters read it opaque. */
    @SuppressWarnings("unused")
    private volatile int state;

    /** Take the lock (CAS, acquire semantics); spins, then yields, while another thread holds it. */
    void lockAcquire()
    {
        if (!STATE.weakCompareAndSetAcquire(this, 0, 1))
        {
            lockContended();
        }
    }

    private void lockContended()
    {
        int spins = 0;
        while (true)
        {
            if ((int)STATE.getOpaque(this) == 0 && STATE.weakCompareAndSetAcquire(this, 0, 1))
            {
                return;
            }
            if (++spins < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
    }

    /** Release the lock (release store): everything written while holding it is visible to the next holder. */
    void unlockRelease()
    {
        STATE.setRelease(this, 0);
    }

    /** @return whether some thread holds the lock (opaque read; for tests and assertions). */
    boolean isHeldOpaque()
    {
        return (int)STATE.getOpaque(this) != 0;
    }
}
