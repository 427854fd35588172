# Fragments out of order (hand-made): datagram 301 (3000 bytes, 1480-byte fragments) arrives last fragment first;
# datagram 302 (2500 bytes) in fragments of 800, 800 and 900+8 bytes, middle first. The kernel reassembles before NAT
# (conntrack defrag at PREROUTING) and sends each datagram out again in fragments of the largest size it received
# (ip_do_fragment with IPCB(skb)->frag_max_size), in offset order.
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
  inject "$(dirname "$SCEN")/23-fragment-out-of-order.cases"
}
