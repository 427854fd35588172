/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of it/lab/lab.sh on a scenario with the natcore dataplane as the NAT box ({@code NAT_ENGINE}), bounded
 * in time; the lab tears its namespaces down itself, and a run cut by the time limit is cleaned up here.
 */
final class LabRun
{
    static final long TIME_LIMIT_SECONDS = 300;

    final Path out;
    final int exitCode;

    private LabRun(final Path out, final int exitCode)
    {
        this.out = out;
        this.exitCode = exitCode;
    }

    /**
     * @param scenario  scenario file (a trace folder's scenario.sh, as NN-name.sh).
     * @param out       output folder (replaced).
     * @param extraArgs more dataplane options.
     * @param env       more environment for the lab.
     */
    static LabRun natcore(final Path scenario, final Path out, final String extraArgs, final Map<String, String> env)
        throws IOException, InterruptedException
    {
        return natcore(scenario, out, "", extraArgs, env, TIME_LIMIT_SECONDS);
    }

    /**
     * As {@link #natcore(Path, Path, String, Map)}, with JVM options for the box and a time limit. The namespaces'
     * prefix is {@link #prefix()}; the lab also gets {@code DATAPLANE_JAR} (for the box's {@code stat} command) and
     * {@code NATCORE_DIR} (the box's {@code --dir}) in its environment.
     */
    static LabRun natcore(
        final Path scenario,
        final Path out,
        final String jvmArgs,
        final String extraArgs,
        final Map<String, String> env,
        final long timeLimitSeconds)
        throws IOException, InterruptedException
    {
        deleteTree(out);
        Files.createDirectories(out);
        final Path dir = out.resolve("natcore");
        final String engine = "exec java " + (jvmArgs.isEmpty() ? "" : jvmArgs + " ") + "-jar " +
            LabEnvironment.DATAPLANE_JAR + " --rules \"$NAT_RULES\" --box \"$NAT_BOX\" --interface \"$NAT_IFACE\" --dir " +
            dir + (extraArgs.isEmpty() ? "" : " " + extraArgs);
        final List<String> command = new ArrayList<>(List.of("bash", LabEnvironment.LAB_SCRIPT.toString(),
            scenario.toString(), out.toString()));
        final ProcessBuilder pb = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("lab.log").toFile());
        pb.environment().put("NAT_ENGINE", engine);
        pb.environment().put("LAB_PREFIX", prefix());
        pb.environment().put("DATAPLANE_JAR", LabEnvironment.DATAPLANE_JAR.toString());
        pb.environment().put("NATCORE_DIR", dir.toString());
        pb.environment().putAll(env);
        final Process lab = pb.start();
        if (!lab.waitFor(timeLimitSeconds, TimeUnit.SECONDS))
        {
            lab.descendants().forEach(ProcessHandle::destroyForcibly);
            lab.destroyForcibly();
            lab.waitFor(10, TimeUnit.SECONDS);
            LabEnvironment.run(List.of("sh", "-c",
                "for n in $(ip netns list | awk '{print $1}' | grep '^" + prefix() + "-'); do ip netns del $n; done"));
            return new LabRun(out, -1);
        }
        return new LabRun(out, lab.exitValue());
    }

    /**
     * The lab's namespace prefix: {@code -Dnatcore.lab.prefix}, else {@code ncl} and four hex digits of this
     * checkout's path, so the labs of two checkouts on one machine (a CI clone beside a working tree) never share
     * namespaces: with one shared default, one run's teardown removed the other's interfaces mid-scenario.
     */
    static String prefix()
    {
        final String set = System.getProperty("natcore.lab.prefix");
        if (set != null)
        {
            return set;
        }
        final int h = LabEnvironment.LAB_SCRIPT.toAbsolutePath().normalize().toString().hashCode();
        return String.format("ncl%04x", (h ^ (h >>> 16)) & 0xFFFF);
    }

    String read(final String name) throws IOException
    {
        final Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (var walk = Files.walk(dir))
        {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
