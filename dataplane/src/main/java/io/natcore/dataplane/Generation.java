/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.engine.NatEngine;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RouteTable;

/**
 * One loaded configuration: the rules and box, what the workers derive from them, and the engine opened over the
 * shared mapped table ({@code null} until {@link #withEngine}). Replaced whole on reload (SIGHUP) while the
 * workers are paused.
 */
final class Generation
{
    final NatEngine engine;
    final NatRuleSet rules;
    final BoxConfig box;
    final RouteTable routes;
    /** The served interface's index in the box file (the engine's ingress/egress numbering). */
    final int engineIf;
    /** The box's address on the served interface: ARP requests and ICMP errors come from it. */
    final int sourceIp;

    Generation(final NatRuleSet rules, final BoxConfig box, final int engineIf, final int sourceIp)
    {
        this(null, rules, box, engineIf, sourceIp);
    }

    private Generation(
        final NatEngine engine, final NatRuleSet rules, final BoxConfig box, final int engineIf, final int sourceIp)
    {
        this.engine = engine;
        this.rules = rules;
        this.box = box;
        this.routes = box.routes();
        this.engineIf = engineIf;
        this.sourceIp = sourceIp;
    }

    /** @return this configuration running on {@code opened}. */
    Generation withEngine(final NatEngine opened)
    {
        return new Generation(opened, rules, box, engineIf, sourceIp);
    }
}
