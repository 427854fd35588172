package io.natcore.packet;

import org.agrona.DirectBuffer;

/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78) over a DirectBuffer, table driven, for the SCTP
 * common-header checksum (RFC 9260 appendix B). Allocation free after class init.
 */
final class Crc32c
{
    private static final int[] TABLE = new int[256];

    static
    {
        for (int n = 0; n < 256; n++)
        {
            int c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32c()
    {
    }

    /**
     * Continue a CRC over a range.
     *
     * @param crc    running register (start with 0xFFFFFFFF).
     * @param buffer data.
     * @param offset first byte.
     * @param length bytes.
     * @return running register (complement it at the end).
     */
    static int update(final int crc, final DirectBuffer buffer, final int offset, final int length)
    {
        int c = crc;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            c = TABLE[(c ^ buffer.getByte(i)) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    /**
     * Continue a CRC over zero bytes (stands in for the checksum field).
     *
     * @param crc   running register.
     * @param count zero bytes.
     * @return running register.
     */
    static int updateZeros(final int crc, final int count)
    {
        int c = crc;
        for (int i = 0; i < count; i++)
        {
            c = TABLE[c & 0xFF] ^ (c >>> 8);
        }
        return c;
    }
}
