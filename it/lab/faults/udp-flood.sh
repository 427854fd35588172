# A UDP flood against MASQUERADE until its ports run out (UdpFloodTest): UDP from onp is masqueraded to ports
# 20000-20255 (256 ports per destination); a UDP stream (50 datagrams/s from 192.168.1.5:45000) and 20 long TCP
# connections run, then onp floods 172.16.2.65:7 (DNAT to right's echo server) from 192.168.1.6 with random source
# ports, RATE a second for SECONDS (default 500 x 10 s): each new source port needs a NAT port, so after 256 - 1
# flows every new one is dropped as "nat: range exhausted". Counters through the box's stat command.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -p udp -j MASQUERADE --to-ports 20000-20255
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() { udr_add 104 172.16.2.64/26; }
traffic() {
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  long_tcp 20 "${LINES:-180}" 0.1
  udp_stream main 45000 "${STREAM_SECONDS:-18}" 50
  sleep 3
  stat_snapshot before
  local rate=${RATE:-500} seconds=${SECONDS_FLOOD:-10}
  in_ns onp python3 "$FAULTS/flood.py" eth0 "$(onp_gateway_mac)" "$rate" "$seconds" udp \
      192.168.1.6 172.16.2.65 7 >"$OUT/flood.txt" 2>&1 &
  local flood=$!
  sleep $(( seconds / 2 ))
  stat_snapshot during
  wait "$flood" || echo "flood exit $?" >>"$OUT/flood.txt"
  wait_clients
  stat_snapshot end
}
