/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import io.natcore.packet.IpProtocol;

/**
 * Chooses the translated tuple of a new connection the way Linux {@code nf_nat_core.c} does
 * ({@code get_unique_tuple}, {@code find_best_ips_proto}, {@code nf_nat_l4proto_unique_tuple}):
 * <ol>
 * <li>source NAT without {@code --random(-fully)}: keep the original tuple when it is in the range and its reply
 *     is free; else reuse the mapping an existing connection from the same source got
 *     ({@code find_appropriate_src}) when free;</li>
 * <li>pick the address: the only one, or the kernel's hash of the source (and, unless {@code --persistent}, the
 *     destination) into the range ({@link KernelAddressHash});</li>
 * <li>keep the port when it is in range and the reply tuple is free (never with a random flag);</li>
 * <li>else search the port class (1-511, 600-1023, 1024-65535 by the original port; ICMP ids 0-65535; or the
 *     rule's range) from a random offset, at most 128 candidates, then halving rounds from new random offsets;
 *     the last 32 candidates of a TCP SYN may evict a closing connection holding the tuple.</li>
 * </ol>
 * With a record of another box's draws ({@link DrawHints}), {@link #destinationDraw} and {@link #sourceDraw} try
 * the recorded tuple first and take it only where these rules allow it.
 * A destination NAT without a port range never moves the port. Protocols without ports translate addresses only.
 * Deterministic for a given {@link NatRandom} seed. Not thread safe: the engine serialises bindings.
 * Allocates nothing.
 */
public final class PortAllocator
{
    /** Kernel {@code NF_NAT_MAX_ATTEMPTS}. */
    public static final int MAX_ATTEMPTS = 128;
    /** Kernel {@code NF_NAT_HARDER_THRESH}: attempts left at which a SYN may evict a closing holder. */
    public static final int HARDER_THRESHOLD = MAX_ATTEMPTS / 4;

    /** Rewrite the source side (SNAT, MASQUERADE). */
    public static final int MANIP_SRC = 0;
    /** Rewrite the destination side (DNAT, REDIRECT). */
    public static final int MANIP_DST = 1;

    private static final int PROTO_ICMP = 1;

    private final NatRandom random;
    private final NatTuple reply = new NatTuple();

    /**
     * @param random source of the search offsets.
     */
    public PortAllocator(final NatRandom random)
    {
        this.random = random;
    }

    /**
     * Choose the tuple for one manip.
     *
     * @param orig     the connection's original tuple as it stands (after earlier manips).
     * @param range    what the rule allows.
     * @param manip    {@link #MANIP_SRC} or {@link #MANIP_DST}.
     * @param tcpSyn   true when the connection is a TCP connection opened by a SYN (state SYN_SENT).
     * @param oracle   the table: is a tuple taken?
     * @param out      receives the new original tuple.
     * @return true when {@code out}'s reply tuple is free; false when the search found nothing free
     *     (exhaustion: the kernel's insertion would clash and the packet is dropped).
     */
    public boolean choose(
        final NatTuple orig,
        final NatRange range,
        final int manip,
        final boolean tcpSyn,
        final TupleOracle oracle,
        final NatTuple out)
    {
        if (manip == MANIP_SRC && !range.randomAll())
        {
            if (inRange(orig, range))
            {
                if (!used(orig, oracle))
                {
                    out.copyFrom(orig);
                    return true;
                }
            }
            else if (oracle.findSourceMapping(orig.proto, orig.srcIp, orig.srcPort, out.copyFrom(orig)) &&
                inRange(out, range) && !used(out, oracle))
            {
                return true;
            }
        }

        out.copyFrom(orig);
        findBestIp(out, range, manip);

        if (!range.randomAll())
        {
            if (range.protoSpecified)
            {
                if (portInRange(out, manip, range) && (range.minPort == range.maxPort || !used(out, oracle)))
                {
                    return !used(out, oracle);
                }
            }
            else if (!used(out, oracle))
            {
                return true;
            }
        }

        // A search that stopped on a free candidate has just asked the table about it: no second probe.
        return uniqueTuple(out, range, manip, tcpSyn, oracle) || !used(out, oracle);
    }

    /**
     * {@link #choose} for a destination manip (DNAT, REDIRECT) whose caller uses the chosen tuple whether or not
     * its reply is free (a taken reply is resolved by the source manip that follows, as in the kernel). Same tuple
     * as {@code choose(orig, range, MANIP_DST, ...)} and the same random draws, but the table is asked only where
     * the answer changes the tuple: not for a fixed port (the kernel's {@code min == max} shortcut), nor for a
     * protocol with ports and no port range (the port is never moved then).
     *
     * @param orig   the connection's original tuple.
     * @param range  what the rule allows.
     * @param tcpSyn true for a TCP connection opened by a SYN.
     * @param oracle the table.
     * @param out    receives the new original tuple.
     */
    public void chooseDestination(
        final NatTuple orig, final NatRange range, final boolean tcpSyn, final TupleOracle oracle, final NatTuple out)
    {
        out.copyFrom(orig);
        findBestIp(out, range, MANIP_DST);
        if (!range.randomAll())
        {
            if (range.protoSpecified)
            {
                if (portInRange(out, MANIP_DST, range) && (range.minPort == range.maxPort || !used(out, oracle)))
                {
                    return;
                }
            }
            else if (out.proto != PROTO_ICMP || !used(out, oracle))
            {
                return;
            }
        }
        uniqueTuple(out, range, MANIP_DST, tcpSyn, oracle);
    }

