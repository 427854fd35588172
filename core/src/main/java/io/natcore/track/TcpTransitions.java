/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.track;

import static io.natcore.track.TcpState.CLOSE;
import static io.natcore.track.TcpState.CLOSE_WAIT;
import static io.natcore.track.TcpState.ESTABLISHED;
import static io.natcore.track.TcpState.FIN_WAIT;
import static io.natcore.track.TcpState.IGNORE;
import static io.natcore.track.TcpState.LAST_ACK;
import static io.natcore.track.TcpState.MAX;
import static io.natcore.track.TcpState.NONE;
import static io.natcore.track.TcpState.SYN_RECV;
import static io.natcore.track.TcpState.SYN_SENT;
import static io.natcore.track.TcpState.SYN_SENT2;
import static io.natcore.track.TcpState.TIME_WAIT;

/**
 * The TCP conntrack state table ({@code nf_conntrack_proto_tcp.c}'s {@code tcp_conntracks}, 6.x), the flag-set
 * index of a segment ({@code get_conntrack_index}) and the flag combinations conntrack accepts
 * ({@code tcp_valid_flags}, in {@link io.natcore.packet.TcpHeader#validFlags}). sIV ({@link TcpState#MAX}) is an invalid transition, sIG ({@link TcpState#IGNORE}) an
 * ignored segment. Constant data and static functions.
 *
 * <pre>
 * ORIGINAL  sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2       REPLY  sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
 * syn       sSS  sSS  sIG  sIG  sIG  sIG  sIG  sSS  sSS  sS2       syn    sIV  sS2  sIV  sIV  sIV  sIV  sIV  sSS  sIV  sS2
 * synack    sIV  sIV  sSR  sIV  sIV  sIV  sIV  sIV  sIV  sSR       synack sIV  sSR  sIG  sIG  sIG  sIG  sIG  sIG  sIG  sSR
 * fin       sIV  sIV  sFW  sFW  sLA  sLA  sLA  sTW  sCL  sIV       fin    sIV  sIV  sFW  sFW  sLA  sLA  sLA  sTW  sCL  sIV
 * ack       sES  sIV  sES  sES  sCW  sCW  sTW  sTW  sCL  sIV       ack    sIV  sIG  sSR  sES  sCW  sCW  sTW  sTW  sCL  sIG
 * rst       sIV  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL       rst    sIV  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL  sCL
 * none      sIV ...                                                none   sIV ...
 * </pre>
 */
public final class TcpTransitions
{
    /** Flag-set index of a segment (kernel {@code enum tcp_bit_set}). */
    public static final int INDEX_SYN = 0;
    public static final int INDEX_SYNACK = 1;
    public static final int INDEX_FIN = 2;
    public static final int INDEX_ACK = 3;
    public static final int INDEX_RST = 4;
    public static final int INDEX_NONE = 5;

    private static final int sNO = NONE;
    private static final int sSS = SYN_SENT;
    private static final int sSR = SYN_RECV;
    private static final int sES = ESTABLISHED;
    private static final int sFW = FIN_WAIT;
    private static final int sCW = CLOSE_WAIT;
    private static final int sLA = LAST_ACK;
    private static final int sTW = TIME_WAIT;
    private static final int sCL = CLOSE;
    private static final int sS2 = SYN_SENT2;
    private static final int sIV = MAX;
    private static final int sIG = IGNORE;

    /** [direction][index][old state] -> new state: the kernel's tcp_conntracks table (6.x). */
    static final byte[][][] TABLE =
    {
        {
            // ORIGINAL: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2
            row(sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2), // syn
            row(sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR), // synack
            row(sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV), // fin
            row(sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV), // ack
            row(sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL), // rst
            row(sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV), // none
        },
        {
            // REPLY: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2
            row(sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2), // syn
            row(sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR), // synack
            row(sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV), // fin
            row(sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG), // ack
            row(sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL), // rst
            row(sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV), // none
        }
    };

    private TcpTransitions()
    {
    }

    /** @return the new state of a connection in {@code state} seeing a segment of flag-set {@code index} in {@code dir}. */
    static int next(final int dir, final int index, final int state)
    {
        return TABLE[dir][index][state];
    }

    private static byte[] row(final int... states)
    {
        final byte[] row = new byte[states.length];
        for (int i = 0; i < states.length; i++)
        {
            row[i] = (byte)states[i];
        }
        return row;
    }

    /**
     * Kernel {@code get_conntrack_index}: RST wins, then SYN (with or without ACK), FIN, ACK.
     *
     * @param flags TCP flag byte.
     * @return one of the INDEX_* constants.
     */
    public static int index(final int flags)
    {
        if ((flags & TcpSegment.RST) != 0)
        {
            return INDEX_RST;
        }
        if ((flags & TcpSegment.SYN) != 0)
        {
            return (flags & TcpSegment.ACK) != 0 ? INDEX_SYNACK : INDEX_SYN;
        }
        if ((flags & TcpSegment.FIN) != 0)
        {
            return INDEX_FIN;
        }
        return (flags & TcpSegment.ACK) != 0 ? INDEX_ACK : INDEX_NONE;
    }
}
