package io.natcore.packet;

/**
 * What {@link PacketParser} learnt about a packet's L4 checksum.
 */
public enum L4ChecksumState
{
    /** Verified and right. */
    VALID,
    /** Verified and wrong (the parse status is then {@link ParseStatus#BAD_L4_CHECKSUM}). */
    BAD,
    /** UDP checksum 0: the sender computed none. */
    NONE,
    /** Not verifiable: a fragment (the checksum covers the reassembled datagram) or a protocol without one. */
    UNVERIFIED
}
