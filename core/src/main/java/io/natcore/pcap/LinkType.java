/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * The pcap LINKTYPE_ values this package reads (tcpdump.org/linktypes.html).
 */
public final class LinkType
{
    /** BSD loopback: 4-byte address family in host byte order, then the packet. */
    public static final int NULL = 0;
    /** Ethernet II, with optional 802.1Q / 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** Raw IP, version taken from the first nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture v1: 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4. */
    public static final int IPV4 = 228;
    /** Linux "cooked" capture v2: 20-byte header with the interface index. */
    public static final int LINUX_SLL2 = 276;

    private LinkType()
    {
    }

    /**
     * @param linkType a LINKTYPE_ value.
     * @return true if {@link PcapReader} can find IPv4 packets in records of this type.
     */
    public static boolean isSupported(final int linkType)
    {
        return linkType == NULL || linkType == ETHERNET || linkType == RAW || linkType == LOOP ||
            linkType == LINUX_SLL || linkType == IPV4 || linkType == LINUX_SLL2;
    }

    /**
     * @param linkType a LINKTYPE_ value.
     * @return its short name for messages.
     */
    public static String name(final int linkType)
    {
        switch (linkType)
        {
            case NULL: return "NULL";
            case ETHERNET: return "ETHERNET";
            case RAW: return "RAW";
            case LOOP: return "LOOP";
            case LINUX_SLL: return "LINUX_SLL";
            case IPV4: return "IPV4";
            case LINUX_SLL2: return "LINUX_SLL2";
            default: return "LINKTYPE_" + linkType;
        }
    }
}
