/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine can run the lab (it/lab/lab.sh): root, network namespaces, the lab's Debian packages
 * (it/lab/install.sh), and the dataplane jar. {@link #missing()} says what is missing, for the skip message.
 */
final class LabEnvironment
{
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path LAB = MODULE.resolve("lab");
    static final Path LAB_SCRIPT = LAB.resolve("lab.sh");
    static final Path DATAPLANE_JAR = MODULE.resolveSibling("dataplane").resolve("target/natcore-dataplane.jar");
    static final Path TRACES = MODULE.resolve("src/test/resources/traces");

    private LabEnvironment()
    {
    }

    /** @return null when the lab can run here, else why not (one line). */
    static String missing()
    {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux"))
        {
            return "not Linux";
        }
        final String uid = run(List.of("id", "-u"));
        if (!"0".equals(uid))
        {
            return "not root (the lab builds network namespaces)";
        }
        for (final String tool : List.of("ip", "nft", "tcpdump", "conntrack", "ethtool", "python3", "curl", "ping"))
        {
            if (run(List.of("sh", "-c", "command -v " + tool)) == null)
            {
                return tool + " not installed (run it/lab/install.sh)";
            }
        }
        if (run(List.of("/usr/bin/python3", "-c", "import scapy")) == null)
        {
            return "python3-scapy not installed (run it/lab/install.sh)";
        }
        final String ns = "nclprobe" + ProcessHandle.current().pid();
        if (run(List.of("ip", "netns", "add", ns)) == null)
        {
            return "network namespaces are not available here";
        }
        run(List.of("ip", "netns", "del", ns));
        if (!Files.isRegularFile(DATAPLANE_JAR))
        {
            return DATAPLANE_JAR + " not built (mvn package)";
        }
        return null;
    }

    /** @return the command's trimmed stdout, or null when it failed. */
    static String run(final List<String> command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
