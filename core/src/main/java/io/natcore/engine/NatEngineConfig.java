/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.engine;

import io.natcore.nat.ReservedPorts;
import io.natcore.nat.DrawHints;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.NatRuleSet;
import io.natcore.track.Timeouts;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable settings of a {@link NatEngine}; build with {@link #builder()}. Defaults follow Linux: window tracking
 * strict ({@code be_liberal=0}), mid-stream pickup on ({@code tcp_loose=1}), INVALID packets forwarded untranslated,
 * TTL decremented like a router.
 */
public final class NatEngineConfig
{
    final NatRuleSet rules;
    final BoxConfig box;
    final int capacity;
    final long seed;
    final Timeouts timeouts;
    final boolean beLiberal;
    final boolean tcpLoose;
    final boolean dropInvalid;
    final boolean decrementTtl;
    final boolean trackLocalDelivery;
    final int zone;
    final int eventBufferBytes;
    final boolean events;
    final int hz;
    final int fragmentCapacity;
    final int fragmentsHeld;
    final FragmentHandling fragmentHandling;
    final int expiryWorkPerPacket;
    final Path mappedFile;
    final ChecksumVerification checksumVerification;
    final ReservedPorts reservedPorts;
    final DrawHints drawHints;

    private NatEngineConfig(final Builder b)
    {
        this.rules = Objects.requireNonNull(b.rules, "rules");
        this.box = Objects.requireNonNull(b.box, "box");
        this.capacity = b.capacity;
        this.seed = b.seed;
        this.timeouts = b.timeouts;
        this.beLiberal = b.beLiberal;
        this.tcpLoose = b.tcpLoose;
        this.dropInvalid = b.dropInvalid;
        this.decrementTtl = b.decrementTtl;
        this.trackLocalDelivery = b.trackLocalDelivery;
        this.zone = b.zone;
        this.eventBufferBytes = b.eventBufferBytes;
        this.events = b.events;
        this.hz = b.hz;
        this.fragmentCapacity = b.fragmentCapacity;
        this.fragmentsHeld = b.fragmentsHeld;
        this.fragmentHandling = b.fragmentHandling;
        this.expiryWorkPerPacket = b.expiryWorkPerPacket;
        this.mappedFile = b.mappedFile;
        this.checksumVerification = b.checksumVerification;
        this.reservedPorts = b.reservedPorts;
        this.drawHints = b.drawHints;
    }

    /** @return a builder with Linux defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the rule set. */
    public NatRuleSet rules()
    {
        return rules;
    }

    /** @return the box. */
    public BoxConfig box()
    {
        return box;
    }

    /** @return connection capacity. */
    public int capacity()
    {
        return capacity;
    }

    /** @return seed of the port/id choice. */
    public long seed()
    {
        return seed;
    }

    /** @return timeouts. */
    public Timeouts timeouts()
    {
        return timeouts;
    }

    /** @return drop INVALID packets instead of forwarding them untranslated. */
    public boolean dropInvalid()
    {
        return dropInvalid;
    }

    /** @return decrement TTL when forwarding. */
    public boolean decrementTtl()
    {
        return decrementTtl;
    }

    /** @return connections to the box itself are tracked and translated (see {@link Builder#trackLocalDelivery}). */
    public boolean trackLocalDelivery()
    {
        return trackLocalDelivery;
    }

    /** @return which received checksums are verified ({@code nf_conntrack_checksum}; default ALL). */
    public ChecksumVerification checksumVerification()
    {
        return checksumVerification;
    }

    /** @return ports of the box's own services that source NAT never hands out on a box address. */
    public ReservedPorts reservedPorts()
    {
        return reservedPorts;
    }

    /** @return conntrack zone of every connection. */
    public int zone()
    {
        return zone;
    }

    /** Mutable builder. */
    public static final class Builder
    {
        private NatRuleSet rules;
        private BoxConfig box;
        private int capacity = 65_536;
        // Random by default, as the kernel keys its port-offset hash with a boot-time secret: ports must not be
        // predictable from outside. Fix it with seed(long) for reproducible runs.
        private long seed = new java.security.SecureRandom().nextLong();
        private Timeouts timeouts = new Timeouts();
        private boolean beLiberal;
        private boolean tcpLoose = true;
        private boolean dropInvalid;
        private boolean decrementTtl = true;
        private boolean trackLocalDelivery = true;
        private int zone;
        private int eventBufferBytes = 1 << 20;
        private boolean events = true;
        private int hz = 250;
        private int fragmentCapacity = 1024;
        private int fragmentsHeld = 256;
        private FragmentHandling fragmentHandling = FragmentHandling.REASSEMBLE;
        private int expiryWorkPerPacket = 2;
        private Path mappedFile;
        private ChecksumVerification checksumVerification = ChecksumVerification.ALL;
        private ReservedPorts reservedPorts = ReservedPorts.NONE;
        private DrawHints drawHints;

        private Builder()
        {
        }

        /** @return this; the nat table's rules (bound to the box by the engine). */
        public Builder rules(final NatRuleSet rules)
        {
            this.rules = rules;
            return this;
        }

        /** @return this; interfaces, addresses and routes. */
        public Builder box(final BoxConfig box)
        {
            this.box = box;
            return this;
        }

        /** @return this; connections the table holds. */
        public Builder capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @return this; seed of the port/id choice (runs with equal seeds choose equally). The table's hash seed is
         *     secret and random, whatever this is: a public seed would let crafted tuples flood one probe run.
         */
        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @return this; tracker timeouts. */
        public Builder timeouts(final Timeouts timeouts)
        {
            this.timeouts = Objects.requireNonNull(timeouts);
            return this;
        }

        /** @return this; {@code nf_conntrack_tcp_be_liberal}. */
        public Builder beLiberal(final boolean beLiberal)
        {
            this.beLiberal = beLiberal;
            return this;
        }

        /** @return this; {@code nf_conntrack_tcp_loose}. */
        public Builder tcpLoose(final boolean tcpLoose)
        {
            this.tcpLoose = tcpLoose;
            return this;
        }

        /** @return this; drop INVALID packets (default false: forward untranslated, as Linux). */
        public Builder dropInvalid(final boolean dropInvalid)
        {
            this.dropInvalid = dropInvalid;
            return this;
        }

        /**
         * @return this; which received checksums to verify before tracking (default {@link ChecksumVerification#ALL}:
         *     Linux's {@code nf_conntrack_checksum=1}, a bad IP header sum drops the packet, a bad L4 sum makes it
         *     INVALID). Lower it only for traffic a NIC has validated (the kernel's {@code CHECKSUM_UNNECESSARY}).
         */
        public Builder checksumVerification(final ChecksumVerification verification)
        {
            this.checksumVerification = Objects.requireNonNull(verification, "verification");
            return this;
        }

        /** @return this; decrement TTL with an incremental checksum fix (default true). */
        public Builder decrementTtl(final boolean decrementTtl)
        {
            this.decrementTtl = decrementTtl;
            return this;
        }

        /**
         * @return this; whether a new connection addressed to the box itself (after PREROUTING) is tracked and
         *     translated, as the kernel does (default true: the caller feeds the box's own answers through
         *     {@link PacketProcessor#processOutput}). False when the host's own stack answers such packets outside
         *     the engine (the dataplane): they are {@link Verdict#LOCAL}, untranslated and untracked, because an
         *     entry that never sees the answers would misjudge every later packet of the connection.
         */
        public Builder trackLocalDelivery(final boolean trackLocalDelivery)
        {
            this.trackLocalDelivery = trackLocalDelivery;
            return this;
        }

        /** @return this; conntrack zone (0..65535). */
        public Builder zone(final int zone)
        {
            this.zone = zone & 0xFFFF;
            return this;
        }

        /** @return this; bytes of the event ring buffer. */
        public Builder eventBufferBytes(final int bytes)
        {
            this.eventBufferBytes = bytes;
            return this;
        }

        /** @return this; publish conntrack events (default true). */
        public Builder events(final boolean events)
        {
            this.events = events;
            return this;
        }

        /** @return this; kernel tick rate used to print timeouts the way the kernel rounds them (default 250). */
        public Builder hz(final int hz)
        {
            this.hz = Math.max(1, hz);
            return this;
        }

        /** @return this; datagrams each processor's fragment tracker follows at once. */
        public Builder fragmentCapacity(final int fragmentCapacity)
        {
            this.fragmentCapacity = fragmentCapacity;
            return this;
        }

        /**
         * @return this; fragments each processor may hold ({@link Verdict#HOLD}): until their datagram is complete
         *     ({@link FragmentHandling#REASSEMBLE}), or until their first fragment arrives
         *     ({@link FragmentHandling#EMIT_ON_ARRIVAL}). Default 256 (a 65535-byte datagram in 1500-byte frames is
         *     45 fragments); 0: nothing is held (reassembly then drops every fragmented datagram).
         */
        public Builder fragmentsHeld(final int fragmentsHeld)
        {
            this.fragmentsHeld = Math.max(0, fragmentsHeld);
            return this;
        }

        /** @return this; when fragments leave the engine (default {@link FragmentHandling#REASSEMBLE}, as the kernel). */
        public Builder fragmentHandling(final FragmentHandling handling)
        {
            this.fragmentHandling = handling;
            return this;
        }

        /** @return this; expired entries each processed packet may reap (0: only explicit {@code expire} calls). */
        public Builder expiryWorkPerPacket(final int work)
        {
            this.expiryWorkPerPacket = Math.max(0, work);
            return this;
        }

        /**
         * @param file back the connection table by this memory-mapped file (created when absent, reopened and
         *             recovered otherwise: connections, their NAT and tracker state survive a restart); null for
         *             direct memory (the default).
         * @return this.
         */
        public Builder mappedFile(final Path file)
        {
            this.mappedFile = file;
            return this;
        }

        /**
         * @param ports TCP/UDP ports of the box's own services that source NAT never hands out on a box address
         *              (as {@code ip_local_reserved_ports}); {@link ReservedPorts#NONE} by default.
         * @return this.
         */
        public Builder reservedPorts(final ReservedPorts ports)
        {
            this.reservedPorts = Objects.requireNonNull(ports, "ports");
            return this;
        }

        /**
         * @param hints the NAT choices the kernel recorded for the same traffic, tried first by every new connection
         *              whose original tuple has one (replay against a kernel trace); the engine writes each draw's
         *              outcome into it. Null (the default): the engine draws by itself, at no cost.
         * @return this.
         */
        public Builder drawHints(final DrawHints hints)
        {
            this.drawHints = hints;
            return this;
        }

        /** @return the configuration. */
        public NatEngineConfig build()
        {
            return new NatEngineConfig(this);
        }
    }
}
