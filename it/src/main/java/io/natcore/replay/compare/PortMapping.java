/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Trace rule 2: the ports (and ICMP identifiers) the kernel drew at random, each paired with
 * the one the engine drew for the same connection. Keyed by the connection as seen from the
 * translated side (protocol, the address owning the port, the peer address and port), the
 * pairing must be a bijection: one kernel port stands for one engine port for the whole run.
 * <p>
 * The pairing is per connection. When the kernel gives a port it had paired before to a new TCP connection (a
 * SYN with another sequence number than the one that made the pair: the old connection expired or was evicted),
 * the engine may answer with another port, itself free or held by a closing connection (one that sent or got a
 * FIN or RST), e.g. when the kernel and the engine each evicted a different closing connection to free a port
 * (both are right; which one is random). The new pair replaces the pairs of both ports. Anywhere else, an engine
 * port that stands for another kernel port is not a bijection.
 * <p>
 * The same pairing rewrites what the kernel's world sent back (replies, ICMP errors about the
 * connection) into the engine's world before the engine sees it, so a randomised connection
 * can be followed to its end.
 */
public final class PortMapping
{
    /** A connection seen from the side whose port NAT chose. */
    public static final class Endpoint
    {
        final int proto;
        final int ownIp;
        final int peerIp;
        final int peerPort;

