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
    private ValidateCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws ReplayException, IOException
    {
        String rules = null;
        String box = null;
        boolean strict = false;
        for (int i = 1; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--rules": rules = RewriteCommand.value(args, ++i, "--rules"); break;
                case "--box": box = RewriteCommand.value(args, ++i, "--box"); break;
                case "--strict": strict = true; break;
                default: throw new ReplayException("validate: unknown option '" + args[i] + "' (try --help)");
            }
        }
        if (rules == null || box == null)
        {
            throw new ReplayException("validate needs --rules RULES --box BOX");
        }
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
