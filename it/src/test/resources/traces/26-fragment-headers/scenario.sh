# Fragments whose IP headers differ (hand-made): datagram 601's fragments carry TTL 64, 40, 30 and TOS 0x22
# (DSCP 8, ECT(0)), 0x03 (CE), 0x82 (DSCP 32, ECT(0)); datagram 602's first fragment is not ECN-capable and its others
# are ECT(0). The kernel sends a reassembled datagram's fragments with the first fragment's header (ip_do_fragment
# copies the head's) and the ECN bits of all of them combined (ip_frag_ecn_table: CE when one had CE and the others
# ECT); a mix of not-ECT and ECT is invalid and the datagram is dropped.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.67/32 -i eth0 -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
traffic() {
  serve right udp 172.16.3.5 7
  inject "$(dirname "$SCEN")/26-fragment-headers.cases"
}
