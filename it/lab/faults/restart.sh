# The box restarted and reloaded under traffic (RestartUnderTrafficTest; run with --table so connections live in a
# mapped file): 20 long TCP connections (a line every 100 ms, echoed) and a UDP stream (50 datagrams/s) from onp
# through DNAT + MASQUERADE to right, while the box is (1) killed with SIGKILL and started again on the same table,
# (2) stopped with SIGTERM and started again, (3) sent SIGHUP with a changed rule set (UDP from onp now SNATed to
# ports 30000-30099): new connections get the new rules, existing ones keep their bindings. A second UDP flow is
# pushed by the server (50 datagrams/s it sends unprompted), so packets for the box's connections reach the NAT VM
# while no box is running: its kernel must answer none of them (no RST, no port unreachable: kernel.* figures).
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 9 -j DNAT --to-destination 172.16.3.5:9
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
RULES_RELOADED='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 9 -j DNAT --to-destination 172.16.3.5:9
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -p udp -j SNAT --to-source 172.16.2.5:30000-30099
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() { udr_add 104 172.16.2.64/26; }
# gap NAME [TERM]: restart the box, recording when it went down and when it was ready again
gap() {
  stat_snapshot "before-$1"
  figure "$1.down" "$(now)"
  engine_restart "${2:-KILL}"
  figure "$1.ready" "$(now)"
}
traffic() {
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  serve right udppush 172.16.3.5 9
  figure kernel.start "$(kernel_answers)"
  figure retransmits.onp.start "$(retransmits onp)"
  figure retransmits.right.start "$(retransmits right)"
  long_tcp 20 "${LINES:-330}" 0.1
  udp_stream main 45000 "${STREAM_SECONDS:-36}" 50
  ( ip netns exec "$P-onp" timeout 120 python3 "$HERE/client.py" udppull 172.16.2.65 9 192.168.1.5 45002 \
      "${STREAM_SECONDS:-36}" 50 >"$OUT/udp-push.txt" 2>&1 && echo "exit 0" >>"$OUT/udp-push.txt" ||
      echo "exit $?" >>"$OUT/udp-push.txt" ) & CLIENT_PIDS+=($!)
  sleep 5
  gap kill
  sleep 5
  gap term TERM
  sleep 5
  printf '%s\n' "$RULES_RELOADED" >"$OUT/rules.txt"
  figure reload.at "$(now)"
  engine_reload
  client onp python3 "$HERE/client.py" udp 172.16.2.65 7 192.168.1.6 45001 2
  client onp python3 "$HERE/client.py" tcp 172.16.2.65 7 192.168.1.6 0 2
  wait_clients
  figure kernel.end "$(kernel_answers)"
  figure retransmits.onp.end "$(retransmits onp)"
  figure retransmits.right.end "$(retransmits right)"
  stat_snapshot end
}