        Endpoint(final int proto, final int ownIp, final int peerIp, final int peerPort)
        {
            this.proto = proto;
            this.ownIp = ownIp;
            this.peerIp = peerIp;
            this.peerPort = peerPort;
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof Endpoint))
            {
                return false;
            }
            final Endpoint e = (Endpoint)o;
            return proto == e.proto && ownIp == e.ownIp && peerIp == e.peerIp && peerPort == e.peerPort;
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(proto, ownIp, peerIp, peerPort);
        }

        @Override
        public String toString()
        {
            final String p = proto == Wire.TCP ? "tcp" : proto == Wire.UDP ? "udp" : proto == Wire.ICMP ? "icmp" : "proto " + proto;
            return p + " " + Wire.ip(ownIp) + " <-> " + Wire.ip(peerIp) + (peerPort >= 0 ? ":" + peerPort : "");
        }
    }

    private final Map<Endpoint, Map<Integer, Integer>> kernelToEngine = new HashMap<>();
    private final Map<Endpoint, Map<Integer, Integer>> engineToKernel = new HashMap<>();
    private final Map<Endpoint, Map<Integer, Long>> openedBySeq = new HashMap<>();
    private final Map<Endpoint, java.util.Set<Integer>> closingKernelPorts = new HashMap<>();
    /** Per kernel port: the original source (address and port, as received) of the connection that holds it. */
    private final Map<Endpoint, Map<Integer, Long>> origins = new HashMap<>();
    private final java.util.List<String> drawn = new java.util.ArrayList<>();

    static Endpoint endpoint(final byte[] b, final PacketLayout.Field f)
    {
        return new Endpoint(f.proto, Wire.u32(b, f.ownIpOffset), Wire.u32(b, f.peerIpOffset),
            f.peerPortOffset >= 0 ? Wire.u16(b, f.peerPortOffset) : -1);
    }

    /**
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     * @return null if the pair agrees with every pair seen so far, else why not.
     */
    public String check(final Endpoint e, final int kernelPort, final int enginePort)
    {
        return check(e, kernelPort, enginePort, -1);
    }

    /**
     * {@link #check} knowing which connection the kernel's packet belongs to. A pair lasts as long as its connection:
     * a kernel port given to a connection from another original source (the first one ended) may pair anew, and an
     * engine port may stand for a new kernel port once the connection it stood for is closing (the engine reused a
     * closing connection's port where the kernel drew a fresh one; both are right).
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     * @param origin     the original source of the kernel's packet ({@link #origin}), or -1 when unknown.
     * @return null if acceptable, else why not.
     */
    public String check(final Endpoint e, final int kernelPort, final int enginePort, final long origin)
    {
        final Integer engineBefore = lookup(kernelToEngine, e, kernelPort);
        if (engineBefore != null && engineBefore != enginePort && !isNewConnection(e, kernelPort, origin))
        {
            return "connection " + e + ": kernel port " + kernelPort + " was engine port " + engineBefore +
                " before, now " + enginePort;
        }
        final Integer kernelBefore = lookup(engineToKernel, e, enginePort);
        if (kernelBefore != null && kernelBefore != kernelPort && !isClosing(e, kernelBefore))
        {
            return "connection " + e + ": engine port " + enginePort + " already stands for kernel port " +
                kernelBefore + ", now for " + kernelPort + " (not a bijection)";
        }
        return null;
    }

    /**
     * @param srcIp   a received packet's source address.
     * @param srcPort its source port.
     * @return the pair as one value for {@link #check(Endpoint, int, int, long)}.
     */
    public static long origin(final int srcIp, final int srcPort)
    {
        return (srcIp & 0xFFFF_FFFFL) << 16 | srcPort;
    }

    private boolean isNewConnection(final Endpoint e, final int kernelPort, final long origin)
    {
        final Map<Integer, Long> m = origins.get(e);
        final Long before = m == null ? null : m.get(kernelPort);
        return origin >= 0 && before != null && before != origin;
    }

    /**
     * Records a pair accepted by {@link #check(Endpoint, int, int, long)}: it replaces the pairs of both ports.
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     * @param origin     the original source of the kernel's packet, or -1 when unknown.
     */
    public void commit(final Endpoint e, final int kernelPort, final int enginePort, final long origin)
    {
        final Integer oldEngine = lookup(kernelToEngine, e, kernelPort);
        final Integer oldKernel = lookup(engineToKernel, e, enginePort);
        if (oldEngine != null && oldEngine != enginePort)
        {
            engineToKernel.get(e).remove(oldEngine);
            kernelToEngine.get(e).remove(kernelPort);
            forgetClosing(e, kernelPort);
        }
        if (oldKernel != null && oldKernel != kernelPort)
        {
            kernelToEngine.get(e).remove(oldKernel);
            engineToKernel.get(e).remove(enginePort);
            forgetClosing(e, oldKernel);
        }
        commit(e, kernelPort, enginePort);
        if (origin >= 0)
        {
            origins.computeIfAbsent(e, k -> new HashMap<>()).put(kernelPort, origin);
        }
    }

    /**
     * {@link #check} for the source port of a SYN that opens a TCP connection: a retransmission of the SYN
     * that made the kernel port's pair must keep it; a new connection may pair the port anew.
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     * @param kernelSeq  the kernel SYN's sequence number.
     * @return null if acceptable, else why not.
     */
    public String checkOpening(final Endpoint e, final int kernelPort, final int enginePort, final long kernelSeq)
    {
        final Map<Integer, Long> opened = openedBySeq.get(e);
        final Long seq = opened == null ? null : opened.get(kernelPort);
        final Integer engineBefore = lookup(kernelToEngine, e, kernelPort);
        if (engineBefore == null || seq == null || seq == kernelSeq)
        {
            return check(e, kernelPort, enginePort); // a fresh kernel port, or the SYN sent again
        }
        final Integer kernelBefore = lookup(engineToKernel, e, enginePort);
        if (kernelBefore != null && kernelBefore != kernelPort && !isClosing(e, kernelBefore))
        {
            return "connection " + e + ": engine port " + enginePort + " already stands for kernel port " +
                kernelBefore + " of a connection that is not closing, now for " + kernelPort + " (not a bijection)";
        }
        return null;
    }

    /**
     * Notes a TCP segment with FIN or RST of the connection on a kernel port (sent by the kernel, or received).
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     */
    public void noteClosing(final Endpoint e, final int kernelPort)
    {
        if (lookup(kernelToEngine, e, kernelPort) != null)
        {
            closingKernelPorts.computeIfAbsent(e, k -> new java.util.HashSet<>()).add(kernelPort);
        }
    }

    private boolean isClosing(final Endpoint e, final int kernelPort)
    {
        final java.util.Set<Integer> closing = closingKernelPorts.get(e);
        return closing != null && closing.contains(kernelPort);
    }

    /**
     * Records a pair accepted by {@link #checkOpening}, replacing any pair of either port.
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     * @param kernelSeq  the kernel SYN's sequence number.
     */
    public void commitOpening(final Endpoint e, final int kernelPort, final int enginePort, final long kernelSeq)
    {
        final Map<Integer, Integer> k2e = kernelToEngine.computeIfAbsent(e, k -> new HashMap<>());
        final Map<Integer, Integer> e2k = engineToKernel.computeIfAbsent(e, k -> new HashMap<>());
        final Map<Integer, Long> opened = openedBySeq.computeIfAbsent(e, k -> new HashMap<>());
        final Integer oldEngine = k2e.get(kernelPort);
        final Integer oldKernel = e2k.get(enginePort);
        final boolean samePair = oldEngine != null && oldEngine == enginePort;
        if (!samePair)
        {
            if (oldEngine != null)
            {
                e2k.remove(oldEngine);
                k2e.remove(kernelPort);
            }
            if (oldKernel != null)
            {
                k2e.remove(oldKernel);
                e2k.remove(enginePort);
                opened.remove(oldKernel);
                forgetClosing(e, oldKernel);
            }
            commit(e, kernelPort, enginePort);
        }
        if (!Long.valueOf(kernelSeq).equals(opened.put(kernelPort, kernelSeq)))
        {
            forgetClosing(e, kernelPort); // a new connection on the port
        }
    }

    private void forgetClosing(final Endpoint e, final int kernelPort)
    {
        final java.util.Set<Integer> closing = closingKernelPorts.get(e);
        if (closing != null)
        {
            closing.remove(kernelPort);
        }
    }

    /**
     * Records a pair accepted by {@link #check}.
     *
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @param enginePort engine's value.
     */
    public void commit(final Endpoint e, final int kernelPort, final int enginePort)
    {
        final Integer old = kernelToEngine.computeIfAbsent(e, k -> new HashMap<>()).put(kernelPort, enginePort);
        engineToKernel.computeIfAbsent(e, k -> new HashMap<>()).put(enginePort, kernelPort);
        if (old == null && kernelPort != enginePort)
        {
            drawn.add("connection " + e + ": kernel port " + kernelPort + " = engine port " + enginePort);
        }
    }

    /**
     * @return how many kernel ports map to a different engine port.
     */
    public int randomisedCount()
    {
        return drawn.size();
    }

    /**
     * @return one line per kernel port that maps to a different engine port.
     */
    public java.util.List<String> drawnDifferently()
    {
        return drawn;
    }

    /**
     * @param e          the connection.
     * @param kernelPort kernel's value.
     * @return the engine's value, or -1 if unknown.
     */
    public int engineFor(final Endpoint e, final int kernelPort)
    {
        final Integer v = lookup(kernelToEngine, e, kernelPort);
        return v == null ? -1 : v;
    }

    private static Integer lookup(final Map<Endpoint, Map<Integer, Integer>> map, final Endpoint e, final int port)
    {
        final Map<Integer, Integer> m = map.get(e);
        return m == null ? null : m.get(port);
    }

    /**
     * Rewrites a packet the kernel's world sent to the box into the engine's world: a reply to
     * a randomised port goes to the engine's port, an ICMP error quoting such a packet quotes
     * the engine's port. Checksums are updated incrementally (RFC 1624), a zero UDP checksum
     * stays zero. A packet that needs nothing is left alone.
     *
     * @param b the packet, IPv4 header at offset 0, at least the captured bytes.
     * @return true if a byte changed.
     */
    public boolean rewriteInbound(final byte[] b)
    {
        if (kernelToEngine.isEmpty() || b.length < 20 || (b[0] & 0xF0) != 0x40)
        {
            return false;
        }
        final int ihl = (b[0] & 0x0F) * 4;
        if (ihl < 20 || (Wire.u16(b, 6) & 0x1FFF) != 0)
        {
            return false;
        }
        final int proto = Wire.u8(b, 9);
        final int l4 = ihl;
        final int src = Wire.u32(b, 12);
        final int dst = Wire.u32(b, 16);
        if ((proto == Wire.TCP || proto == Wire.UDP) && l4 + 4 <= b.length)
        {
            final int checksumAt = l4 + (proto == Wire.TCP ? 16 : 6);
            if (proto == Wire.TCP && l4 + 14 <= b.length && (Wire.u8(b, l4 + 13) & 0x05) != 0)
            {
                noteClosing(new Endpoint(proto, dst, src, Wire.u16(b, l4)), Wire.u16(b, l4 + 2));
            }
            return replacePort(b, new Endpoint(proto, dst, src, Wire.u16(b, l4)), l4 + 2,
                checksumAt + 2 <= b.length ? checksumAt : -1, proto == Wire.UDP, -1);
        }
        if (proto != Wire.ICMP || l4 + 8 > b.length)
        {
            return false;
        }
        final int type = Wire.u8(b, l4);
        if (type == 0 || type == 14 || type == 16 || type == 18)
        {
            return replacePort(b, new Endpoint(Wire.ICMP, dst, src, -1), l4 + 4, l4 + 2, false, -1);
        }
        if (type != 3 && type != 4 && type != 5 && type != 11 && type != 12)
        {
            return false;
        }
        final int in = l4 + 8;
        if (in + 20 > b.length || (b[in] & 0xF0) != 0x40 || (Wire.u16(b, in + 6) & 0x1FFF) != 0)
        {
            return false;
        }
        final int inL4 = in + (b[in] & 0x0F) * 4;
        final int inProto = Wire.u8(b, in + 9);
        final int inSrc = Wire.u32(b, in + 12);
        final int inDst = Wire.u32(b, in + 16);
        if ((inProto == Wire.TCP || inProto == Wire.UDP) && inL4 + 4 <= b.length)
        {
            // The quoted packet went out from the translated side: its source port is the drawn one.
            final int inChecksumAt = inL4 + (inProto == Wire.TCP ? 16 : 6);
            return replacePort(b, new Endpoint(inProto, inSrc, inDst, Wire.u16(b, inL4 + 2)), inL4,
                inChecksumAt + 2 <= b.length ? inChecksumAt : -1, inProto == Wire.UDP, l4 + 2);
        }
        if (inProto == Wire.ICMP && inL4 + 8 <= b.length && Wire.u8(b, inL4) == 8)
        {
            return replacePort(b, new Endpoint(Wire.ICMP, inSrc, inDst, -1), inL4 + 4,
                inL4 + 2, false, l4 + 2);
        }
        return false;
    }

    private boolean replacePort(
        final byte[] b, final Endpoint e, final int portAt, final int checksumAt, final boolean udp, final int outerChecksumAt)
    {
        final int kernelPort = Wire.u16(b, portAt);
        final int enginePort = engineFor(e, kernelPort);
        if (enginePort < 0 || enginePort == kernelPort)
        {
            return false;
        }
        Wire.put16(b, portAt, enginePort);
        if (outerChecksumAt >= 0)
        {
            adjust(b, outerChecksumAt, kernelPort, enginePort);
        }
        if (checksumAt >= 0 && !(udp && Wire.u16(b, checksumAt) == 0))
        {
            final int oldChecksum = Wire.u16(b, checksumAt);
            adjust(b, checksumAt, kernelPort, enginePort);
            if (udp && Wire.u16(b, checksumAt) == 0)
            {
                Wire.put16(b, checksumAt, 0xFFFF);
            }
            if (outerChecksumAt >= 0)
            {
                // The quoted checksum is covered by the ICMP checksum too.
                adjust(b, outerChecksumAt, oldChecksum, Wire.u16(b, checksumAt));
            }
        }
        return true;
    }

    /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
    private static void adjust(final byte[] b, final int checksumAt, final int oldWord, final int newWord)
    {
        final int hc = Wire.u16(b, checksumAt);
        final int sum = Wire.fold((~hc & 0xFFFF) + (~oldWord & 0xFFFF) + (long)newWord);
        Wire.put16(b, checksumAt, ~sum & 0xFFFF);
    }
}
