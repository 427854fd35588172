#!/usr/bin/env bash
# Per-packet latency regression gate (see BENCHMARKS.md, "Latency gate").
# Translates a fixed number of packets of 1M established connections on 2 threads, times every packet,
# prints p50/p99/p99.9/p99.99/max last and exits non-zero when p99.9 or p99.99 exceed the thresholds in
# bench/latency-baseline.properties (or the file given with --baseline).
#
#   bench/latency-gate.sh                       # gate against the checked-in baseline
#   bench/latency-gate.sh --record-baseline     # write measured values x 1.25 into the baseline
#   bench/latency-gate.sh --flows 100000 --packets 4000000 --threads 2
#
# JAVA (default: java) and GATE_JAVA_OPTS (default: fixed 2 GiB heap) may be set in the environment.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "building $jar" >&2
  (cd "$here/.." && mvn -B -q -pl bench -am package -DskipTests)
fi
baseline=()
case " $* " in
  *" --baseline "*) ;;
  *) baseline=(--baseline "$here/latency-baseline.properties") ;;
esac
# Agrona 2.x needs jdk.internal.misc exported; Chronicle (a core dependency) needs the rest.
exec "${JAVA:-java}" ${GATE_JAVA_OPTS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch} \
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED \
  -Dagrona.disable.bounds.checks=true \
  -cp "$jar" io.natcore.bench.LatencyGate "${baseline[@]}" "$@"
