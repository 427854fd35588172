/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.List;

/**
 * Options of the matches and targets that look past the packet's headers: {@code -m addrtype}, {@code -m
 * statistic}, {@code -m mark}, {@code -m conntrack}, and the targets {@code MARK}, {@code NETMAP}, {@code LOG}.
 * Values are stored as the kernel's modules store them (xt_addrtype, xt_statistic, xt_mark, xt_conntrack,
 * xt_MARK v2, xt_NETMAP), so evaluation is the kernel's arithmetic.
 */
final class ContextMatchReader
{
    private ContextMatchReader()
    {
    }

    static void read(final NatRule r, final String option, final String value, final boolean negate, final int lineNo)
    {
        switch (option)
        {
            case "--src-type":
                r.srcTypes = AddressTypes.parse(option, value, lineNo);
                r.srcTypesInvert = negate;
                return;
            case "--dst-type":
                r.dstTypes = AddressTypes.parse(option, value, lineNo);
                r.dstTypesInvert = negate;
                return;
            case "--mode":
                noNegate(negate, option, lineNo);
                if ("random".equals(value))
                {
                    r.statMode = NatRule.STAT_RANDOM;
                }
                else if ("nth".equals(value))
                {
                    r.statMode = NatRule.STAT_NTH;
                }
                else
                {
                    throw new RuleParseException(lineNo, "bad --mode \"" + value + "\" (random or nth)");
                }
                return;
            case "--probability":
            {
                final double p = parseProbability(value, lineNo);
                r.statProbability = Math.round(2147483648.0 * p);
                r.statInvert |= negate;
                return;
            }
            case "--every":
            {
                final long n = parseU32(value, option, lineNo);
                if (n < 1)
                {
                    throw new RuleParseException(lineNo, "--every must be at least 1");
                }
                r.nthEvery = (int)(n - 1);
                r.statInvert |= negate;
                return;
            }
            case "--packet":
                noNegate(negate, option, lineNo);
                r.nthStart = (int)parseU32(value, option, lineNo);
                return;
            case "--limit-iface-in":
            case "--limit-iface-out":
                throw new RuleParseException(lineNo, option + " takes no value");
            case "--mark":
            {
                final long[] vm = valueAndMask(value, option, lineNo);
                r.hasMark = true;
                r.markValue = (int)vm[0];
                r.markMask = (int)vm[1];
                r.markInvert = negate;
                return;
            }
            case "--ctstate":
                r.ctStates = ConntrackMatch.parseStates(value, lineNo);
                r.ctStatesInvert = negate;
                return;
            case "--ctorigdst":
            {
                final int[] am = MatchParser.addressAndMask(option, value, lineNo);
                r.hasCtOrigDst = true;
                r.ctOrigDst = am[0];
                r.ctOrigDstMask = am[1];
                r.ctOrigDstInvert = negate;
                return;
            }
            case "--ctorigdstport":
            {
                final int[] range = MatchParser.portRange(value, option, lineNo);
                r.hasCtOrigDstPort = true;
                r.ctOrigDstPortLo = range[0];
                r.ctOrigDstPortHi = range[1];
                r.ctOrigDstPortInvert = negate;
                return;
            }
            case "--ctproto": case "--ctorigsrc": case "--ctreplsrc": case "--ctrepldst": case "--ctorigsrcport":
            case "--ctreplsrcport": case "--ctrepldstport": case "--ctstatus": case "--ctexpire": case "--ctdir":
                throw new RuleParseException(lineNo, "option " + option + " of match conntrack is not supported by natcore"
                    + " (supported: --ctstate, --ctorigdst, --ctorigdstport)");
            default:
                throw new RuleParseException(lineNo, "unknown option \"" + option + "\"");
        }
    }

    /** The value-less options ({@code --limit-iface-in/out}) are flags: the caller must not read a value. */
    static boolean isFlag(final String option)
    {
        return "--limit-iface-in".equals(option) || "--limit-iface-out".equals(option);
    }

    static void flag(final NatRule r, final String option, final boolean negate, final int lineNo)
    {
        noNegate(negate, option, lineNo);
        if (r.typesLimit != 0)
        {
            throw new RuleParseException(lineNo, "--limit-iface-in and --limit-iface-out cannot be combined");
        }
        r.typesLimit = "--limit-iface-in".equals(option) ? AddressTypes.LIMIT_IN : AddressTypes.LIMIT_OUT;
    }