    /**
     * The tuple {@code choose(orig, range, MANIP_SRC, ...)} tries first, found without asking the table: the
     * original tuple when in range, else the mapping the same source already has (when in range), else the
     * range's address with the original port. {@link #choose} returns exactly this tuple when its reply is free,
     * so the caller may insert it straight away and call {@link #choose} only when the insertion reports the reply
     * taken (one clash-checking insert instead of a lookup, then the insert's own check).
     *
     * @param orig   the connection's original tuple as it stands (after DNAT).
     * @param range  what the rule allows.
     * @param oracle consulted for the source mapping only.
     * @param out    receives the candidate.
     * @return false when there is no such candidate ({@code --random}/{@code --random-fully}, or the port is
     *     outside the rule's range): call {@link #choose}.
     */
    public boolean sourceCandidate(
        final NatTuple orig, final NatRange range, final TupleOracle oracle, final NatTuple out)
    {
        if (range.randomAll())
        {
            return false;
        }
        if (inRange(orig, range))
        {
            out.copyFrom(orig);
            return true;
        }
        if (oracle.findSourceMapping(orig.proto, orig.srcIp, orig.srcPort, out.copyFrom(orig)) && inRange(out, range))
        {
            return true;
        }
        out.copyFrom(orig);
        findBestIp(out, range, MANIP_SRC);
        return !range.protoSpecified || portInRange(out, MANIP_SRC, range);
    }

    /**
     * The destination part of a recorded draw ({@link DrawHints}), for a destination manip: taken when the rule could
     * have chosen it (address in the rule's range, port in the rule's port range or, without one, unchanged). Whether
     * the reply is free is the source step's question, as for {@link #chooseDestination}. Asks nothing of the table.
     *
     * @param orig  the connection's original tuple.
     * @param range what the rule allows.
     * @param draw  the recorded translated tuple.
     * @param out   receives {@code orig} with the draw's destination when allowed.
     * @return null when taken, else why not.
     */
    public DrawRefusal destinationDraw(final NatTuple orig, final NatRange range, final NatTuple draw, final NatTuple out)
    {
        if (range.mapIps ? !ipInRange(draw.dstIp, range) : draw.dstIp != orig.dstIp)
        {
            return DrawRefusal.ADDRESS;
        }
        out.copyFrom(orig);
        out.dstIp = draw.dstIp;
        if (NatTuple.hasPorts(orig.proto))
        {
            final boolean icmp = orig.proto == PROTO_ICMP;
            final int port = icmp ? draw.srcPort : draw.dstPort;
            if (range.protoSpecified ? port < range.minPort || port > range.maxPort : !icmp && port != orig.dstPort)
            {
                return range.protoSpecified ? DrawRefusal.PORT_RANGE : DrawRefusal.PORT_KEPT;
            }
            setKey(out, MANIP_DST, icmp, port);
        }
        return null;
    }

    /**
     * A recorded draw ({@link DrawHints}) for the source manip, tried before any choice of the allocator's own: taken
     * when the rule could have drawn it (address in the rule's range; port in the rule's port range or, without one,
     * the original port or one of its class; any ICMP id) and its reply tuple is free, or held by a connection the
     * kernel's {@code nf_nat_used_tuple_harder} evicts for a TCP SYN (which is then evicted). Asking the table reaps
     * an expired holder, as the kernel's {@code nf_conntrack_tuple_taken} does.
     *
     * @param orig   the connection's original tuple as it stands (after the destination manip).
     * @param range  what the rule allows (a null binding: the source address only).
     * @param tcpSyn true for a TCP connection opened by a SYN.
     * @param oracle the table.
     * @param draw   the recorded translated tuple.
     * @param out    receives the draw when taken.
     * @return null when taken, else why not.
     */
    public DrawRefusal sourceDraw(
        final NatTuple orig,
        final NatRange range,
        final boolean tcpSyn,
        final TupleOracle oracle,
        final NatTuple draw,
        final NatTuple out)
    {
        final boolean icmp = orig.proto == PROTO_ICMP;
        final boolean ports = NatTuple.hasPorts(orig.proto);
        if (draw.proto != orig.proto || draw.dstIp != orig.dstIp || (ports && !icmp && draw.dstPort != orig.dstPort))
        {
            return DrawRefusal.DESTINATION;
        }
        if (range.mapIps ? !ipInRange(draw.srcIp, range) : draw.srcIp != orig.srcIp)
        {
            return DrawRefusal.ADDRESS;
        }
        out.copyFrom(orig);
        out.srcIp = draw.srcIp;
        if (ports)
        {
            final int port = draw.srcPort;
            if (range.protoSpecified && (port < range.minPort || port > range.maxPort))
            {
                return DrawRefusal.PORT_RANGE;
            }
            if (!range.protoSpecified && !icmp && port != orig.srcPort &&
                (port < classMin(orig.srcPort) || port > classMax(orig.srcPort)))
            {
                return DrawRefusal.PORT_CLASS;
            }
            setKey(out, MANIP_SRC, icmp, port);
        }
        if (!used(out, oracle) || (tcpSyn && orig.proto == IpProtocol.TCP && !usedHarder(out, oracle)))
        {
            return null;
        }
        return DrawRefusal.TAKEN;
    }

