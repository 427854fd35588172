/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.engine.NatEngine;
import io.natcore.engine.NatEngineConfig;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.Ipv4Text;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.LoadWarning;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RouteTable;
import io.natcore.rules.RuleParseException;
import io.natcore.rules.RuleSetReport;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The running NAT box: sockets, workers, housekeeper, host changes, counters; started by {@link #start}, reloaded
 * by {@link #reload}, stopped by {@link #stop}. Owns the {@link Generation} (engine + box) the workers use.
 */
final class Dataplane
{
    /** Start-up refused: one line for the user (exit 2). */
    static final class StartException extends Exception
    {
        private static final long serialVersionUID = 1L;

        StartException(final String message)
        {
            super(message);
        }
    }

    static final int MAX_COUNTERS = 4096;
    static final long GATEWAY_WAIT_MILLIS = 3000;

    final DataplaneOptions options;
    final Object engineLock = new Object();
    final Neighbours neighbours = new Neighbours(1024);
    Worker[] workers;
    private volatile Generation generation;
    private final HostSetup host;
    private final int kernelIf;
    private final long mac;
    private final int mtu;
    private final Path tableFile;
    private final boolean tableIsTemporary;
    private ArpSender arp;
    private CountersFile counters;
    private Housekeeper housekeeper;
    /** The worker threads (index = worker id); read by the housekeeper for their allocation counters. */
    Thread[] threads;
    private Thread housekeeperThread;

    Dataplane(final DataplaneOptions options) throws StartException
    {
        this.options = options;
        this.host = new HostSetup(options.iface);
        final int index = LibC.if_nametoindex(options.iface);
        if (index <= 0)
        {
            throw new StartException("unknown interface '" + options.iface + "'");
        }
        this.kernelIf = index;
        this.mac = readMac(options.iface);
        this.mtu = readMtu(options.iface);
        this.tableIsTemporary = options.table == null;
        this.tableFile = tableIsTemporary ? options.dir.resolve("table") : options.table;
    }

    /** Called when the served interface disappears: the box stops as on SIGTERM. */
    private volatile Runnable onInterfaceGone = () -> { };

    void onInterfaceGone(final Runnable action)
    {
        onInterfaceGone = action;
    }

    void interfaceGone()
    {
        onInterfaceGone.run();
    }

    Generation generation()
    {
        return generation;
    }

    /** Opens everything, starts the threads; returns once the box forwards. */
    void start() throws StartException
    {
        try
        {
            HostSetup.refuseKernelForwarding();
        }
        catch (final HostSetup.HostException ex)
        {
            throw new StartException(ex.getMessage());
        }
        final Generation gen = load(options.rules, options.box);
        try
        {
            Files.createDirectories(options.dir);
            if (tableIsTemporary)
            {
                Files.deleteIfExists(tableFile); // no --table: every start begins empty
            }
        }
        catch (final IOException ex)
        {
            throw new StartException("cannot use --dir " + options.dir + ": " + ex.getMessage());
        }
        final int frameSize = frameSizeFor(mtu);
        final PacketSocket[] sockets = new PacketSocket[options.workers];
        try
        {
            for (int w = 0; w < sockets.length; w++)
            {
                sockets[w] = new PacketSocket(kernelIf, frameSize, options.ringFrames,
                    options.workers > 1 ? (int)(ProcessHandle.current().pid() & 0xFFFF) : -1, options.qdiscBypass);
            }
            arp = new ArpSender(kernelIf, mac, gen.sourceIp);
        }
        catch (final PacketSocket.SetupException ex)
        {
            for (final PacketSocket s : sockets)
            {
                if (s != null)
                {
                    s.close();
                }
            }
            throw new StartException(ex.getMessage().contains("Operation not permitted") ?
                ex.getMessage() + ": run as root or with CAP_NET_RAW and CAP_NET_ADMIN" : ex.getMessage());
        }
        for (final long[] n : options.neighbors)
        {
            neighbours.addPermanent((int)n[0], n[1]);
        }
        try
        {
            host.disableReceiveOffloads();
            if (options.ingressFilter)
            {
                host.installFilter(boxAddresses(gen), options.reserve);
            }
            counters = CountersFile.create(options.dir, MAX_COUNTERS);
        }
        catch (final HostSetup.HostException | IOException ex)
        {
            host.undo();
            throw new StartException(ex.getMessage());
        }
        generation = gen.withEngine(openEngine(gen));
        final CountersManager manager = counters.manager();
        workers = new Worker[options.workers];
        for (int w = 0; w < workers.length; w++)
        {
            final AtomicCounter[] wc = new AtomicCounter[WorkerCounter.VALUES.length];
            for (final WorkerCounter c : WorkerCounter.VALUES)
            {
                wc[c.ordinal()] = new AtomicCounter(counters.values, manager.allocate("worker " + w + ": " + c.label));
            }
            workers[w] = new Worker(w, sockets[w], neighbours, arp, mac, mtu, wc, generation);
        }
        housekeeper = new Housekeeper(this, counters, manager, workers.length);
        threads = new Thread[workers.length];
        for (int w = 0; w < workers.length; w++)
        {
            threads[w] = new Thread(workers[w], "natcore-worker-" + w);
            threads[w].start();
        }
        housekeeperThread = new Thread(housekeeper, "natcore-housekeeper");
        housekeeperThread.setDaemon(true);
        housekeeperThread.start();
        resolveGateways(generation);
    }

    /** Parses and checks a rules and box file pair; the engine is not opened yet. */
    Generation load(final Path rulesFile, final Path boxFile) throws StartException
    {
        final NatRuleSet rules;
        final BoxConfig box;
        try
        {
            rules = IptablesSaveParser.parse(Files.readString(rulesFile));
        }
        catch (final RuleParseException ex)
        {
            throw new StartException(rulesFile + ": line " + ex.getLineNumber() + ": " + ex.getReason());
        }
        catch (final IOException ex)
        {
            throw new StartException("cannot read " + rulesFile + ": " + ex.getMessage());
        }
        try
        {
            box = BoxConfig.parse(Files.readString(boxFile));
        }
        catch (final RuleParseException ex)
        {
            throw new StartException(boxFile + ": line " + ex.getLineNumber() + ": " + ex.getReason());
        }
        catch (final IOException ex)
        {
            throw new StartException("cannot read " + boxFile + ": " + ex.getMessage());
        }
        final int engineIf = box.ifIndex(options.iface);
        if (engineIf < 0)
        {
            throw new StartException(boxFile + ": no interface '" + options.iface + "' (an 'ifindex N " +
                options.iface + "' line)");
        }
        int source = 0;
        for (int i = 0; i < box.addressCount(); i++)
        {
            if (box.addressIf(i) == engineIf && !box.isSecondary(i))
            {
                source = box.address(i);
                break;
            }
        }
        if (source == 0)
        {
            throw new StartException(boxFile + ": no address on " + options.iface + " (an 'addr " + options.iface +
                " A.B.C.D/N' line)");
        }
        // What is accepted but not enforced (filter rules, policies, unknown interfaces, shadowed rules): said once,
        // at start and at each reload, as iptables-restore would not.
        for (final LoadWarning w : RuleSetReport.of(rules, box).warnings())
        {
            System.err.println("natcore-dataplane: warning: " + rulesFile + ": " + w);
        }
        return new Generation(rules, box, engineIf, source);
    }

    private NatEngine openEngine(final Generation gen)
    {
        return new NatEngine(NatEngineConfig.builder()
            .rules(gen.rules)
            .box(gen.box)
            .capacity(options.capacity)
            .mappedFile(tableFile)
            .expiryWorkPerPacket(0)
            .decrementTtl(true)
            .trackLocalDelivery(false) // the host's stack answers packets for the box, outside the engine
            .events(false)
            .reservedPorts(options.reserve)
            .timeouts(HostTimeouts.read(HostTimeouts.PROC_SYS))
            .build());
    }

    /**
     * SIGHUP: new rules and box for new connections; existing ones keep their bindings (the table is reopened
     * from its mapped file). A file refused leaves the old rules in force.
     *
     * @return null when reloaded, else why not (one line).
     */
    String reload()
    {
        final Generation loaded;
        try
        {
            loaded = load(options.rules, options.box);
        }
        catch (final StartException ex)
        {
            return ex.getMessage();
        }
        synchronized (engineLock)
        {
            for (final Worker w : workers)
            {
                w.pauseRequested = true;
            }
            for (final Worker w : workers)
            {
                while (!w.paused && w.running)
                {
                    Thread.onSpinWait();
                }
            }
            final Generation old = generation;
            housekeeper.retire(old.engine);
            old.engine.close();
            generation = loaded.withEngine(openEngine(loaded));
            for (final Worker w : workers)
            {
                w.use(generation);
                w.pauseRequested = false;
            }
        }
        if (options.ingressFilter)
        {
            try
            {
                host.installFilter(boxAddresses(generation), options.reserve);
            }
            catch (final HostSetup.HostException ex)
            {
                return "rules reloaded, but the ingress filter was not updated: " + ex.getMessage();
            }
        }
        return null;
    }

    /** Stops the threads, publishes the last counters, undoes the host changes. */
    void stop(final PrintStream out)
    {
        for (final Worker w : workers)
        {
            w.running = false;
        }
        for (final Thread t : threads)
        {
            try
            {
                t.join(2000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        housekeeper.running = false;
        try
        {
            housekeeperThread.join(2000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        synchronized (engineLock)
        {
            housekeeper.publish(generation.engine);
            printCounters(counters.reader(), out, false);
            generation.engine.close();
        }
        for (final Worker w : workers)
        {
            w.socket().close();
        }
        arp.close();
        host.undo(!tableIsTemporary); // --table: the connections outlive us, keep the kernel off them
        counters.close();
        if (tableIsTemporary)
        {
            try
            {
                Files.deleteIfExists(tableFile);
            }
            catch (final IOException ignored)
            {
                // a leftover temporary table is replaced at the next start
            }
        }
    }

    /** ARP for every gateway on the served interface, waiting up to {@link #GATEWAY_WAIT_MILLIS} for them all. */
    private void resolveGateways(final Generation gen)
    {
        final RouteTable routes = gen.routes;
        final List<Integer> slots = new ArrayList<>();
        final List<Integer> ips = new ArrayList<>();
        for (int r = 0; r < routes.size(); r++)
        {
            final int gw = routes.gateway(r);
            if (gw != 0 && routes.egressIf(r) == gen.engineIf && !ips.contains(gw))
            {
                ips.add(gw);
                slots.add(neighbours.slot(gw));
            }
        }
        final long deadline = System.currentTimeMillis() + GATEWAY_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline)
        {
            boolean all = true;
            for (int i = 0; i < ips.size(); i++)
            {
                final int s = slots.get(i);
                if (s == Neighbours.FULL || neighbours.mac(s) != Neighbours.NO_MAC)
                {
                    continue;
                }
                all = false;
                if (neighbours.claimRequest(s, BoxClock.nanos()))
                {
                    arp.request(ips.get(i));
                }
            }
            if (all)
            {
                return;
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int i = 0; i < ips.size(); i++)
        {
            final int s = slots.get(i);
            if (s != Neighbours.FULL && neighbours.mac(s) == Neighbours.NO_MAC)
            {
                System.err.println("natcore-dataplane: warning: gateway " + Ipv4Text.format(ips.get(i)) +
                    " did not answer ARP yet; packets for it wait in the neighbour queue");
            }
        }
    }

    private List<String> boxAddresses(final Generation gen)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < gen.box.addressCount(); i++)
        {
            if (gen.box.addressIf(i) == gen.engineIf)
            {
                out.add(Ipv4Text.format(gen.box.address(i)));
            }
        }
        return out;
    }

    /** Prints "label value" lines of non-zero counters (or all). */
    static void printCounters(final CountersReader reader, final PrintStream out, final boolean all)
    {
        reader.forEach((value, id, label) ->
        {
            if (all || value != 0)
            {
                out.printf("%-56s %d%n", label, value);
            }
        });
    }

    /** Ring frame size: a power of two holding the frame header, the link header and an MTU-sized packet. */
    static int frameSizeFor(final int mtu)
    {
        final int need = mtu + Ethernet.HEADER_LENGTH + 4 + 128;
        return Math.max(2048, Integer.highestOneBit(need - 1) << 1);
    }

    private static long readMac(final String iface) throws StartException
    {
        try
        {
            return Ethernet.parseMac(Files.readString(Path.of("/sys/class/net", iface, "address")));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new StartException("cannot read the MAC address of '" + iface + "': " + ex.getMessage());
        }
    }

    private static int readMtu(final String iface) throws StartException
    {
        try
        {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "mtu")).trim());
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new StartException("cannot read the MTU of '" + iface + "': " + ex.getMessage());
        }
    }
}
