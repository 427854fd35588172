/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * The address types of {@code -m addrtype}: the kernel's route types ({@code RTN_*}), a match's type set being the
 * bits {@code 1 << type} (xt_addrtype's {@code match_type}). natcore supports the types a box's local table can
 * give: UNICAST, LOCAL, BROADCAST, MULTICAST; the others are refused at load as unsupported.
 */
final class AddressTypes
{
    /** RTN_UNICAST: neither local, broadcast nor multicast. */
    static final int UNICAST = 1;
    /** RTN_LOCAL: an address of the box. */
    static final int LOCAL = 2;
    /** RTN_BROADCAST: 0.0.0.0/8, 255.255.255.255, a subnet broadcast of the box. */
    static final int BROADCAST = 3;
    /** RTN_MULTICAST: 224.0.0.0/4. */
    static final int MULTICAST = 5;

    /** {@code --limit-iface-in}: the type is the one seen from the ingress interface. */
    static final int LIMIT_IN = 1;
    /** {@code --limit-iface-out}: from the egress interface. */
    static final int LIMIT_OUT = 2;

    /** The names iptables knows, in RTN order (index = type). */
    private static final String[] NAMES = {
        "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT",
        "THROW", "NAT", "XRESOLVE"};

    private AddressTypes()
    {
    }

    /** @return the type bits of a comma-separated list such as "LOCAL,BROADCAST". */
    static int parse(final String option, final String value, final int lineNo)
    {
        int bits = 0;
        for (final String name : value.split(",", -1))
        {
            final int type = typeOf(name);
            if (type < 0)
            {
                throw new RuleParseException(lineNo, "unknown address type \"" + name + "\" in " + option);
            }
            if (type != UNICAST && type != LOCAL && type != BROADCAST && type != MULTICAST)
            {
                throw new RuleParseException(lineNo, "address type " + NAMES[type] + " in " + option
                    + " is not supported by natcore (supported: UNICAST, LOCAL, BROADCAST, MULTICAST)");
            }
            bits |= 1 << type;
        }
        return bits;
    }

    private static int typeOf(final String name)
    {
        for (int t = 0; t < NAMES.length; t++)
        {
            if (NAMES[t].equalsIgnoreCase(name))
            {
                return t;
            }
        }
        return -1;
    }

    /** @return the names of the type bits, comma-separated. */
    static String names(final int bits)
    {
        final StringBuilder sb = new StringBuilder();
        for (int t = 0; t < NAMES.length; t++)
        {
            if ((bits & (1 << t)) != 0)
            {
                sb.append(sb.length() == 0 ? "" : ",").append(NAMES[t]);
            }
        }
        return sb.toString();
    }
}
