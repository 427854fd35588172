#!/usr/bin/env bash
# Repeats the relative latency gate to measure its error rates (BENCHMARKS.md, "Proof that it gates"):
# A/A runs (this build's core jar against this build) and runs with the benchmark-only injected slowdown on the
# candidate, interleaved so the machine's load hits all kinds alike. Prints one line per run and the counts.
#
#   bench/gate-proof.sh                      # 20 A/A, 20 with a 20% slowdown, 5 with 5%
#   bench/gate-proof.sh --runs 10 --small 3  # fewer
#   bench/gate-proof.sh --help
#
# Extra options after -- go to every gate run (e.g. -- --rounds 7). Logs: bench/target/gate-proof/.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs=20
small=5
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --runs) runs="${2:?}"; shift 2 ;;
    --small) small="${2:?}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "gate-proof: unknown option $1" >&2; exit 2 ;;
  esac
done
(cd "$root" && mvn -B -q -pl bench -am package -DskipTests) || { echo "gate-proof: build failed" >&2; exit 2; }
core="$(ls "$root"/core/target/natcore-core-*.jar | grep -v -- '-sources\|-javadoc' | head -1)"
logs="$here/target/gate-proof"
mkdir -p "$logs"
# Copies, so a rebuild during the runs cannot change what is measured.
cp "$here/target/benchmarks.jar" "$logs/benchmarks.jar" && cp "$core" "$logs/core.jar" || exit 2
declare -A pass fail
one() { # kind index slowdown
  local status
  java -Xmx512m -cp "$logs/benchmarks.jar" io.natcore.bench.LatencyGate --baseline "$logs/core.jar" \
    --candidate-slowdown "$3" "${extra[@]}" > "$logs/$1-$2.log" 2>&1
  status=$?
  [ $status = 0 ] && pass[$1]=$(( ${pass[$1]:-0} + 1 ))
  [ $status = 1 ] && fail[$1]=$(( ${fail[$1]:-0} + 1 ))
  echo "$1 $2 exit $status $(tail -1 "$logs/$1-$2.log")"
}
for n in $(seq 1 "$runs"); do
  one aa "$n" 0
  one slow20 "$n" 0.2
  [ "$n" -le "$small" ] && one slow5 "$n" 0.05
done
for k in aa slow20 slow5; do
  echo "$k: ${pass[$k]:-0} passed, ${fail[$k]:-0} failed (other exits: setup errors; see $logs)"
done