    /** Checks a loaded match got what it needs. */
    static void finish(final NatRule r, final String match, final List<String> seen, final int lineNo)
    {
        switch (match)
        {
            case "addrtype":
                if (r.srcTypes == 0 && r.dstTypes == 0)
                {
                    throw new RuleParseException(lineNo, "match addrtype needs --src-type or --dst-type");
                }
                return;
            case "statistic":
                if (r.statMode == NatRule.STAT_RANDOM && (seen.contains("--every") || seen.contains("--packet")))
                {
                    throw new RuleParseException(lineNo, "--every and --packet belong to --mode nth");
                }
                if (r.statMode == NatRule.STAT_NTH && seen.contains("--probability"))
                {
                    throw new RuleParseException(lineNo, "--probability belongs to --mode random");
                }
                if (r.statMode == NatRule.STAT_RANDOM && !seen.contains("--probability"))
                {
                    throw new RuleParseException(lineNo, "--mode random needs --probability");
                }
                if (r.statMode == NatRule.STAT_NTH && !seen.contains("--every"))
                {
                    throw new RuleParseException(lineNo, "--mode nth needs --every");
                }
                if (r.statMode == 0)
                {
                    throw new RuleParseException(lineNo, "match statistic needs --mode");
                }
                if (r.statMode == NatRule.STAT_NTH)
                {
                    if (Integer.compareUnsigned(r.nthStart, r.nthEvery) > 0)
                    {
                        throw new RuleParseException(lineNo, "--packet p must be 0 <= p <= n-1");
                    }
                    r.nthStart = r.nthEvery - r.nthStart;
                }
                return;
            case "mark":
                if (!r.hasMark)
                {
                    throw new RuleParseException(lineNo, "match mark needs --mark");
                }
                return;
            case "conntrack":
                if (seen.isEmpty())
                {
                    throw new RuleParseException(lineNo, "match conntrack needs --ctstate, --ctorigdst or --ctorigdstport");
                }
                return;
            default:
                return;
        }
    }

    static boolean ownsTargetOption(final NatRule.Target t, final String option)
    {
        switch (t)
        {
            case MARK:
                return "--set-xmark".equals(option) || "--set-mark".equals(option) || "--and-mark".equals(option)
                    || "--or-mark".equals(option) || "--xor-mark".equals(option);
            case NETMAP:
                return "--to".equals(option);
            case LOG:
                return option.startsWith("--log-");
            default:
                return false;
        }
    }

    static boolean targetOptionHasValue(final String option)
    {
        return !"--log-tcp-sequence".equals(option) && !"--log-tcp-options".equals(option)
            && !"--log-ip-options".equals(option) && !"--log-uid".equals(option) && !"--log-macdecode".equals(option);
    }

    static void readTargetOption(final NatRule r, final String option, final String value, final int lineNo)
    {
        switch (option)
        {
            case "--set-xmark":
            {
                final long[] vm = valueAndMask(value, option, lineNo);
                r.markXor = (int)vm[0];
                r.markClear = (int)vm[1];
                return;
            }
            case "--set-mark":
            {
                final long[] vm = valueAndMask(value, option, lineNo);
                r.markXor = (int)vm[0];
                r.markClear = (int)(vm[0] | vm[1]);
                return;
            }
            case "--and-mark":
                r.markXor = 0;
                r.markClear = ~(int)parseU32(value, option, lineNo);
                return;
            case "--or-mark":
                r.markXor = (int)parseU32(value, option, lineNo);
                r.markClear = r.markXor;
                return;
            case "--xor-mark":
                r.markXor = (int)parseU32(value, option, lineNo);
                r.markClear = 0;
                return;
            case "--to":
            {
                final int[] am = MatchParser.addressAndMask(option, value, lineNo);
                r.netmapIp = am[0];
                r.netmapMask = am[1];
                return;
            }
            case "--log-prefix":
                if (value.length() > 29)
                {
                    throw new RuleParseException(lineNo, "--log-prefix longer than 29 characters");
                }
                r.logPrefix = value;
                return;
            case "--log-level":
                if (!isLogLevel(value))
                {
                    throw new RuleParseException(lineNo, "bad --log-level \"" + value + "\"");
                }
                return;
            case "--log-tcp-sequence": case "--log-tcp-options": case "--log-ip-options": case "--log-uid":
            case "--log-macdecode":
                return;
            default:
                throw new RuleParseException(lineNo, "unknown option \"" + option + "\"");
        }
    }

    private static boolean isLogLevel(final String v)
    {
        switch (v)
        {
            case "0": case "1": case "2": case "3": case "4": case "5": case "6": case "7":
            case "emerg": case "alert": case "crit": case "error": case "warning": case "notice": case "info":
            case "debug": case "panic": case "err": case "warn":
                return true;
            default:
                return false;
        }
    }

    private static void noNegate(final boolean negate, final String option, final int lineNo)
    {
        if (negate)
        {
            throw new RuleParseException(lineNo, "\"!\" not allowed before " + option);
        }
    }

    private static double parseProbability(final String value, final int lineNo)
    {
        final double p;
        try
        {
            p = Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new RuleParseException(lineNo, "bad --probability \"" + value + "\"");
        }
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new RuleParseException(lineNo, "--probability must be between 0 and 1: \"" + value + "\"");
        }
        return p;
    }

    /** "v" or "v/m" (mask defaults to all ones), each an unsigned 32-bit number in decimal, 0x hex or 0 octal. */
    static long[] valueAndMask(final String value, final String option, final int lineNo)
    {
        final int slash = value.indexOf('/');
        final long v = parseU32(slash < 0 ? value : value.substring(0, slash), option, lineNo);
        final long m = slash < 0 ? 0xFFFFFFFFL : parseU32(value.substring(slash + 1), option, lineNo);
        return new long[] {v, m};
    }

    static long parseU32(final String text, final String option, final int lineNo)
    {
        try
        {
            if (!text.isEmpty() && Character.isDigit(text.charAt(0)))
            {
                final long v = Long.decode(text);
                if (v >= 0 && v <= 0xFFFFFFFFL)
                {
                    return v;
                }
            }
        }
        catch (final NumberFormatException ex)
        {
            // refused below
        }
        throw new RuleParseException(lineNo, "bad value \"" + text + "\" in " + option);
    }
}
