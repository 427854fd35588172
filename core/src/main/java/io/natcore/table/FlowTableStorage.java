/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.table;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.natcore.table.FlowTableFile.*;

/**
 * Allocates or maps the four regions of a table ({@link FlowTableFile}) and wraps each in an Agrona
 * {@link UnsafeBuffer}. Separate buffers keep every region's offsets in {@code int} range. Not thread-safe;
 * used by the table constructor and {@code close()} only.
 */
final class FlowTableStorage implements AutoCloseable
{
    final UnsafeBuffer header;
    final UnsafeBuffer hot;
    final UnsafeBuffer cold;
    final UnsafeBuffer slots;
    final int capacity;
    final int slotCount;
    final boolean reopened;
    private final ByteBuffer[] regions;
    private final boolean mapped;

    private FlowTableStorage(
        final ByteBuffer[] regions,
        final int[] lengths,
        final int capacity,
        final int slotCount,
        final boolean reopened,
        final boolean mapped)
    {
        this.regions = regions;
        this.header = aligned(regions[0], lengths[0]);
        this.hot = aligned(regions[1], lengths[1]);
        this.cold = aligned(regions[2], lengths[2]);
        this.slots = aligned(regions[3], lengths[3]);
        this.capacity = capacity;
        this.slotCount = slotCount;
        this.reopened = reopened;
        this.mapped = mapped;
    }

    /** Wraps {@code length} bytes of {@code b} from its first 64-byte aligned address; {@code b} stays the owner. */
    private static UnsafeBuffer aligned(final ByteBuffer b, final int length)
    {
        final long address = BufferUtil.address(b);
        final long start = (address + 63) & ~63L;
        return new UnsafeBuffer(start, length);
    }

    static FlowTableStorage open(final FlowTableConfig cfg, final long seed)
    {
        return cfg.mappedFile() == null ? direct(cfg, seed) : mapped(cfg, seed, cfg.mappedFile());
    }

    private static FlowTableStorage direct(final FlowTableConfig cfg, final long seed)
    {
        final int capacity = cfg.capacity();
        final int slotCount = cfg.slotCount();
        final int[] lengths = {
            HEADER_LENGTH,
            capacity * FlowEntryLayout.HOT_LENGTH,
            capacity * FlowEntryLayout.COLD_LENGTH,
            slotCount * FlowEntryLayout.SLOT_LENGTH };
        final ByteBuffer[] r = new ByteBuffer[4];
        for (int i = 0; i < 4; i++)
        {
            r[i] = ByteBuffer.allocateDirect(lengths[i] + 64); // + 64: room to align the start to a cache line
        }
        final FlowTableStorage s = new FlowTableStorage(r, lengths, capacity, slotCount, false, false);
        s.writeHeader(seed);
        return s;
    }

