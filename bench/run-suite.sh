#!/usr/bin/env bash
# The benchmark suite behind BENCHMARKS.md's summary table: natcore's benchmarks and their peers in one JMH run.
#
#   bench/run-suite.sh                         # full run (~10-20 min on 2 vCPUs); writes bench/results/suite-results.json
#                                              # and regenerates the table in BENCHMARKS.md
#   bench/run-suite.sh --quick                 # end-to-end check in a few minutes; numbers not for quoting
#   bench/run-suite.sh --out vm-small.json --no-doc      # keep a machine's results without touching BENCHMARKS.md
#   bench/run-suite.sh --compare A.json B.json # two machines (VM sizes) or two builds side by side, ratio B / A
#   bench/run-suite.sh --table results.json    # regenerate BENCHMARKS.md's table from a results file
#   bench/run-suite.sh --help
#
# Other options: --forks N --warmup-iterations N --iterations N --time-ms N (per iteration)
# --only FlowTable|Translate|NewConnection|Checksum. JAVA (default: java) may be set in the environment.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
args=()
doc=(--update-doc "$root/BENCHMARKS.md")
out=(--out "$here/results/suite-results.json")
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --no-doc) doc=(); shift ;;
    --out) [ $# -ge 2 ] || { echo "run-suite: --out needs a file" >&2; exit 2; }; out=(--out "$2"); shift 2 ;;
    --compare) [ $# -ge 3 ] || { echo "run-suite: --compare needs A.json B.json" >&2; exit 2; }
               args+=("$1" "$2" "$3"); doc=(); shift 3 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -f "$jar" ]; then
  echo "building $jar" >&2
  (cd "$root" && mvn -B -q -pl bench -am package -DskipTests) || { echo "run-suite: build failed" >&2; exit 2; }
fi
cd "$root" || exit 2
# No heap flags here: JMH forks inherit the host JVM's flags.
exec "${JAVA:-java}" -cp "$jar" io.natcore.bench.Suite "${out[@]}" "${doc[@]}" "${args[@]}"
