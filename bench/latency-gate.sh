#!/usr/bin/env bash
# Relative per-packet latency gate (BENCHMARKS.md, "Latency gate"): this build against a baseline build of
# natcore-core, in interleaved rounds on this machine; exit 0 pass, 1 candidate worse beyond the noise, 2 setup error.
#
#   bench/latency-gate.sh --baseline natcore-core-0.1.0.jar     # against a released jar
#   bench/latency-gate.sh --baseline-ref origin/main             # builds that ref's core in a temporary worktree
#   bench/latency-gate.sh --baseline-ref HEAD --candidate-slowdown 0.2   # prove it fails (benchmark-only switch)
#   bench/latency-gate.sh --absolute [--thresholds FILE]         # absolute thresholds, for dedicated hosts
#   bench/latency-gate.sh --help
#
# Other options go to io.natcore.bench.LatencyGate: --candidate CORE.jar --rounds N --order ABAB|ABBA --alpha A
# --min-effect F --plot FILE.svg (default bench/target/latency-gate.svg) --flows N --packets N --warmup N
# --threads N --expiry-work N --jvm-opts "...". JAVA (default: java) may be set in the environment.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java_bin="${JAVA:-java}"

die() { echo "latency-gate: $*" >&2; exit 2; }

args=()
ref=""
absolute=0
plot=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --baseline-ref) [ $# -ge 2 ] || die "--baseline-ref needs a git ref"; ref="$2"; shift 2 ;;
    --absolute) absolute=1; shift ;;
    --plot) plot=1; args+=("$1" "${2:-}"); shift 2 || die "--plot needs a file" ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ ! -f "$jar" ]; then
  echo "building $jar" >&2
  (cd "$root" && mvn -B -q -pl bench -am package -DskipTests) || die "build of $jar failed"
fi

if [ "$absolute" = 1 ]; then
  exec "$java_bin" ${GATE_JAVA_OPTS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch} \
    --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED \
    -Dagrona.disable.bounds.checks=true -Dchronicle.analytics.disable=true \
    -cp "$jar" io.natcore.bench.LatencyGate --absolute --thresholds "$here/latency-baseline.properties" "${args[@]}"
fi

if [ -n "$ref" ]; then
  # The baseline's core, built from REF in a temporary worktree that is removed on exit.
  sha="$(git -C "$root" rev-parse --verify --quiet "$ref^{commit}")" || die "unknown git ref: $ref"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/natcore-gate.XXXXXX")"
  cleanup() { git -C "$root" worktree remove --force "$tmp/src" >/dev/null 2>&1; rm -rf "$tmp"; }
  trap cleanup EXIT
  git -C "$root" worktree add --detach --quiet "$tmp/src" "$sha" || die "git worktree add failed for $ref"
  echo "building natcore-core at $ref (${sha:0:12}) in $tmp/src" >&2
  (cd "$tmp/src" && mvn -B -q -pl core -am package -DskipTests) >"$tmp/build.log" 2>&1 \
    || { tail -20 "$tmp/build.log" >&2; die "build of $ref failed"; }
  core="$(ls "$tmp"/src/core/target/natcore-core-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1)"
  [ -n "$core" ] || die "no natcore-core jar built at $ref"
  cp "$core" "$tmp/baseline-core.jar"
  args+=(--baseline "$tmp/baseline-core.jar")
fi
[ "$plot" = 1 ] || args+=(--plot "$here/target/latency-gate.svg")

# Not exec: the EXIT trap removes the temporary worktree after the gate.
"$java_bin" -Xmx512m -cp "$jar" io.natcore.bench.LatencyGate "${args[@]}"
