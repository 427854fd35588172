# Lab benchmark scenario (run by it/lab/bench-live.sh, not a reference trace): 64-byte UDP frames from onp to a
# published address, DNAT (destination port kept) + MASQUERADE to right, FLOWS flows for DURATION seconds, sent
# by the dataplane jar's loadgen from onp; right drops them at its NIC's ingress (counted in rx_packets, no socket
# or ICMP cost). With RTT=N, also N request/response round trips (UDP port 7, Java echo on right).
# Results are appended to $OUT/bench.txt.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7:99 -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
BENCH_JAR="${BENCH_JAR:?BENCH_JAR names natcore-dataplane.jar}"
setup() {
  udr_add 104 172.16.2.64/26
  ip netns exec "$P-right" nft -f - <<'NFT'
table netdev sink {
  chain in {
    type filter hook ingress device "eth0" priority 0;
    udp dport 9-99 drop
  }
}
NFT
  # the kernel's own conntrack table must hold every flow when it is the NAT box
  in_ns nat sysctl -qw net.netfilter.nf_conntrack_max=1048576 2>/dev/null || true
}
rx_packets() { in_ns right cat /sys/class/net/eth0/statistics/rx_packets; }
# busy jiffies of all CPUs (user nice system irq softirq steal), and the clock tick: the whole machine's work,
# generator, fabric, NAT box and sink alike, so packets per busy CPU-second compares boxes that spread work differently
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
traffic() {
  local gwmac; gwmac=$(ip -n "$P-fab" -br link show f-onp | awk '{print $3}')
  # warm-up: every flow's first packet (the connection's creation) before the measured window
  in_ns onp java -jar "$BENCH_JAR" loadgen --interface eth0 --dst-mac "$gwmac" --src 192.168.1.5 \
    --dst 172.16.2.65 --dport 9 --flows "${FLOWS:-1000}" --seconds 2 --rate "$(( ${FLOWS:-1000} > 200000 ? 400000 : 200000 ))" >/dev/null
  sleep 0.5
  local before after sent busy0 busy1
  busy0=$(busy_jiffies)
  before=$(rx_packets)
  sent=$(in_ns onp java -jar "$BENCH_JAR" loadgen --interface eth0 --dst-mac "$gwmac" --src 192.168.1.5 \
    --dst 172.16.2.65 --dport 9 --flows "${FLOWS:-1000}" --seconds "${DURATION:-5}")
  after=$(rx_packets)
  busy1=$(busy_jiffies)
  sleep 0.5
  local hz; hz=$(getconf CLK_TCK)
  echo "flows ${FLOWS:-1000} duration ${DURATION:-5} delivered $((after - before)) pps $(( (after - before) / ${DURATION:-5} )) busy-cpu-s $(awk -v b=$((busy1 - busy0)) -v hz="$hz" 'BEGIN{printf "%.2f", b/hz}') pps-per-core $(awk -v p=$((after - before)) -v b=$((busy1 - busy0)) -v hz="$hz" 'BEGIN{printf "%.0f", (b>0)?p*hz/b:0}') | $sent" >>"$OUT/bench.txt"
  if [ -n "${RTT:-}" ]; then
    ip netns exec "$P-right" java -jar "$BENCH_JAR" rtt-server 7 >/dev/null 2>&1 & PIDS+=($!)
    sleep 1.5
    echo "rtt $(in_ns onp java -jar "$BENCH_JAR" rtt-client 172.16.2.65 7 "$RTT")" >>"$OUT/bench.txt"
  fi
}
