# A stalled neighbour (StalledNeighbourTest; the box runs with --table): the fabric's gateway stops sending ARP to
# the NAT VM for 5 s (nft arp output drop on f-nat) while 20 long TCP connections and a UDP stream run through
# DNAT + MASQUERADE. (1) Stall in steady state: the box keeps the gateway's MAC it confirmed (as the kernel keeps a
# STALE entry), nothing waits. (2) Stall across a kill -9 + restart, so the box starts with no MAC for its gateway:
# packets wait in the bounded neighbour queue or are dropped with a counter, the worker keeps reading its ring,
# and traffic resumes by itself once ARP answers again.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() { udr_add 104 172.16.2.64/26; }
traffic() {
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  long_tcp 20 "${LINES:-250}" 0.1
  udp_stream main 45000 "${STREAM_SECONDS:-27}" 50
  sleep 3
  gateway_arp off
  sleep 5
  gateway_arp on
  mv "$OUT/arp-stall.txt" "$OUT/arp-stall-steady.txt"
  stat_snapshot steady
  sleep 2
  local off; off=$(date +%s%N)
  gateway_arp off
  figure stall.off "$(now)"
  # two looks through stat while the gateway is silent (the JVM of each takes ~1 s to start, so in the background)
  ( sleep 2.5; stat_snapshot stalled-1 ) & CLIENT_PIDS+=($!)
  ( sleep 4.2; stat_snapshot stalled-2 ) & CLIENT_PIDS+=($!)
  engine_restart
  figure stall.ready "$(now)"
  local left=$(( 5000 - ($(date +%s%N) - off) / 1000000 ))
  [ "$left" -gt 0 ] && sleep "$(awk -v ms="$left" 'BEGIN { print ms / 1000 }')"
  gateway_arp on
  figure stall.on "$(now)"
  wait_clients
  stat_snapshot end
}
