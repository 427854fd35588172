/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Names of iptables matches and targets that exist but natcore does not evaluate, so that a refusal says
 * "not supported" for them and "unknown" only for names iptables itself would not know.
 */
final class UnsupportedSyntax
{
    private static final Set<String> MATCHES = new HashSet<>(Arrays.asList(
        "ah", "bpf", "cgroup", "cluster", "connbytes", "connlabel", "connlimit", "connmark", "cpu", "dccp", "devgroup",
        "dscp", "ecn", "esp", "hashlimit", "helper", "ipcomp", "iprange", "ipvs", "length", "limit", "mac", "nfacct",
        "osf", "owner", "physdev", "pkttype", "policy", "quota", "rateest", "realm", "recent", "rpfilter", "sctp",
        "set", "socket", "state", "string", "tcpmss", "time", "tos", "ttl", "u32", "udplite", "unclean"));

    private static final Set<String> TARGETS = new HashSet<>(Arrays.asList(
        "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "CT", "DSCP", "ECN", "HMARK",
        "IDLETIMER", "LED", "NFLOG", "NFQUEUE", "NOTRACK", "QUEUE", "RATEEST", "SECMARK", "SET", "SNPT", "DNPT",
        "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL", "ULOG"));

    private UnsupportedSyntax()
    {
    }

    /** @return true for a match iptables has that natcore refuses. */
    static boolean isKnownMatch(final String name)
    {
        return MATCHES.contains(name);
    }

    /** @return true for a target iptables has that natcore refuses. */
    static boolean isKnownTarget(final String name)
    {
        return TARGETS.contains(name);
    }
}
