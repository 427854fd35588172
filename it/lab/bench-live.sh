#!/usr/bin/env bash
# The live box against the kernel it replaces, same lab, same traffic, one run:
#   it/lab/bench-live.sh [OUT_DIR]     (root; mvn -B -q -DskipTests package first)
# 64-byte UDP through DNAT + MASQUERADE (it/lab/bench/udp-dnat-masquerade.sh) with 1k and 100k flows: packets per
# second delivered at the sink with (a) the kernel's iptables NAT, (b) natcore with 1 worker, (c) 1 worker with
# --qdisc-bypass, (d) 2 workers; and UDP request/response round-trip percentiles through each. Prints a table with
# ratios to the kernel, both per second and per busy CPU-second of the whole machine (/proc/stat: generator,
# fabric, box and sink together), since the kernel does its NAT in the sender's softirq while natcore runs on
# its own core.
# DURATION (s, default 5), FLOWS_LIST (default "1000 100000"), RTT (round trips, default 20000).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/it/target/bench-live}"
export BENCH_JAR="$ROOT/dataplane/target/natcore-dataplane.jar"
[ -f "$BENCH_JAR" ] || { echo "bench-live: $BENCH_JAR missing (mvn -B -q -DskipTests package)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench-live: needs root (network namespaces)" >&2; exit 2; }
export DURATION="${DURATION:-5}"
RTT_N="${RTT:-20000}"
MODES="kernel natcore-1w natcore-1w-bypass natcore-2w"
rm -rf "$OUT"; mkdir -p "$OUT"
engine() { echo "exec java -jar $BENCH_JAR --rules \"\$NAT_RULES\" --box \"\$NAT_BOX\" --interface \"\$NAT_IFACE\" --dir $OUT/natcore-run $*"; }
for flows in ${FLOWS_LIST:-1000 100000}; do
  for mode in $MODES; do
    rtt=""; [ "$flows" = "$(echo ${FLOWS_LIST:-1000 100000} | awk '{print $1}')" ] && rtt="$RTT_N"
    dir="$OUT/$mode-$flows"
    case $mode in
      kernel) env FLOWS=$flows RTT=$rtt NOCAPTURE=1 bash "$HERE/lab.sh" "$HERE/bench/udp-dnat-masquerade.sh" "$dir" >"$dir.log" 2>&1 ;;
      natcore-1w) env FLOWS=$flows RTT=$rtt NOCAPTURE=1 NAT_ENGINE="$(engine --workers 1)" bash "$HERE/lab.sh" "$HERE/bench/udp-dnat-masquerade.sh" "$dir" >"$dir.log" 2>&1 ;;
      natcore-1w-bypass) env FLOWS=$flows RTT=$rtt NOCAPTURE=1 NAT_ENGINE="$(engine --workers 1 --qdisc-bypass)" bash "$HERE/lab.sh" "$HERE/bench/udp-dnat-masquerade.sh" "$dir" >"$dir.log" 2>&1 ;;
      natcore-2w) env FLOWS=$flows RTT=$rtt NOCAPTURE=1 NAT_ENGINE="$(engine --workers 2)" bash "$HERE/lab.sh" "$HERE/bench/udp-dnat-masquerade.sh" "$dir" >"$dir.log" 2>&1 ;;
    esac
    echo "$mode $flows: $(grep '^flows' "$dir/bench.txt" | sed 's/.*delivered/delivered/')"
  done
done
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(java -version 2>&1 | head -1)"
printf '%-18s %8s %12s %10s %14s %10s\n' mode flows "pps" "vs kernel" "pps/busy core" "vs kernel"
for flows in ${FLOWS_LIST:-1000 100000}; do
  k=$(grep -o ' pps [0-9]*' "$OUT/kernel-$flows/bench.txt" | awk '{print $2}')
  kc=$(grep -o 'pps-per-core [0-9]*' "$OUT/kernel-$flows/bench.txt" | awk '{print $2}')
  for mode in $MODES; do
    p=$(grep -o ' pps [0-9]*' "$OUT/$mode-$flows/bench.txt" | awk '{print $2}')
    c=$(grep -o 'pps-per-core [0-9]*' "$OUT/$mode-$flows/bench.txt" | awk '{print $2}')
    printf '%-18s %8s %12s %9.2fx %14s %9.2fx\n' "$mode" "$flows" "$p" "$(awk -v p="$p" -v k="$k" 'BEGIN{print (k>0)?p/k:0}')" \
      "$c" "$(awk -v p="$c" -v k="$kc" 'BEGIN{print (k>0)?p/k:0}')"
  done
done
echo
for mode in $MODES; do
  f="$OUT/$mode-$(echo ${FLOWS_LIST:-1000 100000} | awk '{print $1}')"
  printf '%-18s %s\n' "$mode" "$(grep '^rtt' "$f/bench.txt" | sed 's/^rtt //')"
done
