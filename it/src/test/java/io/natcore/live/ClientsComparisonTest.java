/*
 * Copyright 2026 natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.live;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientsComparisonTest
{
    private static final String CMD = "$ [onp] python3 oracle/client.py udp 172.16.2.65 53 - 45000 3 40\n";

    @Test
    void aKeptPortMustBeKeptAndADrawnPortMayBeAnyOfItsClass()
    {
        assertTrue(ClientsComparison.compare(CMD + "remote=172.16.2.5:45000 len=40\n",
            CMD + "remote=172.16.2.5:45000 len=40\n").isEmpty());
        assertEquals(1, ClientsComparison.compare(CMD + "remote=172.16.2.5:45000 len=40\n",
            CMD + "remote=172.16.2.5:45001 len=40\n").size());
        assertTrue(ClientsComparison.compare(CMD + "remote=172.16.2.5:52421 len=40\n",
            CMD + "remote=172.16.2.5:33001 len=40\n").isEmpty());
        assertEquals(1, ClientsComparison.compare(CMD + "remote=172.16.2.5:52421 len=40\n",
            CMD + "remote=172.16.2.5:600 len=40\n").size());
    }

    @Test
    void anotherAddressOrOtherTextIsADifference()
    {
        assertEquals(1, ClientsComparison.compare(CMD + "remote=172.16.2.5:52421 len=40\n",
            CMD + "remote=192.168.1.5:52421 len=40\n").size());
        assertEquals(1, ClientsComparison.compare(CMD + "remote=172.16.2.5:52421 len=40\n",
            CMD + "timeout\n").size());
        assertEquals(1, ClientsComparison.compare(CMD + "remote=172.16.2.5:52421 len=40\n", CMD).size());
    }

    @Test
    void pingTimesAndTracebackLineNumbersAreNotCompared()
    {
        final String kernel = "64 bytes from 172.16.2.67: icmp_seq=1 ttl=61 time=0.489 ms\n" +
            "3 packets transmitted, 3 received, 0% packet loss, time 408ms\n" +
            "rtt min/avg/max/mdev = 0.074/0.218/0.489/0.191 ms\n" +
            "  File \"oracle/client.py\", line 55, in <module>\n";
        final String natcore = "64 bytes from 172.16.2.67: icmp_seq=1 ttl=61 time=0.101 ms\n" +
            "3 packets transmitted, 3 received, 0% packet loss, time 402ms\n" +
            "rtt min/avg/max/mdev = 0.071/0.118/0.101/0.011 ms\n" +
            "  File \"/work/lab/client.py\", line 61, in <module>\n";
        assertTrue(ClientsComparison.compare(kernel, natcore).isEmpty());
        assertEquals(1, ClientsComparison.compare(kernel, natcore.replace("ttl=61", "ttl=62")).size());
        assertTrue(ClientsComparison.compare("0.00 A ok\n fill /tmp/tmp.67PXqWmQYr\n",
            "0.03 A ok\n fill /tmp/tmp.OgQ4MjCjFF\n").isEmpty(), "client clocks and temporary names");
    }

    @Test
    void onALossyLinkOnlyTheCommandsAndTheMasqueradedAddressCount()
    {
        final String cmd = "$ [onp] python3 oracle/client.py tcp 172.16.2.65 7 - 0 3\n";
        final String timedOut = cmd + "Traceback (most recent call last):\nTimeoutError: timed out\n(exit 1)\n";
        assertTrue(ClientsComparison.compareLossy(timedOut, cmd + "remote=172.16.2.5:40000\nline 0\n",
            "172.16.2.5").isEmpty());
        assertEquals(1, ClientsComparison.compareLossy(timedOut, cmd + "remote=192.168.1.5:40000\n",
            "172.16.2.5").size());
        assertEquals(1, ClientsComparison.compareLossy(timedOut, "$ [onp] ping 172.16.2.65\n", "172.16.2.5").size());
    }

    @Test
    void scenario15sSecondClientMayGetAPortOrBeCutAtTheLabsLimit()
    {
        final String head = "$ [onp] python3 -c \n reuse /tmp/tmp.67PXqWmQYr\n";
        final String kernel = LiveLabTest.chance("15-x", head + "41007 remote=172.16.2.5:20002\n");
        assertEquals(kernel, LiveLabTest.chance("15-x", head.replace("67PXqWmQYr", "abc") + "(exit 124)\n")
            .replace("abc", "67PXqWmQYr"));
        assertEquals(kernel, LiveLabTest.chance("15-x", head + "41007 remote=172.16.2.5:20000\n(exit 124)\n"));
    }
}
