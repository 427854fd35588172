/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.nat;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortAllocatorTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int GRE = 47;
    private static final int CLIENT = ip(192, 168, 1, 5);
    private static final int SERVER = ip(172, 16, 3, 5);
    private static final int BOX = ip(172, 16, 2, 5);

    /** A set of taken tuples (as the kernel sees them: any direction) plus call counts. */
    static class FakeTable implements TupleOracle
    {
        final Set<String> taken = new HashSet<>();
        final Set<String> evictable = new HashSet<>();
        int plainChecks;
        int harderChecks;
        int harderChecksBeforeFirstPlainAfter = -1;

        void take(final int proto, final int src, final int dst, final int sport, final int dport)
        {
            taken.add(key(proto, src, dst, sport, dport));
        }

        static String key(final int proto, final int src, final int dst, final int sport, final int dport)
        {
            return proto + " " + src + ":" + sport + " " + dst + ":" + dport;
        }

        @Override
        public boolean isTakenOrReapExpired(final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            plainChecks++;
            return taken.contains(key(proto, srcIp, dstIp, srcPort, dstPort));
        }

        @Override
        public boolean isTakenOrEvictClosing(
            final int proto, final int srcIp, final int dstIp, final int srcPort, final int dstPort)
        {
            harderChecks++;
            final String k = key(proto, srcIp, dstIp, srcPort, dstPort);
            if (evictable.remove(k))
            {
                taken.remove(k);
                return false;
            }
            return taken.contains(k);
        }
    }

    private final FakeTable table = new FakeTable();
    private final NatTuple out = new NatTuple();

    private static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static PortAllocator allocator(final long seed)
    {
        return new PortAllocator(new NatRandom(seed));
    }

    private boolean masquerade(final PortAllocator a, final int proto, final int sport, final boolean syn)
    {
        final NatTuple orig = new NatTuple().set(proto, CLIENT, SERVER, sport, 7);
        return a.choose(orig, new NatRange().address(BOX), PortAllocator.MANIP_SRC, syn, table, out);
    }

    @Test
    void keepsTheOriginalPortWhenTheReplyTupleIsFree()
    {
        assertTrue(masquerade(allocator(1), TCP, 40000, true));
        assertEquals(BOX, out.srcIp);
        assertEquals(40000, out.srcPort);
        assertEquals(SERVER, out.dstIp);
        assertEquals(7, out.dstPort);
    }

    @Test
    void movesToAFreePortOfTheUpperClassWhenTheReplyTupleIsTaken()
    {
        // Trace 10: a second client with the same source port to the same server.
        table.take(TCP, SERVER, BOX, 7, 40000);
        assertTrue(masquerade(allocator(1), TCP, 40000, true));
        assertEquals(BOX, out.srcIp);
        assertNotEquals(40000, out.srcPort);
        assertTrue(out.srcPort >= 1024 && out.srcPort <= 65535, "port " + out.srcPort);
        assertFalse(table.taken.contains(FakeTable.key(TCP, SERVER, BOX, 7, out.srcPort)));
    }

    @Test
    void privilegedPortsBelow512StayBetween1And511()
    {
        for (int i = 0; i < 50; i++)
        {
            table.take(UDP, SERVER, BOX, 7, 100);
            assertTrue(masquerade(allocator(i), UDP, 100, false));
            assertTrue(out.srcPort >= 1 && out.srcPort <= 511, "port " + out.srcPort);
        }
    }

    @Test
    void privilegedPortsFrom512StayBetween600And1023()
    {
        for (int i = 0; i < 50; i++)
        {
            table.take(TCP, SERVER, BOX, 7, 1000);
            table.take(TCP, SERVER, BOX, 7, 550);
            assertTrue(masquerade(allocator(i), TCP, 1000, true));
            assertTrue(out.srcPort >= 600 && out.srcPort <= 1023, "port " + out.srcPort);
            assertTrue(masquerade(allocator(i), TCP, 550, true));
            assertTrue(out.srcPort >= 600 && out.srcPort <= 1023, "port " + out.srcPort);
        }
    }

    @Test
    void aPortOutsideTheRulesRangeIsMovedIntoIt()
    {
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, SERVER, 40000, 80);
        final NatRange range = new NatRange().address(BOX).ports(5000, 5010);
        assertTrue(allocator(3).choose(orig, range, PortAllocator.MANIP_SRC, true, table, out));
        assertTrue(out.srcPort >= 5000 && out.srcPort <= 5010, "port " + out.srcPort);
    }

    @Test
    void aPortInsideTheRulesRangeIsKeptWhenFree()
    {
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, SERVER, 5005, 80);
        final NatRange range = new NatRange().address(BOX).ports(5000, 5010);
        assertTrue(allocator(3).choose(orig, range, PortAllocator.MANIP_SRC, true, table, out));
        assertEquals(5005, out.srcPort);
    }

    @Test
    void exhaustedRangeReportsFailure()
    {
        table.take(UDP, SERVER, BOX, 7, 5000);
        table.take(UDP, SERVER, BOX, 7, 5001);
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 40000, 7);
        final NatRange range = new NatRange().address(BOX).ports(5000, 5001);
        assertFalse(allocator(3).choose(orig, range, PortAllocator.MANIP_SRC, false, table, out));
    }

    @Test
    void theSearchTriesAtMost128CandidatesPerRound()
    {
        // Every port of the upper class taken: the kernel halves the round while it is at least 16 candidates,
        // so it gives up after 128 + 64 + 32 + 16 + 8.
        for (int port = 1024; port <= 65535; port++)
        {
            table.take(UDP, SERVER, BOX, 7, port);
        }
        assertFalse(masquerade(allocator(5), UDP, 40000, false));
        // 1 (the original port, after the address choice) + the rounds + 1 (the final check)
        assertEquals(1 + 128 + 64 + 32 + 16 + 8 + 1, table.plainChecks);
    }

    @Test
    void aSynMayEvictAClosingHolderOnlyInTheLast32Attempts()
    {
        for (int port = 5000; port < 5064; port++)
        {
            table.take(TCP, SERVER, BOX, 7, port);
        }
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, SERVER, 6000, 7);
        final NatRange range = new NatRange().address(BOX).ports(5000, 5063);
        // Everything taken, one tuple held by a TIME_WAIT connection: found in the harder phase only.
        final int victim = 5017;
        table.evictable.add(FakeTable.key(TCP, SERVER, BOX, 7, victim));
        assertTrue(allocator(9).choose(orig, range, PortAllocator.MANIP_SRC, true, table, out));
        assertEquals(victim, out.srcPort);
        assertTrue(table.harderChecks >= 1 && table.harderChecks <= 32, "harder checks " + table.harderChecks);
    }

    @Test
    void aUdpFlowNeverEvicts()
    {
        for (int port = 5000; port < 5064; port++)
        {
            table.take(UDP, SERVER, BOX, 7, port);
        }
        table.evictable.add(FakeTable.key(UDP, SERVER, BOX, 7, 5000));
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 6000, 7);
        final NatRange range = new NatRange().address(BOX).ports(5000, 5063);
        assertFalse(allocator(9).choose(orig, range, PortAllocator.MANIP_SRC, false, table, out));
        assertEquals(0, table.harderChecks);
    }

    @Test
    void theSameSeedChoosesTheSamePorts()
    {
        table.take(TCP, SERVER, BOX, 7, 40000);
        final PortAllocator a = allocator(77);
        final PortAllocator b = allocator(77);
        for (int i = 0; i < 20; i++)
        {
            masquerade(a, TCP, 40000, true);
            final int first = out.srcPort;
            masquerade(b, TCP, 40000, true);
            assertEquals(first, out.srcPort);
        }
    }

    @Test
    void randomFullyDrawsAPortEvenWhenTheOriginalIsFree()
    {
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, SERVER, 40000, 80);
        final NatRange range = new NatRange().address(BOX);
        range.randomFully = true;
        final Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 8; i++)
        {
            assertTrue(allocator(i).choose(orig, range, PortAllocator.MANIP_SRC, true, table, out));
            assertTrue(out.srcPort >= 1024);
            ports.add(out.srcPort);
        }
        assertTrue(ports.size() > 1, "random-fully must not keep the original port: " + ports);
    }

    @Test
    void icmpIdsAreSearchedOverTheirWholeRangeAndKeptInBothFields()
    {
        table.take(ICMP, SERVER, BOX, 13713, 13713);
        final NatTuple orig = new NatTuple().set(ICMP, CLIENT, SERVER, 13713, 13713);
        assertTrue(allocator(4).choose(orig, new NatRange().address(BOX), PortAllocator.MANIP_SRC, false, table, out));
        assertNotEquals(13713, out.srcPort);
        assertEquals(out.srcPort, out.dstPort);
    }

    @Test
    void destinationNatWithoutAPortRangeNeverMovesThePort()
    {
        // Taken or not, a DNAT without a port range keeps the port: the source step resolves clashes.
        table.take(TCP, SERVER, CLIENT, 80, 40000);
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, ip(172, 16, 2, 65), 40000, 80);
        allocator(2).choose(orig, new NatRange().address(SERVER), PortAllocator.MANIP_DST, true, table, out);
        assertEquals(SERVER, out.dstIp);
        assertEquals(80, out.dstPort);
        assertEquals(40000, out.srcPort);
    }

    @Test
    void protocolsWithoutPortsTranslateTheAddressOnly()
    {
        final NatTuple orig = new NatTuple().set(GRE, CLIENT, SERVER, 0, 0);
        assertTrue(allocator(2).choose(orig, new NatRange().address(BOX), PortAllocator.MANIP_SRC, false, table, out));
        assertEquals(BOX, out.srcIp);
        assertEquals(0, out.srcPort);
        assertEquals(0, out.dstPort);
    }

    @Test
    void persistentGivesAClientTheSameAddressForEveryDestination()
    {
        final NatRange range = new NatRange().addresses(ip(10, 0, 0, 1), ip(10, 0, 0, 200));
        range.persistent = true;
        final PortAllocator a = allocator(6);
        a.choose(new NatTuple().set(TCP, CLIENT, SERVER, 40000, 80), range, PortAllocator.MANIP_SRC, true, table, out);
        final int first = out.srcIp;
        assertTrue(Integer.compareUnsigned(first, ip(10, 0, 0, 1)) >= 0 &&
            Integer.compareUnsigned(first, ip(10, 0, 0, 200)) <= 0);
        for (int d = 1; d < 50; d++)
        {
            a.choose(new NatTuple().set(TCP, CLIENT, ip(8, 8, 0, d), 40000, 80), range, PortAllocator.MANIP_SRC,
                true, table, out);
            assertEquals(first, out.srcIp);
        }
    }

    @Test
    void anExistingMappingOfTheSameSourceIsReused()
    {
        final TupleOracle withMapping = new FakeTable()
        {
            @Override
            public boolean findSourceMapping(final int proto, final int srcIp, final int srcPort, final NatTuple o)
            {
                o.srcIp = BOX;
                o.srcPort = 33384;
                return true;
            }
        };
        final NatTuple orig = new NatTuple().set(UDP, CLIENT, SERVER, 40000, 7);
        assertTrue(allocator(1).choose(orig, new NatRange().address(BOX), PortAllocator.MANIP_SRC, false,
            withMapping, out));
        assertEquals(33384, out.srcPort);
        assertEquals(SERVER, out.dstIp);
    }

    @Test
    void aSearchStopsOnTheFirstFreeCandidateWithoutAskingAgain()
    {
        // Kernel nf_nat_l4proto_unique_tuple returns on the first candidate nf_nat_used_tuple reports free.
        table.take(TCP, SERVER, BOX, 7, 40000);
        assertTrue(masquerade(allocator(1), TCP, 40000, true));
        assertNotEquals(40000, out.srcPort);
        assertEquals(2, table.plainChecks + table.harderChecks, "the original port, then the free candidate");
    }

    @Test
    void aDestinationNatToOnePortDoesNotAskTheTable()
    {
        // Kernel get_unique_tuple: a range of one port is taken as is (min == max), taken or not.
        table.take(TCP, SERVER, CLIENT, 80, 40000);
        final NatTuple orig = new NatTuple().set(TCP, CLIENT, ip(172, 16, 2, 65), 40000, 80);
        allocator(2).chooseDestination(orig, new NatRange().address(SERVER).ports(80, 80), true, table, out);
        assertEquals(SERVER, out.dstIp);
        assertEquals(80, out.dstPort);
        assertEquals(40000, out.srcPort);
        assertEquals(0, table.plainChecks + table.harderChecks);
    }

    @Test
    void chooseDestinationGivesTheTupleChooseGivesForEveryRangeKind()
    {
        final int[] protos = { TCP, UDP, ICMP, GRE };
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(41);
        for (int round = 0; round < 3000; round++)
        {
            final FakeTable t = randomTable(rnd);
            final NatTuple orig = new NatTuple().set(protos[rnd.nextInt(4)], CLIENT, ip(172, 16, 2, 65),
                rnd.nextInt(4) == 0 ? 80 : 1024 + rnd.nextInt(8), rnd.nextInt(4) == 0 ? 80 : 1 + rnd.nextInt(4));
            final NatRange range = randomRange(rnd, SERVER);
            final long seed = rnd.nextLong();
            final boolean syn = rnd.nextBoolean();
            final NatTuple viaChoose = new NatTuple();
            allocator(seed).choose(orig, range, PortAllocator.MANIP_DST, syn, t, viaChoose);
            allocator(seed).chooseDestination(orig, range, syn, t, out);
            assertEquals(viaChoose.toString(), out.toString(), "round " + round);
        }
    }

    @Test
    void theSourceCandidateIsWhatChooseReturnsWhenItsReplyIsFree()
    {
        final int[] protos = { TCP, UDP, ICMP, GRE };
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(43);
        int checked = 0;
        for (int round = 0; round < 3000; round++)
        {
            final FakeTable t = randomTable(rnd);
            final boolean mapped = rnd.nextBoolean();
            final int mappedPort = 1024 + rnd.nextInt(8);
            final TupleOracle oracle = new TupleOracle()
            {
                @Override
                public boolean isTakenOrReapExpired(final int proto, final int srcIp, final int dstIp, final int sp, final int dp)
                {
                    return t.isTakenOrReapExpired(proto, srcIp, dstIp, sp, dp);
                }

                @Override
                public boolean isTakenOrEvictClosing(
                    final int proto, final int srcIp, final int dstIp, final int sp, final int dp)
                {
                    return t.isTakenOrEvictClosing(proto, srcIp, dstIp, sp, dp);
                }

                @Override
                public boolean findSourceMapping(final int proto, final int srcIp, final int srcPort, final NatTuple o)
                {
                    o.srcIp = BOX;
                    o.srcPort = mappedPort;
                    return mapped;
                }
            };
            final NatTuple orig = new NatTuple().set(protos[rnd.nextInt(4)], CLIENT, SERVER,
                1024 + rnd.nextInt(8), 7);
            final NatRange range = randomRange(rnd, rnd.nextBoolean() ? BOX : CLIENT);
            final NatTuple candidate = new NatTuple();
            if (!allocator(1).sourceCandidate(orig, range, oracle, candidate))
            {
                continue;
            }
            final boolean free = !t.taken.contains(FakeTable.key(candidate.proto, candidate.dstIp, candidate.srcIp,
                candidate.dstPort, candidate.srcPort));
            final boolean found = allocator(1).choose(orig, range, PortAllocator.MANIP_SRC, false, oracle, out);
            if (free)
            {
                checked++;
                assertTrue(found, "round " + round);
                assertEquals(candidate.toString(), out.toString(), "round " + round);
            }
        }
        assertTrue(checked > 1000, "enough rounds had a free candidate: " + checked);
    }

    /** Replies of a few ports around the ones the property tests use, taken at random (any direction). */
    private static FakeTable randomTable(final java.util.SplittableRandom rnd)
    {
        final FakeTable t = new FakeTable();
        final int[] protos = { TCP, UDP, ICMP, GRE };
        final int[] hosts = { CLIENT, SERVER, BOX, ip(172, 16, 2, 65) };
        for (int i = rnd.nextInt(12); i > 0; i--)
        {
            final int sp = rnd.nextInt(3) == 0 ? 80 : 1024 + rnd.nextInt(8);
            final int dp = rnd.nextInt(3) == 0 ? 7 : 1024 + rnd.nextInt(8);
            t.take(protos[rnd.nextInt(4)], hosts[rnd.nextInt(4)], hosts[rnd.nextInt(4)], sp, dp);
        }
        return t;
    }

    private static NatRange randomRange(final java.util.SplittableRandom rnd, final int address)
    {
        final NatRange range = new NatRange();
        if (rnd.nextInt(4) != 0)
        {
            range.address(address);
        }
        switch (rnd.nextInt(3))
        {
            case 0:
                break;
            case 1:
                final int port = rnd.nextBoolean() ? 80 : 1024 + rnd.nextInt(8);
                range.ports(port, port);
                break;
            default:
                final int low = 1024 + rnd.nextInt(4);
                range.ports(low, low + rnd.nextInt(6));
                break;
        }
        range.random = rnd.nextInt(8) == 0;
        range.randomFully = rnd.nextInt(8) == 0;
        return range;
    }
}
