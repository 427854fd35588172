/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of one replay command, parsed the way tcpdump and conntrack-tools read theirs: flags
 * ({@code -v}), options with a value ({@code --in FILE}, {@code -c 10}, also {@code --in=FILE}), {@code -} as a
 * value (standard input or output), {@code --} ending the options, everything else positional. {@code -h} and
 * {@code --help} are known to every command. A command declares what it takes, then reads the parse by the
 * option's long name:
 * <pre>
 *   Options o = new Options("rewrite").flag("-v", "--verbose").value("-c", "--count").value("--in");
 *   o.parse(args);            // args[0] is the command name
 *   o.has("--verbose"); o.get("--in"); o.positional();
 * </pre>
 */
final class Options
{
    private final String command;
    /** Every spelling of an option -> its long name (the last spelling declared). */
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, Boolean> takesValue = new HashMap<>();
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();
    private boolean help;

    Options(final String command)
    {
        this.command = command;
    }

    /**
     * @param spellings e.g. "-v", "--verbose"; the last is the name {@link #has} takes.
     * @return this.
     */
    Options flag(final String... spellings)
    {
        return declare(false, spellings);
    }

    /**
     * @param spellings e.g. "-c", "--count"; the last is the name {@link #get} takes.
     * @return this.
     */
    Options value(final String... spellings)
    {
        return declare(true, spellings);
    }

    private Options declare(final boolean withValue, final String... spellings)
    {
        final String name = spellings[spellings.length - 1];
        for (final String s : spellings)
        {
            names.put(s, name);
        }
        takesValue.put(name, withValue);
        return this;
    }

    /**
     * @param args the whole command line; {@code args[0]}, the command, is skipped.
     * @return this.
     * @throws ReplayException naming an unknown option or one missing its value.
     */
    Options parse(final String[] args) throws ReplayException
    {
        boolean optionsEnded = false;
        for (int i = 1; i < args.length; i++)
        {
            final String a = args[i];
            if (optionsEnded || !a.startsWith("-") || "-".equals(a))
            {
                positional.add(a);
                continue;
            }
            if ("--".equals(a))
            {
                optionsEnded = true;
                continue;
            }
            if ("-h".equals(a) || "--help".equals(a))
            {
                help = true;
                continue;
            }
            final int eq = a.startsWith("--") ? a.indexOf('=') : -1;
            final String spelling = eq < 0 ? a : a.substring(0, eq);
            final String name = names.get(spelling);
            if (name == null)
            {
                throw new ReplayException(command + ": unknown option '" + spelling + "' (try " + command + " --help)");
            }
            if (!takesValue.get(name))
            {
                if (eq >= 0)
                {
                    throw new ReplayException(command + ": " + spelling + " takes no value");
                }
                values.put(name, "");
            }
            else if (eq >= 0)
            {
                values.put(name, a.substring(eq + 1));
            }
            else
            {
                i++;
                if (i >= args.length || (args[i].startsWith("-") && !"-".equals(args[i]) && names.containsKey(args[i])))
                {
                    throw new ReplayException(spelling + " needs a value");
                }
                values.put(name, args[i]);
            }
        }
        return this;
    }

    /** @return true if -h or --help was given. */
    boolean help()
    {
        return help;
    }

    /**
     * @param name an option's long name.
     * @return true if it was given.
     */
    boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /**
     * @param name an option's long name.
     * @return its value, or null if not given.
     */
    String get(final String name)
    {
        return values.get(name);
    }

    /**
     * @param names long names that must all be given.
     * @throws ReplayException naming the first one missing.
     */
    void require(final String... names) throws ReplayException
    {
        for (final String n : names)
        {
            if (!has(n))
            {
                throw new ReplayException(command + " needs " + n + " (try " + command + " --help)");
            }
        }
    }

    /**
     * @param name an option's long name.
     * @return its value as a count above zero, or {@code Long.MAX_VALUE} if not given.
     * @throws ReplayException if it is not a positive number.
     */
    long count(final String name) throws ReplayException
    {
        final String v = get(name);
        if (v == null)
        {
            return Long.MAX_VALUE;
        }
        try
        {
            final long n = Long.parseLong(v.trim());
            if (n > 0)
            {
                return n;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new ReplayException(name + " " + v + ": not a count above zero");
    }

    /** @return the arguments that are not options, in order. */
    List<String> positional()
    {
        return positional;
    }
}
