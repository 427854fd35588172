# UDP-Lite (136) through an address DNAT (iptables refuses port matches and port maps for it) (hand-made): 47500 with the checksum as senders compute it
# (pseudo-header protocol 136, whole coverage), 47501 with the pseudo-header protocol 17 instead, 47502 with
# coverage 8 (header only, protocol 136). Shows which ones conntrack tracks and NATs, and the rewritten checksum.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udplite -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
traffic() {
  inject "$(dirname "$SCEN")/25-udplite-checksum.cases"
}
