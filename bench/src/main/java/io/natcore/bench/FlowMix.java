package io.natcore.bench;

import io.natcore.packet.ParsedPacket;

/**
 * Deterministic traffic mix over the reference box of trace 05 (one interface, eth0 = 172.16.2.5/24,
 * DNAT of four virtual addresses to two back ends, MASQUERADE of 192.168.1.0/24 and 172.16.3.0/24).
 * Flow {@code i} has a fixed kind and original-direction tuple; every flow's original and reply tuples
 * are unique for {@code i < 2^24}, so MASQUERADE can keep each source port.
 * <p>
 * Kinds, by {@code i % 20}:
 * <pre>
 *   0..1   10%  TCP  internet client 10.x.y.z -> a DNAT address (:80 or :22), back end replies (DNAT only)
 *   2..11  50%  TCP  inside host -> internet 20.x.y.z:443 (MASQUERADE to 172.16.2.5)
 *   12..17 30%  UDP  inside host -> internet 20.x.y.z:53 or :443 (MASQUERADE)
 *   18..19 10%  ICMP echo, inside host -> internet (MASQUERADE, the id may be remapped)
 * </pre>
 */
public final class FlowMix
{
    /** TCP through DNAT. */
    public static final int TCP_DNAT = 0;
    /** TCP through MASQUERADE. */
    public static final int TCP_MASQ = 1;
    /** UDP through MASQUERADE. */
    public static final int UDP_MASQ = 2;
    /** ICMP echo through MASQUERADE. */
    public static final int ICMP_MASQ = 3;

    /** eth0's ifindex in box.txt: every packet of this one-armed box arrives and leaves there. */
    public static final int ETH0 = 2;
    /** eth0's address, the MASQUERADE source. */
    public static final int BOX_ADDRESS = PacketWriter.ip("172.16.2.5");

    private static final int[] DNAT_ADDRESSES = {
        PacketWriter.ip("172.16.20.5"), PacketWriter.ip("172.16.2.65"),
        PacketWriter.ip("172.16.20.6"), PacketWriter.ip("172.16.2.66") };
    private static final int[] DNAT_PORTS = { 80, 80, 22, 22 };
    private static final int INSIDE_A = PacketWriter.ip("192.168.1.0");
    private static final int INSIDE_B = PacketWriter.ip("172.16.3.0");
    private static final int INTERNET_CLIENTS = PacketWriter.ip("10.0.0.0");
    private static final int INTERNET_SERVERS = PacketWriter.ip("20.0.0.0");

    private FlowMix()
    {
    }

    /**
     * @param i flow index.
     * @return one of {@link #TCP_DNAT}, {@link #TCP_MASQ}, {@link #UDP_MASQ}, {@link #ICMP_MASQ}.
     */
    public static int kind(final int i)
    {
        final int m = i % 20;
        return m < 2 ? TCP_DNAT : m < 12 ? TCP_MASQ : m < 18 ? UDP_MASQ : ICMP_MASQ;
    }

    /**
     * @param i flow index.
     * @return IP protocol of the flow.
     */
    public static int protocol(final int i)
    {
        switch (kind(i))
        {
            case UDP_MASQ:
                return ParsedPacket.PROTO_UDP;
            case ICMP_MASQ:
                return ParsedPacket.PROTO_ICMP;
            default:
                return ParsedPacket.PROTO_TCP;
        }
    }

    /**
     * @param i flow index.
     * @return original source address.
     */
    public static int srcIp(final int i)
    {
        if (kind(i) == TCP_DNAT)
        {
            return INTERNET_CLIENTS | (scramble(i) & 0xFF_FFFF);
        }
        final int host = 1 + (i % 250);
        return ((i / 250) & 1) == 0 ? INSIDE_A | host : INSIDE_B | host;
    }

    /**
     * @param i flow index.
     * @return original destination address.
     */
    public static int dstIp(final int i)
    {
        if (kind(i) == TCP_DNAT)
        {
            return DNAT_ADDRESSES[(i / 20) & 3];
        }
        return INTERNET_SERVERS | (scramble(i) & 0xFF_FFFF);
    }

    /**
     * @param i flow index.
     * @return original source port, or the echo identifier for ICMP.
     */
    public static int srcPort(final int i)
    {
        if (kind(i) == TCP_DNAT)
        {
            return 32768 + (i / 20) % 28000;
        }
        return 1024 + (i / 500) % 64000;
    }

    /**
     * @param i flow index.
     * @return original destination port, or the echo identifier for ICMP (as conntrack keys echo).
     */
    public static int dstPort(final int i)
    {
        switch (kind(i))
        {
            case TCP_DNAT:
                return DNAT_PORTS[(i / 20) & 3];
            case TCP_MASQ:
                return 443;
            case UDP_MASQ:
                return (i & 1) == 0 ? 53 : 443;
            default:
                return srcPort(i);
        }
    }

    /**
     * Multiplication by an odd constant is a bijection modulo 2^24: distinct flows below 2^24 get distinct
     * host parts, never 0.
     */
    private static int scramble(final int i)
    {
        return ((i + 1) * 0x9E3779B1) & 0xFF_FFFF;
    }
}
