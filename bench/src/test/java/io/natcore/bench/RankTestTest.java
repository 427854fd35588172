package io.natcore.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate's rank test against published Mann-Whitney values and its own normal approximation. */
class RankTestTest
{
    private static final double[] LOW = { 1, 2, 3, 4, 5 };

    @Test
    void completeSeparationOfFiveAgainstFiveIsOneSplitIn252()
    {
        assertEquals(1.0 / 252, RankTest.pGreater(LOW, new double[] { 6, 7, 8, 9, 10 }), 1e-12);
    }

    @Test
    void theReverseDirectionIsNotSignificant()
    {
        assertEquals(1.0, RankTest.pGreater(new double[] { 6, 7, 8, 9, 10 }, LOW), 1e-12);
    }

    @Test
    void uOf21AtFiveAgainstFiveMatchesThePublishedOneSidedCriticalValue()
    {
        // Tables: n1 = n2 = 5, one-sided 0.05 critical U = 4, P(U <= 4) = 12/252 = 0.0476; U = 25 - 4 = 21 here.
        final double[] b21 = { 1.5, 6, 7, 8, 9 }; // 1.5 beats 1: U = 1 + 20 = 21
        assertEquals(21, RankTest.u(LOW, b21), 0);
        assertEquals(12.0 / 252, RankTest.pGreater(LOW, b21), 1e-12);
    }

    @Test
    void allValuesTiedGiveNoEvidence()
    {
        final double[] same = { 400, 400, 400, 400, 400 };
        assertEquals(1.0, RankTest.pGreater(same, same.clone()), 1e-12);
    }

    @Test
    void tiesCountOneHalf()
    {
        assertEquals(0.5, RankTest.u(new double[] { 1 }, new double[] { 1 }), 0);
    }

    @Test
    void normalApproximationIsCloseToTheExactValueAtTenAgainstTen()
    {
        final double[] a = new double[10];
        final double[] b = new double[10];
        for (int i = 0; i < 10; i++)
        {
            a[i] = 2 * i;          // 0, 2, ..., 18
            b[i] = 2 * i + 5;      // 5, 7, ..., 23: overlapping
        }
        final double exact = RankTest.pGreater(a, b);
        final double approx = RankTest.normal(a, b, RankTest.u(a, b));
        assertTrue(exact > 0.001 && exact < 0.2, "exact " + exact);
        assertEquals(exact, approx, 0.01);
    }

    @Test
    void upperTailOfTheStandardNormal()
    {
        assertEquals(0.5, RankTest.upperTail(0), 1e-7);
        assertEquals(0.025, RankTest.upperTail(1.959964), 1e-6);
        assertEquals(0.975, RankTest.upperTail(-1.959964), 1e-6);
    }

    @Test
    void medianOfOddAndEvenCounts()
    {
        assertEquals(3, RankTest.median(new double[] { 5, 1, 3 }), 0);
        assertEquals(2.5, RankTest.median(new double[] { 4, 1, 3, 2 }), 0);
    }
}
