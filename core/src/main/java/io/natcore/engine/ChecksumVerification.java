/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * Which received checksums the engine verifies before tracking. A packet failing a verified sum is dropped (IP
 * header) or conntrack-INVALID (TCP/UDP/ICMP), as in Linux with {@code nf_conntrack_checksum=1}. Skip a check only
 * when something upstream already made it (the NIC's receive offload: the kernel's {@code CHECKSUM_UNNECESSARY});
 * otherwise a corrupted packet is translated and forwarded as if it were good.
 */
public enum ChecksumVerification
{
    /** The IPv4 header checksum and the TCP/UDP/ICMP checksum (with pseudo header). The default, as conntrack. */
    ALL,
    /** The IPv4 header checksum only (20 bytes, cheap): the NIC validated the L4 checksum. */
    IP_HEADER_ONLY,
    /** Neither: the NIC validated both. */
    NONE;

    /** @return whether the IPv4 header checksum is verified. */
    public boolean ipHeader()
    {
        return this != NONE;
    }

    /** @return whether the TCP/UDP/ICMP checksum is verified. */
    public boolean l4()
    {
        return this == ALL;
    }
}
