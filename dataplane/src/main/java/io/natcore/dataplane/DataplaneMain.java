/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code java -jar natcore-dataplane.jar}: the NAT box ({@link Dataplane}), and its {@code stat} and
 * {@code conntrack} commands. Errors are one line on stderr and exit status 2, as iptables and tcpdump do.
 */
public final class DataplaneMain
{
    static final String VERSION = "natcore-dataplane " + versionOf();

    private DataplaneMain()
    {
    }

    /**
     * @param args see {@link DataplaneOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            out.println(DataplaneOptions.USAGE);
            return 0;
        }
        if (args.length > 0 && "--version".equals(args[0]))
        {
            out.println(VERSION);
            return 0;
        }
        try
        {
            if (args.length > 0 && "stat".equals(args[0]))
            {
                return StatCommand.run(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args.length > 0 && "conntrack".equals(args[0]))
            {
                return ConntrackCommand.run(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args.length > 0 && "loadgen".equals(args[0]))
            {
                return LoadGenerator.run(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args.length > 0 && "rtt-server".equals(args[0]))
            {
                return RoundTrip.server(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args.length > 0 && "rtt-client".equals(args[0]))
            {
                return RoundTrip.client(Arrays.copyOfRange(args, 1, args.length), out);
            }
            final String[] runArgs = args.length > 0 && "run".equals(args[0]) ?
                Arrays.copyOfRange(args, 1, args.length) : args;
            return box(DataplaneOptions.parse(runArgs), out, err);
        }
        catch (final IllegalArgumentException | Dataplane.StartException ex)
        {
            err.println("natcore-dataplane: " + ex.getMessage());
            return 2;
        }
        catch (final Exception ex)
        {
            err.println("natcore-dataplane: " + ex.getMessage());
            return 2;
        }
    }

    /** Runs the box until SIGTERM or SIGINT; SIGHUP reloads. */
    private static int box(final DataplaneOptions options, final PrintStream out, final PrintStream err)
        throws Dataplane.StartException
    {
        final Dataplane dp = new Dataplane(options);
        final Object wake = new Object();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean reload = new AtomicBoolean();
        final SignalHandler onStop = sig ->
        {
            stop.set(true);
            synchronized (wake)
            {
                wake.notifyAll();
            }
        };
        Signal.handle(new Signal("TERM"), onStop);
        Signal.handle(new Signal("INT"), onStop);
        ReloadSignal.install(sig ->
        {
            reload.set(true);
            synchronized (wake)
            {
                wake.notifyAll();
            }
        });
        dp.onInterfaceGone(() -> onStop.handle(null));
        dp.start();
        out.println("ready");
        out.flush();
        while (!stop.get())
        {
            synchronized (wake)
            {
                if (!stop.get() && !reload.get())
                {
                    try
                    {
                        wake.wait(1000);
                    }
                    catch (final InterruptedException ex)
                    {
                        break;
                    }
                }
            }
            if (reload.getAndSet(false))
            {
                final String refused = dp.reload();
                if (refused == null)
                {
                    out.println("reloaded");
                }
                else
                {
                    err.println("natcore-dataplane: reload refused, old rules stay in force: " + refused);
                }
                out.flush();
            }
        }
        dp.stop(out);
        out.flush();
        return 0;
    }

    private static String versionOf()
    {
        final String v = DataplaneMain.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
