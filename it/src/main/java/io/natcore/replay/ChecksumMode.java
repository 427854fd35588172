/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay;

/**
 * {@code rewrite --checksums verify|ip|none}: which received checksums the engine verifies. Captures taken on a
 * host carry the checksums of packets it sent before the NIC filled them in (checksum offload), so their L4 sums
 * are wrong; {@code ip} then verifies the IPv4 header only, as a box whose NIC validated L4 does.
 */
public enum ChecksumMode
{
    /** IPv4 header and TCP/UDP/ICMP checksums, as conntrack with nf_conntrack_checksum=1 (the default). */
    VERIFY,
    /** The IPv4 header checksum only. */
    IP,
    /** Neither. */
    NONE;

    /**
     * @param text "verify", "ip" or "none".
     * @return the mode.
     * @throws ReplayException for anything else.
     */
    public static ChecksumMode parse(final String text) throws ReplayException
    {
        switch (text)
        {
            case "verify": return VERIFY;
            case "ip": return IP;
            case "none": return NONE;
            default: throw new ReplayException("--checksums " + text + ": expected verify, ip or none");
        }
    }
}
