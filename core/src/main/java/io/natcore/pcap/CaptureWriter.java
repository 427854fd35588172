/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

import org.agrona.DirectBuffer;

/**
 * What {@link PcapWriter} and {@link PcapngWriter} share: the buffered stream, the packet copy buffer reused from
 * record to record (grown for a larger packet, never per packet) and the record count. Not thread-safe.
 */
abstract class CaptureWriter implements Closeable, Flushable
{
    /** Buffered destination; closed by {@link #close()}. */
    final OutputStream out;
    private byte[] copy = new byte[2048];
    private long records;

    CaptureWriter(final OutputStream out)
    {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
    }

    /** Writes {@code length} packet bytes, then zeros up to {@code padded}. */
    final void writePacketBytes(final DirectBuffer buffer, final int offset, final int length, final int padded)
        throws IOException
    {
        if (copy.length < padded)
        {
            copy = new byte[Math.max(padded, copy.length * 2)];
        }
        buffer.getBytes(offset, copy, 0, length);
        for (int i = length; i < padded; i++)
        {
            copy[i] = 0;
        }
        out.write(copy, 0, padded);
    }

    /** Counts a record once all of it is written. */
    final void recordWritten()
    {
        records++;
    }

    /**
     * @return records (packets) written so far.
     */
    public final long recordCount()
    {
        return records;
    }

    @Override
    public final void flush() throws IOException
    {
        out.flush();
    }

    @Override
    public final void close() throws IOException
    {
        out.close();
    }
}
