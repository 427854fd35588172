/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The dataplane's counters in a memory-mapped file that another process reads while the box runs, as Aeron's CnC
 * file: a header, then Agrona's counters metadata and values buffers ({@link CountersManager} writes,
 * {@link CountersReader} reads).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 version (written last, release)               |  0
 *  +---------------------------------------------------------------+
 *  |                 metadata length                               |  4
 *  +---------------------------------------------------------------+
 *  |                 values length                                 |  8
 *  +---------------------------------------------------------------+
 *  |                 reserved                                      | 12
 *  +---------------------------------------------------------------+
 *  |                 pid (8 bytes)                                 | 16
 *  +---------------------------------------------------------------+
 *  |                 start time, epoch ms (8 bytes)                | 24
 *  +---------------------------------------------------------------+
 *  |                 heartbeat, epoch ms (8 bytes, opaque)         | 32
 *  +---------------------------------------------------------------+
 *  |                 ... to 4096: metadata, then values            |
 * </pre>
 * The file is written whole under a temporary name and renamed into place, so a reader never maps a half-made one.
 */
final class CountersFile implements AutoCloseable
{
    static final int VERSION = 1;
    static final int VERSION_OFFSET = 0;
    static final int METADATA_LENGTH_OFFSET = 4;
    static final int VALUES_LENGTH_OFFSET = 8;
    static final int PID_OFFSET = 16;
    static final int START_TIME_OFFSET = 24;
    static final int HEARTBEAT_OFFSET = 32;
    static final int HEADER_LENGTH = 4096;
    static final String FILE_NAME = "counters";

    private final MappedByteBuffer mapped;
    final UnsafeBuffer header;
    final AtomicBuffer metadata;
    final AtomicBuffer values;

    private CountersFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        this.metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
    }

    /** Creates {@code dir/counters} for up to {@code counters} counters. */
    static CountersFile create(final Path dir, final int counters) throws IOException
    {
        Files.createDirectories(dir);
        final int valuesLength = align(counters * CountersReader.COUNTER_LENGTH);
        final int metadataLength = valuesLength * (CountersReader.METADATA_LENGTH / CountersReader.COUNTER_LENGTH);
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        final long length = (long)HEADER_LENGTH + metadataLength + valuesLength;
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw"))
        {
            f.setLength(0);
            f.setLength(length);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        final MappedByteBuffer mapped = map(dir.resolve(FILE_NAME), FileChannel.MapMode.READ_WRITE, length);
        final UnsafeBuffer h = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        h.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        h.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        h.putLong(PID_OFFSET, ProcessHandle.current().pid());
        h.putLong(START_TIME_OFFSET, System.currentTimeMillis());
        h.putIntRelease(VERSION_OFFSET, VERSION);
        return new CountersFile(mapped);
    }

    /** Maps an existing {@code dir/counters} (read only use). @throws IOException when absent or not ours. */
    static CountersFile open(final Path dir) throws IOException
    {
        final Path file = dir.resolve(FILE_NAME);
        final MappedByteBuffer mapped = map(file, FileChannel.MapMode.READ_ONLY, Files.size(file));
        final CountersFile cf = new CountersFile(mapped);
        if (cf.header.getIntVolatile(VERSION_OFFSET) != VERSION)
        {
            throw new IOException(file + ": not a natcore counters file (version " +
                cf.header.getInt(VERSION_OFFSET) + ")");
        }
        return cf;
    }

    private static MappedByteBuffer map(final Path file, final FileChannel.MapMode mode, final long length)
        throws IOException
    {
        try (FileChannel ch = mode == FileChannel.MapMode.READ_ONLY ?
            FileChannel.open(file) :
            FileChannel.open(file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE))
        {
            return ch.map(mode, 0, length);
        }
    }

    private static int align(final int n)
    {
        return (n + 4095) & ~4095;
    }

    CountersManager manager()
    {
        return new CountersManager(metadata, values);
    }

    CountersReader reader()
    {
        return new CountersReader(metadata, values);
    }

    long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    long startTimeMs()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    long heartbeatMs()
    {
        return header.getLongVolatile(HEARTBEAT_OFFSET);
    }

    /** Housekeeper: the box is alive (opaque: readers only compare it with the wall clock). */
    void heartbeat(final long epochMs)
    {
        header.putLongOpaque(HEARTBEAT_OFFSET, epochMs);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
