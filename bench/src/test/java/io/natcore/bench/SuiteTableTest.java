package io.natcore.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite's results file and the table made from it: JSON round trip, ratios, splicing, comparing two runs. */
class SuiteTableTest
{
    private static Map<String, Object> result(final double score, final double error)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", score);
        m.put("error", error);
        m.put("unit", "ns/op");
        m.put("bytesPerOp", 0.001);
        return m;
    }

    private static Map<String, Object> results(final double natcore, final double chm)
    {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put(SuiteTable.key("FlowTableBenchmark.lookupBurst", "impl=flowtable", "entries=1000000"), result(natcore, 1.5));
        r.put(SuiteTable.key("FlowTableBenchmark.lookupBurst", "impl=concurrentHashMap", "entries=1000000"),
            result(chm, 9));
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", "Test CPU \"quoted\"");
        machine.put("cores", 2);
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("description", "test settings");
        final Map<String, Object> all = new LinkedHashMap<>();
        all.put("machine", machine);
        all.put("settings", settings);
        all.put("results", r);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundTrip(final Map<String, Object> m)
    {
        return (Map<String, Object>)Json.read(Json.write(m));
    }

    @Test
    void jsonRoundTripKeepsKeysOrderNumbersAndEscapes()
    {
        final Map<String, Object> back = roundTrip(results(45.6, 151.7));
        assertEquals("Test CPU \"quoted\"", ((Map<?, ?>)back.get("machine")).get("cpu"));
        final Map<?, ?> r = (Map<?, ?>)back.get("results");
        assertEquals(List.of("FlowTableBenchmark.lookupBurst entries=1000000 impl=flowtable",
            "FlowTableBenchmark.lookupBurst entries=1000000 impl=concurrentHashMap"), List.copyOf(r.keySet()));
        assertEquals(151.7, (Double)((Map<?, ?>)r.values().toArray()[1]).get("score"), 1e-9);
        assertEquals(List.of(1.0, "x", Boolean.TRUE), Json.read("[1, \"x\", true]"));
        assertThrows(IllegalArgumentException.class, () -> Json.read("{\"a\": 1,"));
    }

    @Test
    void tableRowPutsThePeerNextToNatcoreWithTheRatioComputedFromTheFile()
    {
        final String md = SuiteTable.markdown(roundTrip(results(45.6, 151.7)));
        // 151.7 / 45.6 = 3.3267
        assertTrue(md.contains("| flow table lookup, bursts of 32, 1M connections | 45.6 | ConcurrentHashMap | 152 | 3.33x |"),
            md);
        assertTrue(md.contains("test settings") && md.contains("Test CPU"), md);
        assertFalse(md.contains("Chronicle Map |"), "rows without results are left out: " + md);
    }

    @Test
    void spliceReplacesOnlyTheTextBetweenTheMarkers()
    {
        final String doc = "# T\nbefore\n" + SuiteTable.BEGIN + "\nold table\n" + SuiteTable.END + "\nafter\n";
        final String out = SuiteTable.splice(doc, "new table\n");
        assertEquals("# T\nbefore\n" + SuiteTable.BEGIN + "\nnew table\n" + SuiteTable.END + "\nafter\n", out);
        assertEquals(out, SuiteTable.splice(out, "new table\n"));
        assertThrows(IllegalArgumentException.class, () -> SuiteTable.splice("no markers", "x"));
    }

    @Test
    void compareGivesTheRatioOfTheSecondRunToTheFirst()
    {
        final String md = SuiteTable.compare(roundTrip(results(40, 150)), roundTrip(results(50, 150)));
        assertTrue(md.contains("| FlowTableBenchmark.lookupBurst entries=1000000 impl=flowtable | 40.0 ± 1.50 | 50.0 ± 1.50 | 1.25x |"),
            md);
    }

    @Test
    void machineFieldsParseFromProcText()
    {
        assertEquals("AMD EPYC", MachineInfo.cpuModel("processor\t: 0\nmodel name\t: AMD EPYC\n"));
        assertEquals("24 GiB", MachineInfo.memTotal("MemTotal:       25165824 kB\n"));
        assertEquals("THP always [madvise] never; reserved HugePages 0 x 2048 kB",
            MachineInfo.hugePages("always [madvise] never\n", "HugePages_Total:       0\nHugepagesize:       2048 kB\n"));
    }

    @Test
    void everyRowWithAPeerNamesADifferentBenchmarkThanItsOwn()
    {
        for (final SuiteTable.Row row : SuiteTable.rows())
        {
            assertFalse(row.natcoreKey.equals(row.peerKey), row.label);
        }
    }

    @Test
    void aBoundsChecksOnRowComparesWithThePeerRunUnderTheSameFlag()
    {
        int checksOn = 0;
        for (final SuiteTable.Row row : SuiteTable.rows())
        {
            final boolean on = row.natcoreKey.contains(SuiteTable.CHECKS_ON);
            assertEquals(on, row.label.contains("bounds checks on"), row.label);
            if (row.peerKey != null)
            {
                assertEquals(on, row.peerKey.contains(SuiteTable.CHECKS_ON), row.label);
            }
            checksOn += on ? 1 : 0;
        }
        // translate (burst, single) x (10k, 1M) and new connection (dnatMasq, mix): the rows #18 asks to pair
        assertEquals(6, checksOn);
    }

    @Test
    void moduleOpensAreFoldedIntoACount()
    {
        assertEquals("`-Xms2g` 2 `--add-opens/--add-exports`",
            Suite.shortFlags(List.of("-Xms2g", "--add-opens=a", "--add-exports=b")));
    }
}
