/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live NAT box in the lab: every reference scenario (it/lab/scenarios, copies of the kernel lab's) run with
 * the natcore dataplane as the NAT box (the kernel's nat table empty, ip_forward=0), real clients through it.
 * <ul>
 *   <li>01-13: the clients print what they printed with the kernel as the NAT box (the trace folder's
 *   {@code clients.txt}, compared by {@link ClientsComparison}); 13 loses 6% of packets at random, so whether its
 *   last connection gets through is chance with either box: there the commands and the masqueraded address are
 *   compared ({@link ClientsComparison#compareLossy}).</li>
 *   <li>14 (malformed input): the box survives to a clean stop (its final counters reach engine.log), counts the
 *   bad packets under their reasons, and sends exactly the packets the kernel sent ({@link SentPackets}).</li>
 *   <li>Every scenario: the kernel tracked nothing ({@code kernel-conntrack.txt} empty).</li>
 * </ul>
 * Needs root, network namespaces and the lab's packages (it/lab/install.sh); skipped with the reason otherwise.
 * Writes {@code target/live-lab/summary.txt}: a line per scenario and {@code N passed, M failed}.
 */
class LiveLabTest
{
    private static final Path OUT = LabEnvironment.MODULE.resolve("target/live-lab");
    private static final List<String> SUMMARY = new ArrayList<>();

    @BeforeAll
    static void labAvailable() throws IOException
    {
        final String missing = LabEnvironment.missing();
        if (missing != null)
        {
            System.out.println("LiveLabTest skipped: " + missing);
            System.err.println("LiveLabTest skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "lab unavailable: " + missing);
        Files.createDirectories(OUT);
    }

    @AfterAll
    static void summary() throws IOException
    {
        if (SUMMARY.isEmpty())
        {
            return;
        }
        final long failed = SUMMARY.stream().filter(l -> l.startsWith("FAIL")).count();
        final String text = String.join("\n", SUMMARY) + "\n" + (SUMMARY.size() - failed) + " passed, " + failed +
            " failed\n";
        Files.writeString(OUT.resolve("summary.txt"), text);
        System.out.print(text);
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceScenarioThroughTheLiveBox() throws IOException
    {
        final List<Path> scenarios = new ArrayList<>();
        try (Stream<Path> s = Files.list(LabEnvironment.LAB.resolve("scenarios")))
        {
            s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(scenarios::add);
        }
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(name(s), () -> runScenario(s)));
    }

    private static void runScenario(final Path scenario) throws Exception
    {
        final String name = name(scenario);
        final long start = System.nanoTime();
        String verdict = "FAIL";
        String detail = "";
        try
        {
            final LabRun run = LabRun.natcore(scenario, OUT.resolve(name), "", Map.of());
            assertEquals(0, run.exitCode, name + ": lab.sh failed (see " + run.out.resolve("lab.log") + ")");
            assertTrue(run.read("kernel-conntrack.txt").isBlank(), name + ": the kernel tracked connections");
            final String log = run.read("engine.log");
            assertTrue(log.startsWith("ready"), name + ": engine.log does not start with ready: " + head(log));
            assertTrue(log.contains("verdict "), name + ": the box did not stop cleanly: " + head(log));
            assertTrue(!log.contains("Exception"), name + ": the box threw: " + head(log));
            if (name.startsWith("14-"))
            {
                malformedInput(run);
            }
            else
            {
                clientsAsWithTheKernel(name, run);
            }
            verdict = "PASS";
        }
        catch (final AssertionError ex)
        {
            detail = ": " + ex.getMessage();
            throw ex;
        }
        finally
        {
            SUMMARY.add(verdict + " " + name + " (" + (System.nanoTime() - start) / 1_000_000_000L + " s)" + detail);
        }
    }

    private static void clientsAsWithTheKernel(final String name, final LabRun run) throws IOException
    {
        final String kernel = Files.readString(LabEnvironment.TRACES.resolve(name).resolve("clients.txt"));
        final String natcore = run.read("clients.txt");
        final List<String> problems = name.startsWith("13-") ?
            ClientsComparison.compareLossy(kernel, natcore, "172.16.2.5") : ClientsComparison.compare(kernel, natcore);
        assertTrue(problems.isEmpty(), name + ": " + String.join("; ", problems));
    }

    private static void malformedInput(final LabRun run) throws Exception
    {
        final String log = run.read("engine.log");
        for (final String reason : List.of("reason ip: bad header checksum", "reason ip: version not 4",
            "reason tcp: invalid flags", "reason l4: bad checksum", "verdict TIME_EXCEEDED"))
        {
            assertTrue(log.contains(reason), "14: no counter '" + reason + "' in engine.log");
        }
        final String trace = "14-malformed-input";
        final List<String> kernel = SentPackets.of(LabEnvironment.TRACES.resolve(trace).resolve("trace.pcap"));
        final List<String> natcore = SentPackets.of(run.out.resolve("trace.pcap"));
        assertEquals(kernel, natcore, "14: the packets sent differ from the kernel's");
    }

    private static String name(final Path scenario)
    {
        final String f = scenario.getFileName().toString();
        return f.substring(0, f.length() - ".sh".length());
    }

    private static String head(final String s)
    {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
