package io.natcore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the suite's table says about the machine: CPU model, cores, caches, memory, huge pages, kernel, JDK and the
 * load at the time. Read from /proc and /sys (Linux); a field that cannot be read says "unknown".
 */
final class MachineInfo
{
    private static final String UNKNOWN = "unknown";

    private MachineInfo()
    {
    }

    /** @return the fields, in the order the table prints them. */
    static Map<String, Object> collect()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel(read("/proc/cpuinfo")));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("caches", caches(Paths.get("/sys/devices/system/cpu/cpu0/cache")));
        m.put("memory", memTotal(read("/proc/meminfo")));
        m.put("hugePages", hugePages(read("/sys/kernel/mm/transparent_hugepage/enabled"), read("/proc/meminfo")));
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverage", String.format(java.util.Locale.ROOT, "%.2f",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return m;
    }

    static String read(final String path)
    {
        try
        {
            return Files.readString(Paths.get(path));
        }
        catch (final IOException | RuntimeException ex)
        {
            return "";
        }
    }

    /** @return the first "model name" of /proc/cpuinfo. */
    static String cpuModel(final String cpuinfo)
    {
        for (final String line : cpuinfo.split("\n"))
        {
            if (line.startsWith("model name"))
            {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return UNKNOWN;
    }

    /** @return e.g. "L1d 48K, L1i 32K, L2 1024K, L3 32768K" from cpu0's cache directories. */
    static String caches(final Path dir)
    {
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            final Path index = dir.resolve("index" + i);
            final String level = read(index.resolve("level").toString()).trim();
            if (level.isEmpty())
            {
                break;
            }
            final String type = read(index.resolve("type").toString()).trim();
            final String suffix = type.equals("Data") ? "d" : type.equals("Instruction") ? "i" : "";
            parts.add("L" + level + suffix + " " + read(index.resolve("size").toString()).trim());
        }
        return parts.isEmpty() ? UNKNOWN : String.join(", ", parts);
    }

    static String memTotal(final String meminfo)
    {
        final String kb = field(meminfo, "MemTotal");
        return kb == null ? UNKNOWN : Math.round(Long.parseLong(kb) / 1048576.0) + " GiB";
    }

    /** @return e.g. "THP [madvise], HugePages_Total 0 of 2048 kB". */
    static String hugePages(final String thp, final String meminfo)
    {
        final String total = field(meminfo, "HugePages_Total");
        final String size = field(meminfo, "Hugepagesize");
        return "THP " + (thp.isBlank() ? UNKNOWN : thp.trim()) + "; reserved HugePages " +
            (total == null ? UNKNOWN : total) + " x " + (size == null ? UNKNOWN : size + " kB");
    }

    /** @return the number of a "Name: value [kB]" line of /proc/meminfo, or null. */
    static String field(final String meminfo, final String name)
    {
        for (final String line : meminfo.split("\n"))
        {
            if (line.startsWith(name + ":"))
            {
                return line.substring(name.length() + 1).replace("kB", "").trim();
            }
        }
        return null;
    }
}
