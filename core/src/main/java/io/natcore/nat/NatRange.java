/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * The kernel's {@code nf_nat_range2} for one binding: an optional address range, an optional port (or ICMP id)
 * range and the flags {@code --random}, {@code --random-fully}, {@code --persistent}. Mutable, reused.
 */
public final class NatRange
{
    /** An address range is given ({@code NF_NAT_RANGE_MAP_IPS}). */
    public boolean mapIps;
    /** Lowest address. */
    public int minIp;
    /** Highest address. */
    public int maxIp;
    /** A port range is given ({@code NF_NAT_RANGE_PROTO_SPECIFIED}). */
    public boolean protoSpecified;
    /** Lowest port. */
    public int minPort;
    /** Highest port. */
    public int maxPort;
    /** {@code NF_NAT_RANGE_PROTO_RANDOM}. */
    public boolean random;
    /** {@code NF_NAT_RANGE_PROTO_RANDOM_FULLY}. */
    public boolean randomFully;
    /** {@code NF_NAT_RANGE_PERSISTENT}. */
    public boolean persistent;

    /**
     * Reset to the empty range (a null binding: nothing mapped).
     *
     * @return this.
     */
    public NatRange reset()
    {
        mapIps = false;
        minIp = 0;
        maxIp = 0;
        protoSpecified = false;
        minPort = 0;
        maxPort = 0;
        random = false;
        randomFully = false;
        persistent = false;
        return this;
    }

    /**
     * @return this with a single address.
     */
    public NatRange address(final int ip)
    {
        mapIps = true;
        minIp = ip;
        maxIp = ip;
        return this;
    }

    /**
     * @return this with an address range.
     */
    public NatRange addresses(final int min, final int max)
    {
        mapIps = true;
        minIp = min;
        maxIp = max;
        return this;
    }

    /**
     * @return this with a port range.
     */
    public NatRange ports(final int min, final int max)
    {
        protoSpecified = true;
        minPort = Math.min(min, max);
        maxPort = Math.max(min, max);
        return this;
    }

    /** @return true for either random flag ({@code NF_NAT_RANGE_PROTO_RANDOM_ALL}). */
    public boolean randomAll()
    {
        return random || randomFully;
    }
}