    private static FlowTableStorage mapped(final FlowTableConfig cfg, final long seed, final Path path)
    {
        try (FileChannel ch = FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            if (ch.size() >= HEADER_LENGTH)
            {
                final MappedByteBuffer h = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
                final UnsafeBuffer hb = new UnsafeBuffer(h);
                final int capacity = hb.getInt(CAPACITY_OFFSET);
                final int slotCount = hb.getInt(SLOT_COUNT_OFFSET);
                if (headerValid(hb, ch.size()))
                {
                    return mapRegions(ch, h, capacity, slotCount, true);
                }
                IoUtil.unmap(h);
            }
            final int capacity = cfg.capacity();
            final int slotCount = cfg.slotCount();
            final long length = totalLength(capacity, slotCount);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1); // sparse file of the full length, reads as zeros
            final MappedByteBuffer h = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
            final FlowTableStorage s = mapRegions(ch, h, capacity, slotCount, false);
            s.writeHeader(seed);
            return s;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map flow table file " + path, ex);
        }
    }

    private static boolean headerValid(final UnsafeBuffer hb, final long fileSize)
    {
        final int capacity = hb.getInt(CAPACITY_OFFSET);
        final int slotCount = hb.getInt(SLOT_COUNT_OFFSET);
        return hb.getLong(MAGIC_OFFSET) == MAGIC &&
            hb.getInt(VERSION_OFFSET) == VERSION &&
            hb.getInt(BYTE_ORDER_OFFSET) == byteOrderCode() &&
            hb.getInt(HEADER_LENGTH_OFFSET) == HEADER_LENGTH &&
            hb.getInt(HOT_LENGTH_OFFSET) == FlowEntryLayout.HOT_LENGTH &&
            hb.getInt(COLD_LENGTH_OFFSET) == FlowEntryLayout.COLD_LENGTH &&
            hb.getInt(SLOT_LENGTH_OFFSET) == FlowEntryLayout.SLOT_LENGTH &&
            capacity > 0 && capacity <= FlowTableConfig.MAX_CAPACITY &&
            slotCount > 2L * capacity && slotCount <= Integer.MAX_VALUE / FlowEntryLayout.SLOT_LENGTH &&
            hb.getLong(FILE_LENGTH_OFFSET) == totalLength(capacity, slotCount) &&
            fileSize >= totalLength(capacity, slotCount);
    }

    private static FlowTableStorage mapRegions(
        final FileChannel ch, final MappedByteBuffer h, final int capacity, final int slotCount, final boolean reopened)
        throws IOException
    {
        final int[] lengths = {
            HEADER_LENGTH,
            capacity * FlowEntryLayout.HOT_LENGTH,
            capacity * FlowEntryLayout.COLD_LENGTH,
            slotCount * FlowEntryLayout.SLOT_LENGTH };
        final ByteBuffer[] r = {
            h,
            ch.map(FileChannel.MapMode.READ_WRITE, hotRegionOffset(), (long)capacity * FlowEntryLayout.HOT_LENGTH),
            ch.map(FileChannel.MapMode.READ_WRITE, coldRegionOffset(capacity),
                (long)capacity * FlowEntryLayout.COLD_LENGTH),
            ch.map(FileChannel.MapMode.READ_WRITE, slotRegionOffset(capacity),
                (long)slotCount * FlowEntryLayout.SLOT_LENGTH) };
        return new FlowTableStorage(r, lengths, capacity, slotCount, reopened, true);
    }

    private void writeHeader(final long seed)
    {
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(BYTE_ORDER_OFFSET, byteOrderCode());
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putInt(CAPACITY_OFFSET, capacity);
        header.putInt(SLOT_COUNT_OFFSET, slotCount);
        header.putInt(HOT_LENGTH_OFFSET, FlowEntryLayout.HOT_LENGTH);
        header.putInt(COLD_LENGTH_OFFSET, FlowEntryLayout.COLD_LENGTH);
        header.putInt(SLOT_LENGTH_OFFSET, FlowEntryLayout.SLOT_LENGTH);
        header.putLong(SEED_OFFSET, seed);
        header.putLong(HOT_REGION_OFFSET, hotRegionOffset());
        header.putLong(COLD_REGION_OFFSET, coldRegionOffset(capacity));
        header.putLong(SLOT_REGION_OFFSET, slotRegionOffset(capacity));
        header.putLong(FILE_LENGTH_OFFSET, totalLength(capacity, slotCount));
        header.putInt(NEXT_CT_ID_OFFSET, 1);
        // Magic last, with release: a reader that sees it sees a complete header (a crash before leaves no magic).
        header.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    static int byteOrderCode()
    {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 1 : 2;
    }

    /** Total bytes held (all regions). */
    long totalBytes()
    {
        return (long)header.capacity() + hot.capacity() + cold.capacity() + slots.capacity(); // excludes align pad
    }

    /** Releases the memory; the buffers must not be used afterwards. */
    public void close()
    {
        for (final ByteBuffer b : regions)
        {
            if (mapped)
            {
                IoUtil.unmap(b);
            }
            else
            {
                BufferUtil.free(b);
            }
        }
    }
}
