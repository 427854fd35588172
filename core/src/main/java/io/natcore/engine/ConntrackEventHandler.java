/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * Receives conntrack events drained by {@link NatEngine#pollEvents(ConntrackEventHandler, int)}. The event object
 * is reused between calls: copy what must outlive the call.
 */
@FunctionalInterface
public interface ConntrackEventHandler
{
    /**
     * @param event the event (valid during the call only).
     */
    void onEvent(ConntrackEvent event);
}
