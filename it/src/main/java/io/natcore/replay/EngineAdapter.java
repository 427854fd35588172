/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.natcore.engine.ChecksumVerification;
import io.natcore.engine.ConntrackEvent;
import io.natcore.engine.ConntrackEventHandler;
import io.natcore.engine.ConntrackEventType;
import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.engine.PacketProcessor;
import io.natcore.engine.Reason;
import io.natcore.engine.Verdict;
import io.natcore.nat.NatTuple;
import io.natcore.packet.Ipv4Header;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RuleParseException;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one class of the replay tool that knows the engine's API ({@code io.natcore.engine}):
 * builds a {@link NatEngine} from iptables-save and box text (and the box's timeout sysctls, when a trace has
 * them) with the engine's defaults (the kernel's: INVALID packets forwarded untranslated, TTL decremented) and runs
 * packets through
 * one {@link PacketProcessor}. No conntrack events are buffered unless the engine is steered by the kernel's draws
 * ({@link KernelDraws}): then its evictions are read to compare with the kernel's. Fragments are
 * processed in a copy the adapter owns, so a held one ({@link Verdict#HOLD}) survives the caller's buffer reuse.
 */
public final class EngineAdapter implements ReplayEngine
{
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Reason[] REASONS = Reason.values();
    /** {@link #run}'s ingress for a packet of the box's own stack: {@link PacketProcessor#processOutput}. */
    private static final int FROM_THE_BOX = -1;

    private final NatEngine engine;
    private final PacketProcessor processor;
    private final KernelDraws draws;
    /** Connections the engine destroyed during the current packet, before any NEW of it (steered runs only). */
    private final List<String> destroyedThisPacket = new ArrayList<>();
    private final ConntrackEventHandler evictions = this::onEvent;
    private Verdict verdict = Verdict.DROP;

    private EngineAdapter(final NatEngine engine, final KernelDraws draws)
    {
        this.engine = engine;
        this.processor = engine.newProcessor();
        this.draws = draws;
    }

    /**
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules or box are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText) throws ReplayException
    {
        return create(rulesText, boxText, "");
    }

    /**
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's conntrack timeout sysctls ({@link KernelTimeouts}), or "" for Linux defaults.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules, box or timeouts are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText, final String sysctlText)
        throws ReplayException
    {
        return build(configure(rulesText, boxText, sysctlText, ChecksumMode.VERIFY));
    }

    /**
     * As {@link #create(String, String)} with a fixed seed for NAT port/id choice, so two runs over the same
     * capture choose the same ports (the table's hash seed stays secret; it does not affect which port is chosen).
     *
     * @param rulesText iptables-save text.
     * @param boxText   box description.
     * @param seed      the engine seed.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules or box are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText, final long seed)
        throws ReplayException
    {
        return create(rulesText, boxText, "", seed);
    }

    /**
     * As {@link #create(String, String, long)} with the box's timeouts.
     *
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's conntrack timeout sysctls, or "" for Linux defaults.
     * @param seed       the engine seed.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules, box or timeouts are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final long seed) throws ReplayException
    {
        return build(configure(rulesText, boxText, sysctlText, ChecksumMode.VERIFY).seed(seed));
    }

    /**
     * The engine as {@code rewrite} configures it.
     *
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's conntrack timeout sysctls, or "" for Linux defaults.
     * @param seeded     whether {@code seed} fixes the NAT port/id choice (else a random seed).
     * @param seed       the engine seed.
     * @param checksums  which received checksums the engine verifies.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules, box or timeouts are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final boolean seeded, final long seed, final ChecksumMode checksums) throws ReplayException
    {
        final NatEngineConfig.Builder b = configure(rulesText, boxText, sysctlText, checksums);
        return build(seeded ? b.seed(seed) : b);
    }

    /**
     * An engine steered by the kernel's draws ({@link KernelDraws}): new connections try the kernel's tuple first.
     * It reaps expired connections only where a packet meets them (no background expiry), as the kernel did in the
     * trace, and reports the connections it destroys before each NEW to {@code draws}.
     *
     * @param rulesText  iptables-save text.
     * @param boxText    box description.
     * @param sysctlText the box's conntrack timeout sysctls, or "" for Linux defaults.
     * @param seed       the engine seed, or null for a random one.
     * @param draws      the kernel's draws and evictions.
     * @param checksums  which received checksums the engine verifies.
     * @return an engine ready for packets.
     * @throws ReplayException if the rules, box or timeouts are rejected.
     */
    public static ReplayEngine create(final String rulesText, final String boxText, final String sysctlText,
        final Long seed, final KernelDraws draws, final ChecksumMode checksums) throws ReplayException
    {
        final NatEngineConfig.Builder b = configure(rulesText, boxText, sysctlText, checksums)
            .drawHints(draws.hints()).events(true).expiryWorkPerPacket(0);
        if (seed != null)
        {
            b.seed(seed);
        }
        return build(b, draws);
    }

    private static ReplayEngine build(final NatEngineConfig.Builder config) throws ReplayException
    {
        return build(config, null);
    }

    private static ReplayEngine build(final NatEngineConfig.Builder config, final KernelDraws draws)
        throws ReplayException
    {
        try
        {
            return new EngineAdapter(new NatEngine(config.build()), draws);
        }
        catch (final IllegalStateException ex)
        {
            throw new ReplayException(ex.getMessage(), ex); // the JVM lacks the export Agrona needs
        }
    }

    private static NatEngineConfig.Builder configure(final String rulesText, final String boxText,
        final String sysctlText, final ChecksumMode checksums) throws ReplayException
    {
        final NatRuleSet rules;
        final BoxConfig box;
        try
        {
            rules = IptablesSaveParser.parse(rulesText);
        }
        catch (final RuleParseException ex)
        {
            throw new ReplayException("rules file: " + ex.getMessage(), ex);
        }
        box = TraceCheck.parseBox(boxText);
        return NatEngineConfig.builder().rules(rules).box(box).timeouts(KernelTimeouts.parse(sysctlText))
            .events(false).checksumVerification(checksums == ChecksumMode.VERIFY ? ChecksumVerification.ALL :
                checksums == ChecksumMode.IP ? ChecksumVerification.IP_HEADER_ONLY : ChecksumVerification.NONE);
    }

    @Override
    public boolean process(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        return run(buffer, offset, length, ingressIf, nowNanos);
    }

    @Override
    public boolean processOutput(
        final MutableDirectBuffer buffer, final int offset, final int length, final long nowNanos)
    {
        return run(buffer, offset, length, FROM_THE_BOX, nowNanos);
    }

    private boolean run(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        final Verdict v;
        if (isFragment(buffer, offset, length))
        {
            // The engine may hold it (HOLD) by reference until its datagram is complete, while the caller reuses
            // its buffer for the next record: give the engine a copy of its own, copied back unless held.
            final UnsafeBuffer own = new UnsafeBuffer(new byte[length]);
            own.putBytes(0, buffer, offset, length);
            v = handOver(own, 0, length, ingressIf, nowNanos);
            if (v != Verdict.HOLD)
            {
                buffer.putBytes(offset, own, 0, length);
            }
        }
        else
        {
            v = handOver(buffer, offset, length, ingressIf, nowNanos);
        }
        verdict = v;
        if (draws != null)
        {
            destroyedThisPacket.clear();
            engine.pollEvents(evictions, Integer.MAX_VALUE);
        }
        // INVALID: untracked and untranslated; the kernel forwards it when it has a route.
        return v == Verdict.FORWARD || (v == Verdict.INVALID && processor.egressIfIndex() >= 0);
    }

    private Verdict handOver(
        final MutableDirectBuffer buffer, final int offset, final int length, final int ingressIf, final long nowNanos)
    {
        return ingressIf == FROM_THE_BOX ? processor.processOutput(buffer, offset, length, nowNanos) :
            processor.process(buffer, offset, length, ingressIf, nowNanos);
    }

    private void onEvent(final ConntrackEvent e)
    {
        if (e.type == ConntrackEventType.DESTROY)
        {
            destroyedThisPacket.add(KernelDraws.name(new NatTuple().set(e.protocol, e.origSrc, e.origDst,
                e.origSport, e.origDport)));
        }
        else if (e.type == ConntrackEventType.NEW)
        {
            draws.onEngineNew(e.protocol, e.origSrc, e.origDst, e.origSport, e.origDport, destroyedThisPacket);
            destroyedThisPacket.clear();
        }
    }

    /** More fragments set, or a fragment offset: the first fragment is held too (reassembly). */
    private static boolean isFragment(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return length >= Ipv4Header.MIN_LENGTH &&
            (buffer.getShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0;
    }

    @Override
    public int releasedCount()
    {
        return processor.releasedCount();
    }

    @Override
    public MutableDirectBuffer releasedBuffer(final int i)
    {
        return processor.releasedBuffer(i);
    }

    @Override
    public int releasedOffset(final int i)
    {
        return processor.releasedOffset(i);
    }

    @Override
    public int releasedLength(final int i)
    {
        return processor.releasedLength(i);
    }

    @Override
    public boolean releasedSent(final int i)
    {
        final Verdict v = processor.releasedVerdict(i);
        return v == Verdict.FORWARD || (v == Verdict.INVALID && processor.releasedEgress(i) >= 0);
    }

    @Override
    public int releasedEgress(final int i)
    {
        return processor.releasedEgress(i);
    }

    @Override
    public boolean steered()
    {
        return draws != null;
    }

    @Override
    public int egressIfIndex()
    {
        return processor.egressIfIndex();
    }

    @Override
    public int verdict()
    {
        return verdict.ordinal();
    }

    @Override
    public int reason()
    {
        return processor.reason().ordinal();
    }

    @Override
    public int verdictCount()
    {
        return VERDICTS.length;
    }

    @Override
    public String verdictName(final int ordinal)
    {
        return VERDICTS[ordinal].name();
    }

    @Override
    public int reasonCount()
    {
        return REASONS.length;
    }

    @Override
    public String reasonName(final int ordinal)
    {
        return REASONS[ordinal].name();
    }

    @Override
    public void dumpConntrack(final Appendable out, final long nowNanos) throws IOException
    {
        engine.dumpConntrack(out, nowNanos);
    }
}
