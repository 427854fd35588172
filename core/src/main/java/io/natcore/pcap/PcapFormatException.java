/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * A pcap file that cannot be read: bad magic, unsupported link type, a record cut short.
 * The message names the problem and where (byte offset, record number) so the tool can
 * print it as is.
 */
public final class PcapFormatException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where.
     */
    public PcapFormatException(final String message)
    {
        super(message);
    }
}
