/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * The header half of every nat rule's match ({@link NatRule#matchesPacket} and the {@code -i}/{@code -o}
 * interface matches), compiled for the first packet of a connection. Immutable once built; allocation-free.
 * <p>
 * Interfaces: rules name interfaces, packets carry ifindexes. With a box, each rule's interface match is
 * precomputed per ifindex; without one no name is known: {@code -i eth0} never matches, only {@code -i +} does.
 * <p>
 * Every rule's match fields are packed in one cache line ({@link #STRIDE} ints per rule): a walk reads one line per
 * rule instead of the rule object, its port arrays and its interface tables (objects scattered over the heap,
 * out of cache by the next connection). Rules with more than one port condition, a multiport list, an ICMP
 * match, {@code -f}, or more than 64 interfaces are flagged {@link #F_GENERAL} and matched by the objects.
 * <pre>
 *   int  0      1    2         3    4         5      6        7        8-9      10-11     12     13      14-15
 *      +------+----+---------+----+---------+------+--------+--------+--------+---------+------+-------+------+
 *      |flags |src |src mask |dst |dst mask |proto |port lo |port hi |in bits |out bits |in len|out len|unused|
 *      +------+----+---------+----+---------+------+--------+--------+--------+---------+------+-------+------+
 * </pre>
 */
final class HeaderMatcher
{
    private final NatRule[] rules;
    private final boolean[][] inMatch;
    private final boolean[] inOther;
    private final boolean[][] outMatch;
    private final boolean[] outOther;
    /** Null when built without the packed table (the general path the packed one must agree with). */
    private final int[] packed;
    private static final int STRIDE = 16;
    private static final int P_FLAGS = 0;
    private static final int P_SRC = 1;
    private static final int P_SRC_MASK = 2;
    private static final int P_DST = 3;
    private static final int P_DST_MASK = 4;
    private static final int P_PROTO = 5;
    private static final int P_PORT_LO = 6;
    private static final int P_PORT_HI = 7;
    private static final int P_IN_BITS = 8;  // 2 ints: interfaces 0-31, 32-63
    private static final int P_OUT_BITS = 10; // 2 ints
    private static final int P_IN_LENGTH = 12;
    private static final int P_OUT_LENGTH = 13;
    private static final int F_GENERAL = 1;
    private static final int F_SRC = 1 << 1;
    private static final int F_SRC_INVERT = 1 << 2;
    private static final int F_DST = 1 << 3;
    private static final int F_DST_INVERT = 1 << 4;
    private static final int F_PROTO_INVERT = 1 << 5;
    private static final int F_PORT = 1 << 6;
    private static final int F_PORT_SRC = 1 << 7;
    private static final int F_PORT_DST = 1 << 8;
    private static final int F_PORT_INVERT = 1 << 9;
    private static final int F_IN = 1 << 10;
    private static final int F_IN_OTHER = 1 << 11;
    private static final int F_OUT = 1 << 12;
    private static final int F_OUT_OTHER = 1 << 13;

    HeaderMatcher(final NatRule[] rules, final BoxConfig box, final boolean packRules)
    {
        this.rules = rules;
        final int n = rules.length;
        inMatch = new boolean[n][];
        inOther = new boolean[n];
        outMatch = new boolean[n][];
        outOther = new boolean[n];
        final int maxIf = box == null ? -1 : box.maxIfIndex();
        for (int i = 0; i < n; i++)
        {
            final NatRule r = rules[i];
            if (r.inIface != null)
            {
                inMatch[i] = ifaceTable(r.inIface, r.inInvert, maxIf, box);
                inOther[i] = ifaceMatches(r.inIface, "") != r.inInvert;
            }
            if (r.outIface != null)
            {
                outMatch[i] = ifaceTable(r.outIface, r.outInvert, maxIf, box);
                outOther[i] = ifaceMatches(r.outIface, "") != r.outInvert;
            }
        }
        packed = packRules ? pack() : null;
    }

    private int[] pack()
    {
        final int[] m = new int[rules.length * STRIDE];
        for (int i = 0; i < rules.length; i++)
        {
            final NatRule r = rules[i];
            final int b = i * STRIDE;
            int f = 0;
            if (r.fragment == 1 || r.hasIcmp || r.portKind.length > 1 ||
                (r.portKind.length == 1 && r.portLo[0].length != 1) ||
                (inMatch[i] != null && inMatch[i].length > 64) || (outMatch[i] != null && outMatch[i].length > 64))
            {
                m[b + P_FLAGS] = F_GENERAL;
                continue;
            }
            f |= r.hasSrc ? F_SRC : 0;
            f |= r.srcInvert ? F_SRC_INVERT : 0;
            f |= r.hasDst ? F_DST : 0;
            f |= r.dstInvert ? F_DST_INVERT : 0;
            f |= r.protoInvert ? F_PROTO_INVERT : 0;
            m[b + P_SRC] = r.srcIp;
            m[b + P_SRC_MASK] = r.srcMask;
            m[b + P_DST] = r.dstIp;
            m[b + P_DST_MASK] = r.dstMask;
            m[b + P_PROTO] = r.protocol;
            if (r.portKind.length == 1)
            {
                f |= F_PORT;
                f |= (r.portKind[0] & NatRule.PORT_SRC) != 0 ? F_PORT_SRC : 0;
                f |= (r.portKind[0] & NatRule.PORT_DST) != 0 ? F_PORT_DST : 0;
                f |= r.portInvert[0] ? F_PORT_INVERT : 0;
                m[b + P_PORT_LO] = r.portLo[0][0];
                m[b + P_PORT_HI] = r.portHi[0][0];
            }
            if (inMatch[i] != null)
            {
                f |= F_IN | (inOther[i] ? F_IN_OTHER : 0);
                packInterfaces(inMatch[i], m, b + P_IN_BITS, b + P_IN_LENGTH);
            }
            if (outMatch[i] != null)
            {
                f |= F_OUT | (outOther[i] ? F_OUT_OTHER : 0);
                packInterfaces(outMatch[i], m, b + P_OUT_BITS, b + P_OUT_LENGTH);
            }
            m[b + P_FLAGS] = f;
        }
        return m;
    }

    private static void packInterfaces(final boolean[] table, final int[] m, final int bitsAt, final int lengthAt)
    {
        for (int index = 0; index < table.length; index++)
        {
            if (table[index])
            {
                m[bitsAt + (index >>> 5)] |= 1 << (index & 31);
            }
        }
        m[lengthAt] = table.length;
    }

    /**
     * @param i rule index.
     * @param q the packet.
     * @return {@link NatRule#matchesPacket} and both interface matches of rule i, from the packed table where it can.
     */
    boolean matches(final int i, final RuleQuery q)
    {
        final int[] m = packed;
        if (m == null || (m[i * STRIDE + P_FLAGS] & F_GENERAL) != 0)
        {
            return rules[i].matchesPacket(q.proto, q.srcIp, q.dstIp, q.srcPort, q.dstPort, q.icmpType, q.icmpCode)
                && ifaceHolds(inMatch[i], inOther[i], q.inIf) && ifaceHolds(outMatch[i], outOther[i], q.outIf);
        }
        final int b = i * STRIDE;
        final int f = m[b + P_FLAGS];
        if ((f & F_SRC) != 0 && (((q.srcIp & m[b + P_SRC_MASK]) == m[b + P_SRC]) == ((f & F_SRC_INVERT) != 0)))
        {
            return false;
        }
        if ((f & F_DST) != 0 && (((q.dstIp & m[b + P_DST_MASK]) == m[b + P_DST]) == ((f & F_DST_INVERT) != 0)))
        {
            return false;
        }
        final int protocol = m[b + P_PROTO];
        if (protocol != 0 && ((q.proto == protocol) == ((f & F_PROTO_INVERT) != 0)))
        {
            return false;
        }
        if ((f & F_PORT) != 0)
        {
            if (!NatRule.hasPorts(q.proto))
            {
                return false;
            }
            final int lo = m[b + P_PORT_LO];
            final int hi = m[b + P_PORT_HI];
            final int sport = q.srcPort;
            final int dport = q.dstPort;
            final boolean hit = ((f & F_PORT_SRC) != 0 && sport >= lo && sport <= hi)
                || ((f & F_PORT_DST) != 0 && dport >= lo && dport <= hi);
            if (hit == ((f & F_PORT_INVERT) != 0))
            {
                return false;
            }
        }
        return ((f & F_IN) == 0 || packedIfaceHolds(m, b + P_IN_BITS, m[b + P_IN_LENGTH], (f & F_IN_OTHER) != 0, q.inIf))
            && ((f & F_OUT) == 0 ||
            packedIfaceHolds(m, b + P_OUT_BITS, m[b + P_OUT_LENGTH], (f & F_OUT_OTHER) != 0, q.outIf));
    }

    private static boolean packedIfaceHolds(
        final int[] m, final int bitsAt, final int length, final boolean other, final int ifIndex)
    {
        if (ifIndex < 0 || ifIndex >= length)
        {
            return other;
        }
        return ((m[bitsAt + (ifIndex >>> 5)] >>> (ifIndex & 31)) & 1) != 0;
    }

    private static boolean ifaceHolds(final boolean[] table, final boolean other, final int ifIndex)
    {
        if (table == null)
        {
            return true;
        }
        return ifIndex >= 0 && ifIndex < table.length ? table[ifIndex] : other;
    }

    private static boolean[] ifaceTable(final String pattern, final boolean invert, final int maxIf, final BoxConfig box)
    {
        final boolean[] table = new boolean[maxIf + 1];
        for (int index = 0; index <= maxIf; index++)
        {
            final String name = box.ifName(index);
            table[index] = ifaceMatches(pattern, name == null ? "" : name) != invert;
        }
        return table;
    }

    /** iptables interface match: exact, or prefix when the pattern ends in '+'. */
    static boolean ifaceMatches(final String pattern, final String name)
    {
        if (pattern.endsWith("+"))
        {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(name);
    }
}
