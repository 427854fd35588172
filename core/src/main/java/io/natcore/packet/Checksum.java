package io.natcore.packet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Internet checksums: the RFC 1071 one's-complement sum, the IPv4 header checksum, the TCP/UDP/ICMP
 * checksums (TCP and UDP over the IPv4 pseudo-header) and RFC 1624 incremental updates.
 * <p>
 * Conventions: a <em>sum</em> is the folded 16-bit one's-complement sum of the data (0..0xFFFF, not
 * complemented); a <em>checksum</em> is the 16-bit value carried in a header (the complement of the
 * sum). A <em>delta</em> is a folded one's-complement sum of {@code ~old + new} terms, precomputable per
 * connection and applied with {@link #applyDelta(int, int)}.
 * <p>
 * Incremental updates follow RFC 1624 eqn. 3 ({@code HC' = ~(~HC + ~m + m')}). Eqn. 3 yields 0xFFFF only
 * when every term is zero, which a full recompute over real data never gives, so the result is
 * normalised to 0x0000: an update always equals a full recompute. UDP keeps its own rules: a checksum of
 * 0 means "none" and stays 0, a computed 0 is carried as 0xFFFF ({@link #updateUdp16} and friends).
 * <p>
 * All methods are static, allocation free and thread safe.
 */
public final class Checksum
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final boolean NATIVE_IS_NET = ByteOrder.nativeOrder() == NET;
    /** Where a trailing odd byte goes in a native-order word: high byte in network order, low on little-endian. */
    private static final int ODD_BYTE_SHIFT = NATIVE_IS_NET ? 8 : 0;

    private Checksum()
    {
    }

    /**
     * Fold a wide one's-complement accumulator to 16 bits with end-around carry. Returns 0 only for 0.
     *
     * @param sum accumulator (any 64-bit value, taken as unsigned).
     * @return folded sum 0..0xFFFF.
     */
    public static int fold(final long sum)
    {
        // Adding a word to itself rotated by half its width puts "high + low + carry of low + high" in the top
        // half: the end-around carry in one add (csum_fold's trick), so any 64-bit value folds in six operations.
        final long t = sum + Long.rotateRight(sum, 32);
        final int x = (int)(t >>> 32);
        return (x + Integer.rotateRight(x, 16)) >>> 16;
    }

    /**
     * RFC 1071 sum over {@code [offset, offset + length)} of a buffer, as 16-bit big-endian words from
     * {@code offset}; an odd final byte is padded with a zero byte. Reads 8 bytes at a time in native order (see
     * {@link #sumNative}); on a little-endian machine the result is already folded and byte-swapped to network order.
     *
     * @param buffer holding the data.
     * @param offset of the first byte.
     * @param length in bytes (>= 0).
     * @return an accumulator congruent to the sum (0 only for all-zero data); fold it with {@link #fold(long)}.
     */
    public static long sumWide(final DirectBuffer buffer, final int offset, final int length)
    {
        return NATIVE_IS_NET ? sumNative(buffer, offset, length) : swap16(fold(sumNative(buffer, offset, length)));
    }

    /**
     * RFC 1071 sum in the machine's byte order: the words are read in native order, so on a little-endian machine
     * the folded result is the byte swap of the network-order sum (RFC 1071 section 2(B): the one's-complement
     * sum is byte-order independent). A folded 0xFFFF (a valid checksum) reads the same either way.
     *
     * @param buffer holding the data.
     * @param offset of the first byte.
     * @param length in bytes (>= 0).
     * @return the wide accumulator of native-order words.
     */
    static long sumNative(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        if (length < 8 || NATIVE_IS_NET)
        {
            return sumNativeByParts(buffer, offset, end);
        }
        final long acc = sumLongs(buffer, offset, end);
        final int i = offset + ((end - offset) & ~7);
        // The last 0..7 bytes without a branch on their count (packet lengths vary at random, so those branches
        // mispredict): load the 8 bytes ending at the end and shift out the ones already summed. On a
        // little-endian machine the later bytes are the high-order ones; shifting them down puts the tail's first
        // byte at bit 0, the same 16-bit lanes as a load at i would give, an odd last byte zero-padded. The two
        // shifts give 0 for an empty tail (a single shift by 64 would be a shift by 0).
        final int tail = end - i;
        final long last = (buffer.getLong(end - 8) >>> (56 - (tail << 3))) >>> 8;
        return acc + (last >>> 32) + (last & 0xFFFF_FFFFL);
    }

    /**
     * The whole 8-byte words of {@code [offset, end)} from {@code offset}, as two 32-bit halves each:
     * 2^32 == 1 (mod 0xFFFF), so 32-bit words sum like 16-bit ones.
     */
    private static long sumLongs(final DirectBuffer buffer, final int offset, final int end)
    {
        long acc = 0;
        final int longEnd = end - 7;
        for (int i = offset; i < longEnd; i += 8)
        {
            final long v = buffer.getLong(i);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        return acc;
    }

    /** {@link #sumNative} a word at a time, for short ranges and big-endian machines. */
    private static long sumNativeByParts(final DirectBuffer buffer, final int offset, final int end)
    {
        long acc = sumLongs(buffer, offset, end);
        int i = offset + ((end - offset) & ~7);
        if (end - i >= 4)
        {
            acc += buffer.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2)
        {
            acc += buffer.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end)
        {
            // The odd byte is the high byte of a zero-padded network-order word.
            acc += (buffer.getByte(i) & 0xFF) << ODD_BYTE_SHIFT;
        }
        return acc;
    }

    /** A folded native-order sum or checksum as its network-order value. */
    private static int toNetwork(final int nativeValue)
    {
        return NATIVE_IS_NET ? nativeValue : swap16(nativeValue);
    }

    /**
     * Swap the two bytes of a 16-bit value.
     *
     * @param v 0..0xFFFF.
     * @return v with its bytes swapped.
     */
    static int swap16(final int v)
    {
        return ((v & 0xFF) << 8) | (v >>> 8);
    }

    /**
     * RFC 1071 folded sum of a buffer range.
     *
     * @param buffer holding the data.
     * @param offset of the first byte.
     * @param length in bytes.
     * @return folded sum 0..0xFFFF (not complemented).
     */
    public static int sum(final DirectBuffer buffer, final int offset, final int length)
    {
        return toNetwork(fold(sumNative(buffer, offset, length)));
    }

    /**
     * RFC 1071 checksum of a buffer range: the complement of {@link #sum}.
     *
     * @param buffer holding the data.
     * @param offset of the first byte.
     * @param length in bytes.
     * @return checksum 0..0xFFFF.
     */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        return ~sum(buffer, offset, length) & 0xFFFF;
    }

    /**
     * IPv4 header checksum as it should be written, computed with the checksum field taken as zero.
     *
     * @param buffer       holding the packet.
     * @param ipOffset     of the IPv4 header.
     * @param headerLength IHL * 4.
     * @return checksum 0..0xFFFF.
     */
    public static int ipv4HeaderChecksum(final DirectBuffer buffer, final int ipOffset, final int headerLength)
    {
        // Summed in native order, byte-swapped once at the end (RFC 1071 2(B)).
        final long acc = headerSumNative(buffer, ipOffset, headerLength) -
            (buffer.getShort(ipOffset + Ipv4Header.CHECKSUM_OFFSET) & 0xFFFF) + 0xFFFF;
        return toNetwork(~fold(acc) & 0xFFFF);
    }

    /**
     * Whether the IPv4 header checksum carried in the header is right.
     *
     * @param buffer       holding the packet.
     * @param ipOffset     of the IPv4 header.
     * @param headerLength IHL * 4.
     * @return true when the sum over the header, checksum included, is 0xFFFF.
     */
    public static boolean ipv4HeaderValid(final DirectBuffer buffer, final int ipOffset, final int headerLength)
    {
        if (headerLength == Ipv4Header.MIN_LENGTH)
        {
            // The usual header without options: three straight native-order loads, no loop, no byte swaps
            // (0xFFFF is the same in either byte order).
            return ipv4HeaderWordsValid(
                buffer.getLong(ipOffset), buffer.getLong(ipOffset + 8), buffer.getInt(ipOffset + 16));
        }
        return fold(sumNative(buffer, ipOffset, headerLength)) == 0xFFFF;
    }

    /** {@link #sumNative} of an IPv4 header: the usual 20 bytes in three loads, no loop. */
    private static long headerSumNative(final DirectBuffer buffer, final int ipOffset, final int headerLength)
    {
        if (headerLength == Ipv4Header.MIN_LENGTH)
        {
            final long a = buffer.getLong(ipOffset);
            final long b = buffer.getLong(ipOffset + 8);
            return (a >>> 32) + (a & 0xFFFF_FFFFL) + (b >>> 32) + (b & 0xFFFF_FFFFL) +
                (buffer.getInt(ipOffset + 16) & 0xFFFF_FFFFL);
        }
        return sumNative(buffer, ipOffset, headerLength);
    }

    /**
     * Whether a 20-byte IPv4 header (no options) given as its three words verifies: the sum is 0xFFFF. The words
     * may be read in either byte order, all three the same (0xFFFF reads the same both ways).
     *
     * @param w0 header bytes 0..7 as a long.
     * @param w1 header bytes 8..15 as a long.
     * @param w2 header bytes 16..19 as an int.
     * @return true when the checksum is right.
     */
    static boolean ipv4HeaderWordsValid(final long w0, final long w1, final int w2)
    {
        return fold((w0 >>> 32) + (w0 & 0xFFFF_FFFFL) + (w1 >>> 32) + (w1 & 0xFFFF_FFFFL) + (w2 & 0xFFFF_FFFFL)) ==
            0xFFFF;
    }

    /**
     * Wide sum of the IPv4 pseudo-header (source, destination, zero, protocol, L4 length).
     *
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @param protocol IP protocol number.
     * @param l4Length L4 length in bytes.
     * @return wide accumulator.
     */
    public static long pseudoHeaderSum(final int srcIp, final int dstIp, final int protocol, final int l4Length)
    {
        return (srcIp & 0xFFFF_FFFFL) + (dstIp & 0xFFFF_FFFFL) + protocol + l4Length;
    }

    /**
     * {@link #pseudoHeaderSum} in the byte order of {@link #sumNative}: each word as a native-order load of its
     * network-order bytes would read it.
     */
    static long pseudoHeaderSumNative(final int srcIp, final int dstIp, final int protocol, final int l4Length)
    {
        if (NATIVE_IS_NET)
        {
            return pseudoHeaderSum(srcIp, dstIp, protocol, l4Length);
        }
        return (Integer.reverseBytes(srcIp) & 0xFFFF_FFFFL) + (Integer.reverseBytes(dstIp) & 0xFFFF_FFFFL) +
            ((protocol & 0xFF) << 8) + swap16(l4Length & 0xFFFF);
    }

    /**
     * TCP or UDP checksum (with pseudo-header) as a full recompute would write it, the checksum field
     * taken as zero. For UDP the caller maps a result of 0 to 0xFFFF (see {@link #udpChecksum}).
     *
     * @param buffer         holding the packet.
     * @param l4Offset       of the L4 header.
     * @param l4Length       bytes of L4 header and payload covered.
     * @param srcIp          pseudo-header source.
     * @param dstIp          pseudo-header destination.
     * @param protocol       6 or 17.
     * @param checksumOffset offset of the checksum field within the L4 header (16 TCP, 6 UDP).
     * @return checksum 0..0xFFFE.
     */
    public static int l4Checksum(
        final DirectBuffer buffer,
        final int l4Offset,
        final int l4Length,
        final int srcIp,
        final int dstIp,
        final int protocol,
        final int checksumOffset)
    {
        // Summed in native order, byte-swapped once at the end (RFC 1071 2(B)).
        final long acc = sumNative(buffer, l4Offset, l4Length) +
            pseudoHeaderSumNative(srcIp, dstIp, protocol, l4Length) -
            (buffer.getShort(l4Offset + checksumOffset) & 0xFFFF) + 0xFFFF;
        return toNetwork(~fold(acc) & 0xFFFF);
    }

    /**
     * TCP checksum of a segment as it should be written.
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the TCP header.
     * @param l4Length TCP header plus payload.
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @return checksum.
     */
    public static int tcpChecksum(
        final DirectBuffer buffer, final int l4Offset, final int l4Length, final int srcIp, final int dstIp)
    {
        return l4Checksum(buffer, l4Offset, l4Length, srcIp, dstIp, 6, TcpHeader.CHECKSUM_OFFSET);
    }

    /**
     * UDP checksum as it should be written: a computed 0 is returned as 0xFFFF (0 means "none").
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the UDP header.
     * @param l4Length UDP header plus payload.
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @return checksum 1..0xFFFF.
     */
    public static int udpChecksum(
        final DirectBuffer buffer, final int l4Offset, final int l4Length, final int srcIp, final int dstIp)
    {
        final int c = l4Checksum(buffer, l4Offset, l4Length, srcIp, dstIp, 17, UdpHeader.CHECKSUM_OFFSET);
        return c == 0 ? 0xFFFF : c;
    }

    /**
     * ICMP checksum (no pseudo-header) as it should be written, the checksum field taken as zero.
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the ICMP header.
     * @param l4Length ICMP header plus payload.
     * @return checksum.
     */
    public static int icmpChecksum(final DirectBuffer buffer, final int l4Offset, final int l4Length)
    {
        final long acc = sumNative(buffer, l4Offset, l4Length) -
            (buffer.getShort(l4Offset + IcmpHeader.CHECKSUM_OFFSET) & 0xFFFF) + 0xFFFF;
        return toNetwork(~fold(acc) & 0xFFFF);
    }

    /**
     * Whether the TCP or UDP checksum carried in a segment verifies (sum incl. pseudo-header is 0xFFFF).
     * A UDP checksum of 0 ("none") is not special-cased here.
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the L4 header.
     * @param l4Length L4 bytes covered.
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @param protocol 6 or 17.
     * @return true when valid.
     */
    public static boolean l4Valid(
        final DirectBuffer buffer,
        final int l4Offset,
        final int l4Length,
        final int srcIp,
        final int dstIp,
        final int protocol)
    {
        return fold(sumNative(buffer, l4Offset, l4Length) + pseudoHeaderSumNative(srcIp, dstIp, protocol, l4Length)) ==
            0xFFFF;
    }

    /**
     * Whether a checksum over part of the L4 datagram verifies (UDP-Lite's coverage, the kernel's
     * {@code nf_checksum_partial}): the first {@code coverage} bytes plus a pseudo-header of the whole length.
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the L4 header.
     * @param coverage bytes covered, from the L4 header on.
     * @param l4Length the whole L4 length (pseudo-header).
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @param protocol protocol in the pseudo-header.
     * @return true when valid.
     */
    public static boolean partialValid(
        final DirectBuffer buffer,
        final int l4Offset,
        final int coverage,
        final int l4Length,
        final int srcIp,
        final int dstIp,
        final int protocol)
    {
        return fold(sumNative(buffer, l4Offset, coverage) + pseudoHeaderSumNative(srcIp, dstIp, protocol, l4Length)) ==
            0xFFFF;
    }

    /**
     * Whether an ICMP message's checksum verifies (sum over the message is 0xFFFF; no pseudo-header).
     *
     * @param buffer   holding the packet.
     * @param l4Offset of the ICMP header.
     * @param l4Length ICMP header plus payload.
     * @return true when valid.
     */
    public static boolean icmpValid(final DirectBuffer buffer, final int l4Offset, final int l4Length)
    {
        return fold(sumNative(buffer, l4Offset, l4Length)) == 0xFFFF;
    }

    /**
     * Whether the L4 checksum of a parsed packet verifies: TCP/UDP with the pseudo-header over the whole
     * IP payload (as the kernel's nf_checksum does), ICMP without. UDP checksum 0 ("none") counts as valid.
     * Fragments and other protocols return true (nothing to verify here).
     *
     * @param buffer holding the packet.
     * @param p      parsed packet.
     * @return true when valid or not verifiable.
     */
    public static boolean l4ChecksumValid(final DirectBuffer buffer, final ParsedPacket p)
    {
        if (p.isFragment || p.l4Length < 0)
        {
            return true;
        }
        switch (p.protocol)
        {
            case IpProtocol.TCP:
                return l4Valid(buffer, p.l4Offset, p.l4Length, p.srcIp, p.dstIp, IpProtocol.TCP);
            case IpProtocol.UDP:
                if (p.l4Length >= UdpHeader.LENGTH &&
                    buffer.getShort(p.l4Offset + UdpHeader.CHECKSUM_OFFSET, NET) == 0)
                {
                    return true;
                }
                return l4Valid(buffer, p.l4Offset, p.l4Length, p.srcIp, p.dstIp, IpProtocol.UDP);
            case IpProtocol.ICMP:
                return icmpValid(buffer, p.l4Offset, p.l4Length);
            default:
                return true;
        }
    }

    /**
     * Delta for one 16-bit field change: the folded sum {@code ~old + new}.
     *
     * @param oldValue 16-bit value before.
     * @param newValue 16-bit value after.
     * @return delta 0..0xFFFF.
     */
    public static int delta16(final int oldValue, final int newValue)
    {
        return fold((~oldValue & 0xFFFF) + (newValue & 0xFFFF));
    }

    /**
     * Delta for one 32-bit field change (two 16-bit words each side), e.g. an address or a sequence number.
     *
     * @param oldValue 32-bit value before.
     * @param newValue 32-bit value after.
     * @return delta 0..0xFFFF.
     */
    public static int delta32(final int oldValue, final int newValue)
    {
        return fold((~oldValue >>> 16) + (~oldValue & 0xFFFF) + (newValue >>> 16) + (newValue & 0xFFFF));
    }

    /**
     * Delta for an address and a port change together (the usual NAT rewrite of one side of a flow).
     *
     * @param oldIp   address before.
     * @param oldPort port before.
     * @param newIp   address after.
     * @param newPort port after.
     * @return delta 0..0xFFFF.
     */
    public static int delta(final int oldIp, final int oldPort, final int newIp, final int newPort)
    {
        return combine(delta32(oldIp, newIp), delta16(oldPort, newPort));
    }

    /**
     * Delta for two addresses and two ports changing together (a full 4-tuple rewrite).
     *
     * @param oldSrcIp   source address before.
     * @param oldDstIp   destination address before.
     * @param oldSrcPort source port before.
     * @param oldDstPort destination port before.
     * @param newSrcIp   source address after.
     * @param newDstIp   destination address after.
     * @param newSrcPort source port after.
     * @param newDstPort destination port after.
     * @return delta 0..0xFFFF.
     */
    public static int delta(
        final int oldSrcIp,
        final int oldDstIp,
        final int oldSrcPort,
        final int oldDstPort,
        final int newSrcIp,
        final int newDstIp,
        final int newSrcPort,
        final int newDstPort)
    {
        return fold(
            (long)delta32(oldSrcIp, newSrcIp) + delta32(oldDstIp, newDstIp) +
            delta16(oldSrcPort, newSrcPort) + delta16(oldDstPort, newDstPort));
    }

    /**
     * One's-complement sum of two deltas.
     *
     * @param deltaA first delta.
     * @param deltaB second delta.
     * @return combined delta.
     */
    public static int combine(final int deltaA, final int deltaB)
    {
        return fold((long)deltaA + deltaB);
    }

    /**
     * Apply a precomputed delta to a carried checksum (IPv4 header, TCP or ICMP): RFC 1624 eqn. 3.
     *
     * @param checksum carried checksum.
     * @param delta    from {@link #delta16}, {@link #delta32}, {@link #delta} or {@link #combine}.
     * @return new checksum, 0x0000 rather than 0xFFFF for a zero sum (as a full recompute writes it).
     */
    public static int applyDelta(final int checksum, final int delta)
    {
        final int c = ~fold((~checksum & 0xFFFF) + (long)delta) & 0xFFFF;
        return c == 0xFFFF ? 0 : c;
    }

    /**
     * Apply a precomputed delta to a UDP checksum: 0 ("none") stays 0, a result of 0 is written 0xFFFF.
     *
     * @param checksum carried UDP checksum.
     * @param delta    precomputed delta.
     * @return new UDP checksum.
     */
    public static int applyDeltaUdp(final int checksum, final int delta)
    {
        if (checksum == 0)
        {
            return 0;
        }
        final int c = applyDelta(checksum, delta);
        return c == 0 ? 0xFFFF : c;
    }

    /**
     * RFC 1624 eqn. 3 for one 16-bit field change.
     *
     * @param oldChecksum carried checksum.
     * @param oldValue    16-bit field before.
     * @param newValue    16-bit field after.
     * @return new checksum.
     */
    public static int update16(final int oldChecksum, final int oldValue, final int newValue)
    {
        return applyDelta(oldChecksum, delta16(oldValue, newValue));
    }

    /**
     * RFC 1624 eqn. 3 for one 32-bit field change.
     *
     * @param oldChecksum carried checksum.
     * @param oldValue    32-bit field before.
     * @param newValue    32-bit field after.
     * @return new checksum.
     */
    public static int update32(final int oldChecksum, final int oldValue, final int newValue)
    {
        return applyDelta(oldChecksum, delta32(oldValue, newValue));
    }

    /**
     * {@link #update16} with UDP rules (0 stays 0, 0 result written as 0xFFFF).
     *
     * @param oldChecksum carried UDP checksum.
     * @param oldValue    16-bit field before.
     * @param newValue    16-bit field after.
     * @return new UDP checksum.
     */
    public static int updateUdp16(final int oldChecksum, final int oldValue, final int newValue)
    {
        return applyDeltaUdp(oldChecksum, delta16(oldValue, newValue));
    }

    /**
     * {@link #update32} with UDP rules (0 stays 0, 0 result written as 0xFFFF).
     *
     * @param oldChecksum carried UDP checksum.
     * @param oldValue    32-bit field before.
     * @param newValue    32-bit field after.
     * @return new UDP checksum.
     */
    public static int updateUdp32(final int oldChecksum, final int oldValue, final int newValue)
    {
        return applyDeltaUdp(oldChecksum, delta32(oldValue, newValue));
    }
}
