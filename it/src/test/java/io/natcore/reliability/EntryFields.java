/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.reliability;

import io.natcore.table.FlowKey;
import io.natcore.table.FlowTable;

/**
 * A test's view of a connection in a {@link FlowTable}: SNAT of {@code client:cport -> SERVER:80} to
 * {@code NAT_IP:natPort}, and a set of per-entry fields written together from one "version" number with a checksum
 * over all of them and the entry's keys (kept in the connection MARK). A reader that sees a mark that does not match
 * the other fields and the keys has read a torn entry.
 * <p>
 * Fields written per version {@code v} (all under the entry's write lock): scratch int 0 = v, scratch int 4 = ~v,
 * IP delta and L4 delta per direction, egress per direction, ops per direction, state byte, and MARK = checksum.
 */
final class EntryFields
{
    static final int SERVER_IP = 0xAC100305;   // 172.16.3.5
    static final int SERVER_PORT = 80;
    static final int NAT_IP = 0xAC100205;      // 172.16.2.5
    static final int TCP = 6;

    private EntryFields()
    {
    }

    static int clientIp(final int conn)
    {
        return 0x0A010000 + conn + 1;            // 10.1.x.y
    }

    static int clientPort(final int conn)
    {
        return 1024 + (int)((conn * 7919L) % 60_000);
    }

    static long origK0(final int conn)
    {
        return FlowKey.k0(clientIp(conn), SERVER_IP);
    }

    static long origK1(final int conn)
    {
        return FlowKey.k1(clientPort(conn), SERVER_PORT, TCP, 0);
    }

    static long replyK0()
    {
        return FlowKey.k0(SERVER_IP, NAT_IP);
    }

    static long replyK1(final int natPort)
    {
        return FlowKey.k1(SERVER_PORT, natPort, TCP, 0);
    }

    /** Connection id of an original-direction key (inverse of origK0/origK1), or -1. */
    static int connOf(final long origK0)
    {
        return FlowKey.srcIp(origK0) - 0x0A010000 - 1;
    }

    static int mix(final long a, final long b, final long c, final long d, final int v)
    {
        long h = a * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ (h >>> 29) ^ b) * 0xBF58_476D_1CE4_E5B9L;
        h = (h ^ (h >>> 31) ^ c) * 0x94D0_49BB_1331_11EBL;
        h = (h ^ (h >>> 29) ^ d) * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ (h >>> 32) ^ v) * 0xBF58_476D_1CE4_E5B9L;
        return (int)(h ^ (h >>> 32));
    }

    /** Writes every field for version {@code v}; the caller holds the entry's write lock. */
    static void write(final FlowTable t, final int e, final int v)
    {
        t.putScratchInt(e, 0, v);
        t.putIpChecksumDelta(e, 0, v & 0xFFFF);
        t.putL4ChecksumDelta(e, 0, (v * 31) & 0xFFFF);
        t.putIpChecksumDelta(e, 1, (v * 7) & 0xFFFF);
        t.putL4ChecksumDelta(e, 1, (v >>> 16) & 0xFFFF);
        t.putEgressIfIndex(e, 0, v % 1000);
        t.putEgressIfIndex(e, 1, (v / 3) % 1000);
        t.putOps(e, 0, v & 0xFF);
        t.putOps(e, 1, (v >>> 8) & 0xFF);
        t.putStatePlain(e, (v >>> 3) & 0xFF);
        t.putScratchInt(e, 4, ~v);
        t.putMark(e, mix(t.keyK0(e, 0), t.keyK1(e, 0), t.keyK0(e, 1), t.keyK1(e, 1), v));
    }

    /**
     * Checks the fields against their version and the keys (plain reads; call inside a read section and only trust
     * the answer when the section validates, or on a quiescent table).
     *
     * @return the version, or {@code Integer.MIN_VALUE} when the fields do not belong together.
     */
    static int check(final FlowTable t, final int e)
    {
        final int v = t.scratchInt(e, 0);
        final boolean ok = t.scratchInt(e, 4) == ~v &&
            t.ipChecksumDelta(e, 0) == (v & 0xFFFF) &&
            t.l4ChecksumDelta(e, 0) == ((v * 31) & 0xFFFF) &&
            t.ipChecksumDelta(e, 1) == ((v * 7) & 0xFFFF) &&
            t.l4ChecksumDelta(e, 1) == ((v >>> 16) & 0xFFFF) &&
            t.egressIfIndex(e, 0) == v % 1000 &&
            t.egressIfIndex(e, 1) == (v / 3) % 1000 &&
            t.ops(e, 0) == (v & 0xFF) &&
            t.ops(e, 1) == ((v >>> 8) & 0xFF) &&
            t.stateVolatile(e) == ((v >>> 3) & 0xFF) &&
            t.mark(e) == mix(t.keyK0(e, 0), t.keyK1(e, 0), t.keyK0(e, 1), t.keyK1(e, 1), v);
        return ok ? v : Integer.MIN_VALUE;
    }
}
