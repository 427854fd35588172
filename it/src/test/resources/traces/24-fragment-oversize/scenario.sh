# A datagram past 65535 bytes (hand-made fragments): datagram 401's fragments cover 65608 bytes of payload, so the
# reassembled packet would be 65628 bytes long; the kernel's ip_frag_reasm drops it (oversized IP packet) and
# forwards none of it. Datagram 402, 3000 bytes, is forwarded for reference.
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
  inject "$(dirname "$SCEN")/24-fragment-oversize.cases"
}
