/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test-only parser of {@code conntrack -E -o timestamp,id} output: connections and their events. */
final class ConntrackEvents
{
    /** One NEW / UPDATE / DESTROY line. */
    static final class Event
    {
        final String kind;
        final String state;
        final int timeout;
        final boolean assured;

        Event(final String kind, final String state, final int timeout, final boolean assured)
        {
            this.kind = kind;
            this.state = state;
            this.timeout = timeout;
            this.assured = assured;
        }

        @Override
        public String toString()
        {
            return kind + " " + timeout + " " + state + (assured ? " [ASSURED]" : "");
        }
    }

    /** One connection: its tuples (from its NEW line) and all its events in order. */
    static final class Conn
    {
        final String id;
        final String proto;
        final String[] orig;  // src, dst, sport|type, dport|code, -|id
        final String[] reply;
        final List<Event> events = new ArrayList<>();

        Conn(final String id, final String proto, final String[] orig, final String[] reply)
        {
            this.id = id;
            this.proto = proto;
            this.orig = orig;
            this.reply = reply;
        }
    }

    private ConntrackEvents()
    {
    }

    static Map<String, Conn> read(final Path file) throws IOException
    {
        final Map<String, Conn> conns = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(file))
        {
            if (line.isBlank())
            {
                continue;
            }
            final String[] t = line.trim().split("\\s+");
            final String kind = t[1].replace("[", "").replace("]", "");
            final String proto = t[2];
            int i = 4;
            int timeout = -1;
            String state = "";
            if (t[i].matches("\\d+"))
            {
                timeout = Integer.parseInt(t[i++]);
            }
            if (!t[i].contains("="))
            {
                state = t[i++];
            }
            final List<String[]> tuples = new ArrayList<>();
            String[] cur = null;
            boolean assured = false;
            String id = null;
            for (; i < t.length; i++)
            {
                final String tok = t[i];
                if (tok.equals("[ASSURED]"))
                {
                    assured = true;
                    continue;
                }
                if (tok.startsWith("["))
                {
                    continue;
                }
                final int eq = tok.indexOf('=');
                final String k = tok.substring(0, eq);
                final String v = tok.substring(eq + 1);
                if (i == t.length - 1 && k.equals("id"))
                {
                    id = v;
                    break;
                }
                switch (k)
                {
                    case "src":
                        cur = new String[] {v, "", "", "", ""};
                        tuples.add(cur);
                        break;
                    case "dst":
                        cur[1] = v;
                        break;
                    case "sport":
                    case "type":
                        cur[2] = v;
                        break;
                    case "dport":
                    case "code":
                        cur[3] = v;
                        break;
                    case "id":
                        cur[4] = v;
                        break;
                    default:
                        break;
                }
            }
            final String cid = id;
            final Conn conn = conns.computeIfAbsent(cid, x -> new Conn(cid, proto, tuples.get(0), tuples.get(1)));
            conn.events.add(new Event(kind, state, timeout, assured));
        }
        return conns;
    }
}
