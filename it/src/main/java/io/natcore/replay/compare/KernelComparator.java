/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges an engine against a kernel trace, under the rules of the traces' README. Feed it
 * the trace in pcap order: each received packet ({@link #onReceived}, then
 * {@link #rewriteInbound} on the copy the engine will see), each packet the engine sent
 * for it ({@link #onEngineSent}), each packet the kernel sent ({@link #onKernelSent}); then
 * {@link #finish()}.
 * <p>
 * Unfragmented packets are compared in order, to within a window of a few packets (the kernel
 * itself swaps packets of the two directions that arrive together): each engine packet is
 * matched with the first acceptable kernel packet in the window. A kernel packet left unmatched
 * once the window has moved past it is reported against the most similar engine packet (field
 * by field), or as missing; an engine packet left over, as extra. Fragments are compared as
 * the set of fragments of each datagram (rule 3). ICMP time-exceeded / parameter-problem /
 * fragmentation-needed messages the box made itself about a packet it received are set aside
 * (rule 4). Any other packet the kernel sent that is the forward of no packet it received ({@link #isOwnStack}) is the
 * box's own stack's (a SYN-ACK, an echo reply, a reset, an ICMP error about a packet delivered to the box): set aside
 * (rule 5), or, once {@link #compareOwnStackPackets()} is called (the caller feeds those packets through the engine's
 * OUTPUT entry point), compared like any other. Decided from the kernel's record alone, so an engine that forwards a
 * packet the kernel delivered locally still fails, through its extra packet, and one that swallows a packet the
 * kernel forwarded, through the kernel's packet left unmatched. For rules 4 and 5 give it every received packet
 * before the comparison starts.
 * <p>
 * Two port modes: with pairing (captures without the kernel's conntrack events), a port the engine drew differently
 * is paired with the kernel's (rule 2, {@link PortMapping}); without pairing (the engine was steered by the kernel's
 * draws), every port must be the kernel's. Nothing here knows about the engine's classes: it only sees bytes.
 */
public final class KernelComparator
{
    private static final int LOOK_AHEAD = 8;
    /** A pair with more differing fields than this is two unrelated packets, not one packet changed. */
    private static final int SIMILAR_ENOUGH = 6;

    /** A packet and where it came from. */
    private static final class Sent
    {
        final long record;
        final byte[] bytes;

        Sent(final long record, final byte[] bytes)
        {
            this.record = record;
            this.bytes = bytes;
        }
    }

    private record FragmentKey(int src, int dst, int proto, int id)
    {
    }

    private final PortMapping mapping = new PortMapping();
    private final PacketDiff diff;
    private final ArrayDeque<Sent> kernel = new ArrayDeque<>();
    private final ArrayDeque<Sent> engine = new ArrayDeque<>();
    private final Map<FragmentKey, List<Sent>> kernelFragments = new LinkedHashMap<>();
    private final Map<FragmentKey, List<Sent>> engineFragments = new LinkedHashMap<>();
    private final Set<Long> receivedIdProtoTtl = new HashSet<>();
    private final Set<Long> receivedIcmpIdTypeCode = new HashSet<>();
    /** {@link #forwardKey} of every packet received: what the kernel may have forwarded. */
    private final Set<Long> receivedPrints = new HashSet<>();
    /** {@link #forwardPrint} of each received TCP/UDP packet to its original source ({@link PortMapping#origin}). */
    private final Map<Long, Long> receivedOrigins = new java.util.HashMap<>();
    private final List<Mismatch> mismatches = new ArrayList<>();
    private final List<String> excluded = new ArrayList<>();
    private int kernelCount;
    private int engineCount;
    private int matched;
    private int ttlMasked;
    private boolean finished;
    private boolean compareOwnStack;

    /**
     * @param rulesText the trace's iptables-save text, for the sources and port ranges of rule 2.
     * @param boxText   the trace's box description, for the box's own addresses (MASQUERADE sources).
     */
    public KernelComparator(final String rulesText, final String boxText)
    {
        this(rulesText, boxText, true);
    }

    /**
     * @param rulesText the trace's iptables-save text, for the sources and port ranges of rule 2.
     * @param boxText   the trace's box description, for the box's own addresses (MASQUERADE sources).
     * @param pairPorts true: pair the ports the engine drew differently (rule 2); false: every byte as the kernel's.
     */
    public KernelComparator(final String rulesText, final String boxText, final boolean pairPorts)
    {
        this.diff = new PacketDiff(mapping, pairPorts ? new PortClasses(rulesText, boxText) : null);
    }

    /**
     * Notes a packet the box received (before any rewrite), for rules 4 and 5.
     *
     * @param record pcap record number.
     * @param ip     the packet from its IPv4 header on.
     */
    public void onReceived(final long record, final byte[] ip)
    {
        if (ip.length < 20)
        {
            return;
        }
        receivedIdProtoTtl.add(idProtoTtl(ip, 0));
        final long print = forwardPrint(ip);
        receivedPrints.add(forwardKey(print, Wire.u8(ip, 8)));
        final int proto = Wire.u8(ip, 9);
        final int l4 = (ip[0] & 0x0F) * 4;
        if ((proto == Wire.TCP || proto == Wire.UDP) && (Wire.u16(ip, 6) & 0x3FFF) == 0 && l4 + 4 <= ip.length)
        {
            receivedOrigins.put(print, PortMapping.origin(Wire.u32(ip, 12), Wire.u16(ip, l4)));
        }
        final int ihl = (ip[0] & 0x0F) * 4;
        if (Wire.u8(ip, 9) == Wire.ICMP && ihl + 2 <= ip.length)
        {
            receivedIcmpIdTypeCode.add((long)Wire.u16(ip, 4) << 16 | Wire.u16(ip, ihl));
        }
    }

    /**
     * Compares the box's own stack's packets (rule 5) like any other instead of setting them aside: the caller feeds
     * each of them through the engine's OUTPUT entry point and hands the engine's result to {@link #onEngineSent}.
     *
     * @return this.
     */
    public KernelComparator compareOwnStackPackets()
    {
        compareOwnStack = true;
        return this;
    }

    /**
     * Rule 5: whether a packet the kernel sent is its own stack's, not the forward of a packet it received. A forward
     * keeps what NAT and routing leave alone ({@link #forwardPrint}: protocol, IP id, length, TCP sequence numbers and
     * flags, ICMP sequence or quoted IP id) and has the TTL of the packet it forwards less one ({@code ip_forward}); a
     * packet no received one matches so was made by the box's stack (its own IP id and TTL, typically 64). Requiring
     * the TTL too keeps a box packet from passing for a forward when its IP id and length happen to equal a received
     * one's (UDP with DF set and no connected socket has IP id 0). Judged against every received packet, so capture
     * order does not matter. Rule 4's ICMP errors are the router's, not the stack's.
     *
     * @param ip a packet the kernel sent, from the IPv4 header on, trimmed to its total length.
     * @return true when the box's own stack sent it.
     */
    public boolean isOwnStack(final byte[] ip)
    {
        return ip.length >= 20 && !isBoxOriginated(ip) &&
            !receivedPrints.contains(forwardKey(forwardPrint(ip), Wire.u8(ip, 8) + 1));
    }

    /** A received packet's print and TTL, as {@link #isOwnStack} looks a forward's up. */
    private static long forwardKey(final long print, final int ttl)
    {
        return print * 257 + ttl;
    }

    /**
     * Rule 2: turns a packet of the kernel's world into the engine's world (ports the two
     * drew differently). Call on the copy handed to the engine.
     *
     * @param ip the packet from its IPv4 header on; changed in place.
     * @return true if it changed.
     */
    public boolean rewriteInbound(final byte[] ip)
    {
        return mapping.rewriteInbound(ip);
    }

    /**
     * @param record pcap record number of a packet the kernel sent.
     * @param ip     its bytes from the IPv4 header on, trimmed to the total length.
     */
    public void onKernelSent(final long record, final byte[] ip)
    {
        if (isBoxOriginated(ip))
        {
            excluded.add("packet #" + record + " " + new PacketLayout(ip).summary() +
                ": made by the box about a packet it received (rule 4), not compared");
            return;
        }
        if (!compareOwnStack && isOwnStack(ip))
        {
            excluded.add("packet #" + record + " " + new PacketLayout(ip).summary() +
                ": made by the box's own stack, the forward of no packet it received (rule 5), not compared");
            return;
        }
        kernelCount++;
        if (isFragment(ip))
        {
            addFragment(kernelFragments, record, ip);
        }
        else
        {
            kernel.add(new Sent(record, ip));
        }
        drain(false);
    }

    /**
     * @param inputRecord pcap record number of the received packet the engine sent this for.
     * @param ip          the engine's packet from the IPv4 header on, trimmed to the total length.
     */
    public void onEngineSent(final long inputRecord, final byte[] ip)
    {
        engineCount++;
        if (isFragment(ip))
        {
            addFragment(engineFragments, inputRecord, ip);
        }
        else
        {
            engine.add(new Sent(inputRecord, ip));
        }
        drain(false);
    }

    /**
     * Compares whatever is left; call once after the last packet.
     */
    public void finish()
    {
        finished = true;
        drain(true);
        for (final Map.Entry<FragmentKey, List<Sent>> e : kernelFragments.entrySet())
        {
            final List<Sent> mine = engineFragments.remove(e.getKey());
            compareFragmentSets(e.getKey(), e.getValue(), mine == null ? new ArrayList<>() : mine);
        }
        for (final Map.Entry<FragmentKey, List<Sent>> e : engineFragments.entrySet())
        {
            compareFragmentSets(e.getKey(), new ArrayList<>(), e.getValue());
        }
        kernelFragments.clear();
        engineFragments.clear();
    }

    /**
     * @return every disagreement found.
     */
    public List<Mismatch> mismatches()
    {
        return mismatches;
    }

    /**
     * @return one line per kernel packet set aside under rule 4.
     */
    public List<String> excluded()
    {
        return excluded;
    }

    /**
     * @return kernel packets taken into the comparison.
     */
    public int kernelCount()
    {
        return kernelCount;
    }

    /**
     * @return engine packets taken into the comparison.
     */
    public int engineCount()
    {
        return engineCount;
    }

    /**
     * @return pairs found equal (under the rules).
     */
    public int matchedCount()
    {
        return matched;
    }

    /**
     * @return matched pairs where rule 1 (TTL) was applied.
     */
    public int ttlMaskedCount()
    {
        return ttlMasked;
    }

    /**
     * @return ports the engine drew differently from the kernel (rule 2).
     */
    public int randomisedPortCount()
    {
        return mapping.randomisedCount();
    }

    /**
     * @return one line per port the engine drew differently from the kernel, with its connection.
     */
    public List<String> portsDrawnDifferently()
    {
        return mapping.drawnDifferently();
    }

    /**
     * @return true once finished with no mismatch.
     */
    public boolean passed()
    {
        return finished && mismatches.isEmpty();
    }

    private void drain(final boolean atEnd)
    {
        boolean progress = true;
        while (progress)
        {
            progress = matchWithinWindow();
        }
        while (!kernel.isEmpty() || !engine.isEmpty())
        {
            if (!atEnd && kernel.size() <= LOOK_AHEAD && engine.size() <= LOOK_AHEAD)
            {
                return; // an unmatched head may still find its partner among packets yet to come
            }
            if (kernel.isEmpty())
            {
                extra(engine.pollFirst());
                continue;
            }
            final Sent k = kernel.pollFirst();
            if (engine.isEmpty())
            {
                missing(k);
                continue;
            }
            // No engine packet in the window is acceptable for k: report it against the most similar one.
            Sent best = null;
            PacketDiff.Result bestResult = null;
            int i = 0;
            for (final Sent e : engine)
            {
                if (i++ > LOOK_AHEAD)
                {
                    break;
                }
                final PacketDiff.Result r = diff.compare(k.bytes, e.bytes, originOf(k.bytes));
                if (bestResult == null || r.problems.size() < bestResult.problems.size())
                {
                    best = e;
                    bestResult = r;
                }
            }
            if (bestResult.problems.size() > SIMILAR_ENOUGH)
            {
                missing(k);
                continue;
            }
            engine.remove(best);
            mismatches.add(new Mismatch(k.record, best.record, new PacketLayout(k.bytes).summary() + ": " +
                String.join("; ", bestResult.problems)));
            progress = true;
            while (progress)
            {
                progress = matchWithinWindow();
            }
        }
    }

    /**
     * Matches the first engine packet (in order) that has an acceptable kernel packet within the
     * window. The kernel itself may swap packets that arrive together (two directions of one
     * connection within microseconds), so order is only kept to within {@link #LOOK_AHEAD}.
     */
    private boolean matchWithinWindow()
    {
        int ei = 0;
        for (final Sent e : engine)
        {
            if (ei++ > LOOK_AHEAD)
            {
                return false;
            }
            int ki = 0;
            for (final Sent k : kernel)
            {
                if (ki++ > LOOK_AHEAD)
                {
                    break;
                }
                final PacketDiff.Result r = diff.compare(k.bytes, e.bytes, originOf(k.bytes));
                if (r.ok())
                {
                    accept(r);
                    kernel.remove(k);
                    engine.remove(e);
                    return true;
                }
            }
        }
        return false;
    }

    private void accept(final PacketDiff.Result r)
    {
        diff.commit(r);
        matched++;
        if (r.ttlMasked)
        {
            ttlMasked++;
        }
    }

    private void missing(final Sent k)
    {
        mismatches.add(new Mismatch(k.record, -1, new PacketLayout(k.bytes).summary() +
            ": the kernel sent this, the engine sent nothing in its place"));
    }

    private void extra(final Sent e)
    {
        mismatches.add(new Mismatch(-1, e.record, new PacketLayout(e.bytes).summary() +
            ": the engine sent this, the kernel sent nothing in its place"));
    }

    private void addFragment(final Map<FragmentKey, List<Sent>> sets, final long record, final byte[] ip)
    {
        final FragmentKey key = new FragmentKey(Wire.u32(ip, 12), Wire.u32(ip, 16), Wire.u8(ip, 9), Wire.u16(ip, 4));
        sets.computeIfAbsent(key, x -> new ArrayList<>()).add(new Sent(record, ip));
        final List<Sent> k = kernelFragments.get(key);
        final List<Sent> e = engineFragments.get(key);
        if (k != null && e != null && complete(k) && complete(e))
        {
            kernelFragments.remove(key);
            engineFragments.remove(key);
            compareFragmentSets(key, k, e);
        }
    }

    /** A datagram is complete when its fragments cover 0 up to one without "more fragments". */
    private static boolean complete(final List<Sent> fragments)
    {
        int covered = 0;
        boolean progress = true;
        boolean last = false;
        final boolean[] used = new boolean[fragments.size()];
        while (progress)
        {
            progress = false;
            for (int i = 0; i < fragments.size(); i++)
            {
                final byte[] b = fragments.get(i).bytes;
                final int offset = (Wire.u16(b, 6) & 0x1FFF) * 8;
                if (!used[i] && offset == covered)
                {
                    used[i] = true;
                    covered += b.length - (b[0] & 0x0F) * 4;
                    last |= (Wire.u16(b, 6) & 0x2000) == 0;
                    progress = true;
                }
            }
        }
        return last;
    }

    private void compareFragmentSets(final FragmentKey key, final List<Sent> k, final List<Sent> e)
    {
        final List<Sent> remaining = new ArrayList<>(e);
        for (final Sent ks : k)
        {
            Sent best = null;
            for (final Sent es : remaining)
            {
                if (Wire.u16(es.bytes, 6) == Wire.u16(ks.bytes, 6) && es.bytes.length == ks.bytes.length)
                {
                    best = es;
                    break;
                }
            }
            if (best == null)
            {
                mismatches.add(new Mismatch(ks.record, -1, new PacketLayout(ks.bytes).summary() +
                    ": fragment of datagram id " + key.id() + " the kernel sent, the engine sent no such fragment"));
                continue;
            }
            remaining.remove(best);
            final PacketDiff.Result r = diff.compare(ks.bytes, best.bytes, originOf(ks.bytes));
            if (r.ok())
            {
                accept(r);
            }
            else
            {
                mismatches.add(new Mismatch(ks.record, best.record, new PacketLayout(ks.bytes).summary() + ": " +
                    String.join("; ", r.problems)));
            }
        }
        for (final Sent es : remaining)
        {
            mismatches.add(new Mismatch(-1, es.record, new PacketLayout(es.bytes).summary() +
                ": fragment the engine sent, the kernel sent no such fragment of datagram id " + key.id()));
        }
    }

    private static boolean isFragment(final byte[] ip)
    {
        return ip.length >= 20 && (ip[0] & 0xF0) == 0x40 && (Wire.u16(ip, 6) & 0x3FFF) != 0;
    }

    /**
     * Rule 4: an ICMP time exceeded (11), parameter problem (12) or fragmentation needed (3/4)
     * the box wrote itself. It is not the forward of a received ICMP message with the same
     * IP id, type and code, and it quotes a packet the box received (IP id, protocol and TTL
     * as received: the box quotes before decrementing).
     */
    private boolean isBoxOriginated(final byte[] ip)
    {
        if (ip.length < 20 || Wire.u8(ip, 9) != Wire.ICMP || (Wire.u16(ip, 6) & 0x3FFF) != 0)
        {
            return false;
        }
        final int l4 = (ip[0] & 0x0F) * 4;
        if (l4 + 8 + 20 > ip.length)
        {
            return false;
        }
        final int type = Wire.u8(ip, l4);
        final int code = Wire.u8(ip, l4 + 1);
        if (!(type == 11 || type == 12 || (type == 3 && code == 4)))
        {
            return false;
        }
        if (receivedIcmpIdTypeCode.contains((long)Wire.u16(ip, 4) << 16 | Wire.u16(ip, l4)))
        {
            return false;
        }
        return receivedIdProtoTtl.contains(idProtoTtl(ip, l4 + 8));
    }

    /** @return the original source of the received packet the kernel's is the forward of, or -1. */
    private long originOf(final byte[] kernelSent)
    {
        final Long o = receivedOrigins.get(forwardPrint(kernelSent));
        return o == null ? -1 : o;
    }

    /**
     * What NAT and forwarding leave unchanged in a packet, enough to tell the packets apart: protocol, IP id and
     * total length, and for TCP the sequence and acknowledgement numbers and flags, for an ICMP query its type, code
     * and sequence number, for an ICMP error its type, code and the IP id of the packet it quotes. A fragment: its
     * datagram's protocol and id only (the kernel refragments to its own sizes). Payload is left out, so a packet
     * the engine changed beyond NAT is still compared, field by field, with the kernel's.
     */
    static long forwardPrint(final byte[] b)
    {
        if (b.length < 20)
        {
            return 0;
        }
        final int proto = Wire.u8(b, 9);
        long h = proto * 65_537L + Wire.u16(b, 4);
        if ((Wire.u16(b, 6) & 0x3FFF) != 0)
        {
            return h * 31 + 1;
        }
        final int total = Math.min(Wire.u16(b, 2), b.length);
        final int l4 = (b[0] & 0x0F) * 4;
        h = h * 31 + total;
        if (proto == Wire.TCP && l4 + 14 <= total)
        {
            return bytes(h, b, l4 + 4, l4 + 14);
        }
        if (proto == Wire.ICMP && l4 + 8 <= total)
        {
            final int type = Wire.u8(b, l4);
            final boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
            h = bytes(h, b, l4, l4 + 2);
            return error ? bytes(h, b, l4 + 12, Math.min(l4 + 14, total)) : bytes(h, b, l4 + 6, l4 + 8);
        }
        return h;
    }

    private static long bytes(final long seed, final byte[] b, final int from, final int to)
    {
        long h = seed;
        for (int i = from; i < to; i++)
        {
            h = h * 31 + (b[i] & 0xFF);
        }
        return h;
    }

    private static long idProtoTtl(final byte[] b, final int ip)
    {
        return (long)Wire.u16(b, ip + 4) << 16 | Wire.u8(b, ip + 9) << 8 | Wire.u8(b, ip + 8);
    }
}
