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
 * (rule 4). Packets the engine delivered locally ({@link #onEngineLocal}) are the box's own stack's business:
 * what the kernel sent in answer to them (a SYN-ACK, an echo reply, a reset, an ICMP error quoting them) is set
 * aside too (rule 5); so an engine that forwards or drops such a packet still fails, through the kernel's answer
 * left unmatched. Nothing here knows about the engine's classes: it only sees bytes.
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

    /** A flow as received: TCP/UDP ports, or an ICMP query's identifier in both port fields. */
    private record Flow(int proto, int src, int dst, int srcPort, int dstPort)
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
    private final Set<Flow> deliveredLocally = new HashSet<>();
    private final List<Mismatch> mismatches = new ArrayList<>();
    private final List<String> excluded = new ArrayList<>();
    private int kernelCount;
    private int engineCount;
    private int matched;
    private int ttlMasked;
    private boolean finished;

    /**
     * @param rulesText the trace's iptables-save text, for the sources and port ranges of rule 2.
     * @param boxText   the trace's box description, for the box's own addresses (MASQUERADE sources).
     */
    public KernelComparator(final String rulesText, final String boxText)
    {
        this.diff = new PacketDiff(mapping, new PortClasses(rulesText, boxText));
    }

    /**
     * Notes a packet the box received (before any rewrite), for rule 4.
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
        final int ihl = (ip[0] & 0x0F) * 4;
        if (Wire.u8(ip, 9) == Wire.ICMP && ihl + 2 <= ip.length)
        {
            receivedIcmpIdTypeCode.add((long)Wire.u16(ip, 4) << 16 | Wire.u16(ip, ihl));
        }
    }

    /**
     * Notes a received packet the engine delivered locally (to the box's own stack), for rule 5: the kernel's
     * answers to its flow are the box's TCP/IP stack's, not NAT, and are not compared.
     *
     * @param ip the packet as received, from its IPv4 header on.
     */
    public void onEngineLocal(final byte[] ip)
    {
        final Flow f = flowOf(ip, 0, ip.length);
        // ICMP errors and other non-query messages have no flow of their own to answer.
        if (f != null && !(f.proto == Wire.ICMP && f.srcPort < 0))
        {
            deliveredLocally.add(f);
        }
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
        if (isLocalAnswer(ip))
        {
            excluded.add("packet #" + record + " " + new PacketLayout(ip).summary() +
                ": the box's own stack answering a packet delivered locally (rule 5), not compared");
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
                final PacketDiff.Result r = diff.compare(k.bytes, e.bytes);
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
                final PacketDiff.Result r = diff.compare(k.bytes, e.bytes);
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
            final PacketDiff.Result r = diff.compare(ks.bytes, best.bytes);
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

    private boolean isLocalAnswer(final byte[] ip)
    {
        if (deliveredLocally.isEmpty())
        {
            return false;
        }
        final Flow f = flowOf(ip, 0, ip.length);
        if (f == null)
        {
            return false;
        }
        if (deliveredLocally.contains(new Flow(f.proto, f.dst, f.src, f.dstPort, f.srcPort)))
        {
            return true;
        }
        final int l4 = (ip[0] & 0x0F) * 4;
        final int type = f.proto == Wire.ICMP ? Wire.u8(ip, l4) : -1;
        if (type == 3 || type == 11 || type == 12)
        {
            // An ICMP error the box's stack sent about a packet delivered to it: the quote is that packet.
            final Flow quoted = flowOf(ip, l4 + 8, ip.length);
            return quoted != null && deliveredLocally.contains(quoted);
        }
        return false;
    }

    /** The flow of the IPv4 packet at {@code at}, or null if it is too short or a non-first fragment. */
    private static Flow flowOf(final byte[] b, final int at, final int end)
    {
        if (at + 20 > end || (b[at] & 0xF0) != 0x40 || (Wire.u16(b, at + 6) & 0x1FFF) != 0)
        {
            return null;
        }
        final int l4 = at + (b[at] & 0x0F) * 4;
        final int proto = Wire.u8(b, at + 9);
        final int src = Wire.u32(b, at + 12);
        final int dst = Wire.u32(b, at + 16);
        if ((proto == Wire.TCP || proto == Wire.UDP) && l4 + 4 <= end)
        {
            return new Flow(proto, src, dst, Wire.u16(b, l4), Wire.u16(b, l4 + 2));
        }
        if (proto == Wire.ICMP && l4 + 8 <= end)
        {
            final int type = Wire.u8(b, l4);
            final boolean query = type == 0 || type == 8 || type == 13 || type == 14;
            final int id = query ? Wire.u16(b, l4 + 4) : -1;
            return new Flow(proto, src, dst, id, id);
        }
        return new Flow(proto, src, dst, 0, 0);
    }

    private static long idProtoTtl(final byte[] b, final int ip)
    {
        return (long)Wire.u16(b, ip + 4) << 16 | Wire.u8(b, ip + 9) << 8 | Wire.u8(b, ip + 8);
    }
}
