# Zero allocation on the live packet loop (LiveZeroAllocationTest): warm up, then forward PACKETS (default 1.05M) 64-byte
# UDP packets (1000 flows through DNAT + MASQUERADE) and read the box's counters before and after: the worker's
# "heap bytes allocated" (ThreadMXBean.getThreadAllocatedBytes of the worker thread) and its "tx frames".
# Writes $OUT/alloc.txt: "before TX BYTES" and "after TX BYTES". Needs NAT_ENGINE (the natcore box).
source "$(dirname "${BASH_SOURCE[0]}")/udp-dnat-masquerade.sh"
counter() {  # counter LABEL: a value from the box's counters file
  java -jar "$BENCH_JAR" stat --dir "$STAT_DIR" | awk -v l="$1" 'index($0, l) { print $NF }'
}
traffic() {
  local gwmac; gwmac=$(ip -n "$P-fab" -br link show f-onp | awk '{print $3}')
  in_ns onp java -jar "$BENCH_JAR" loadgen --interface eth0 --dst-mac "$gwmac" --src 192.168.1.5 \
    --dst 172.16.2.65 --dport 9 --flows 1000 --seconds 3 --rate 50000 >/dev/null
  sleep 1
  echo "before $(counter 'worker 0: tx frames') $(counter 'worker 0: heap bytes allocated')" >"$OUT/alloc.txt"
  local start; start=$(counter 'worker 0: tx frames')
  # rounds of 300k until the box forwarded PACKETS (a loaded machine may drop some at the ring), 90 s at most
  for round in $(seq 1 20); do
    in_ns onp java -jar "$BENCH_JAR" loadgen --interface eth0 --dst-mac "$gwmac" --src 192.168.1.5 \
      --dst 172.16.2.65 --dport 9 --flows 1000 --seconds 10 --packets 300000 --rate 100000 >>"$OUT/alloc.txt"
    sleep 0.3
    [ $(( $(counter 'worker 0: tx frames') - start )) -ge "${PACKETS:-1050000}" ] && break
  done
  sleep 1
  echo "after $(counter 'worker 0: tx frames') $(counter 'worker 0: heap bytes allocated')" >>"$OUT/alloc.txt"
}
