/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

/**
 * Fixed-size record of one conntrack event in the engine's event ring buffer (native byte order: in-process only).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 TIMESTAMP (nanos, long)                       |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 TYPE (ConntrackEventType ordinal)             |  8
 *  +---------------------------------------------------------------+
 *  |                 PROTOCOL                                      | 12
 *  +---------------------------------------------------------------+
 *  |                 STATE (TCP state, else 0)                     | 16
 *  +---------------------------------------------------------------+
 *  |                 TIMEOUT (seconds left)                        | 20
 *  +---------------------------------------------------------------+
 *  |                 STATUS (FlowStatus bits)                      | 24
 *  +---------------------------------------------------------------+
 *  |                 CT_ID                                         | 28
 *  +---------------------------------------------------------------+
 *  |                 ORIG src address                              | 32
 *  |                 ORIG dst address                              | 36
 *  +-------------------------------+-------------------------------+
 *  |  ORIG src port / ICMP id      |  ORIG dst port / ICMP id      | 40
 *  +-------------------------------+-------------------------------+
 *  |                 REPLY src address                             | 44
 *  |                 REPLY dst address                             | 48
 *  +-------------------------------+-------------------------------+
 *  |  REPLY src port               |  REPLY dst port               | 52
 *  +---------------+---------------+-------------------------------+
 *  |  ICMP type    |  ICMP code    |  reserved                     | 56
 *  +---------------+---------------+-------------------------------+
 *  |                 ZONE                                          | 60
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ConntrackEventDescriptor
{
    /** Event time (the packet's or the expiry call's clock). */
    public static final int TIMESTAMP_OFFSET = 0;
    /** {@link ConntrackEventType} ordinal. */
    public static final int TYPE_OFFSET = 8;
    /** IP protocol. */
    public static final int PROTOCOL_OFFSET = 12;
    /** TCP state. */
    public static final int STATE_OFFSET = 16;
    /** Seconds until expiry. */
    public static final int TIMEOUT_OFFSET = 20;
    /** Status bits. */
    public static final int STATUS_OFFSET = 24;
    /** Conntrack id. */
    public static final int CT_ID_OFFSET = 28;
    /** Original tuple source. */
    public static final int ORIG_SRC_OFFSET = 32;
    /** Original tuple destination. */
    public static final int ORIG_DST_OFFSET = 36;
    /** Original tuple source port. */
    public static final int ORIG_SPORT_OFFSET = 40;
    /** Original tuple destination port. */
    public static final int ORIG_DPORT_OFFSET = 42;
    /** Reply tuple source. */
    public static final int REPLY_SRC_OFFSET = 44;
    /** Reply tuple destination. */
    public static final int REPLY_DST_OFFSET = 48;
    /** Reply tuple source port. */
    public static final int REPLY_SPORT_OFFSET = 52;
    /** Reply tuple destination port. */
    public static final int REPLY_DPORT_OFFSET = 54;
    /** ICMP type of the original direction. */
    public static final int ICMP_TYPE_OFFSET = 56;
    /** ICMP code. */
    public static final int ICMP_CODE_OFFSET = 57;
    /** Zone. */
    public static final int ZONE_OFFSET = 60;
    /** Record length. */
    public static final int LENGTH = 64;
    /** Ring buffer message type id of every record. */
    public static final int MSG_TYPE_ID = 1;

    private ConntrackEventDescriptor()
    {
    }
}
