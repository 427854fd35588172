/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: {@code conntrack -E -o timestamp,id} text grouped per connection (keyed by its original tuple) into
 * steps (kind, timeout, state, ASSURED), the kernel's random ids left out; and the comparison of two such
 * sequences tolerating the kernel's reporting artefacts:
 * <ul>
 * <li>the timeout printed one second short (a tick passed between the refresh and the event message);</li>
 * <li>two events caused by packets processed within {@link #RACE_WINDOW_NANOS} of each other (two CPUs): the
 *     first message may show the second's state, or the two may be merged into one message.</li>
 * </ul>
 */
final class KernelEvents
{
    static final long RACE_WINDOW_NANOS = 20_000;

    private static final Pattern LINE = Pattern.compile(
        "^(?:\\[([0-9]+)\\.([0-9]+)\\]\\s+)?\\s*\\[(NEW|UPDATE|DESTROY)\\]\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)?\\s*" +
        "([A-Z_0-9]+)?\\s*(src=.*)$");

    /** One event of one connection. */
    static final class Step
    {
        final String kind;
        final int timeout;
        final String state;
        final boolean assured;
        final long timeNanos;

        Step(final String kind, final int timeout, final String state, final boolean assured, final long timeNanos)
        {
            this.kind = kind;
            this.timeout = timeout;
            this.state = state;
            this.assured = assured;
            this.timeNanos = timeNanos;
        }

        @Override
        public String toString()
        {
            return kind + " " + (timeout < 0 ? "-" : Integer.toString(timeout)) + (state.isEmpty() ? "" : " " + state) +
                (assured ? " ASSURED" : "");
        }
    }

    private KernelEvents()
    {
    }

    static Map<String, List<Step>> perConnection(final String text, final List<String> kinds)
    {
        final Map<String, List<Step>> out = new LinkedHashMap<>();
        for (final String raw : text.split("\n"))
        {
            final Matcher m = LINE.matcher(raw.strip());
            if (!m.matches() || !kinds.contains(m.group(3)))
            {
                continue;
            }
            final String rest = m.group(8);
            final String key = m.group(4) + " " + originalTuple(rest);
            final long time = m.group(1) == null ? 0 :
                Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong((m.group(2) + "000000000").substring(0, 9));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(new Step(m.group(3),
                m.group(6) == null ? -1 : Integer.parseInt(m.group(6)), m.group(7) == null ? "" : m.group(7),
                rest.contains("[ASSURED]"), time));
        }
        return out;
    }

    /** The fields of the first tuple: everything before the second "src=". */
    private static String originalTuple(final String rest)
    {
        final int second = rest.indexOf(" src=", 1);
        final String t = second < 0 ? rest : rest.substring(0, second);
        return t.replace(" [UNREPLIED]", "").strip();
    }

    static boolean matches(final List<Step> kernel, final List<Step> ours)
    {
        return matchFrom(kernel, 0, ours, 0);
    }

    private static boolean matchFrom(final List<Step> k, final int i, final List<Step> o, final int j)
    {
        if (i == k.size() && j == o.size())
        {
            return true;
        }
        if (i < k.size() && j < o.size() && same(k.get(i), o.get(j)) && matchFrom(k, i + 1, o, j + 1))
        {
            return true;
        }
        if (j + 1 < o.size() && o.get(j + 1).timeNanos - o.get(j).timeNanos <= RACE_WINDOW_NANOS)
        {
            // The first message read the state the second packet left.
            if (i < k.size() && k.get(i).kind.equals(o.get(j).kind) && sameContent(k.get(i), o.get(j + 1)) &&
                matchFrom(k, i + 1, o, j + 1))
            {
                return true;
            }
            // The two were merged into one message.
            return matchFrom(k, i, o, j + 1);
        }
        return false;
    }

    private static boolean same(final Step kernel, final Step ours)
    {
        return kernel.kind.equals(ours.kind) && sameContent(kernel, ours);
    }

    private static boolean sameContent(final Step kernel, final Step ours)
    {
        return kernel.state.equals(ours.state) && kernel.assured == ours.assured &&
            (kernel.timeout == ours.timeout || kernel.timeout == ours.timeout - 1);
    }
}
