/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;

import org.agrona.MutableDirectBuffer;

/**
 * What the replay tool needs from a NAT engine: one packet in, "send it or not" out, plus
 * names for the verdict and reason counters and a conntrack dump. {@link EngineAdapter} is
 * the real engine behind it; tests plug in stand-ins. Single-threaded.
 */
public interface ReplayEngine
{
    /**
     * Processes one received packet in place.
     *
     * @param buffer    holds the packet; rewritten in place.
     * @param offset    start of the IPv4 header.
     * @param length    bytes from the IPv4 header to the end of the captured frame.
     * @param ingressIf interface index it arrived on.
     * @param nowNanos  clock (the pcap timestamp).
     * @return true if the engine sends it out (translated, or untranslated when INVALID).
     */
    boolean process(MutableDirectBuffer buffer, int offset, int length, int ingressIf, long nowNanos);

    /**
     * Processes one packet the box's own stack sent (the engine's OUTPUT entry point), in place: a connection the box
     * opens, or its answer on a connection it received.
     *
     * @param buffer   holds the packet as the stack wrote it ({@link StackPackets}); rewritten in place.
     * @param offset   start of the IPv4 header.
     * @param length   bytes from the IPv4 header on.
     * @param nowNanos clock (the pcap timestamp).
     * @return true if the engine sends it out (translated, or untranslated when INVALID); false when it drops it or
     *     loops it back to the box.
     */
    boolean processOutput(MutableDirectBuffer buffer, int offset, int length, long nowNanos);

    /**
     * Packets held by earlier {@link #process} calls (later fragments that came before their first fragment) and
     * handed back by the last call: the caller sends those {@link #releasedSent sent} after the current packet.
     * Valid until the next {@link #process} call.
     *
     * @return number of released packets.
     */
    default int releasedCount()
    {
        return 0;
    }

    /**
     * @param i index below {@link #releasedCount()}.
     * @return buffer holding released packet {@code i}, rewritten.
     */
    default MutableDirectBuffer releasedBuffer(int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * @param i index below {@link #releasedCount()}.
     * @return start of its IPv4 header.
     */
    default int releasedOffset(int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * @param i index below {@link #releasedCount()}.
     * @return its length to send (IPv4 total length).
     */
    default int releasedLength(int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * @param i index below {@link #releasedCount()}.
     * @return true if the engine sends it out (as {@link #process} would have said).
     */
    default boolean releasedSent(int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * @param i index below {@link #releasedCount()}.
     * @return its egress interface index when sent.
     */
    default int releasedEgress(int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * @return true when the engine is steered by the kernel's draws ({@link EngineFactory#create(String, String,
     *     String, KernelDraws)}), so its ports must be the kernel's and its evictions are reported; false for engines
     *     that keep no connections (test doubles): their ports are judged by pairing.
     */
    default boolean steered()
    {
        return false;
    }

    /**
     * @return egress interface index of the last packet sent out.
     */
    int egressIfIndex();

    /**
     * @return ordinal of the last packet's verdict.
     */
    int verdict();

    /**
     * @return ordinal of the last packet's reason.
     */
    int reason();

    /**
     * @return number of verdicts.
     */
    int verdictCount();

    /**
     * @param ordinal a verdict ordinal.
     * @return its name.
     */
    String verdictName(int ordinal);

    /**
     * @return number of reasons.
     */
    int reasonCount();

    /**
     * @param ordinal a reason ordinal.
     * @return its name.
     */
    String reasonName(int ordinal);

    /**
     * Writes the connection table in {@code conntrack -L} form.
     *
     * @param out      destination.
     * @param nowNanos clock for the remaining timeouts.
     * @throws IOException if {@code out} fails.
     */
    void dumpConntrack(Appendable out, long nowNanos) throws IOException;
}
