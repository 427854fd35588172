package io.natcore.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SVG percentile plot: HdrHistogram's log percentile axis, a log latency axis, well-formed output. */
class PercentilePlotTest
{
    private static final double PLOT_WIDTH = PercentilePlot.WIDTH - PercentilePlot.LEFT - PercentilePlot.RIGHT;

    @Test
    void eachNineTakesTheSameWidth()
    {
        assertEquals(PercentilePlot.LEFT, PercentilePlot.x(0), 1e-9);
        assertEquals(PercentilePlot.LEFT + PLOT_WIDTH / 5, PercentilePlot.x(90), 1e-6);
        assertEquals(PercentilePlot.LEFT + 2 * PLOT_WIDTH / 5, PercentilePlot.x(99), 1e-6);
        assertEquals(PercentilePlot.LEFT + 3 * PLOT_WIDTH / 5, PercentilePlot.x(99.9), 1e-6);
    }

    @Test
    void latencyAxisIsLogarithmic()
    {
        final double y100 = PercentilePlot.y(100, 2, 5);
        final double y1k = PercentilePlot.y(1_000, 2, 5);
        final double y10k = PercentilePlot.y(10_000, 2, 5);
        assertEquals(y100 - y1k, y1k - y10k, 1e-9);
        assertTrue(y10k < y1k, "higher latency is drawn higher");
    }

    @Test
    void svgIsWellFormedWithOneLinePerSeries() throws Exception
    {
        final Histogram a = new Histogram(3);
        final Histogram b = new Histogram(3);
        for (int i = 1; i <= 100_000; i++)
        {
            a.recordValue(400 + i % 100);
            b.recordValue(480 + i % 120);
        }
        a.recordValue(40_000);
        final String svg = PercentilePlot.svg("t <a&b>", new String[] { "baseline", "candidate" }, new Histogram[] { a, b });
        final var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertTrue(svg.contains("99.99%") && svg.contains("baseline: p50 4"), svg);
    }
}
