# A datagram that never completes (hand-made fragments): the first two fragments of datagram 201 arrive, the last
# one only 31 s later, past ipfrag_time (30 s): the kernel frees the queue at 30 s, and the late last fragment starts
# a queue of its own that never completes either. Nothing of 201 is forwarded, no connection is made. Datagram 202,
# complete and in order, is forwarded for reference.
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
  CLIENT_TIMEOUT=60 inject "$(dirname "$SCEN")/22-fragment-timeout.cases"
}
