/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a loaded rule set does on a given box, said out loud (what {@code replay validate} prints): the warnings
 * for everything natcore accepts but will not do as the text suggests, and one line per NAT rule. Load-time code:
 * allocation is fine here.
 */
public final class RuleSetReport
{
    private final NatRuleSet rules;
    private final BoxConfig box;
    private final List<LoadWarning> warnings = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    /** Per chain: the rules that jump (or go) to it. */
    private final List<List<Integer>> callers = new ArrayList<>();

    private RuleSetReport(final NatRuleSet unbound, final BoxConfig box)
    {
        this.rules = unbound.bind(box);
        this.box = box;
        for (int c = 0; c < rules.chainCount(); c++)
        {
            callers.add(new ArrayList<>());
        }
        for (int i = 0; i < rules.ruleCount(); i++)
        {
            final NatRule r = rules.rule(i);
            if (r.targetChain != null)
            {
                callers.get(chainIndex(r.targetChain)).add(i);
            }
        }
        warnings.addAll(unbound.loadWarnings());
        if (!box.routesGiven())
        {
            warnings.add(new LoadWarning(0, "no route lines: only the connected routes of its addresses are known,"
                + " no default route (packets to any other network are dropped as unroutable)"));
        }
        for (int i = 0; i < rules.ruleCount(); i++)
        {
            checkInterfaces(rules.rule(i));
            checkShadowed(rules.rule(i));
        }
        for (int i = 0; i < rules.ruleCount(); i++)
        {
            describe(rules.rule(i));
        }
        warnings.sort((a, b) -> Integer.compare(a.line(), b.line()));
    }

    /**
     * @param rules the parsed rules ({@link IptablesSaveParser#parse}).
     * @param box   the box they are for.
     * @return the report.
     */
    public static RuleSetReport of(final NatRuleSet rules, final BoxConfig box)
    {
        return new RuleSetReport(rules, box);
    }

    /** @return the warnings, box ones first, then by line. */
    public List<LoadWarning> warnings()
    {
        return warnings;
    }

    /** @return one line per NAT rule (DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP), in rule order. */
    public List<String> ruleLines()
    {
        return lines;
    }

    private int chainIndex(final String name)
    {
        for (int c = 0; c < rules.chainCount(); c++)
        {
            if (rules.chainName(c).equals(name))
            {
                return c;
            }
        }
        return -1;
    }

    private void checkInterfaces(final NatRule r)
    {
        checkInterface(r, "-i", r.inIface, r.inInvert);
        checkInterface(r, "-o", r.outIface, r.outInvert);
    }

    private void checkInterface(final NatRule r, final String option, final String pattern, final boolean invert)
    {
        if (pattern == null)
        {
            return;
        }
        for (int index = 0; index <= box.maxIfIndex(); index++)
        {
            final String name = box.ifName(index);
            if (name != null && HeaderMatcher.ifaceMatches(pattern, name))
            {
                return;
            }
        }
        warnings.add(new LoadWarning(r.lineNumber, (invert ? "! " : "") + option + " " + pattern
            + ": the box has no such interface" + (invert ? " (the condition always holds)" : " (the rule never matches)")));
    }

    /** An earlier rule of the same chain that ends the chain for every packet this one could match. */
    private void checkShadowed(final NatRule r)
    {
        for (int i = 0; i < r.index; i++)
        {
            final NatRule e = rules.rule(i);
            if (e.chain.equals(r.chain) && endsChain(e) && covers(e, r))
            {
                warnings.add(new LoadWarning(r.lineNumber, "never matches: line " + e.lineNumber
                    + " takes every packet it could match"));
                return;
            }
        }
    }

    private static boolean endsChain(final NatRule e)
    {
        switch (e.target)
        {
            case NONE:
            case JUMP:
            case MARK:
            case LOG:
                return false;
            default:
                return true;
        }
    }

