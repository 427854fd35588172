package io.natcore.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.Locale;

/**
 * Percentile distribution of baseline against candidate as an SVG, laid out like HdrHistogram's plotter: the x axis
 * is {@code log10(1 / (1 - percentile))}, so 90%, 99%, 99.9%, 99.99% and 99.999% are equally spaced; the y axis
 * (latency) is log-scaled too, so the median and the tail both stay readable on a VM whose tail is 100x its median.
 */
final class PercentilePlot
{
    static final int WIDTH = 760;
    static final int HEIGHT = 420;
    static final int LEFT = 70;
    static final int RIGHT = 20;
    static final int TOP = 40;
    static final int BOTTOM = 50;
    /** Rightmost percentile on the axis: 99.999%. */
    static final double MAX_NINES = 5;
    private static final String[] PERCENT_LABELS = { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%" };
    private static final String[] COLOURS = { "#1f77b4", "#d62728" };

    private PercentilePlot()
    {
    }

    /** @return x position of a percentile (0-100). */
    static double x(final double percentile)
    {
        final double nines = Math.min(MAX_NINES, Math.log10(1 / Math.max(1e-12, 1 - percentile / 100)));
        return LEFT + nines / MAX_NINES * (WIDTH - LEFT - RIGHT);
    }

    /** @return y position of a latency, given the axis' decades [lo, hi]. */
    static double y(final double nanos, final double lo, final double hi)
    {
        final double v = Math.log10(Math.max(1, nanos));
        return TOP + (hi - v) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
    }

    /**
     * @param title  plot title.
     * @param names  one label per histogram.
     * @param series the histograms (latency in ns).
     * @return the SVG document.
     */
    static String svg(final String title, final String[] names, final Histogram[] series)
    {
        long min = Long.MAX_VALUE;
        long max = 1;
        for (final Histogram h : series)
        {
            min = Math.min(min, Math.max(1, h.getValueAtPercentile(0)));
            max = Math.max(max, h.getValueAtPercentile(100 - Math.pow(10, 2 - MAX_NINES)));
        }
        final double lo = Math.floor(Math.log10(min));
        final double hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
        final StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" " +
            "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final double p = 100 - 100 / Math.pow(10, nines);
            final double px = x(p);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                px, TOP, px, HEIGHT - BOTTOM));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                px, HEIGHT - BOTTOM + 16, percentLabel(nines)));
        }
        for (int d = (int)lo; d <= (int)hi; d++)
        {
            final double py = y(Math.pow(10, d), lo, hi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, py, WIDTH - RIGHT, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                LEFT - 6, py + 4, nanosLabel(Math.pow(10, d))));
        }
        s.append(String.format(Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12));
        s.append(String.format(Locale.ROOT,
            "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">latency per packet</text>%n",
            (TOP + HEIGHT - BOTTOM) / 2));
        for (int i = 0; i < series.length; i++)
        {
            final String colour = COLOURS[i % COLOURS.length];
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
            for (final HistogramIterationValue v : series[i].percentiles(5))
            {
                final double p = v.getPercentileLevelIteratedTo();
                if (p > 100 - Math.pow(10, 2 - MAX_NINES))
                {
                    break;
                }
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p), y(v.getValueIteratedTo(), lo, hi)));
            }
            s.append("\"/>\n");
            s.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: p50 %d, p99 %d, p99.9 %d ns</text>%n", LEFT + 10, TOP + 16 + 16 * i,
                colour, escape(names[i]), series[i].getValueAtPercentile(50), series[i].getValueAtPercentile(99),
                series[i].getValueAtPercentile(99.9)));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    static String percentLabel(final int nines)
    {
        return PERCENT_LABELS[nines];
    }

    static String nanosLabel(final double nanos)
    {
        if (nanos >= 1e6)
        {
            return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
        }
        if (nanos >= 1e3)
        {
            return String.format(Locale.ROOT, "%.0f us", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", nanos);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
