# Garbage on the wire while real connections run (GarbageOnTheWireTest): 20 long TCP connections and a UDP
# stream from onp through DNAT + MASQUERADE to right; meanwhile the fabric delivers to the NAT VM's NIC the
# malformed cases of trace 14 (its scenario.cases, by inject.py), then MUTATED (hex IP packets
# written by the fuzzer's mutator) at RATE a second (default 500) until the file ends. The stat snapshots before
# and after bracket the injection, so the counters' growth between them is its (and the real traffic's) doing.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.16.3.5:80
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.16.3.5:5353
-A PREROUTING -d 172.16.2.67/32 -i eth0 -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() { udr_add 104 172.16.2.64/26; }
traffic() {
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  long_tcp 20 "${LINES:-200}" 0.1
  udp_stream main 45000 "${STREAM_SECONDS:-20}" 50
  sleep 2
  stat_snapshot before
  inject "$FAULTS/../../src/test/resources/traces/14-malformed-input/scenario.cases"
  ip netns exec "$P-fab" python3 "$FAULTS/flood.py" f-nat "$(nat_mac)" "${RATE:-500}" 3600 hex "${MUTATED:?MUTATED names the mutated packets}" \
      >"$OUT/flood.txt" 2>&1 || echo "flood exit $?" >>"$OUT/flood.txt"
  sleep 1
  stat_snapshot after
  wait_clients
}
