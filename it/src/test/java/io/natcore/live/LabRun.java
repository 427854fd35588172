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
        deleteTree(out);
        Files.createDirectories(out);
        final String engine = "exec java -jar " + LabEnvironment.DATAPLANE_JAR +
            " --rules \"$NAT_RULES\" --box \"$NAT_BOX\" --interface \"$NAT_IFACE\" --dir " + out.resolve("natcore") +
            (extraArgs.isEmpty() ? "" : " " + extraArgs);
        final List<String> command = new ArrayList<>(List.of("bash", LabEnvironment.LAB_SCRIPT.toString(),
            scenario.toString(), out.toString()));
        final ProcessBuilder pb = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("lab.log").toFile());
        pb.environment().put("NAT_ENGINE", engine);
        pb.environment().putAll(env);
        final Process lab = pb.start();
        if (!lab.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS))
        {
            lab.descendants().forEach(ProcessHandle::destroyForcibly);
            lab.destroyForcibly();
            lab.waitFor(10, TimeUnit.SECONDS);
            LabEnvironment.run(List.of("sh", "-c",
                "for n in $(ip netns list | awk '{print $1}' | grep '^ncl-'); do ip netns del $n; done"));
            return new LabRun(out, -1);
        }
        return new LabRun(out, lab.exitValue());
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
