/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares one packet the kernel sent with one the engine sent, byte for byte from the IPv4
 * header on, allowing only what the trace rules allow:
 * <ol>
 * <li>TTL one higher than the kernel's (the engine did not decrement) with a valid IPv4 header
 *     checksum of its own;</li>
 * <li>a port or ICMP identifier of the same class that agrees with the {@link PortMapping},
 *     with every checksum covering it following the change exactly (an RFC 1624 update of the
 *     kernel's checksum by the differing words).</li>
 * </ol>
 * Without port classes (an engine steered by the kernel's draws), 2. does not apply: a port differs or not.
 * Everything else that differs is reported by field name with both values.
 */
public final class PacketDiff
{
    /** The outcome of one comparison. */
    public static final class Result
    {
        /** Differences the rules do not allow, one line each; empty if the packets agree. */
        public final List<String> problems = new ArrayList<>();
        /** True if the engine kept the TTL and rule 1 was applied. */
        public boolean ttlMasked;
        /** True if the bytes were identical. */
        public boolean identical;
        final List<PortMapping.Endpoint> endpoints = new ArrayList<>();
        final List<int[]> pairs = new ArrayList<>();
        /** Per pair: the kernel's sequence number when the packet opens a TCP connection (a SYN), else -1. */
        final List<Long> openingSeqs = new ArrayList<>();
        /** Per pair: true when the packet is a TCP segment with FIN or RST from the port's side. */
        final List<Boolean> closing = new ArrayList<>();
        /** The original source of the kernel's packet (as received), or -1 when unknown. */
        long origin = -1;
        /** Per pair: {@link #origin} when the pair is the packet's own source port, else -1. */
        final List<Long> pairOrigins = new ArrayList<>();

        /**
         * @return true if the engine's packet is an acceptable stand-in for the kernel's.
         */
        public boolean ok()
        {
            return problems.isEmpty();
        }
    }

    private final PortMapping mapping;
    private final PortClasses classes;

    /**
     * @param mapping the run's port pairing (read here, written by {@link #commit}).
     * @param classes legal port draws; null: no pairing, every port must be the kernel's.
     */
    public PacketDiff(final PortMapping mapping, final PortClasses classes)
    {
        this.mapping = mapping;
        this.classes = classes;
    }

    /**
     * Compares without changing the mapping.
     *
     * @param kernel bytes the kernel sent (IPv4 header at 0, trimmed to the total length).
     * @param engine bytes the engine sent.
     * @return the result; pass it to {@link #commit} once the pair is accepted.
     */
    public Result compare(final byte[] kernel, final byte[] engine)
    {
        return compare(kernel, engine, -1);
    }

    /**
     * Compares without changing the mapping, knowing the kernel packet's original source.
     *
     * @param kernel bytes the kernel sent.
     * @param engine bytes the engine sent.
     * @param origin {@link PortMapping#origin} of the received packet the kernel's is the forward of, or -1: a port
     *               the kernel moved (its source port differs from the received one) may differ whatever the
     *               address (a connection no rule matched gets its port moved on a clash), and a kernel port given
     *               to a connection from another origin may pair anew.
     * @return the result.
     */
    public Result compare(final byte[] kernel, final byte[] engine, final long origin)
    {
        final Result r = new Result();
        r.origin = origin;
        final PacketLayout layout = new PacketLayout(kernel);
        r.identical = java.util.Arrays.equals(kernel, engine);
        if (!r.identical && kernel.length != engine.length)
        {
            r.problems.add("length kernel=" + kernel.length + " engine=" + engine.length);
        }
        final int common = Math.min(kernel.length, engine.length);
        final List<PacketLayout.Field> fields = layout.fields();
        boolean ipChecksumDiffers = false;
        for (int i = 0; i < fields.size(); i++)
        {
            final PacketLayout.Field f = fields.get(i);
            final boolean inBoth = f.offset + f.length <= common;
            if (f.kind == PacketLayout.Kind.PORT && inBoth)
            {
                checkPort(kernel, engine, f, r);
                continue;
            }
            if (f.kind == PacketLayout.Kind.CHECKSUM && !r.identical && kernel.length == engine.length)
            {
                // A checksum must follow every change in what it covers, whether or not its own bytes changed.
                if ((differs(kernel, engine, f, common) || regionDiffers(kernel, engine, f)) &&
                    !checksumFollows(kernel, engine, f))
                {
                    r.problems.add(describe(f, kernel, engine) + " (does not match the other changes it covers)");
                }
                continue;
            }
            if (r.identical || !differs(kernel, engine, f, common))
            {
                continue;
            }
            if (!inBoth)
            {
                r.problems.add(f.name + " cut short in the engine's packet");
                continue;
            }
            switch (f.kind)
            {
                case TTL:
                    if (Wire.u8(engine, f.offset) == Wire.u8(kernel, f.offset) + 1)
                    {
                        r.ttlMasked = true;
                    }
                    else
                    {
                        r.problems.add(describe(f, kernel, engine));
                    }
                    break;
                case IP_CHECKSUM:
                    ipChecksumDiffers = true;
                    break;
                default:
                    r.problems.add(describe(f, kernel, engine));
                    break;
            }
        }
        if (ipChecksumDiffers)
        {
            final int ihl = (kernel[0] & 0x0F) * 4;
            final boolean valid = Wire.ipHeaderChecksumValid(engine, 0, ihl);
            if (!valid)
            {
                r.problems.add("ip.checksum kernel=0x" + Integer.toHexString(Wire.u16(kernel, 10)) +
                    " engine=0x" + Integer.toHexString(Wire.u16(engine, 10)) + " is not valid for the engine's header");
            }
            else if (!r.ttlMasked && !headerDiffersBesideChecksum(kernel, engine, ihl))
            {
                r.problems.add("ip.checksum kernel=0x" + Integer.toHexString(Wire.u16(kernel, 10)) +
                    " engine=0x" + Integer.toHexString(Wire.u16(engine, 10)));
            }
            // else: valid for the engine's header; the header field that differs is reported on its own.
        }
        else if (r.ttlMasked)
        {
            r.problems.add("ip.checksum unchanged although the TTL differs: engine's header checksum is wrong");
        }
        return r;
    }

    /**
     * Records the port pairs of an accepted result in the mapping.
     *
     * @param r an accepted result.
     */
    public void commit(final Result r)
    {
        for (int i = 0; i < r.endpoints.size(); i++)
        {
            final long seq = r.openingSeqs.get(i);
            if (r.closing.get(i))
            {
                mapping.noteClosing(r.endpoints.get(i), r.pairs.get(i)[0]);
            }
            if (seq >= 0)
            {
                mapping.commitOpening(r.endpoints.get(i), r.pairs.get(i)[0], r.pairs.get(i)[1], seq);
            }
            else
            {
                mapping.commit(r.endpoints.get(i), r.pairs.get(i)[0], r.pairs.get(i)[1], r.pairOrigins.get(i));
            }
        }
    }

    private void checkPort(final byte[] kernel, final byte[] engine, final PacketLayout.Field f, final Result r)
    {
        final int kp = Wire.u16(kernel, f.offset);
        final int ep = Wire.u16(engine, f.offset);
        // The connection is named by the kernel's values; if the engine's addresses differ that
        // is reported on its own field.
        final PortMapping.Endpoint e = PortMapping.endpoint(kernel, f);
        final long openingSeq = openingSeq(kernel, f);
        String problem = null;
        if (classes == null)
        {
            if (kp != ep)
            {
                r.problems.add(f.name + " kernel=" + kp + " engine=" + ep + " (no pairing: the engine had the kernel's draws)");
            }
            return;
        }
        // Only the packet's own source port has the received packet's source port as its origin.
        final long origin = f.offset == (kernel[0] & 0x0F) * 4 ? r.origin : -1;
        final boolean kernelMoved = origin >= 0 && (origin & 0xFFFF) != kp;
        if (kp != ep)
        {
            problem = classes.mayDraw(e.ownIp) || kernelMoved ? classes.check(f.proto, kp, ep) :
                "only a port NAT draws for a translated source (a box address or --to-source) may differ";
        }
        if (problem == null)
        {
            problem = openingSeq >= 0 ? mapping.checkOpening(e, kp, ep, openingSeq) : mapping.check(e, kp, ep, origin);
        }
        if (problem == null)
        {
            for (int i = 0; i < r.endpoints.size(); i++)
            {
                if (r.endpoints.get(i).equals(e) && r.pairs.get(i)[0] == kp && r.pairs.get(i)[1] != ep)
                {
                    problem = "connection " + e + ": kernel port " + kp + " maps to two engine ports in one packet";
                }
            }
        }
        if (problem != null)
        {
            r.problems.add(f.name + " kernel=" + kp + " engine=" + ep + ": " + problem);
            return;
        }
        r.endpoints.add(e);
        r.pairs.add(new int[] {kp, ep});
        r.openingSeqs.add(openingSeq);
        r.closing.add(closes(kernel, f));
        r.pairOrigins.add(origin);
    }

    /** @return true if {@code f} is the source port of a TCP segment with FIN or RST (not quoted in an ICMP error). */
    private static boolean closes(final byte[] kernel, final PacketLayout.Field f)
    {
        final int ihl = (kernel[0] & 0x0F) * 4;
        return f.proto == Wire.TCP && f.offset == ihl && Wire.u8(kernel, 9) == Wire.TCP && ihl + 14 <= kernel.length &&
            (Wire.u8(kernel, ihl + 13) & 0x05) != 0;
    }

    /**
     * @return the kernel's sequence number if {@code f} is the source port of a TCP segment that opens a
     *     connection (SYN without ACK, not quoted in an ICMP error), else -1.
     */
    private static long openingSeq(final byte[] kernel, final PacketLayout.Field f)
    {
        final int ihl = (kernel[0] & 0x0F) * 4;
        if (f.proto != Wire.TCP || f.offset != ihl || Wire.u8(kernel, 9) != Wire.TCP || ihl + 14 > kernel.length)
        {
            return -1;
        }
        final int flags = Wire.u8(kernel, ihl + 13);
        return (flags & 0x12) == 0x02 ? Wire.u32(kernel, ihl + 4) & 0xFFFF_FFFFL : -1;
    }

    private static boolean differs(final byte[] k, final byte[] e, final PacketLayout.Field f, final int common)
    {
        final int end = Math.min(f.offset + f.length, common);
        for (int i = f.offset; i < end; i++)
        {
            if (k[i] != e[i])
            {
                return true;
            }
        }
        return f.offset + f.length > common;
    }

    /**
     * The engine's checksum must be the kernel's updated by exactly the words that differ in
     * the region it covers, pseudo header addresses included (RFC 1624): ~C' = ~C - S + S'. 0x0000 and 0xFFFF are the same one's
     * complement zero, except that a UDP checksum of zero means "none" and must stay zero.
     */
    static boolean checksumFollows(final byte[] k, final byte[] e, final PacketLayout.Field f)
    {
        if (k.length != e.length)
        {
            return false;
        }
        final int ck = Wire.u16(k, f.offset);
        final int ce = Wire.u16(e, f.offset);
        final boolean udp = f.proto == 1;
        if (udp && (ck == 0 || ce == 0))
        {
            return ck == ce;
        }
        long sk = Wire.sum(k, f.regionStart, f.offset) + Wire.sum(k, f.offset + 2, f.regionEnd);
        long se = Wire.sum(e, f.regionStart, f.offset) + Wire.sum(e, f.offset + 2, f.regionEnd);
        if (f.pseudoStart >= 0)
        {
            // The pseudo header's addresses: a checksum right for the engine's own addresses follows them.
            sk += Wire.sum(k, f.pseudoStart, f.pseudoStart + 8);
            se += Wire.sum(e, f.pseudoStart, f.pseudoStart + 8);
        }
        final int expected = Wire.fold((~ck & 0xFFFF) + (~Wire.fold(sk) & 0xFFFF) + (long)Wire.fold(se));
        final int actual = ~ce & 0xFFFF;
        return expected == actual || (expected == 0xFFFF && actual == 0) || (expected == 0 && actual == 0xFFFF);
    }

    private static boolean headerDiffersBesideChecksum(final byte[] k, final byte[] e, final int ihl)
    {
        for (int i = 0; i < ihl && i < e.length; i++)
        {
            if (i != 10 && i != 11 && k[i] != e[i])
            {
                return true;
            }
        }
        return false;
    }

    private static boolean regionDiffers(final byte[] k, final byte[] e, final PacketLayout.Field f)
    {
        if (f.pseudoStart >= 0 && !java.util.Arrays.equals(k, f.pseudoStart, f.pseudoStart + 8, e, f.pseudoStart, f.pseudoStart + 8))
        {
            return true;
        }
        for (int i = f.regionStart; i < f.regionEnd; i++)
        {
            if (k[i] != e[i] && (i < f.offset || i >= f.offset + 2))
            {
                return true;
            }
        }
        return false;
    }

    private static String describe(final PacketLayout.Field f, final byte[] k, final byte[] e)
    {
        if (f.format == PacketLayout.Format.BYTES)
        {
            int first = f.offset;
            while (first < f.offset + f.length && k[first] == e[first])
            {
                first++;
            }
            final int n = Math.min(16, f.offset + f.length - first);
            return f.name + " differs from byte " + (first - f.offset) + " of " + f.length +
                ": kernel=" + Wire.hex(k, first, n) + " engine=" + Wire.hex(e, first, n);
        }
        return f.name + " kernel=" + f.value(k) + " engine=" + f.value(e);
    }
}
