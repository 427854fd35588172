/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/**
 * Layout of the table's memory, identical for direct memory and a mapped file (version 2). Regions in order:
 * header (4096 bytes), hot lines ({@code capacity * 64}), cold records ({@code capacity * 96}), index slots
 * ({@code slotCount * 4}); each region starts on a 64-byte boundary.
 * <p>
 * Header (native byte order, recorded in BYTE_ORDER):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  MAGIC "NATCFTB1" (long)                      |   0
 *  +---------------------------------------------------------------+
 *  |  VERSION (int, 2)             |  BYTE_ORDER (1 = little end.) |   8
 *  +-------------------------------+-------------------------------+
 *  |  HEADER_LENGTH (4096)         |  CAPACITY                     |  16
 *  +-------------------------------+-------------------------------+
 *  |  SLOT_COUNT                   |  HOT_LENGTH (64)              |  24
 *  +-------------------------------+-------------------------------+
 *  |  COLD_LENGTH (96)             |  SLOT_LENGTH (4)              |  32
 *  +-------------------------------+-------------------------------+
 *  |  SEED (long)                                                  |  40
 *  |  HOT_REGION_OFFSET (long)                                     |  48
 *  |  COLD_REGION_OFFSET (long)                                    |  56
 *  |  SLOT_REGION_OFFSET (long)                                    |  64
 *  |  FILE_LENGTH (long)                                           |  72
 *  +-------------------------------+-------------------------------+
 *  |  HIGH_WATER (entries ever     |  NEXT_CT_ID                   |  80
 *  |  handed out)                  |                               |
 *  +-------------------------------+-------------------------------+
 *  |  OPEN_COUNT (reopens)         |  reserved                     |  88
 *  +---------------------------------------------------------------+
 *  |  ... reserved to 128                                          |
 *  +---------------------------------------------------------------+
 *  |  counters, one long each: INSERTS, REMOVES, CLASH_ORIG,       | 128
 *  |  CLASH_REPLY, EARLY_DROPS, FULL, SIZE, EXPIRED, DISCARDED     |
 *  +---------------------------------------------------------------+
 *  |  SHIFT_SEQ (long, own cache line: lookups read it)            | 256
 *  +---------------------------------------------------------------+
 *  |  ... reserved to 4096                                         |
 *  +---------------------------------------------------------------+
 * </pre>
 * Restart: a new process maps the file, validates MAGIC/VERSION/BYTE_ORDER/geometry, then recovers: every entry
 * below HIGH_WATER with CONFIRMED set and an even SEQ is kept and re-indexed; an odd SEQ means the process died
 * inside a write, so the entry is torn and discarded (counted in DISCARDED); the index, the free list, SIZE and
 * SHIFT_SEQ are rebuilt. The index is derived data, so a half-done index update can never survive; for the same
 * reason the slots' bit encoding (tag, distance from the home slot, reference; see {@link FlowTable}) is not part of
 * the format version: a version-2 file written before the distance field existed reopens as it is. Survives
 * process death (the page cache holds every store); an OS crash would additionally need msync and checksums.
 * One process maps a file at a time: the writer lock lives in the JVM, not in the file.
 */
public final class FlowTableFile
{
    /** "NATCFTB1". */
    public static final long MAGIC = 0x4E41_5443_4654_4231L;
    /** Layout version (2: 4-byte index slots; 1 had 8-byte slots with a 32-bit tag). */
    public static final int VERSION = 2;
    /** Header bytes. */
    public static final int HEADER_LENGTH = 4096;

    /** Magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Version. */
    public static final int VERSION_OFFSET = 8;
    /** 1 = little endian, 2 = big endian. */
    public static final int BYTE_ORDER_OFFSET = 12;
    /** Header length. */
    public static final int HEADER_LENGTH_OFFSET = 16;
    /** Capacity. */
    public static final int CAPACITY_OFFSET = 20;
    /** Slot count. */
    public static final int SLOT_COUNT_OFFSET = 24;
    /** Hot line length. */
    public static final int HOT_LENGTH_OFFSET = 28;
    /** Cold record length. */
    public static final int COLD_LENGTH_OFFSET = 32;
    /** Slot length. */
    public static final int SLOT_LENGTH_OFFSET = 36;
    /** Hash seed. */
    public static final int SEED_OFFSET = 40;
    /** Hot region offset. */
    public static final int HOT_REGION_OFFSET = 48;
    /** Cold region offset. */
    public static final int COLD_REGION_OFFSET = 56;
    /** Slot region offset. */
    public static final int SLOT_REGION_OFFSET = 64;
    /** Total length. */
    public static final int FILE_LENGTH_OFFSET = 72;
    /** Entries ever handed out (fresh allocation cursor). */
    public static final int HIGH_WATER_OFFSET = 80;
    /** Next conntrack id. */
    public static final int NEXT_CT_ID_OFFSET = 84;
    /** Times the file was reopened. */
    public static final int OPEN_COUNT_OFFSET = 88;

    /** Successful inserts. */
    public static final int INSERTS_OFFSET = 128;
    /** Removes (including expiry, excluding early drops). */
    public static final int REMOVES_OFFSET = 136;
    /** Inserts refused: original tuple present. */
    public static final int CLASH_ORIG_OFFSET = 144;
    /** Inserts refused: reply tuple present. */
    public static final int CLASH_REPLY_OFFSET = 152;
    /** Entries evicted by early drop. */
    public static final int EARLY_DROPS_OFFSET = 160;
    /** Inserts refused: full, nothing evictable. */
    public static final int FULL_OFFSET = 168;
    /** Live entries. */
    public static final int SIZE_OFFSET = 176;
    /** Entries removed by expiry (also counted in REMOVES). */
    public static final int EXPIRED_OFFSET = 184;
    /** Entries discarded as torn on recovery. */
    public static final int DISCARDED_OFFSET = 192;
    /** Index shift sequence (odd while slots move). */
    public static final int SHIFT_SEQ_OFFSET = 256;

    private FlowTableFile()
    {
    }

    /** Hot region offset for a capacity. */
    public static long hotRegionOffset()
    {
        return HEADER_LENGTH;
    }

    /** Cold region offset for a capacity. */
    public static long coldRegionOffset(final int capacity)
    {
        return align64(hotRegionOffset() + (long)capacity * FlowEntryLayout.HOT_LENGTH);
    }

    /** Slot region offset for a capacity. */
    public static long slotRegionOffset(final int capacity)
    {
        return align64(coldRegionOffset(capacity) + (long)capacity * FlowEntryLayout.COLD_LENGTH);
    }

    /** Total length for a geometry. */
    public static long totalLength(final int capacity, final int slotCount)
    {
        return align64(slotRegionOffset(capacity) + (long)slotCount * FlowEntryLayout.SLOT_LENGTH);
    }

    static long align64(final long v)
    {
        return (v + 63) & ~63L;
    }
}
