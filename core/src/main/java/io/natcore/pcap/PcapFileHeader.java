/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * Layout of the classic pcap file header and record header. Byte order is the writer's,
 * told by the magic number; the nanosecond magic means the sub-second field is nanoseconds.
 * <pre>
 * File header (24 bytes):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Magic Number                         |  0
 *  +-------------------------------+-------------------------------+
 *  |         Major Version         |         Minor Version         |  4
 *  +-------------------------------+-------------------------------+
 *  |                       Time Zone (unused)                      |  8
 *  +---------------------------------------------------------------+
 *  |                    Sigfigs (unused)                           | 12
 *  +---------------------------------------------------------------+
 *  |                           Snap Length                         | 16
 *  +---------------------------------------------------------------+
 *  |                           Link Type                           | 20
 *  +---------------------------------------------------------------+
 * Record header (16 bytes), then Captured Length bytes of data:
 *  +---------------------------------------------------------------+
 *  |                      Timestamp (seconds)                      |  0
 *  +---------------------------------------------------------------+
 *  |             Timestamp (microseconds or nanoseconds)           |  4
 *  +---------------------------------------------------------------+
 *  |                        Captured Length                        |  8
 *  +---------------------------------------------------------------+
 *  |                        Original Length                        | 12
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PcapFileHeader
{
    /** Length of the file header. */
    public static final int LENGTH = 24;
    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the major version. */
    public static final int VERSION_MAJOR_OFFSET = 4;
    /** Offset of the minor version. */
    public static final int VERSION_MINOR_OFFSET = 6;
    /** Offset of the time zone correction (always 0). */
    public static final int THISZONE_OFFSET = 8;
    /** Offset of the timestamp accuracy (always 0). */
    public static final int SIGFIGS_OFFSET = 12;
    /** Offset of the snap length. */
    public static final int SNAPLEN_OFFSET = 16;
    /** Offset of the link type. */
    public static final int LINK_TYPE_OFFSET = 20;

    /** Length of a record header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Offset of the seconds in a record header. */
    public static final int TS_SEC_OFFSET = 0;
    /** Offset of the sub-second part in a record header. */
    public static final int TS_FRACTION_OFFSET = 4;
    /** Offset of the captured length in a record header. */
    public static final int CAPTURED_LENGTH_OFFSET = 8;
    /** Offset of the original (wire) length in a record header. */
    public static final int ORIGINAL_LENGTH_OFFSET = 12;

    /** Magic for microsecond timestamps, as read in the writer's byte order. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** Magic for nanosecond timestamps, as read in the writer's byte order. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** pcapng section header block type: a different format, named in the error. */
    public static final int MAGIC_PCAPNG = 0x0A0D0D0A;

    private PcapFileHeader()
    {
    }
}
