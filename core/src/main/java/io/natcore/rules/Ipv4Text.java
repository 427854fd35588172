/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

/**
 * Text forms of IPv4 addresses as configuration files write them: dotted quads and CIDR prefixes.
 * Addresses are {@code int} values in network order (172.16.2.5 == 0xAC100205).
 * Load-time only: the parse methods return a sentinel instead of throwing so callers can word
 * their own error.
 */
public final class Ipv4Text
{
    /** Returned by {@link #parsePrefixLength(String)} for a malformed prefix length. */
    public static final int BAD_PREFIX = -1;

    private Ipv4Text()
    {
    }

    /**
     * Parses a strict dotted quad (four decimal octets 0..255, no leading '+', no spaces).
     *
     * @param text e.g. "172.16.2.5".
     * @return the address as a long in 0..0xFFFFFFFF, or -1 when malformed.
     */
    public static long parseAddress(final String text)
    {
        final int length = text.length();
        long result = 0;
        int octets = 0;
        int i = 0;
        while (i < length)
        {
            int value = 0;
            int digits = 0;
            while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9')
            {
                value = value * 10 + (text.charAt(i) - '0');
                digits++;
                i++;
                if (digits > 3)
                {
                    return -1;
                }
            }
            if (digits == 0 || value > 255)
            {
                return -1;
            }
            result = (result << 8) | value;
            octets++;
            if (i < length)
            {
                if (text.charAt(i) != '.' || octets == 4)
                {
                    return -1;
                }
                i++;
                if (i == length)
                {
                    return -1;
                }
            }
        }
        return octets == 4 ? result : -1;
    }

    /**
     * Parses a prefix length "0".."32".
     *
     * @param text the digits after the slash.
     * @return the length or {@link #BAD_PREFIX}.
     */
    public static int parsePrefixLength(final String text)
    {
        if (text.isEmpty() || text.length() > 2)
        {
            return BAD_PREFIX;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return BAD_PREFIX;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 32 ? value : BAD_PREFIX;
    }

    /**
     * The network mask of a prefix length: 24 gives 0xFFFFFF00, 0 gives 0.
     *
     * @param prefixLength 0..32.
     * @return the mask.
     */
    public static int mask(final int prefixLength)
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * Formats an address as a dotted quad.
     *
     * @param ip address in network order value.
     * @return e.g. "172.16.2.5".
     */
    public static String format(final int ip)
    {
        return ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    /**
     * Parses a decimal number without sign.
     *
     * @param text digits only.
     * @param max  the largest value accepted.
     * @return the value, or -1 when malformed or above max.
     */
    public static int parseUnsigned(final String text, final int max)
    {
        if (text.isEmpty() || text.length() > 10)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? (int)value : -1;
    }
}
