/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.dataplane;

import io.natcore.packet.Checksum;
import io.natcore.packet.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Splits an IPv4 packet (DF clear) that exceeds the egress MTU, as the kernel's {@code ip_do_fragment} slow path:
 * every fragment but the last carries a multiple of 8 payload bytes, all share the identification, each keeps the
 * original's offset base and the last keeps the original's MF bit (the packet may itself be a fragment).
 * Simplification: IP options are copied into every fragment (the kernel keeps only the "copied" ones after the
 * first); packets with options are rare and still valid so.
 */
final class Fragmenter
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private Fragmenter()
    {
    }

    /** @return payload bytes each fragment but the last carries for {@code mtu} and header length {@code ihl}. */
    static int payloadPerFragment(final int mtu, final int ihl)
    {
        return (mtu - ihl) & ~7;
    }

    /**
     * Writes fragment {@code index} of the packet at {@code orig[origOff]} (total length {@code origLength}) to
     * {@code out[outOff]}.
     *
     * @return the fragment's length, or 0 when {@code index} is past the last fragment.
     */
    static int write(
        final MutableDirectBuffer out,
        final int outOff,
        final DirectBuffer orig,
        final int origOff,
        final int origLength,
        final int mtu,
        final int index)
    {
        final int ihl = Ipv4Header.headerLength(orig, origOff);
        final int per = payloadPerFragment(mtu, ihl);
        final int payload = origLength - ihl;
        final int start = index * per;
        if (per <= 0 || start >= payload)
        {
            return 0;
        }
        final int chunk = Math.min(per, payload - start);
        final boolean last = start + chunk >= payload;
        final int flagsFrag = Ipv4Header.flagsFragment(orig, origOff);
        final int baseOffset8 = flagsFrag & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final int mf = last ? flagsFrag & Ipv4Header.FLAG_MF : Ipv4Header.FLAG_MF;
        out.putBytes(outOff, orig, origOff, ihl);
        out.putBytes(outOff + ihl, orig, origOff + ihl + start, chunk);
        out.putShort(outOff + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)(ihl + chunk), NET);
        out.putShort(outOff + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)(mf | (baseOffset8 + start / 8)), NET);
        out.putShort(outOff + Ipv4Header.CHECKSUM_OFFSET, (short)0);
        out.putShort(outOff + Ipv4Header.CHECKSUM_OFFSET, (short)Checksum.ipv4HeaderChecksum(out, outOff, ihl), NET);
        return ihl + chunk;
    }
}
