package io.natcore.bench;

/**
 * One-sided Mann-Whitney U test: is {@code b} stochastically larger than {@code a}? The latency gate's statistic,
 * applied to per-round percentiles (each round is one JVM, so rounds are independent samples of the build).
 * <p>
 * {@code U} counts the pairs (a, b) with {@code b > a}, ties counting one half. The p-value is exact: the share of
 * all ways to split the pooled values into groups of the two sizes whose {@code U} is at least the observed one
 * (a permutation test, so ties are handled exactly). Above {@link #EXACT_LIMIT} splits it falls back to the
 * normal approximation with tie correction and continuity correction.
 */
final class RankTest
{
    /** Largest number of splits enumerated exactly (C(20,10) = 184756 fits). */
    static final long EXACT_LIMIT = 1_000_000;

    private RankTest()
    {
    }

    /**
     * @return U of b over a: pairs with {@code b > a}, plus one half per tie.
     */
    static double u(final double[] a, final double[] b)
    {
        double u = 0;
        for (final double x : a)
        {
            for (final double y : b)
            {
                u += y > x ? 1 : y == x ? 0.5 : 0;
            }
        }
        return u;
    }

    /**
     * @param a baseline samples (at least 1).
     * @param b candidate samples (at least 1).
     * @return one-sided p-value of H1 "b tends to be larger than a".
     */
    static double pGreater(final double[] a, final double[] b)
    {
        if (a.length == 0 || b.length == 0)
        {
            throw new IllegalArgumentException("empty sample");
        }
        final double observed = u(a, b);
        if (binomial(a.length + b.length, b.length) <= EXACT_LIMIT)
        {
            return exact(a, b, observed);
        }
        return normal(a, b, observed);
    }

    private static double exact(final double[] a, final double[] b, final double observed)
    {
        final int n = a.length + b.length;
        final double[] pooled = new double[n];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        final int k = b.length;
        final int[] pick = new int[k];
        for (int i = 0; i < k; i++)
        {
            pick[i] = i;
        }
        final boolean[] inB = new boolean[n];
        long total = 0;
        long atLeast = 0;
        while (true)
        {
            java.util.Arrays.fill(inB, false);
            for (final int p : pick)
            {
                inB[p] = true;
            }
            double u = 0;
            for (int i = 0; i < n; i++)
            {
                if (inB[i])
                {
                    continue;
                }
                for (int j = 0; j < n; j++)
                {
                    if (inB[j])
                    {
                        u += pooled[j] > pooled[i] ? 1 : pooled[j] == pooled[i] ? 0.5 : 0;
                    }
                }
            }
            total++;
            if (u >= observed - 1e-9)
            {
                atLeast++;
            }
            // next k-combination of 0..n-1 in lexicographic order
            int i = k - 1;
            while (i >= 0 && pick[i] == n - k + i)
            {
                i--;
            }
            if (i < 0)
            {
                break;
            }
            pick[i]++;
            for (int j = i + 1; j < k; j++)
            {
                pick[j] = pick[j - 1] + 1;
            }
        }
        return (double)atLeast / total;
    }

    static double normal(final double[] a, final double[] b, final double observed)
    {
        final int m = a.length;
        final int n = b.length;
        final int total = m + n;
        final double[] pooled = new double[total];
        System.arraycopy(a, 0, pooled, 0, m);
        System.arraycopy(b, 0, pooled, m, n);
        java.util.Arrays.sort(pooled);
        double tieTerm = 0;
        for (int i = 0; i < total; )
        {
            int j = i;
            while (j < total && pooled[j] == pooled[i])
            {
                j++;
            }
            final double t = j - i;
            tieTerm += t * t * t - t;
            i = j;
        }
        final double mean = m * (double)n / 2;
        final double var = m * (double)n / 12 * ((total + 1) - tieTerm / ((double)total * (total - 1)));
        if (var <= 0)
        {
            return 1;
        }
        final double z = (observed - mean - 0.5) / Math.sqrt(var);
        return upperTail(z);
    }

    /** P(Z >= z) for a standard normal Z (Abramowitz-Stegun 7.1.26 erfc, |error| < 1.5e-7). */
    static double upperTail(final double z)
    {
        final double x = Math.abs(z) / Math.sqrt(2);
        final double t = 1 / (1 + 0.3275911 * x);
        final double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
            + t * 1.061405429)))) * Math.exp(-x * x);
        final double upper = erfc / 2;
        return z >= 0 ? upper : 1 - upper;
    }

    /** @return C(n, k) as a double (exact well past the limit used here). */
    static double binomial(final int n, final int k)
    {
        double c = 1;
        for (int i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    /** @return the median of the values (mean of the middle two for an even count). */
    static double median(final double[] values)
    {
        final double[] s = values.clone();
        java.util.Arrays.sort(s);
        final int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
