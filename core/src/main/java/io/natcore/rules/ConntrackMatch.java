/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * {@code -m conntrack --ctstate} as the nat table sees it. The nat table runs for a connection's first packet
 * only, so the packet's state is NEW; SNAT and DNAT are the connection's status bits (IPS_SRC_NAT, IPS_DST_NAT),
 * set once a binding changed the tuple: DNAT holds in POSTROUTING after a PREROUTING DNAT, SNAT never holds in a
 * nat chain (source NAT is bound after POSTROUTING). INVALID and UNTRACKED packets never reach the nat table,
 * and without helpers no RELATED connection does either.
 */
final class ConntrackMatch
{
    static final int INVALID = 1;
    static final int ESTABLISHED = 1 << 1;
    static final int RELATED = 1 << 2;
    static final int NEW = 1 << 3;
    static final int UNTRACKED = 1 << 4;
    static final int SNAT = 1 << 5;
    static final int DNAT = 1 << 6;

    private static final String[] NAMES = {"INVALID", "ESTABLISHED", "RELATED", "NEW", "UNTRACKED", "SNAT", "DNAT"};

    private ConntrackMatch()
    {
    }

    /** @return the state bits of "NEW,ESTABLISHED,...". */
    static int parseStates(final String value, final int lineNo)
    {
        int bits = 0;
        outer:
        for (final String name : value.split(",", -1))
        {
            for (int i = 0; i < NAMES.length; i++)
            {
                if (NAMES[i].equalsIgnoreCase(name))
                {
                    bits |= 1 << i;
                    continue outer;
                }
            }
            throw new RuleParseException(lineNo, "unknown conntrack state \"" + name + "\" in --ctstate");
        }
        return bits;
    }

    /**
     * @param dstNatDone whether PREROUTING changed the connection's destination.
     * @return the state bits the first packet of a connection has.
     */
    static int firstPacketStates(final boolean dstNatDone)
    {
        return NEW | (dstNatDone ? DNAT : 0);
    }
}