    /** Conservative: true only when every condition of e provably holds for every packet r matches. */
    static boolean covers(final NatRule e, final NatRule r)
    {
        if (e.hasContextMatch() || e.fragment != 0 && e.fragment != r.fragment)
        {
            return false;
        }
        if (!coversAddress(e.hasSrc, e.srcIp, e.srcMask, e.srcInvert, r.hasSrc, r.srcIp, r.srcMask, r.srcInvert)
            || !coversAddress(e.hasDst, e.dstIp, e.dstMask, e.dstInvert, r.hasDst, r.dstIp, r.dstMask, r.dstInvert))
        {
            return false;
        }
        if (e.protocol != 0 && (e.protocol != r.protocol || e.protoInvert != r.protoInvert))
        {
            return false;
        }
        if (!coversInterface(e.inIface, e.inInvert, r.inIface, r.inInvert)
            || !coversInterface(e.outIface, e.outInvert, r.outIface, r.outInvert))
        {
            return false;
        }
        if (e.hasIcmp && !(r.hasIcmp && e.icmpType == r.icmpType && e.icmpCodeMin == r.icmpCodeMin
            && e.icmpCodeMax == r.icmpCodeMax && e.icmpInvert == r.icmpInvert))
        {
            return false;
        }
        for (int c = 0; c < e.portKind.length; c++)
        {
            if (!coversPorts(e, c, r))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean coversAddress(
        final boolean eHas, final int eIp, final int eMask, final boolean eInvert,
        final boolean rHas, final int rIp, final int rMask, final boolean rInvert)
    {
        if (!eHas)
        {
            return true;
        }
        if (!rHas || eInvert != rInvert)
        {
            return false;
        }
        if (eInvert)
        {
            return eIp == rIp && eMask == rMask;
        }
        return (rMask & eMask) == eMask && (rIp & eMask) == eIp;
    }

    private static boolean coversInterface(final String e, final boolean eInvert, final String r, final boolean rInvert)
    {
        if (e == null)
        {
            return true;
        }
        if (r == null || eInvert != rInvert)
        {
            return false;
        }
        if (eInvert || !e.endsWith("+"))
        {
            return e.equals(r);
        }
        return r.startsWith(e.substring(0, e.length() - 1));
    }

    /** e's port condition c holds for every packet of r: r has a condition on the same port within it. */
    private static boolean coversPorts(final NatRule e, final int c, final NatRule r)
    {
        if (e.portInvert[c])
        {
            return false;
        }
        for (int k = 0; k < r.portKind.length; k++)
        {
            if (r.portKind[k] == e.portKind[c] && e.portKind[c] != NatRule.PORT_EITHER && !r.portInvert[k]
                && within(r.portLo[k], r.portHi[k], e.portLo[c], e.portHi[c]))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean within(final int[] lo, final int[] hi, final int[] outerLo, final int[] outerHi)
    {
        for (int a = 0; a < lo.length; a++)
        {
            boolean inside = false;
            for (int b = 0; b < outerLo.length && !inside; b++)
            {
                inside = lo[a] >= outerLo[b] && hi[a] <= outerHi[b];
            }
            if (!inside)
            {
                return false;
            }
        }
        return true;
    }

    // ---- one line per NAT rule ----

    /** The rules from a built-in chain down to r: the jumps (outermost first), then r. */
    private List<NatRule> pathTo(final NatRule r)
    {
        final List<NatRule> path = new ArrayList<>();
        path.add(r);
        String chain = r.chain;
        for (int depth = 0; depth < 64; depth++)
        {
            final int c = chainIndex(chain);
            if (c < 0 || callers.get(c).isEmpty())
            {
                break;
            }
            NatRule caller = rules.rule(callers.get(c).get(0));
            for (final int k : callers.get(c))
            {
                // A caller naming the destination says more (a service address rather than a node port).
                if (rules.rule(k).hasDst && !caller.hasDst)
                {
                    caller = rules.rule(k);
                }
            }
            path.add(0, caller);
            chain = caller.chain;
        }
        return path;
    }

    private static String hookOf(final List<NatRule> path)
    {
        return path.get(0).chain;
    }

    private void describe(final NatRule r)
    {
        switch (r.target)
        {
            case DNAT:
            case REDIRECT:
            case SNAT:
            case MASQUERADE:
            case NETMAP:
                break;
            default:
                return;
        }
        final List<NatRule> path = pathTo(r);
        final String hook = hookOf(path);
        final boolean reachable = hook.equals("PREROUTING") || hook.equals("POSTROUTING") || hook.equals("OUTPUT")
            || hook.equals("INPUT");
        final StringBuilder sb = new StringBuilder("line ").append(r.lineNumber).append(": ");
        if (!reachable)
        {
            lines.add(sb.append("in chain ").append(r.chain).append(", which no built-in chain reaches: never used")
                .toString());
            return;
        }
        // OUTPUT sees the connections the box's own stack opens, INPUT those delivered to the box.
        final boolean output = hook.equals("OUTPUT");
        sb.append(output ? "the box's own " : "").append(matchText(path));
        if (hook.equals("INPUT"))
        {
            sb.append(" delivered to the box");
        }
        final boolean destination = hook.equals("PREROUTING") || output;
        switch (r.target)
        {
            case DNAT:
                sb.append(" -> DNAT ").append(rangeText(r));
                break;
            case REDIRECT:
                sb.append(output ? " -> REDIRECT to 127.0.0.1" : " -> REDIRECT to the box")
                    .append(r.hasPortRange ? " port " + portsText(r) : "");
                break;
            case NETMAP:
                sb.append(" -> NETMAP ").append(destination ? "destination" : "source").append(" to ")
                    .append(Ipv4Text.format(r.netmapIp)).append('/').append(Integer.bitCount(r.netmapMask));
                break;
            case SNAT:
                sb.append(" -> SNAT to ").append(rangeText(r));
                break;
            default:
                sb.append(" -> MASQUERADE to ").append(masqueradeText(r));
                break;
        }
        if (destination && r.target == NatRule.Target.DNAT && r.mapIps)
        {
            sb.append(", ").append(onwardText(r, path, output));
        }
        lines.add(sb.toString());
    }

    private String matchText(final List<NatRule> path)
    {
        int proto = 0;
        String src = null;
        String dst = null;
        String dport = null;
        String in = null;
        String out = null;
        final List<String> extra = new ArrayList<>();
        for (final NatRule p : path)
        {
            if (p.protocol != 0)
            {
                proto = p.protoInvert ? -p.protocol : p.protocol;
            }
            if (p.hasSrc)
            {
                src = (p.srcInvert ? "not " : "") + cidr(p.srcIp, p.srcMask);
            }
            if (p.hasDst)
            {
                dst = (p.dstInvert ? "not " : "") + cidr(p.dstIp, p.dstMask);
            }
            else if (p.dstTypes == 1 << AddressTypes.LOCAL && dst == null)
            {
                dst = (p.dstTypesInvert ? "not " : "") + "a local address";
            }
            for (int c = 0; c < p.portKind.length; c++)
            {
                if (p.portKind[c] == NatRule.PORT_DST && p.portLo[c].length == 1)
                {
                    dport = (p.portInvert[c] ? "not " : "") + range(p.portLo[c][0], p.portHi[c][0]);
                }
            }
            if (p.inIface != null)
            {
                in = (p.inInvert ? "not " : "") + p.inIface;
            }
            if (p.outIface != null)
            {
                out = (p.outInvert ? "not " : "") + p.outIface;
            }
            if (p.statMode == NatRule.STAT_RANDOM)
            {
                extra.add(String.format("with probability %.3f", p.statProbability / 2147483648.0));
            }
            else if (p.statMode == NatRule.STAT_NTH)
            {
                extra.add("every " + (p.nthEvery + 1) + " connections");
            }
            if (p.hasMark)
            {
                extra.add("mark " + (p.markInvert ? "not " : "") + String.format("0x%x/0x%x", p.markValue, p.markMask));
            }
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(proto == 0 ? "all" : proto < 0 ? "not " + protocolName(-proto) : protocolName(proto));
        if (src != null)
        {
            sb.append(" from ").append(src);
        }
        if (dst != null || dport != null)
        {
            sb.append(" to ").append(dst == null ? "any address" : dst);
            if (dport != null)
            {
                sb.append(dport.startsWith("not") ? " port " + dport : ":" + dport);
            }
        }
        if (in != null)
        {
            sb.append(" in ").append(in);
        }
        if (out != null)
        {
            sb.append(" out ").append(out);
        }
        for (final String e : extra)
        {
            sb.append(' ').append(e);
        }
        return sb.toString();
    }

    /** Where a DNAT's connections go next: the route to the target, then who translates their source. */
    private String onwardText(final NatRule r, final List<NatRule> path, final boolean output)
    {
        final int target = r.minIp;
        if (box.isLocalAddress(target))
        {
            return "delivered to the box itself";
        }
        final RouteTable routes = box.routes();
        final int route = routes.lookup(target);
        final int egress = routes.egressOf(route);
        if (egress < 0)
        {
            warnings.add(new LoadWarning(r.lineNumber, "DNAT target " + Ipv4Text.format(target)
                + " has no route on this box: its connections are dropped"));
            return "no route to " + Ipv4Text.format(target) + " (dropped)";
        }
        final int gateway = routes.gateway(route);
        final String name = box.ifName(egress);
        final String via = "out " + name + (gateway == 0 ? " on-link" : " via " + Ipv4Text.format(gateway));
        if (output)
        {
            return via + ", replies delivered to the box"; // the box's source; POSTROUTING's rules name clients
        }
        final NatDecision d = probe(r, path, sourceOf(path), egress, target);
        if (d != null)
        {
            return via + ", " + sourceText(d);
        }
        // No source NAT for an unknown source: say which sources one covers, if any.
        for (int i = 0; i < rules.ruleCount(); i++)
        {
            final NatRule s = rules.rule(i);
            if ((s.target == NatRule.Target.SNAT || s.target == NatRule.Target.MASQUERADE) && s.hasSrc && !s.srcInvert)
            {
                final NatDecision partial = probe(r, path, s.srcIp, egress, target);
                if (partial != null)
                {
                    return via + ", " + sourceText(partial) + " for sources in " + cidr(s.srcIp, s.srcMask)
                        + " only; " + replyNote();
                }
            }
        }
        return via + ", no SNAT or MASQUERADE rule covers it: " + replyNote();
    }

    private static String replyNote()
    {
        return "replies come back through this box only if the network routes them here"
            + " (in the reference deployment, a user-defined route)";
    }

    private String sourceText(final NatDecision d)
    {
        final NatRule s = rules.rule(d.ruleIndex);
        final String to = d.mapIps ? Ipv4Text.format(d.minIp) + (d.maxIp != d.minIp ? "-" + Ipv4Text.format(d.maxIp) : "")
            : "no address (dropped)";
        return (s.target == NatRule.Target.MASQUERADE ? "source masqueraded to " : "source translated to ") + to
            + " by line " + s.lineNumber;
    }

    private static int sourceOf(final List<NatRule> path)
    {
        for (final NatRule p : path)
        {
            if (p.hasSrc && !p.srcInvert)
            {
                return p.srcIp;
            }
        }
        return 0;
    }

    /**
     * A connection down the path to r, through PREROUTING (steering random statistics until r decides) and then
     * POSTROUTING with the mark it carries. @return the POSTROUTING source translation, or null when none.
     */
    private NatDecision probe(final NatRule r, final List<NatRule> path, final int src, final int egress, final int target)
    {
        int proto = 0;
        int dst = 0;
        int dport = 0;
        for (final NatRule p : path)
        {
            proto = p.protocol != 0 && !p.protoInvert ? p.protocol : proto;
            dst = p.hasDst && !p.dstInvert ? p.dstIp : dst;
            for (int c = 0; c < p.portKind.length; c++)
            {
                if (p.portKind[c] == NatRule.PORT_DST && !p.portInvert[c])
                {
                    dport = p.portLo[c][0];
                }
            }
            if (dst == 0 && p.dstTypes == 1 << AddressTypes.LOCAL && !p.dstTypesInvert)
            {
                dst = box.masqueradeAddress(Math.max(egress, 0), 0);
            }
        }
        final int inIf = inInterface(path);
        final NatDecision d = new NatDecision();
        d.statisticSteered = true;
        boolean reached = false;
        for (long outcomes = 0; outcomes < 1 << 10 && !reached; outcomes++)
        {
            d.statisticForced = outcomes;
            rules.prerouting(proto, src, dst, 40000, dport, 8, inIf, d);
            reached = d.ruleIndex == r.index;
        }
        d.statisticSteered = false;
        if (!reached)
        {
            rules.prerouting(proto, src, dst, 40000, dport, 8, inIf, d);
        }
        d.ctDstNat = true;
        final int targetPort = r.hasPortRange ? r.minPort : dport;
        if (rules.postrouting(proto, src, target, 40000, targetPort, 8, egress, d)
            && (d.kind == NatDecision.Kind.SNAT || d.kind == NatDecision.Kind.MASQUERADE))
        {
            return d;
        }
        return null;
    }

    private int inInterface(final List<NatRule> path)
    {
        for (final NatRule p : path)
        {
            if (p.inIface != null && !p.inInvert && box.ifIndex(p.inIface) > 0)
            {
                return box.ifIndex(p.inIface);
            }
        }
        for (int index = 1; index <= box.maxIfIndex(); index++)
        {
            final String name = box.ifName(index);
            boolean excluded = false;
            for (final NatRule p : path)
            {
                excluded |= p.inIface != null && p.inInvert && HeaderMatcher.ifaceMatches(p.inIface, name == null ? "" : name);
            }
            if (name != null && !"lo".equals(name) && !excluded)
            {
                return index;
            }
        }
        return -1;
    }

    private String masqueradeText(final NatRule r)
    {
        if (r.outIface != null && !r.outInvert && box.ifIndex(r.outIface) > 0)
        {
            final int address = box.masqueradeAddress(box.ifIndex(r.outIface), 0);
            return address == 0 ? "no address on " + r.outIface + " (dropped)" : Ipv4Text.format(address);
        }
        return "the egress interface's address" + (r.hasPortRange ? " port " + portsText(r) : "")
            + (r.randomFully ? " (random-fully)" : "");
    }

    private static String rangeText(final NatRule r)
    {
        final StringBuilder sb = new StringBuilder();
        if (r.mapIps)
        {
            sb.append(Ipv4Text.format(r.minIp));
            if (r.maxIp != r.minIp)
            {
                sb.append('-').append(Ipv4Text.format(r.maxIp));
            }
        }
        if (r.hasPortRange)
        {
            sb.append(r.mapIps ? ":" : "port ").append(portsText(r));
        }
        return sb.toString();
    }

    private static String portsText(final NatRule r)
    {
        return r.minPort == r.maxPort ? Integer.toString(r.minPort) : r.minPort + "-" + r.maxPort;
    }

    private static String range(final int lo, final int hi)
    {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }

    private static String cidr(final int ip, final int mask)
    {
        return mask == -1 ? Ipv4Text.format(ip) : Ipv4Text.format(ip) + "/" + Integer.bitCount(mask);
    }

    private static String protocolName(final int proto)
    {
        for (final Map.Entry<String, Integer> e : MatchParser.PROTOCOLS.entrySet())
        {
            if (e.getValue() == proto && !"all".equals(e.getKey()))
            {
                return e.getKey();
            }
        }
        return "protocol " + proto;
    }
}
