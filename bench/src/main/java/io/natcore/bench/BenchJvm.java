package io.natcore.bench;

/**
 * JVM arguments the benchmarks fork with, as compile-time constants for {@code @Fork}.
 * <p>
 * Bounds checks are turned off through {@code jvmArgsAppend} so that one command-line
 * {@code -jvmArgsAppend -Dagrona.disable.bounds.checks=false} replaces just that flag for the
 * "checks on" comparison run; the module opens Chronicle needs stay in {@code jvmArgsPrepend}.
 */
public final class BenchJvm
{
    /** Agrona's UnsafeBuffer skips its bounds checks (the JIT folds the static final flag away). */
    public static final String BOUNDS_CHECKS_OFF = "-Dagrona.disable.bounds.checks=true";
    /** Agrona's default, spelled out: the suite's rows of what users get without the flag. */
    public static final String BOUNDS_CHECKS_ON = "-Dagrona.disable.bounds.checks=false";

    /** Fixed heap so runs compare; the flow table itself lives off-heap. */
    public static final String HEAP = "-Xms2g";
    /** Fixed heap so runs compare. */
    public static final String HEAP_MAX = "-Xmx2g";

    /** Agrona 2.x needs jdk.internal.misc exported; Chronicle (a core dependency) needs the rest opened. */
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_MISC = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_REF = "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String OPEN_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String EXPORT_SUN_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    /** See {@link #OPEN_LANG}. */
    public static final String EXPORT_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Chronicle libraries phone home to an analytics host by default; this machine has no business there. */
    public static final String CHRONICLE_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /** Chronicle Map compiles generated classes at run time. */
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";

    private BenchJvm()
    {
    }
}
