/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * A record of the NAT choices ("draws") another box made, to steer the {@link PortAllocator}: for the k-th connection
 * opened with a given original tuple, the tuple that box translated it to (for Linux, the inverse of the reply tuple
 * of the connection's NEW event in {@code conntrack -E}). Keyed by original tuple, not by draw order, so a connection
 * the engine opens or skips where the kernel did not leaves the others' draws in place.
 * <p>
 * Each draw ends in one outcome: {@link #TAKEN}, refused with a {@link DrawRefusal} (with the tuple the engine chose
 * instead), or unused. The engine writes outcomes under its bind lock (plain stores); read them once the engine has
 * stopped (or after any synchronisation with the binding thread).
 * <pre>
 *   slots (open addressing, linear probing, power of two): key index + 1, 0 = empty
 *   per key:  proto, srcIp, dstIp, srcPort, dstPort | first draw, last draw, cursor (first draw not yet used)
 *   per draw: translated proto/srcIp/dstIp/srcPort/dstPort | next draw of the key | outcome | engine's tuple
 * </pre>
 * Filled before the engine runs ({@link #add}); lookups and outcomes allocate nothing.
 */
public final class DrawHints
{
    /** No draw recorded (or none left) for the tuple. */
    public static final int NONE = -1;
    /** Outcome: never used by a binding. */
    public static final int UNUSED = -1;
    /** Outcome: the allocator took the draw. */
    public static final int TAKEN = -2;

    private static final int END = -1;

    private final int[] slots;
    private final int mask;
    private final int[] key;        // 5 ints per key
    private final int[] keyFirst;
    private final int[] keyLast;
    private final int[] keyCursor;
    private final int[] to;         // 5 ints per draw
    private final int[] next;
    private final int[] drawKey;
    private final int[] outcome;
    private final int[] engineTo;   // 5 ints per draw: what the engine chose after a refusal
    private int keys;
    private int draws;

    /**
     * @param capacity draws this record can hold.
     */
    public DrawHints(final int capacity)
    {
        final int c = Math.max(1, capacity);
        slots = new int[Integer.highestOneBit(c * 2 - 1) << 1];
        mask = slots.length - 1;
        key = new int[c * 5];
        keyFirst = new int[c];
        keyLast = new int[c];
        keyCursor = new int[c];
        to = new int[c * 5];
        next = new int[c];
        drawKey = new int[c];
        outcome = new int[c];
        engineTo = new int[c * 5];
    }

    /**
     * Records one draw, after the earlier draws of the same original tuple. Set-up time only.
     *
     * @param orig       the connection's original tuple.
     * @param translated the tuple it was translated to.
     * @throws IllegalStateException when the record is full.
     */
    public void add(final NatTuple orig, final NatTuple translated)
    {
        if (draws == next.length)
        {
            throw new IllegalStateException("draw record full: " + draws + " draws");
        }
        int k = keyOf(orig);
        final int d = draws++;
        put(to, d, translated);
        next[d] = END;
        outcome[d] = UNUSED;
        if (k == NONE)
        {
            k = keys++;
            put(key, k, orig);
            keyFirst[k] = d;
            keyCursor[k] = d;
            int s = hash(orig) & mask;
            while (slots[s] != 0)
            {
                s = (s + 1) & mask;
            }
            slots[s] = k + 1;
        }
        else
        {
            next[keyLast[k]] = d;
            if (keyCursor[k] == END)
            {
                keyCursor[k] = d;
            }
        }
        keyLast[k] = d;
        drawKey[d] = k;
    }

    /**
     * @param orig a new connection's original tuple.
     * @return the first draw of that tuple not used yet, or {@link #NONE}.
     */
    public int find(final NatTuple orig)
    {
        final int k = keyOf(orig);
        return k == NONE ? NONE : keyCursor[k];
    }

    /**
     * @param draw a draw from {@link #find}.
     * @param out  receives the recorded translated tuple.
     * @return out.
     */
    public NatTuple copyTo(final int draw, final NatTuple out)
    {
        final int i = draw * 5;
        return out.set(to[i], to[i + 1], to[i + 2], to[i + 3], to[i + 4]);
    }

    /**
     * The allocator took the draw; the tuple's next connection gets its next draw.
     *
     * @param draw a draw from {@link #find}.
     */
    public void taken(final int draw)
    {
        outcome[draw] = TAKEN;
        advance(draw);
    }

    /**
     * The allocator refused the draw and chose by itself.
     *
     * @param draw   a draw from {@link #find}.
     * @param reason why.
     * @param chosen what the engine chose instead (the original tuple when it found nothing).
     */
    public void refused(final int draw, final DrawRefusal reason, final NatTuple chosen)
    {
        outcome[draw] = reason.ordinal();
        put(engineTo, draw, chosen);
        advance(draw);
    }

    /** @return draws recorded. */
    public int size()
    {
        return draws;
    }

    /**
     * @param draw 0 to {@link #size()} - 1, in recording order.
     * @return {@link #UNUSED}, {@link #TAKEN}, or the {@link DrawRefusal} ordinal.
     */
    public int outcome(final int draw)
    {
        return outcome[draw];
    }

    /**
     * @param draw a draw.
     * @param out  receives its original tuple.
     * @return out.
     */
    public NatTuple originalOf(final int draw, final NatTuple out)
    {
        final int i = drawKey[draw] * 5;
        return out.set(key[i], key[i + 1], key[i + 2], key[i + 3], key[i + 4]);
    }

    /**
     * @param draw a refused draw.
     * @param out  receives the tuple the engine chose instead.
     * @return out.
     */
    public NatTuple engineChoiceOf(final int draw, final NatTuple out)
    {
        final int i = draw * 5;
        return out.set(engineTo[i], engineTo[i + 1], engineTo[i + 2], engineTo[i + 3], engineTo[i + 4]);
    }

    private void advance(final int draw)
    {
        final int k = drawKey[draw];
        if (keyCursor[k] == draw)
        {
            keyCursor[k] = next[draw];
        }
    }

    private int keyOf(final NatTuple t)
    {
        int s = hash(t) & mask;
        while (true)
        {
            final int k = slots[s] - 1;
            if (k < 0)
            {
                return NONE;
            }
            final int i = k * 5;
            if (key[i] == t.proto && key[i + 1] == t.srcIp && key[i + 2] == t.dstIp && key[i + 3] == t.srcPort &&
                key[i + 4] == t.dstPort)
            {
                return k;
            }
            s = (s + 1) & mask;
        }
    }

    private static int hash(final NatTuple t)
    {
        int h = t.proto;
        h = h * 31 + t.srcIp;
        h = h * 31 + t.dstIp;
        h = h * 31 + (t.srcPort << 16 | t.dstPort);
        return h ^ (h >>> 16);
    }

    private static void put(final int[] a, final int index, final NatTuple t)
    {
        final int i = index * 5;
        a[i] = t.proto;
        a[i + 1] = t.srcIp;
        a[i + 2] = t.dstIp;
        a[i + 3] = t.srcPort;
        a[i + 4] = t.dstPort;
    }
}
