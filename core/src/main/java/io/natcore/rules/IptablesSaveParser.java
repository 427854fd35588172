/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import io.natcore.packet.IpProtocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code iptables-save} output. Every table block is checked and kept; the nat table is
 * parsed strictly and compiled into a {@link NatRuleSet}. Load-time code: allocation is fine here.
 * <p>
 * Accepted in the nat table: {@code *nat ... COMMIT}, {@code #} comments, chain declarations
 * {@code :NAME POLICY [p:b]}, {@code -N NAME}, rules {@code [p:b] -A CHAIN} with {@code -s},
 * {@code -d}, {@code -i}, {@code -o} (exact or {@code +} prefix), {@code -p}, {@code -f}, each
 * optionally after {@code !}; matches {@code tcp}/{@code udp} ({@code --sport}, {@code --dport}),
 * {@code icmp} ({@code --icmp-type}), {@code multiport} ({@code --sports}, {@code --dports},
 * {@code --ports}), {@code comment}, {@code addrtype}, {@code statistic}, {@code mark}, {@code conntrack}
 * ({@link ContextMatchReader}); targets ACCEPT, RETURN, DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP, MARK,
 * LOG, a user chain by {@code -j} or {@code -g}. Anything else is refused with a
 * {@link RuleParseException} naming the line, saying "not supported by natcore" for what iptables has
 * ({@link UnsupportedSyntax}) and "unknown" otherwise. Other tables (filter, mangle, raw, security) are
 * checked for structure only (chains exist, jumps resolve, quotes close) since natcore does not
 * evaluate them; {@link NatRuleSet#loadWarnings()} says so for each.
 */
public final class IptablesSaveParser
{
    private static final Map<String, List<String>> BUILTINS = new HashMap<>();

    static
    {
        BUILTINS.put("nat", Arrays.asList("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"));
        BUILTINS.put("filter", Arrays.asList("INPUT", "FORWARD", "OUTPUT"));
        BUILTINS.put("mangle", Arrays.asList("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"));
        BUILTINS.put("raw", Arrays.asList("PREROUTING", "OUTPUT"));
        BUILTINS.put("security", Arrays.asList("INPUT", "FORWARD", "OUTPUT"));
    }

    private static final List<String> NAT_TARGETS = Arrays.asList("DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP");
    /** The targets {@code -j} names as themselves (JUMP, GOTO, NONE are no names). */
    private static final NatRule.Target[] BUILT_IN_TARGETS = {
        NatRule.Target.ACCEPT, NatRule.Target.RETURN, NatRule.Target.DNAT, NatRule.Target.SNAT,
        NatRule.Target.MASQUERADE, NatRule.Target.REDIRECT, NatRule.Target.NETMAP, NatRule.Target.MARK,
        NatRule.Target.LOG};

    private IptablesSaveParser()
    {
    }

    /**
     * Parses iptables-save text.
     *
     * @param text the whole file.
     * @return the rule set (unbound: call {@link NatRuleSet#bind(BoxConfig)} before evaluating
     *     rules with interfaces).
     * @throws RuleParseException "line N: reason" on the first thing refused.
     */
    public static NatRuleSet parse(final String text) throws RuleParseException
    {
        final Map<String, SavedTable> tables = new LinkedHashMap<>();
        final List<LoadWarning> warnings = new ArrayList<>();
        TableState table = null;
        TableState nat = null;
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final int lineNo = i + 1;
            final String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("*"))
            {
                final String name = line.substring(1);
                if (table != null)
                {
                    throw new RuleParseException(lineNo, "COMMIT missing for table " + table.name + " before *" + name);
                }
                if (!BUILTINS.containsKey(name))
                {
                    throw new RuleParseException(lineNo, "unknown table \"" + name + "\"");
                }
                if (tables.containsKey(name) || (nat != null && "nat".equals(name)))
                {
                    throw new RuleParseException(lineNo, "table " + name + " given twice");
                }
                table = new TableState(name, lineNo);
                continue;
            }
            if ("COMMIT".equals(line))
            {
                if (table == null)
                {
                    throw new RuleParseException(lineNo, "COMMIT outside a table");
                }
                if (table.isNat)
                {
                    table.checkNat();
                    nat = table;
                }
                else
                {
                    table.warnNotEnforced(warnings);
                }
                tables.put(table.name, table.saved());
                table = null;
                continue;
            }
            if (table == null)
            {
                throw new RuleParseException(lineNo, "outside a table (no *table line before): \"" + line + "\"");
            }
            if (line.startsWith(":"))
            {
                table.declare(line, lineNo);
                continue;
            }
            final List<String> words = RuleTokenizer.tokenize(line, lineNo);
            int w = 0;
            if (words.get(0).startsWith("["))
            {
                checkCounters(words.get(0), lineNo);
                w++;
            }
            final String command = w < words.size() ? words.get(w) : "";
            if ("-N".equals(command) || "--new-chain".equals(command))
            {
                if (words.size() != w + 2)
                {
                    throw new RuleParseException(lineNo, "expected \"-N CHAIN\"");
                }
                table.declareUser(words.get(w + 1), lineNo);
            }
            else if ("-A".equals(command) || "--append".equals(command))
            {
                if (words.size() < w + 2)
                {
                    throw new RuleParseException(lineNo, "-A without a chain");
                }
                table.addRule(words.subList(w + 1, words.size()), line, lineNo);
            }
            else
            {
                throw new RuleParseException(lineNo, "cannot parse \"" + line + "\"");
            }
        }
        if (table != null)
        {
            throw new RuleParseException(table.startLine, "COMMIT missing for table " + table.name);
        }
        if (nat == null)
        {
            nat = new TableState("nat", 0);
        }
        warnings.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return nat.compile(tables, warnings);
    }

    static void checkCounters(final String word, final int lineNo)
    {
        final int colon = word.indexOf(':');
        if (!word.startsWith("[") || !word.endsWith("]") || colon < 0
            || !isDigits(word.substring(1, colon)) || !isDigits(word.substring(colon + 1, word.length() - 1)))
        {
            throw new RuleParseException(lineNo, "bad counters \"" + word + "\"");
        }
    }

    private static boolean isDigits(final String s)
    {
        if (s.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < s.length(); i++)
        {
            if (s.charAt(i) < '0' || s.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    static boolean looksLikeTarget(final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_')
            {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /** One table block being read. */
    private static final class TableState
    {
        final String name;
        final int startLine;
        final boolean isNat;
        final List<String> builtins;
        final Map<String, String> policies = new LinkedHashMap<>();
        final Map<String, Integer> policyLines = new HashMap<>();
        final List<String> ruleChains = new ArrayList<>();
        final List<String> ruleTexts = new ArrayList<>();
        final List<Integer> ruleLines = new ArrayList<>();
        final List<NatRule> natRules = new ArrayList<>();
        /** Non-nat tables: chain -> (jump target, line) edges, for loop checks. */
        final List<String[]> edges = new ArrayList<>();
        final List<Integer> edgeLines = new ArrayList<>();

        TableState(final String name, final int startLine)
        {
            this.name = name;
            this.startLine = startLine;
            this.isNat = "nat".equals(name);
            this.builtins = BUILTINS.get(name);
            for (final String b : builtins)
            {
                policies.put(b, "ACCEPT");
            }
        }

        void declare(final String line, final int lineNo)
        {
            final String[] t = line.substring(1).trim().split("\\s+");
            if (t.length < 2 || t.length > 3 || t[0].isEmpty())
            {
                throw new RuleParseException(lineNo, "expected \":CHAIN POLICY [packets:bytes]\"");
            }
            if (t.length == 3)
            {
                checkCounters(t[2], lineNo);
            }
            final String chain = t[0];
            final String policy = t[1];
            if (builtins.contains(chain))
            {
                if ("-".equals(policy))
                {
                    throw new RuleParseException(lineNo, "built-in chain " + chain + " needs a policy");
                }
                if (!"ACCEPT".equals(policy) && !"DROP".equals(policy))
                {
                    throw new RuleParseException(lineNo, "bad policy \"" + policy + "\"");
                }
                if (isNat && !"ACCEPT".equals(policy))
                {
                    throw new RuleParseException(lineNo, "policy " + policy + " is not supported in table nat");
                }
                policies.put(chain, policy);
                policyLines.put(chain, lineNo);
                return;
            }
            if (!"-".equals(policy))
            {
                throw new RuleParseException(lineNo, "user chain " + chain + " cannot have a policy");
            }
            declareUser(chain, lineNo);
        }

        void declareUser(final String chain, final int lineNo)
        {
            if (chain.length() > 28 || chain.startsWith("-") || chain.startsWith("!") || chain.indexOf(' ') >= 0)
            {
                throw new RuleParseException(lineNo, "bad chain name \"" + chain + "\"");
            }
            if ("ACCEPT".equals(chain) || "DROP".equals(chain) || "RETURN".equals(chain) || "QUEUE".equals(chain)
                || NAT_TARGETS.contains(chain))
            {
                throw new RuleParseException(lineNo, "chain name \"" + chain + "\" is a target name");
            }
            if (builtins.contains(chain))
            {
                throw new RuleParseException(lineNo, "chain " + chain + " is built in");
            }
            if (policies.containsKey(chain))
            {
                throw new RuleParseException(lineNo, "chain " + chain + " declared twice");
            }
            policies.put(chain, "-");
        }

        boolean isUserChain(final String chain)
        {
            return policies.containsKey(chain) && !builtins.contains(chain);
        }

        void addRule(final List<String> words, final String line, final int lineNo)
        {
            final String chain = words.get(0);
            if (!policies.containsKey(chain))
            {
                throw new RuleParseException(lineNo, "-A to undeclared chain \"" + chain + "\"");
            }
            ruleChains.add(chain);
            ruleTexts.add(line);
            ruleLines.add(lineNo);
            if (isNat)
            {
                final NatRule r = new NatRuleReader(this, chain, words, lineNo).read();
                r.index = natRules.size();
                r.lineNumber = lineNo;
                r.chain = chain;
                r.text = line;
                natRules.add(r);
            }
            else
            {
                checkOtherRule(chain, words, lineNo);
            }
        }

        /** Structure only: the jump target must exist; NAT targets belong to the nat table. */
        private void checkOtherRule(final String chain, final List<String> words, final int lineNo)
        {
            for (int i = 1; i < words.size(); i++)
            {
                final String w = words.get(i);
                final boolean jump = "-j".equals(w) || "--jump".equals(w);
                final boolean jumpGoto = "-g".equals(w) || "--goto".equals(w);
                if (!jump && !jumpGoto)
                {
                    continue;
                }
                if (i + 1 >= words.size())
                {
                    throw new RuleParseException(lineNo, w + " without a target");
                }
                final String target = words.get(i + 1);
                resolveJump(target, jumpGoto, lineNo);
                if (NAT_TARGETS.contains(target))
                {
                    throw new RuleParseException(lineNo, target + " is only valid in table nat");
                }
                if (isUserChain(target))
                {
                    edges.add(new String[] {chain, target});
                    edgeLines.add(lineNo);
                }
                i++;
            }
        }

        /** Refuses a jump to a built-in or missing chain; true when target is a user chain. */
        boolean resolveJump(final String target, final boolean isGoto, final int lineNo)
        {
            if (builtins.contains(target))
            {
                throw new RuleParseException(lineNo, "cannot jump to built-in chain " + target);
            }
            if (isUserChain(target))
            {
                return true;
            }
            if (isGoto)
            {
                throw new RuleParseException(lineNo, "goto to undeclared chain \"" + target + "\"");
            }
            if (!looksLikeTarget(target))
            {
                throw new RuleParseException(lineNo, "jump to undeclared chain \"" + target + "\"");
            }
            return false;
        }

        SavedTable saved()
        {
            return new SavedTable(name, policies, ruleChains, ruleTexts, ruleLines);
        }

        /** Kernel checks at commit: no jump loops; NAT targets only where their hook allows. */
        void checkNat()
        {
            final List<String> chains = new ArrayList<>(policies.keySet());
            final int n = chains.size();
            final List<List<Integer>> callers = new ArrayList<>();
            for (int c = 0; c < n; c++)
            {
                callers.add(new ArrayList<>());
            }
            final int[][] edgesOut = new int[n][];
            final int[][] edgeRule = new int[n][];
            for (int c = 0; c < n; c++)
            {
                final List<Integer> to = new ArrayList<>();
                final List<Integer> via = new ArrayList<>();
                for (final NatRule r : natRules)
                {
                    if (r.chain.equals(chains.get(c)) && r.targetChain != null)
                    {
                        to.add(chains.indexOf(r.targetChain));
                        via.add(r.index);
                    }
                }
                edgesOut[c] = to.stream().mapToInt(Integer::intValue).toArray();
                edgeRule[c] = via.stream().mapToInt(Integer::intValue).toArray();
            }
            // Loop check: depth-first, state 0 new, 1 on stack, 2 done.
            final int[] state = new int[n];
            for (int c = 0; c < n; c++)
            {
                if (state[c] == 0)
                {
                    findLoop(c, chains, edgesOut, edgeRule, state);
                }
            }
            // Hooks reaching each chain.
            final int[] reach = new int[n];
            for (int h = 0; h < builtins.size(); h++)
            {
                markReach(chains.indexOf(builtins.get(h)), 1 << h, edgesOut, reach);
            }
            for (final NatRule r : natRules)
            {
                final int hooks = reach[chains.indexOf(r.chain)];
                final String[] allowed;
                switch (r.target)
                {
                    case DNAT:
                    case REDIRECT:
                        allowed = new String[] {"PREROUTING", "OUTPUT"};
                        break;
                    case SNAT:
                        allowed = new String[] {"POSTROUTING", "INPUT"};
                        break;
                    case MASQUERADE:
                        allowed = new String[] {"POSTROUTING"};
                        break;
                    default:
                        allowed = null;
                        break;
                }
                if (r.typesLimit == AddressTypes.LIMIT_IN)
                {
                    checkHooks(r, hooks, new String[] {"PREROUTING", "INPUT"}, "--limit-iface-in");
                }
                else if (r.typesLimit == AddressTypes.LIMIT_OUT)
                {
                    checkHooks(r, hooks, new String[] {"POSTROUTING", "OUTPUT"}, "--limit-iface-out");
                }
                if (allowed == null)
                {
                    continue;
                }
                for (int h = 0; h < builtins.size(); h++)
                {
                    if ((hooks & (1 << h)) != 0 && !Arrays.asList(allowed).contains(builtins.get(h)))
                    {
                        throw new RuleParseException(r.lineNumber, r.target + " is only valid in "
                            + String.join(" and ", allowed) + ", not " + builtins.get(h));
                    }
                }
            }
        }

        private void checkHooks(final NatRule r, final int hooks, final String[] allowed, final String what)
        {
            for (int h = 0; h < builtins.size(); h++)
            {
                if ((hooks & (1 << h)) != 0 && !Arrays.asList(allowed).contains(builtins.get(h)))
                {
                    throw new RuleParseException(r.lineNumber, what + " is only valid in "
                        + String.join(" and ", allowed) + ", not " + builtins.get(h));
                }
            }
        }

        private void findLoop(
            final int c, final List<String> chains, final int[][] edgesOut, final int[][] edgeRule, final int[] state)
        {
            state[c] = 1;
            for (int e = 0; e < edgesOut[c].length; e++)
            {
                final int next = edgesOut[c][e];
                if (state[next] == 1)
                {
                    final NatRule r = natRules.get(edgeRule[c][e]);
                    throw new RuleParseException(r.lineNumber, "loop: chain " + chains.get(c)
                        + " jumps to " + chains.get(next) + " which leads back to it");
                }
                if (state[next] == 0)
                {
                    findLoop(next, chains, edgesOut, edgeRule, state);
                }
            }
            state[c] = 2;
        }

        private static void markReach(final int c, final int bit, final int[][] edgesOut, final int[] reach)
        {
            if ((reach[c] & bit) != 0)
            {
                return;
            }
            reach[c] |= bit;
            for (final int next : edgesOut[c])
            {
                markReach(next, bit, edgesOut, reach);
            }
        }

        /** A table natcore does not evaluate: one warning for its rules, one per policy other than ACCEPT. */
        void warnNotEnforced(final List<LoadWarning> warnings)
        {
            if (!ruleLines.isEmpty())
            {
                warnings.add(new LoadWarning(startLine, "table " + name + " is not enforced: its " + ruleLines.size()
                    + (ruleLines.size() == 1 ? " rule is" : " rules are") + " ignored (natcore evaluates the nat table only)"));
            }
            for (final Map.Entry<String, String> e : policies.entrySet())
            {
                if (builtins.contains(e.getKey()) && !"ACCEPT".equals(e.getValue()))
                {
                    warnings.add(new LoadWarning(policyLines.get(e.getKey()), "policy " + e.getValue() + " of " + name
                        + " " + e.getKey() + " is not enforced: natcore lets these packets through"));
                }
            }
        }

        NatRuleSet compile(final Map<String, SavedTable> tables, final List<LoadWarning> warnings)
        {
            final List<String> chains = new ArrayList<>(policies.keySet());
            final String[] names = chains.toArray(new String[0]);
            final int[][] chainRules = new int[names.length][];
            for (int c = 0; c < names.length; c++)
            {
                final String chain = names[c];
                chainRules[c] = natRules.stream().filter(r -> r.chain.equals(chain)).mapToInt(r -> r.index).toArray();
            }
            final NatRule[] rules = natRules.toArray(new NatRule[0]);
            final int[] targetChain = new int[rules.length];
            for (int i = 0; i < rules.length; i++)
            {
                targetChain[i] = rules[i].targetChain == null ? -1 : chains.indexOf(rules[i].targetChain);
            }
            final int[] hookChain = new int[NatRuleSet.Hook.values().length];
            for (final NatRuleSet.Hook hook : NatRuleSet.Hook.values())
            {
                hookChain[hook.ordinal()] = chains.indexOf(hook.name());
            }
            return new NatRuleSet(rules, names, chainRules, targetChain, hookChain, tables, warnings, null, true);
        }
    }

    /** Reads the words after "-A CHAIN" of one nat rule. */
    private static final class NatRuleReader
    {
        private final TableState table;
        private final String chain;
        private final List<String> words;
        private final int lineNo;
        private final NatRule r = new NatRule();
        private final List<String> matchNames = new ArrayList<>();
        private final List<List<String>> matchSeen = new ArrayList<>();
        private final List<String> targetSeen = new ArrayList<>();
        private final List<String> ruleSeen = new ArrayList<>();
        private final List<int[]> portConditions = new ArrayList<>();
        private final List<Boolean> portInverts = new ArrayList<>();
        private final List<int[][]> portRanges = new ArrayList<>();
        private String targetName;
        private int pos = 1;

        NatRuleReader(final TableState table, final String chain, final List<String> words, final int lineNo)
        {
            this.table = table;
            this.chain = chain;
            this.words = words;
            this.lineNo = lineNo;
        }

        private String value(final String option)
        {
            if (pos >= words.size())
            {
                throw new RuleParseException(lineNo, option + " needs a value");
            }
            return words.get(pos++);
        }

        private void once(final List<String> seen, final String key, final String option)
        {
            if (seen.contains(key))
            {
                throw new RuleParseException(lineNo, "multiple " + option + " not supported");
            }
            seen.add(key);
        }

        NatRule read()
        {
            boolean negate = false;
            while (pos < words.size())
            {
                final String w = words.get(pos++);
                if ("!".equals(w))
                {
                    if (negate)
                    {
                        throw new RuleParseException(lineNo, "\"!\" given twice");
                    }
                    negate = true;
                    continue;
                }
                if (negate && !negatable(w))
                {
                    throw new RuleParseException(lineNo, "\"!\" not allowed before " + w);
                }
                readOption(w, negate);
                negate = false;
            }
            if (negate)
            {
                throw new RuleParseException(lineNo, "\"!\" at the end of the rule");
            }
            finish();
            return r;
        }

        private boolean negatable(final String w)
        {
            switch (w)
            {
                case "-s": case "--source": case "--src":
                case "-d": case "--destination": case "--dst":
                case "-i": case "--in-interface":
                case "-o": case "--out-interface":
                case "-p": case "--protocol":
                case "-f": case "--fragment":
                case "--sport": case "--source-port": case "--dport": case "--destination-port":
                case "--sports": case "--source-ports": case "--dports": case "--destination-ports":
                case "--ports": case "--icmp-type":
                case "--src-type": case "--dst-type": case "--probability": case "--every": case "--mark":
                case "--ctstate": case "--ctorigdst": case "--ctorigdstport":
                case "--ctproto": case "--ctorigsrc": case "--ctreplsrc": case "--ctrepldst": case "--ctorigsrcport":
                case "--ctreplsrcport": case "--ctrepldstport": case "--ctstatus": case "--ctexpire":
                    return true;
                default:
                    return false;
            }
        }

        private void readOption(final String w, final boolean negate)
        {
            switch (w)
            {
                case "-s":
                case "--source":
                case "--src":
                {
                    once(ruleSeen, "-s", "-s");
                    final int[] am = MatchParser.addressAndMask("-s", value(w), lineNo);
                    r.hasSrc = true;
                    r.srcIp = am[0];
                    r.srcMask = am[1];
                    r.srcInvert = negate;
                    return;
                }
                case "-d":
                case "--destination":
                case "--dst":
                {
                    once(ruleSeen, "-d", "-d");
                    final int[] am = MatchParser.addressAndMask("-d", value(w), lineNo);
                    r.hasDst = true;
                    r.dstIp = am[0];
                    r.dstMask = am[1];
                    r.dstInvert = negate;
                    return;
                }
                case "-i":
                case "--in-interface":
                    once(ruleSeen, "-i", "-i");
                    if ("POSTROUTING".equals(chain) || "OUTPUT".equals(chain))
                    {
                        throw new RuleParseException(lineNo, "-i is not valid in " + chain);
                    }
                    r.inIface = MatchParser.iface("-i", value(w), lineNo);
                    r.inInvert = negate;
                    return;
                case "-o":
                case "--out-interface":
                    once(ruleSeen, "-o", "-o");
                    if ("PREROUTING".equals(chain) || "INPUT".equals(chain))
                    {
                        throw new RuleParseException(lineNo, "-o is not valid in " + chain);
                    }
                    r.outIface = MatchParser.iface("-o", value(w), lineNo);
                    r.outInvert = negate;
                    return;
                case "-p":
                case "--protocol":
                    once(ruleSeen, "-p", "-p");
                    r.protocol = MatchParser.protocol(value(w), lineNo);
                    r.protoInvert = negate;
                    if (negate && r.protocol == 0)
                    {
                        throw new RuleParseException(lineNo, "! -p all would never match");
                    }
                    return;
                case "-f":
                case "--fragment":
                    once(ruleSeen, "-f", "-f");
                    r.fragment = negate ? -1 : 1;
                    return;
                case "-c":
                case "--set-counters":
                    value(w);
                    value(w);
                    return;
                case "-m":
                case "--match":
                    loadMatch(value(w));
                    return;
                case "-j":
                case "--jump":
                case "-g":
                case "--goto":
                    readTarget(value(w), w.startsWith("-g") || "--goto".equals(w));
                    return;
                default:
                    break;
            }
            if (!w.startsWith("--"))
            {
                throw new RuleParseException(lineNo, "unknown option \"" + w + "\"");
            }
            if (targetName != null && targetOption(w))
            {
                if (negate)
                {
                    throw new RuleParseException(lineNo, "\"!\" not allowed before " + w);
                }
                return;
            }
            for (int m = matchNames.size() - 1; m >= 0; m--)
            {
                if (matchOwns(matchNames.get(m), w))
                {
                    matchOption(m, w, negate);
                    return;
                }
            }
            // iptables loads the protocol's match implicitly: -p tcp --dport 80.
            final String implicit = r.protocol == IpProtocol.TCP ? "tcp" : r.protocol == IpProtocol.UDP ? "udp" :
                r.protocol == IpProtocol.ICMP ? "icmp" : null;
            if (implicit != null && matchOwns(implicit, w))
            {
                loadMatch(implicit);
                matchOption(matchNames.size() - 1, w, negate);
                return;
            }
            throw new RuleParseException(lineNo, "unknown option \"" + w + "\"");
        }

        private void loadMatch(final String name)
        {
            switch (name)
            {
                case "addrtype":
                case "statistic":
                case "mark":
                case "conntrack":
                    if (matchNames.contains(name))
                    {
                        throw new RuleParseException(lineNo, "a second -m " + name + " in one rule is not supported by natcore");
                    }
                    // fall through
                case "tcp":
                case "udp":
                case "icmp":
                case "multiport":
                case "comment":
                    matchNames.add(name);
                    matchSeen.add(new ArrayList<>());
                    return;
                default:
                    if (UnsupportedSyntax.isKnownMatch(name))
                    {
                        throw new RuleParseException(lineNo, "match \"" + name + "\" is not supported by natcore");
                    }
                    throw new RuleParseException(lineNo, "unknown match \"" + name + "\"");
            }
        }

        private static boolean matchOwns(final String match, final String option)
        {
            switch (match)
            {
                case "tcp":
                case "udp":
                    return "--sport".equals(option) || "--source-port".equals(option)
                        || "--dport".equals(option) || "--destination-port".equals(option);
                case "icmp":
                    return "--icmp-type".equals(option);
                case "multiport":
                    return "--sports".equals(option) || "--source-ports".equals(option) || "--dports".equals(option)
                        || "--destination-ports".equals(option) || "--ports".equals(option);
                case "comment":
                    return "--comment".equals(option);
                case "addrtype":
                    return "--src-type".equals(option) || "--dst-type".equals(option)
                        || "--limit-iface-in".equals(option) || "--limit-iface-out".equals(option);
                case "statistic":
                    return "--mode".equals(option) || "--probability".equals(option) || "--every".equals(option)
                        || "--packet".equals(option);
                case "mark":
                    return "--mark".equals(option);
                case "conntrack":
                    return option.startsWith("--ct");
                default:
                    return false;
            }
        }

        private void matchOption(final int m, final String option, final boolean negate)
        {
            final String match = matchNames.get(m);
            final List<String> seen = matchSeen.get(m);
            switch (option)
            {
                case "--sport":
                case "--source-port":
                    once(seen, "sport", "--sport");
                    addPorts(NatRule.PORT_SRC, MatchParser.portRange(value(option), "--sport", lineNo), negate);
                    return;
                case "--dport":
                case "--destination-port":
                    once(seen, "dport", "--dport");
                    addPorts(NatRule.PORT_DST, MatchParser.portRange(value(option), "--dport", lineNo), negate);
                    return;
                case "--icmp-type":
                {
                    once(seen, "icmp", "--icmp-type");
                    final int v = MatchParser.icmpType(value(option), lineNo);
                    r.hasIcmp = true;
                    r.icmpType = v >>> 16;
                    r.icmpCodeMin = (v >>> 8) & 0xFF;
                    r.icmpCodeMax = v & 0xFF;
                    r.icmpInvert = negate;
                    return;
                }
                case "--limit-iface-in":
                case "--limit-iface-out":
                    once(seen, option, option);
                    ContextMatchReader.flag(r, option, negate, lineNo);
                    return;
                case "--src-type":
                case "--dst-type":
                case "--mode":
                case "--probability":
                case "--every":
                case "--packet":
                case "--mark":
                    once(seen, option, option);
                    ContextMatchReader.read(r, option, value(option), negate, lineNo);
                    return;
                case "--comment":
                {
                    once(seen, "comment", "--comment");
                    final String text = value(option);
                    if (text.length() > 255)
                    {
                        throw new RuleParseException(lineNo, "comment longer than 255 characters");
                    }
                    r.comment = r.comment == null ? text : r.comment + " " + text;
                    return;
                }
                default:
                {
                    if ("conntrack".equals(match))
                    {
                        once(seen, option, option);
                        ContextMatchReader.read(r, option, value(option), negate, lineNo);
                        return;
                    }
                    if (!seen.isEmpty())
                    {
                        throw new RuleParseException(lineNo, "match " + match + " takes one of --sports, --dports, --ports");
                    }
                    seen.add("ports");
                    final int kind = option.startsWith("--s") ? NatRule.PORT_SRC
                        : "--ports".equals(option) ? NatRule.PORT_EITHER : NatRule.PORT_DST;
                    final int[][] list = MatchParser.portList(value(option), option, lineNo);
                    portConditions.add(new int[] {kind});
                    portInverts.add(negate);
                    portRanges.add(list);
                }
            }
        }

        private void addPorts(final int kind, final int[] range, final boolean negate)
        {
            portConditions.add(new int[] {kind});
            portInverts.add(negate);
            portRanges.add(new int[][] {{range[0]}, {range[1]}});
        }

        private void readTarget(final String name, final boolean isGoto)
        {
            if (targetName != null)
            {
                throw new RuleParseException(lineNo, "multiple -j/-g not supported");
            }
            targetName = name;
            if (!isGoto)
            {
                final NatRule.Target builtIn = builtInTarget(name);
                if (builtIn != null)
                {
                    r.target = builtIn;
                    return;
                }
                if ("DROP".equals(name) || "REJECT".equals(name))
                {
                    throw new RuleParseException(lineNo, name + " is not allowed in table nat (iptables refuses it:"
                        + " the nat table is not for filtering)");
                }
                if (UnsupportedSyntax.isKnownTarget(name) && !table.isUserChain(name))
                {
                    throw new RuleParseException(lineNo, "target \"" + name + "\" is not supported by natcore");
                }
            }
            if (table.resolveJump(name, isGoto, lineNo))
            {
                r.target = isGoto ? NatRule.Target.GOTO : NatRule.Target.JUMP;
                r.targetChain = name;
                return;
            }
            throw new RuleParseException(lineNo, "unknown target \"" + name + "\"");
        }

        /** @return the built-in target {@code -j name} names (spelt as its {@link NatRule.Target}), or null. */
        private NatRule.Target builtInTarget(final String name)
        {
            for (final NatRule.Target t : BUILT_IN_TARGETS)
            {
                if (t.name().equals(name))
                {
                    return t;
                }
            }
            return null;
        }

        private boolean targetOption(final String option)
        {
            final NatRule.Target t = r.target;
            switch (option)
            {
                case "--to-destination":
                    if (t != NatRule.Target.DNAT)
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    MatchParser.natRange(r, option, value(option), lineNo);
                    return true;
                case "--to-source":
                    if (t != NatRule.Target.SNAT)
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    MatchParser.natRange(r, option, value(option), lineNo);
                    if (!r.mapIps)
                    {
                        throw new RuleParseException(lineNo, "--to-source needs an address");
                    }
                    return true;
                case "--to-ports":
                    if (t != NatRule.Target.MASQUERADE && t != NatRule.Target.REDIRECT)
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    MatchParser.toPorts(r, option, value(option), lineNo);
                    return true;
                case "--random":
                    if (!isNatTarget(t))
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    r.random = true;
                    return true;
                case "--random-fully":
                    if (t != NatRule.Target.SNAT && t != NatRule.Target.MASQUERADE)
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    r.randomFully = true;
                    return true;
                case "--persistent":
                    if (t != NatRule.Target.SNAT && t != NatRule.Target.DNAT)
                    {
                        return false;
                    }
                    once(targetSeen, option, option);
                    r.persistent = true;
                    return true;
                default:
                    if (!ContextMatchReader.ownsTargetOption(t, option))
                    {
                        return false;
                    }
                    if (t == NatRule.Target.MARK && !targetSeen.isEmpty())
                    {
                        throw new RuleParseException(lineNo, "MARK takes one of --set-xmark, --set-mark, --and-mark,"
                            + " --or-mark, --xor-mark");
                    }
                    once(targetSeen, option, option);
                    ContextMatchReader.readTargetOption(r, option, ContextMatchReader.targetOptionHasValue(option)
                        ? value(option) : null, lineNo);
                    return true;
            }
        }

        private static boolean isNatTarget(final NatRule.Target t)
        {
            return t == NatRule.Target.DNAT || t == NatRule.Target.SNAT || t == NatRule.Target.MASQUERADE
                || t == NatRule.Target.REDIRECT;
        }

        private void finish()
        {
            for (final String match : matchNames)
            {
                final int needed = "tcp".equals(match) ? 6 : "udp".equals(match) ? 17 : "icmp".equals(match) ? 1 : -1;
                if (needed >= 0 && (r.protocol != needed || r.protoInvert))
                {
                    throw new RuleParseException(lineNo, "match " + match + " needs -p " + match);
                }
                if ("multiport".equals(match))
                {
                    if (!NatRule.hasPorts(r.protocol) || r.protoInvert)
                    {
                        throw new RuleParseException(lineNo, "match multiport needs -p tcp, udp, udplite, sctp or dccp");
                    }
                    if (matchSeen.get(matchNames.indexOf(match)).isEmpty())
                    {
                        throw new RuleParseException(lineNo, "match multiport needs --sports, --dports or --ports");
                    }
                }
            }
            if (r.target == NatRule.Target.DNAT && !targetSeen.contains("--to-destination"))
            {
                throw new RuleParseException(lineNo, "DNAT needs --to-destination");
            }
            if (r.target == NatRule.Target.SNAT && !targetSeen.contains("--to-source"))
            {
                throw new RuleParseException(lineNo, "SNAT needs --to-source");
            }
            if (r.target == NatRule.Target.NETMAP && !targetSeen.contains("--to"))
            {
                throw new RuleParseException(lineNo, "NETMAP needs --to");
            }
            if (r.target == NatRule.Target.MARK && targetSeen.isEmpty())
            {
                throw new RuleParseException(lineNo, "MARK needs --set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark");
            }
            for (int m = 0; m < matchNames.size(); m++)
            {
                ContextMatchReader.finish(r, matchNames.get(m), matchSeen.get(m), lineNo);
            }
            // libxt_NAT's parse_to: port maps for TCP, UDP, SCTP and DCCP only (iptables 1.8.9 refuses UDP-Lite: trace 25).
            if (r.hasPortRange && (!NatRule.hasPorts(r.protocol) || r.protocol == IpProtocol.UDPLITE || r.protoInvert))
            {
                throw new RuleParseException(lineNo, "Need TCP, UDP, SCTP or DCCP with port specification");
            }
            final int n = portConditions.size();
            r.portKind = new int[n];
            r.portInvert = new boolean[n];
            r.portLo = new int[n][];
            r.portHi = new int[n][];
            for (int c = 0; c < n; c++)
            {
                r.portKind[c] = portConditions.get(c)[0];
                r.portInvert[c] = portInverts.get(c);
                r.portLo[c] = portRanges.get(c)[0];
                r.portHi[c] = portRanges.get(c)[1];
            }
        }
    }
}
