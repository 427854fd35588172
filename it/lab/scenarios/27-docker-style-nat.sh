# A Docker-style nat table (the layout dockerd writes: PREROUTING and OUTPUT jump to the DOCKER
# chain for destinations of type LOCAL, published ports are DNAT rules in DOCKER for packets not
# coming from the bridge, the bridge subnet is masqueraded when it leaves through any other
# interface, and a per-container hairpin MASQUERADE). Mapped onto the lab: the bridge is
# docker0 (172.17.0.1/16, a bridge without ports) on the NAT VM, the "container" subnet is the right
# VNet 172.16.3.0/24 and the published container is 172.16.3.5.
#  - TCP from on-premises to the box's own address 172.16.2.5:8080 (dst-type LOCAL) -> DNAT
#    172.16.3.5:80, two sources; the right VNet routes 192.168.1.0/24 back via the NAT VM
#  - the same port on 172.16.2.65 (routed to the box but not one of its addresses): no DNAT,
#    forwarded untranslated (the client times out)
#  - UDP 172.16.2.5:5353 -> DNAT 172.16.3.5:5353
#  - the "container" 172.16.3.5 reaching left 172.16.1.5:7: masqueraded to 172.16.2.5 (! -o docker0)
#  - the container reaching its own published port 172.16.2.5:8080: DNAT to itself and
#    masqueraded by the bridge-subnet rule (the hairpin rule after it is reached only via docker0)
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.16.3.0/24 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.16.3.5/32 -d 172.16.3.5/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.16.3.5:80
-A DOCKER ! -i docker0 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.16.3.5:5353
COMMIT'
setup() {
  ip -n "$P-nat" link add docker0 type bridge
  ip -n "$P-nat" addr add 172.17.0.1/16 dev docker0
  ip -n "$P-nat" link set docker0 up
  udr_add 104 172.16.2.64/26
  udr_add 103 192.168.1.0/24
  udr_add 103 172.16.1.0/24
}
traffic() {
  serve right http 172.16.3.5 80
  serve right udp 172.16.3.5 5353
  serve left tcp 172.16.1.5 7
  sleep 0.3
  client onp curl -s http://172.16.2.5:8080/
  client onp curl -s --interface 192.168.1.6 http://172.16.2.5:8080/
  client onp curl -s -m 2 http://172.16.2.65:8080/
  client onp python3 "$HERE/client.py" udp 172.16.2.5 5353 - 45100 2 100
  client right python3 "$HERE/client.py" tcp 172.16.1.5 7 172.16.3.5 46100 2
  client right curl -s http://172.16.2.5:8080/
}
