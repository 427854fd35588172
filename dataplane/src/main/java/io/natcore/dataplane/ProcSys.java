/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a value under {@code /proc/sys} the one way the kernel serves it: a single {@code read(2)} at offset 0 into
 * a buffer large enough for the whole value.
 * <p>
 * The kernel's sysctl handlers ({@code proc_dointvec} and kin) answer only a read that starts at offset 0; a read
 * that continues where a shorter one stopped gets end of file. {@code Files.readString} sizes its buffer from the
 * file's size, which procfs reports as 0, so it reads one byte first and then gets end of file: it returned "4" for
 * {@code nf_conntrack_tcp_timeout_established = 432000}, and the box ran with 4 s ESTABLISHED and 1 s SYN_SENT
 * timeouts. sysfs ({@code /sys/class/net}) keeps offsets and is read the usual way.
 */
final class ProcSys
{
    /** Larger than any value this box reads (an integer or a short list of them). */
    static final int MAX_VALUE_BYTES = 4096;

    private ProcSys()
    {
    }

    /**
     * @param file a file under {@code /proc/sys} (or any file whose whole text fits in {@link #MAX_VALUE_BYTES}).
     * @return its text, surrounding white space removed.
     * @throws IOException when it cannot be opened or read.
     */
    static String read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer value = ByteBuffer.allocate(MAX_VALUE_BYTES);
            final int n = channel.read(value); // one read(2): a second one would start past offset 0
            return n <= 0 ? "" : new String(value.array(), 0, n, StandardCharsets.US_ASCII).strip();
        }
    }
}
