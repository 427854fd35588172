/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.pcap;

/**
 * Ethernet II header and the VLAN tags that may follow the source address.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Destination MAC (6 bytes)                     |  0
 *  |                               +-------------------------------+
 *  |                               |                               |
 *  +-------------------------------+      Source MAC (6 bytes)     |  6
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |  EtherType / TPID             |  TCI (if TPID is a VLAN tag)  | 12
 *  +-------------------------------+-------------------------------+
 *  |  ...next EtherType / TPID     |                                 16
 * </pre>
 * Tags: 0x8100 (802.1Q), 0x88A8 (802.1ad S-tag), 0x9100 (older QinQ); each is 4 bytes.
 */
public final class EthernetHeader
{
    /** Length of the untagged header. */
    public static final int LENGTH = 14;
    /** Offset of the first EtherType or tag protocol identifier. */
    public static final int ETHERTYPE_OFFSET = 12;
    /** Length of one VLAN tag (TPID + TCI). */
    public static final int VLAN_TAG_LENGTH = 4;
    /** IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** 802.1Q customer tag. */
    public static final int TPID_8021Q = 0x8100;
    /** 802.1ad service tag. */
    public static final int TPID_8021AD = 0x88A8;
    /** Pre-standard QinQ tag. */
    public static final int TPID_QINQ_OLD = 0x9100;

    private EthernetHeader()
    {
    }

    /**
     * @param etherType a 16-bit EtherType.
     * @return true if it announces a VLAN tag.
     */
    public static boolean isVlanTag(final int etherType)
    {
        return etherType == TPID_8021Q || etherType == TPID_8021AD || etherType == TPID_QINQ_OLD;
    }
}
