# Helpers for the fault scenarios (sourced by them; they run inside it/lab/lab.sh, so $P, $OUT, $HERE, in_ns,
# serve, client, engine_restart and engine_reload are there). Each helper writes what it saw to $OUT; the
# JUnit tests in io.natcore.live read it. DATAPLANE_JAR names the jar (for stat), NATCORE_DIR the box's --dir.
FAULTS="$(dirname "$SCEN")"
CLIENT_PIDS=()

# figure KEY VALUE: one line "KEY VALUE" in $OUT/figures.txt
figure() { echo "$1 $2" >>"$OUT/figures.txt"; }
now() { date +%s.%N; }

# long_tcp N LINES GAP: N long TCP connections from onp to 172.16.2.65:7, a line every GAP s, each echoed;
# connection i prints into $OUT/tcp-i.txt (remote=, the echoed lines, then "exit STATUS")
long_tcp() {
  local n=$1 lines=$2 gap=$3
  for i in $(seq 1 "$n"); do
    ( ip netns exec "$P-onp" timeout 120 python3 "$HERE/client.py" tcpslow 172.16.2.65 7 - 0 "$lines" "$gap" \
        >"$OUT/tcp-$i.txt" 2>&1 && echo "exit 0" >>"$OUT/tcp-$i.txt" || echo "exit $?" >>"$OUT/tcp-$i.txt" ) &
    CLIENT_PIDS+=($!)
  done
}

# (a client's status is written with && ||: the scenario runs under set -e, so "cmd; echo $?" would never echo)
# udp_stream NAME SPORT SECONDS RATE: a UDP stream from onp 192.168.1.5:SPORT to 172.16.2.65:7 into $OUT/udp-NAME.txt
udp_stream() {
  ( ip netns exec "$P-onp" timeout 120 python3 "$HERE/client.py" udpstream 172.16.2.65 7 192.168.1.5 "$2" "$3" "$4" \
      >"$OUT/udp-$1.txt" 2>&1 && echo "exit 0" >>"$OUT/udp-$1.txt" || echo "exit $?" >>"$OUT/udp-$1.txt" ) &
  CLIENT_PIDS+=($!)
}

wait_clients() { for p in "${CLIENT_PIDS[@]}"; do wait "$p" || true; done; CLIENT_PIDS=(); }

# stat_snapshot NAME: the box's counters through its stat command, into $OUT/stat-NAME.txt
stat_snapshot() { java -jar "$DATAPLANE_JAR" stat --dir "$NATCORE_DIR" -a >"$OUT/stat-$1.txt" 2>&1 || true; }

# gateway_arp off|on: the fabric's gateway (f-nat side) stops / resumes sending ARP to the NAT VM
gateway_arp() {
  if [ "$1" = off ]; then
    ip netns exec "$P-fab" nft -f - <<'NFT'
table arp stall {
  chain out {
    type filter hook output priority 0;
    oifname "f-nat" counter drop
  }
}
NFT
  else
    ip netns exec "$P-fab" nft list table arp stall >"$OUT/arp-stall.txt" 2>&1 || true
    ip netns exec "$P-fab" nft delete table arp stall
  fi
}

# the MAC the onp VM sends to (its gateway, the fabric's f-onp) and the NAT VM's NIC MAC
onp_gateway_mac() { ip -n "$P-fab" -br link show f-onp | awk '{print $3}'; }
nat_mac() { ip -n "$P-nat" -br link show eth0 | awk '{print $3}'; }

# tcp retransmissions a namespace's stack made so far
retransmits() {
  ip netns exec "$P-$1" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# what the NAT VM's own kernel sent in answer to packets (ICMP destination unreachable, TCP resets): the box sends
# neither, so any is the kernel answering traffic that belonged to the box ("OutDestUnreachs OutRsts")
kernel_answers() {
  ip netns exec "$P-nat" awk '
    /^Icmp:/ { if (!hi) { for (i = 1; i <= NF; i++) if ($i == "OutDestUnreachs") ci = i; hi = 1 } else u = $ci }
    /^Tcp:/ { if (!ht) { for (i = 1; i <= NF; i++) if ($i == "OutRsts") ct = i; ht = 1 } else r = $ct }
    END { print u, r }' /proc/net/snmp
}
