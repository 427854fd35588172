# A SYN flood against a DNAT address (SynFloodTest; the box runs with --capacity 1024, its smallest table):
# 20 long TCP connections from onp through DNAT + MASQUERADE are established, then onp floods 172.16.2.65:7 with
# SYNs from random addresses 192.168.1.100-250 (nobody answers for them) and random ports, RATE a second for
# SECONDS (default 600 x 10 s). The table fills; new SYNs get in by evicting unassured entries (early drop) or
# are refused (table: full). Counters are read through the box's stat command during and after the flood; after
# it, 20 new connections must open.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() { udr_add 104 172.16.2.64/26; }
traffic() {
  serve right tcp 172.16.3.5 7
  long_tcp 20 "${LINES:-200}" 0.1
  sleep 3
  stat_snapshot before
  local rate=${RATE:-600} seconds=${SECONDS_FLOOD:-10}
  in_ns onp python3 "$FAULTS/flood.py" eth0 "$(onp_gateway_mac)" "$rate" "$seconds" syn \
      192.168.1.100 192.168.1.250 172.16.2.65 7 >"$OUT/flood.txt" 2>&1 &
  local flood=$!
  sleep $(( seconds / 2 ))
  stat_snapshot during
  wait "$flood" || echo "flood exit $?" >>"$OUT/flood.txt"
  stat_snapshot after
  for i in $(seq 1 20); do
    client onp python3 "$HERE/client.py" tcp 172.16.2.65 7 - 0 2
  done
  wait_clients
  stat_snapshot end
}
