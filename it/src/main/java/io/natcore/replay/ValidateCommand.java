/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.LoadWarning;
import io.natcore.rules.NatRuleSet;
import io.natcore.rules.RuleParseException;
import io.natcore.rules.RuleSetReport;

/**
 * {@code replay validate --rules RULES --box BOX [--strict]}: what {@code iptables-restore --test} is to iptables.
 * A refused rules or box file: {@code line N: reason} on stderr, exit 2. Else each warning as
 * {@code warning: line N: ...} (or {@code warning: box: ...}), then one line per NAT rule saying what it does on
 * this box, on stdout; exit 0, or 1 with {@code --strict} when there were warnings.
 */
final class ValidateCommand
{
    static final String USAGE = String.join(System.lineSeparator(),
        "  validate --rules RULES --box BOX [--strict]",
        "      check a rules file against a box file as the engine would load them: a refusal prints",
        "      'line N: reason' on stderr (exit 2); else the warnings (parts not enforced, unknown interfaces,",
        "      rules that never match, routes) and one line per NAT rule saying what it does on this box;",
        "      exit 0, or 1 with --strict when there were warnings");

    private ValidateCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws ReplayException, IOException
    {
        final Options o = new Options("validate").value("--rules").value("--box").flag("--strict").parse(args);
        if (!o.positional().isEmpty())
        {
            throw new ReplayException("validate: unexpected argument '" + o.positional().get(0) + "' (try validate --help)");
        }
        o.require("--rules", "--box");
        final String rules = o.get("--rules");
        final String box = o.get("--box");
        final boolean strict = o.has("--strict");
        final String rulesText = new String(TraceSource.read(Path.of(rules)), StandardCharsets.UTF_8);
        final String boxText = new String(TraceSource.read(Path.of(box)), StandardCharsets.UTF_8);
        final NatRuleSet parsed;
        final BoxConfig boxConfig;
        try
        {
            parsed = IptablesSaveParser.parse(rulesText);
        }
        catch (final RuleParseException ex)
        {
            err.println(ex.getMessage());
            return 2;
        }
        try
        {
            boxConfig = BoxConfig.parse(boxText);
        }
        catch (final RuleParseException ex)
        {
            err.println(box + ": " + ex.getMessage());
            return 2;
        }
        final RuleSetReport report = RuleSetReport.of(parsed, boxConfig);
        for (final LoadWarning w : report.warnings())
        {
            out.println("warning: " + w);
        }
        for (final String line : report.ruleLines())
        {
            out.println(line);
        }
        return strict && !report.warnings().isEmpty() ? 1 : 0;
    }
}
