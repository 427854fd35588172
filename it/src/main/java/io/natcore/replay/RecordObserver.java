/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import org.agrona.DirectBuffer;

/**
 * Watches a replay record by record ({@code -v}, the connection view, the sequence diagram). Only set when asked
 * for: the replayer copies each packet as it came in for it, which the plain replay does not.
 */
interface RecordObserver
{
    /**
     * A record not handed to the engine.
     *
     * @param record     its number in the capture.
     * @param sentByBox  true if the capture marks it as sent by the capturing host, false if it holds no IPv4.
     */
    void skipped(long record, boolean sentByBox);

    /**
     * A received packet the engine judged.
     *
     * @param record       its number in the capture.
     * @param before       the packet as received (IPv4 header at 0).
     * @param beforeLength its length.
     * @param sent         whether the engine sends it out.
     * @param after        the packet as the engine left it.
     * @param afterOffset  start of its IPv4 header.
     * @param afterLength  its length (what is sent).
     * @param verdict      the engine's verdict name.
     * @param reason       the engine's reason name.
     * @param egressIf     where it goes out, when sent.
     */
    void judged(long record, byte[] before, int beforeLength, boolean sent, DirectBuffer after, int afterOffset,
        int afterLength, String verdict, String reason, int egressIf);

    /**
     * A later fragment the engine held until its first fragment came, handed back with {@code record}.
     *
     * @param record   the record that released it.
     * @param sent     whether the engine sends it out.
     * @param buffer   the packet.
     * @param offset   start of its IPv4 header.
     * @param length   its length.
     * @param egressIf where it goes out, when sent.
     */
    void released(long record, boolean sent, DirectBuffer buffer, int offset, int length, int egressIf);
}
