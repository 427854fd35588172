/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The connections of a replay as an SVG sequence diagram that opens in a browser: three lanes (clients, the NAT
 * box, servers); per connection its first packet as the client sent it and as the server received it, with what
 * the box did (DNAT, SNAT/MASQUERADE), and the reply coming back when there was one; then the packets the engine
 * dropped (red, ending in a cross at the box) or forwarded untranslated as INVALID (orange, dashed).
 */
final class SequenceDiagram
{
    private static final int WIDTH = 1100;
    private static final int CLIENT_X = 150;
    private static final int BOX_X = 550;
    private static final int SERVER_X = 950;
    private static final int TOP = 90;
    private static final int ROW = 34;

    private SequenceDiagram()
    {
    }

    /**
     * @param title        heading (the capture's name).
     * @param log          the connections and untranslated packets of the replay.
     * @param rulesText    the rules (whether source NAT is MASQUERADE).
     * @param isBoxAddress tells the box's own addresses.
     * @return the SVG document.
     */
    static String render(final String title, final TranslationLog log, final String rulesText,
        final IntPredicate isBoxAddress)
    {
        final boolean masquerade = rulesText.contains("-j MASQUERADE");
        final List<TranslationLog.Connection> connections = log.connections();
        final List<TranslationLog.Unforwarded> marked = log.unforwarded();
        int rows = 0;
        for (final TranslationLog.Connection c : connections)
        {
            rows += c.back > 0 ? 4 : 3;
        }
        rows += marked.size() + (marked.isEmpty() ? 0 : 1);
        final int height = TOP + Math.max(1, rows) * ROW + 40;

        final StringBuilder svg = new StringBuilder(4096);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
            .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
            .append("\" font-family=\"monospace\" font-size=\"12\">\n")
            .append("<title>").append(escape(title)).append("</title>\n")
            .append("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" ")
            .append("orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"context-stroke\"/></marker></defs>\n")
            .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, WIDTH / 2, 24, "middle", "bold", "black", title);
        lane(svg, CLIENT_X, height, "clients");
        lane(svg, BOX_X, height, "NAT box");
        lane(svg, SERVER_X, height, "servers");

        int y = TOP;
        int n = 0;
        for (final TranslationLog.Connection c : connections)
        {
            n++;
            final FlowTuple a = c.client;
            final FlowTuple s = c.server;
            text(svg, 10, y + 4, "start", "bold", "black", n + ". " + a.protoName());
            arrow(svg, CLIENT_X, BOX_X, y, "black", false, a.from() + " -> " + a.to());
            y += ROW;
            text(svg, BOX_X, y - 14, "middle", "normal", "#1a5fb4", TranslationLog.nat(c, masquerade, isBoxAddress));
            arrow(svg, BOX_X, SERVER_X, y, "black", false, s.from() + " -> " + s.to());
            y += ROW;
            if (c.back > 0)
            {
                final FlowTuple r = s.reversed();
                final FlowTuple back = a.reversed();
                arrow(svg, SERVER_X, BOX_X, y, "#26a269", false, r.from() + " -> " + r.to());
                y += ROW;
                arrow(svg, BOX_X, CLIENT_X, y, "#26a269", false, back.from() + " -> " + back.to());
                y += ROW;
            }
            else
            {
                text(svg, (BOX_X + SERVER_X) / 2, y - 8, "middle", "italic", "gray", "no reply");
                y += ROW / 2;
            }
            svg.append("<line x1=\"10\" y1=\"").append(y - ROW / 2).append("\" x2=\"").append(WIDTH - 10)
                .append("\" y2=\"").append(y - ROW / 2).append("\" stroke=\"#eeeeee\"/>\n");
            y += ROW / 2;
        }
        if (!marked.isEmpty())
        {
            text(svg, 10, y, "start", "bold", "black", "not translated:");
            y += ROW;
            for (final TranslationLog.Unforwarded u : marked)
            {
                final boolean invalid = "INVALID".equals(u.verdict());
                final String what = u.tuple() == null ? "unreadable packet" :
                    u.tuple().protoName() + " " + u.tuple().from() + " -> " + u.tuple().to();
                final String colour = invalid ? "#e66100" : "#c01c28";
                final String label = "#" + u.record() + " " + what + "  " + u.verdict() + " (" + u.reason() + ")";
                if (invalid)
                {
                    // the kernel forwards INVALID packets as they came
                    arrow(svg, CLIENT_X, SERVER_X, y, colour, true, label);
                }
                else
                {
                    arrow(svg, CLIENT_X, BOX_X, y, colour, false, label);
                    svg.append("<path d=\"M").append(BOX_X - 6).append(',').append(y - 6).append(" l12,12 m0,-12 l-12,12\" ")
                        .append("stroke=\"").append(colour).append("\" stroke-width=\"3\"/>\n");
                }
                y += ROW;
            }
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Writes {@link #render} to a file and says where.
     *
     * @param file         destination.
     * @param title        heading.
     * @param log          the replay's connections.
     * @param rulesText    the rules.
     * @param isBoxAddress tells the box's own addresses.
     * @param out          gets one line naming the file.
     * @throws IOException if the file cannot be written.
     */
    static void write(final Path file, final String title, final TranslationLog log, final String rulesText,
        final IntPredicate isBoxAddress, final PrintStream out) throws IOException
    {
        Files.writeString(file, render(title, log, rulesText, isBoxAddress), StandardCharsets.UTF_8);
        out.println("sequence diagram: " + file + " (open it in a browser)");
    }

    private static void lane(final StringBuilder svg, final int x, final int height, final String name)
    {
        svg.append("<rect x=\"").append(x - 70).append("\" y=\"40\" width=\"140\" height=\"26\" rx=\"4\" ")
            .append("fill=\"#f6f5f4\" stroke=\"black\"/>\n");
        text(svg, x, 58, "middle", "bold", "black", name);
        svg.append("<line x1=\"").append(x).append("\" y1=\"66\" x2=\"").append(x).append("\" y2=\"")
            .append(height - 20).append("\" stroke=\"gray\" stroke-dasharray=\"4 4\"/>\n");
    }

    private static void arrow(final StringBuilder svg, final int from, final int to, final int y, final String colour,
        final boolean dashed, final String label)
    {
        svg.append("<line x1=\"").append(from).append("\" y1=\"").append(y).append("\" x2=\"").append(to)
            .append("\" y2=\"").append(y).append("\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"")
            .append(dashed ? " stroke-dasharray=\"6 3\"" : "").append(" marker-end=\"url(#arrow)\"/>\n");
        text(svg, (from + to) / 2, y - 5, "middle", "normal", colour, label);
    }

    private static void text(final StringBuilder svg, final int x, final int y, final String anchor,
        final String style, final String colour, final String text)
    {
        svg.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" text-anchor=\"").append(anchor)
            .append('"');
        if ("bold".equals(style))
        {
            svg.append(" font-weight=\"bold\"");
        }
        else if ("italic".equals(style))
        {
            svg.append(" font-style=\"italic\"");
        }
        svg.append(" fill=\"").append(colour).append("\">").append(escape(text)).append("</text>\n");
    }

    static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
