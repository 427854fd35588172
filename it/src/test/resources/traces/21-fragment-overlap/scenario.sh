# Overlapping IPv4 fragments (hand-made, from on-premises through DNAT + masquerade): the second fragment of
# datagram 101 overlaps the first (offset 1400 < 1480); the kernel's inet_frag_queue_insert reports the overlap and
# the whole queue is freed, so nothing of it is forwarded and no connection is made; its last fragment, arriving
# after, starts a new queue that never completes. Datagram 102, the same size in order, is forwarded for reference.
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
  inject "$(dirname "$SCEN")/21-fragment-overlap.cases"
}
