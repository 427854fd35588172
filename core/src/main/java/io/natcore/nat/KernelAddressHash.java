/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

/**
 * Which address of a NAT range a new connection gets, as Linux {@code find_best_ips_proto} computes it for IPv4:
 * Bob Jenkins' lookup3 hash ({@code jhash2}) of the source address, seeded with the destination address (0 with
 * {@code --persistent}), scaled into the range by multiply-and-shift ({@code reciprocal_scale}). No secret goes in,
 * so the kernel's choice repeats across boxes and reboots, and an engine can repeat it exactly.
 * <p>
 * The kernel hashes the 16-byte address union of the tuple ({@code union nf_inet_addr}): the IPv4 address in the
 * first word, three zero words after it. It reads each word in host byte order; the traces come from a
 * little-endian host (x86-64), so each address goes in byte-swapped. The zone id (0 here) is XORed into the seed.
 * Allocates nothing.
 */
public final class KernelAddressHash
{
    /** Kernel {@code JHASH_INITVAL}. */
    private static final int JHASH_INITVAL = 0xDEADBEEF;
    /** Words hashed: {@code sizeof(union nf_inet_addr) / sizeof(u32)}. */
    private static final int WORDS = 4;

    private KernelAddressHash()
    {
    }

    /**
     * @param srcIp      the tuple's source address (host order int, e.g. 0xC0A80105 for 192.168.1.5).
     * @param dstIp      the tuple's destination address, as it stands before this manip.
     * @param persistent {@code --persistent}: the destination does not go in.
     * @param minIp      the range's first address.
     * @param maxIp      the range's last address (unsigned, not below {@code minIp}).
     * @return the address the kernel picks.
     */
    public static int pick(final int srcIp, final int dstIp, final boolean persistent, final int minIp, final int maxIp)
    {
        final int j = jhash2OneWord(Integer.reverseBytes(srcIp), persistent ? 0 : Integer.reverseBytes(dstIp));
        final long dist = (maxIp & 0xFFFF_FFFFL) - (minIp & 0xFFFF_FFFFL) + 1;
        return (int)((minIp & 0xFFFF_FFFFL) + (((j & 0xFFFF_FFFFL) * dist) >>> 32));
    }

    /**
     * {@code jhash2(k, 4, initval)} for the key {@code {word, 0, 0, 0}}: one full mix round over the first three
     * words, then the final mix with the fourth (zero) word added.
     *
     * @param word    the key's first word.
     * @param initval the seed.
     * @return the hash.
     */
    static int jhash2OneWord(final int word, final int initval)
    {
        int a = JHASH_INITVAL + (WORDS << 2) + initval;
        int b = a;
        int c = a;
        a += word;
        // __jhash_mix
        a -= c;
        a ^= Integer.rotateLeft(c, 4);
        c += b;
        b -= a;
        b ^= Integer.rotateLeft(a, 6);
        a += c;
        c -= b;
        c ^= Integer.rotateLeft(b, 8);
        b += a;
        a -= c;
        a ^= Integer.rotateLeft(c, 16);
        c += b;
        b -= a;
        b ^= Integer.rotateLeft(a, 19);
        a += c;
        c -= b;
        c ^= Integer.rotateLeft(b, 4);
        b += a;
        // the last word (zero) is added to a, then __jhash_final
        c ^= b;
        c -= Integer.rotateLeft(b, 14);
        a ^= c;
        a -= Integer.rotateLeft(c, 11);
        b ^= a;
        b -= Integer.rotateLeft(a, 25);
        c ^= b;
        c -= Integer.rotateLeft(b, 16);
        a ^= c;
        a -= Integer.rotateLeft(c, 4);
        b ^= a;
        b -= Integer.rotateLeft(a, 14);
        c ^= b;
        c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
