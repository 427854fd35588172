/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The SVG sequence diagram of {@code show --svg} and {@code demo --svg}: well-formed XML whose texts carry trace
 * 05's connection as the kernel translated it (its trace's type-4 records and clients.txt), DROPs and INVALIDs
 * marked; rendered by headless Chromium where Debian's {@code chromium} is installed.
 */
class SequenceDiagramTest
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static Path svg(final Path dir, final String... args)
    {
        final Path file = dir.resolve("d.svg");
        final List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--svg", file.toString()));
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, ReplayMain.run(a.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), EngineFactory.NATCORE), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("sequence diagram: " + file + " (open it in a browser)"));
        return file;
    }

    private static List<String> texts(final Path svg) throws Exception
    {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        final Document doc = f.newDocumentBuilder().parse(svg.toFile()); // throws unless well-formed
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
        final NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    @Test
    void showDrawsTrace05sConnectionAsTheClientSentItAndTheServerSawIt(@TempDir final Path dir) throws Exception
    {
        final List<String> texts = texts(svg(dir, "show", Traces.DIR.resolve("05-reverse-dnat-to-onprem").toString()));
        assertTrue(texts.containsAll(List.of("clients", "NAT box", "servers")), texts.toString());
        // Sent by the client (record 1), received by the server (kernel record 2), the reply and what came back.
        assertTrue(texts.contains("172.16.3.5:33610 -> 172.16.20.6:22"), texts.toString());
        assertTrue(texts.contains("172.16.2.5:33610 -> 192.168.1.5:22"), texts.toString());
        assertTrue(texts.contains("192.168.1.5:22 -> 172.16.2.5:33610"), texts.toString());
        assertTrue(texts.contains("172.16.20.6:22 -> 172.16.3.5:33610"), texts.toString());
        assertTrue(texts.contains("DNAT to 192.168.1.5:22, MASQUERADE to 172.16.2.5"), texts.toString());
    }

    @Test
    void demoMarksDropsAndInvalids(@TempDir final Path dir) throws Exception
    {
        final List<String> texts = texts(svg(dir, "demo", "14-malformed-input"));
        // Trace 14's record 13 has a bad IHL and record 5 a bad TCP checksum (its README).
        assertTrue(texts.contains("#13 tcp 192.168.1.5:44048 -> 172.16.2.65:577  DROP (IP_BAD_IHL)"), texts.toString());
        assertTrue(texts.contains("#5 tcp 192.168.1.5:41001 -> 172.16.2.65:80  INVALID (L4_BAD_CHECKSUM)"),
            texts.toString());
    }

    @Test
    void headlessChromiumRendersIt(@TempDir final Path dir) throws Exception
    {
        if (!Files.isExecutable(CHROMIUM))
        {
            final String reason = "skipped: " + CHROMIUM + " is not installed (Debian's chromium package)";
            System.err.println("SequenceDiagramTest.headlessChromiumRendersIt " + reason);
            Assumptions.abort(reason);
        }
        final Path svg = svg(dir, "demo");
        final Path png = dir.resolve("d.png");
        final Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--screenshot=" + png, "--window-size=1100,600", svg.toUri().toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        // Drawn, not blank: white background, black text and lines, coloured arrows.
        final Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2)
        {
            for (int x = 0; x < image.getWidth(); x += 2)
            {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 8, colours.size() + " colours");
    }
}
