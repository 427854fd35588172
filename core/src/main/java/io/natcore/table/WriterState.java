/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

/** Padding before {@link WriterState}'s fields: 64 bytes (8 longs), so nothing read by lookups shares their line. */
abstract class WriterStatePadBefore
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The fields the table's writers change (see {@link WriterState}). */
abstract class WriterStateFields extends WriterStatePadBefore
{
    /** The table's writer lock: CAS 0 -> 1 to take, release store of 0 to give back ({@link FlowTable}). */
    volatile int lock;
    /** Free entry stack threaded through the free entries' free link; guarded by {@link #lock}. */
    int freeHead = -1;
    /** Expiry cursor; one expiring thread at a time. */
    int expiryCursor;
}

/**
 * What a {@link FlowTable}'s writers (insert, remove, expiry, early drop) change on every write, on a cache line of
 * its own: the lock's CAS and the free list's head would otherwise share a line with the fields every lookup reads
 * (slot count, masks, region addresses, the hasher), and each write would evict that line from every reader's cache.
 * Padding by inheritance, as JCTools does: HotSpot lays a superclass's fields out before a subclass's, 64 bytes
 * before the fields and 64 after (the object header and neighbours in the heap on either side).
 */
final class WriterState extends WriterStateFields
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
