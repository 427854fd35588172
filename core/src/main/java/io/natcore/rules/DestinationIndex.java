/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Per nat chain, an index on the packet's destination address (none when the chain names fewer than two exact
 * {@code -d a.b.c.d/32} addresses): open-addressing keys, and per key the chain's rules in order less the
 * {@code /32} rules naming another address (which cannot match); for an address no {@code /32} rule names, the
 * chain's rules less every such rule. A rule left out cannot match, so a walk of {@link #rulesFor} gives the full
 * walk's result. Immutable once built; lookups allocate nothing.
 */
final class DestinationIndex
{
    private final NatRule[] rules;
    private final int[][] chainRules;
    private final int[][] dstKeys;
    private final int[][][] dstRules;
    private final int[][] dstOtherRules;

    /** @param indexed false: every lookup gives the chain's full rule list (the general path the index must agree with). */
    DestinationIndex(final NatRule[] rules, final int[][] chainRules, final boolean indexed)
    {
        this.rules = rules;
        this.chainRules = chainRules;
        final int chains = chainRules.length;
        dstKeys = new int[chains][];
        dstRules = new int[chains][][];
        dstOtherRules = new int[chains][];
        if (indexed)
        {
            for (int c = 0; c < chains; c++)
            {
                indexDestinations(c);
            }
        }
    }

    private static boolean pinsDestination(final NatRule r)
    {
        return r.hasDst && !r.dstInvert && r.dstMask == -1;
    }

    private void indexDestinations(final int chain)
    {
        final int[] all = chainRules[chain];
        int pinned = 0;
        for (final int i : all)
        {
            pinned += pinsDestination(rules[i]) ? 1 : 0;
        }
        if (pinned < 2)
        {
            return;
        }
        int capacity = 4;
        while (capacity < pinned * 2)
        {
            capacity <<= 1;
        }
        final int[] keys = new int[capacity];
        final int[][] lists = new int[capacity][];
        for (final int i : all)
        {
            if (!pinsDestination(rules[i]))
            {
                continue;
            }
            final int address = rules[i].dstIp;
            int slot = hash(address) & (capacity - 1);
            while (lists[slot] != null && keys[slot] != address)
            {
                slot = (slot + 1) & (capacity - 1);
            }
            if (lists[slot] == null)
            {
                keys[slot] = address;
                lists[slot] = candidates(all, address, true);
            }
        }
        dstKeys[chain] = keys;
        dstRules[chain] = lists;
        dstOtherRules[chain] = candidates(all, 0, false);
    }

    /** The chain's rules in order, less the /32 rules naming an address other than {@code address} (or any). */
    private int[] candidates(final int[] all, final int address, final boolean named)
    {
        int count = 0;
        final int[] out = new int[all.length];
        for (final int i : all)
        {
            final NatRule r = rules[i];
            if (!pinsDestination(r) || (named && r.dstIp == address))
            {
                out[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private static int hash(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The rules of a chain a packet to {@code dst} can match, in order. */
    int[] rulesFor(final int chain, final int dst)
    {
        final int[] keys = dstKeys[chain];
        if (keys == null)
        {
            return chainRules[chain];
        }
        final int[][] lists = dstRules[chain];
        final int mask = keys.length - 1;
        int slot = hash(dst) & mask;
        int[] list;
        while ((list = lists[slot]) != null)
        {
            if (keys[slot] == dst)
            {
                return list;
            }
            slot = (slot + 1) & mask;
        }
        return dstOtherRules[chain];
    }
}