    /** @return true when it stopped on a candidate the table reported free. */
    private boolean uniqueTuple(
        final NatTuple t, final NatRange range, final int manip, final boolean tcpSyn, final TupleOracle oracle)
    {
        final int min;
        final int rangeSize;
        final boolean icmp = t.proto == PROTO_ICMP;
        if (icmp)
        {
            if (range.protoSpecified)
            {
                min = range.minPort;
                rangeSize = range.maxPort - range.minPort + 1;
            }
            else
            {
                min = 0;
                rangeSize = 65536;
            }
        }
        else if (!NatTuple.hasPorts(t.proto))
        {
            return false;
        }
        else if (!range.protoSpecified)
        {
            if (manip == MANIP_DST)
            {
                return false;
            }
            min = classMin(t.srcPort);
            rangeSize = classMax(t.srcPort) - min + 1;
        }
        else
        {
            min = range.minPort;
            rangeSize = range.maxPort - range.minPort + 1;
        }

        // The kernel's offset is a u16 that wraps.
        int off = range.randomAll() || manip != MANIP_DST ? random.nextU16() : 0;
        int attempts = Math.min(rangeSize, MAX_ATTEMPTS);
        final boolean harder = tcpSyn && t.proto == IpProtocol.TCP;
        while (true)
        {
            for (int i = 0; i < attempts; i++, off = (off + 1) & 0xFFFF)
            {
                final int key = min + off % rangeSize;
                setKey(t, manip, icmp, key);
                final boolean taken = harder && attempts - i <= HARDER_THRESHOLD ?
                    usedHarder(t, oracle) : used(t, oracle);
                if (!taken)
                {
                    return true;
                }
            }
            if (attempts >= rangeSize || attempts < 16)
            {
                return false;
            }
            attempts /= 2;
            off = random.nextU16();
        }
    }

    /** First port of the class a source port is searched in without a port range: 1-511, 600-1023, 1024-65535. */
    private static int classMin(final int port)
    {
        return port < 512 ? 1 : port < 1024 ? 600 : 1024;
    }

    /** Last port of {@link #classMin}'s class. */
    private static int classMax(final int port)
    {
        return port < 512 ? 511 : port < 1024 ? 1023 : 65535;
    }

    private static void setKey(final NatTuple t, final int manip, final boolean icmp, final int key)
    {
        if (icmp)
        {
            t.srcPort = key;
            t.dstPort = key;
        }
        else if (manip == MANIP_SRC)
        {
            t.srcPort = key;
        }
        else
        {
            t.dstPort = key;
        }
    }

    private void findBestIp(final NatTuple t, final NatRange range, final int manip)
    {
        if (!range.mapIps)
        {
            return;
        }
        final int ip;
        if (range.minIp == range.maxIp)
        {
            ip = range.minIp;
        }
        else
        {
            // The kernel's hash of source and destination (source only with --persistent), for SNAT and DNAT alike.
            ip = KernelAddressHash.pick(t.srcIp, t.dstIp, range.persistent, range.minIp, range.maxIp);
        }
        if (manip == MANIP_SRC)
        {
            t.srcIp = ip;
        }
        else
        {
            t.dstIp = ip;
        }
    }

    private static boolean inRange(final NatTuple t, final NatRange range)
    {
        if (range.mapIps && !ipInRange(t.srcIp, range))
        {
            return false;
        }
        return !range.protoSpecified || portInRange(t, MANIP_SRC, range);
    }

    private static boolean ipInRange(final int ip, final NatRange range)
    {
        return Integer.compareUnsigned(ip, range.minIp) >= 0 && Integer.compareUnsigned(ip, range.maxIp) <= 0;
    }

    private static boolean portInRange(final NatTuple t, final int manip, final NatRange range)
    {
        if (!NatTuple.hasPorts(t.proto))
        {
            return true;
        }
        final int port = t.proto == PROTO_ICMP || manip == MANIP_SRC ? t.srcPort : t.dstPort;
        return port >= range.minPort && port <= range.maxPort;
    }

    private boolean used(final NatTuple t, final TupleOracle oracle)
    {
        reply.invertOf(t);
        return oracle.isTakenOrReapExpired(reply.proto, reply.srcIp, reply.dstIp, reply.srcPort, reply.dstPort);
    }

    private boolean usedHarder(final NatTuple t, final TupleOracle oracle)
    {
        reply.invertOf(t);
        return oracle.isTakenOrEvictClosing(reply.proto, reply.srcIp, reply.dstIp, reply.srcPort, reply.dstPort);
    }
}
