/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * One reference trace: {@code rules.txt}, {@code box.txt}, {@code trace.pcap} (and, if present,
 * {@code clients.txt}, {@code sysctl.txt} and {@code conntrack-events.txt}), read from a folder or from the traces bundled in the jar under
 * {@code traces/NAME/}.
 *
 * @param name    folder name.
 * @param rules   iptables-save text.
 * @param box     box description.
 * @param pcap    the capture.
 * @param clients what the clients printed, or "" if absent.
 * @param sysctl  the box's conntrack timeout sysctls ({@link KernelTimeouts}), or "" if absent (Linux defaults).
 * @param events  the kernel's {@code conntrack -E -o timestamp,id} during the run ({@link KernelDraws}), or "" if
 *                absent.
 */
public record TraceSource(String name, String rules, String box, byte[] pcap, String clients, String sysctl,
    String events)
{
    /** Classpath folder of the bundled traces. */
    public static final String BUNDLE = "traces/";

    /**
     * A trace run with the kernel's default timeouts (no {@code sysctl.txt}).
     *
     * @param name    folder name.
     * @param rules   iptables-save text.
     * @param box     box description.
     * @param pcap    the capture.
     * @param clients what the clients printed, or "".
     */
    public TraceSource(final String name, final String rules, final String box, final byte[] pcap, final String clients)
    {
        this(name, rules, box, pcap, clients, "", "");
    }

    /**
     * A trace without the kernel's conntrack events.
     *
     * @param name    folder name.
     * @param rules   iptables-save text.
     * @param box     box description.
     * @param pcap    the capture.
     * @param clients what the clients printed, or "".
     * @param sysctl  the box's timeout sysctls, or "".
     */
    public TraceSource(final String name, final String rules, final String box, final byte[] pcap, final String clients,
        final String sysctl)
    {
        this(name, rules, box, pcap, clients, sysctl, "");
    }

    /**
     * @param dir a trace folder.
     * @return its files.
     * @throws ReplayException if a required file is missing or unreadable.
     */
    public static TraceSource fromDirectory(final Path dir) throws ReplayException
    {
        if (!Files.isDirectory(dir))
        {
            throw new ReplayException(dir + ": not a trace folder (expected a directory with rules.txt, box.txt, trace.pcap)");
        }
        final Path clients = dir.resolve("clients.txt");
        final Path sysctl = dir.resolve("sysctl.txt");
        final Path events = dir.resolve("conntrack-events.txt");
        return new TraceSource(
            dir.getFileName().toString(),
            new String(read(dir.resolve("rules.txt")), StandardCharsets.UTF_8),
            new String(read(dir.resolve("box.txt")), StandardCharsets.UTF_8),
            read(dir.resolve("trace.pcap")),
            Files.exists(clients) ? new String(read(clients), StandardCharsets.UTF_8) : "",
            Files.exists(sysctl) ? new String(read(sysctl), StandardCharsets.UTF_8) : "",
            Files.exists(events) ? new String(read(events), StandardCharsets.UTF_8) : "");
    }

    /**
     * @param name a bundled trace's folder name.
     * @return its files.
     * @throws ReplayException if there is no such bundled trace.
     */
    public static TraceSource bundled(final String name) throws ReplayException
    {
        final byte[] pcap = resource(name, "trace.pcap");
        if (pcap == null)
        {
            throw new ReplayException("no bundled trace named '" + name + "' (bundled: " +
                String.join(", ", bundledNames()) + ")");
        }
        final byte[] rules = resource(name, "rules.txt");
        final byte[] box = resource(name, "box.txt");
        final byte[] clients = resource(name, "clients.txt");
        final byte[] sysctl = resource(name, "sysctl.txt");
        final byte[] events = resource(name, "conntrack-events.txt");
        if (rules == null || box == null)
        {
            throw new ReplayException("bundled trace '" + name + "' lacks rules.txt or box.txt");
        }
        return new TraceSource(name, new String(rules, StandardCharsets.UTF_8), new String(box, StandardCharsets.UTF_8),
            pcap, clients == null ? "" : new String(clients, StandardCharsets.UTF_8),
            sysctl == null ? "" : new String(sysctl, StandardCharsets.UTF_8),
            events == null ? "" : new String(events, StandardCharsets.UTF_8));
    }

    /**
     * @return names of the traces bundled on the classpath, sorted.
     */
    public static List<String> bundledNames()
    {
        final TreeSet<String> names = new TreeSet<>();
        final URL url = TraceSource.class.getClassLoader().getResource(BUNDLE);
        if (url == null)
        {
            return new ArrayList<>();
        }
        try
        {
            if ("jar".equals(url.getProtocol()))
            {
                final JarURLConnection c = (JarURLConnection)url.openConnection();
                try (JarFile jar = c.getJarFile())
                {
                    final Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements())
                    {
                        final String n = entries.nextElement().getName();
                        if (n.startsWith(BUNDLE) && n.endsWith("/trace.pcap"))
                        {
                            names.add(n.substring(BUNDLE.length(), n.length() - "/trace.pcap".length()));
                        }
                    }
                }
            }
            else if ("file".equals(url.getProtocol()))
            {
                try (Stream<Path> s = Files.list(Path.of(url.toURI())))
                {
                    s.filter(p -> Files.exists(p.resolve("trace.pcap"))).forEach(p -> names.add(p.getFileName().toString()));
                }
            }
        }
        catch (final IOException | URISyntaxException ex)
        {
            return new ArrayList<>(names);
        }
        return new ArrayList<>(names);
    }

    private static byte[] resource(final String name, final String file) throws ReplayException
    {
        if (name.contains("..") || name.contains("/"))
        {
            return null;
        }
        try (InputStream in = TraceSource.class.getClassLoader().getResourceAsStream(BUNDLE + name + "/" + file))
        {
            return in == null ? null : in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new ReplayException("cannot read bundled " + name + "/" + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param path a file.
     * @return its bytes.
     * @throws ReplayException with a one-line reason.
     */
    static byte[] read(final Path path) throws ReplayException
    {
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ReplayException(path + ": no such file", ex);
        }
        catch (final IOException ex)
        {
            throw new ReplayException(path + ": cannot read: " + ex.getMessage(), ex);
        }
    }
}
