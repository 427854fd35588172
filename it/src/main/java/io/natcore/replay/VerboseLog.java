/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.PrintStream;

import io.natcore.rules.BoxConfig;
import org.agrona.DirectBuffer;

/**
 * {@code -v}: one line per record, as {@code tcpdump -n} numbers them: the record number, the verdict and its
 * reason, the packet as it came in and, when sent, as it went out and where, e.g.
 * <pre>
 *   #1     FORWARD NONE: tcp 172.16.3.5:33610 -> 172.16.20.6:22 ==> tcp 172.16.2.5:33610 -> 192.168.1.5:22 out eth0
 * </pre>
 */
final class VerboseLog implements RecordObserver
{
    private final PrintStream out;
    private final BoxConfig box;
    private byte[] after = new byte[2048];

    VerboseLog(final PrintStream out, final BoxConfig box)
    {
        this.out = out;
        this.box = box;
    }

    @Override
    public void skipped(final long record, final boolean sentByBox)
    {
        out.printf("#%-5d skipped: %s%n", record, sentByBox ? "sent by the box" : "not IPv4");
    }

    @Override
    public void judged(final long record, final byte[] before, final int beforeLength, final boolean sent,
        final DirectBuffer buffer, final int afterOffset, final int afterLength, final String verdict,
        final String reason, final int egressIf)
    {
        final String in = FlowTuple.describe(before, 0, beforeLength);
        if (sent)
        {
            out.printf("#%-5d %s %s: %s ==> %s out %s%n", record, verdict, reason, in,
                describe(buffer, afterOffset, afterLength), ifName(egressIf));
        }
        else
        {
            out.printf("#%-5d %s %s: %s%n", record, verdict, reason, in);
        }
    }

    @Override
    public void released(final long record, final boolean sent, final DirectBuffer buffer, final int offset,
        final int length, final int egressIf)
    {
        out.printf("#%-5d   released held fragment: %s%s%n", record, describe(buffer, offset, length),
            sent ? " out " + ifName(egressIf) : ", dropped");
    }

    private String describe(final DirectBuffer buffer, final int offset, final int length)
    {
        if (after.length < length)
        {
            after = new byte[Math.max(length, after.length * 2)];
        }
        buffer.getBytes(offset, after, 0, length);
        return FlowTuple.describe(after, 0, length);
    }

    private String ifName(final int ifIndex)
    {
        final String name = ifIndex < 0 ? null : box.ifName(ifIndex);
        return name != null ? name : "if" + ifIndex;
    }
}
