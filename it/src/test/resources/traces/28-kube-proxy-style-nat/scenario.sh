# A kube-proxy-style nat table (iptables mode, as iptables-save prints it): KUBE-SERVICES sends a
# service's cluster IP to its KUBE-SVC chain, which marks traffic from outside the cluster CIDR
# for masquerade (KUBE-MARK-MASQ: MARK --or-mark 0x4000) and picks an endpoint with
# -m statistic --mode random (probabilities 1/3, 1/2, then the last); each KUBE-SEP chain marks
# hairpin traffic from its own endpoint and DNATs; node ports are reached by
# -m addrtype --dst-type LOCAL; KUBE-POSTROUTING masquerades (--random-fully) what carries the
# mark and clears the bit (MARK --xor-mark 0x4000). Mapped onto the lab: the "cluster" (pod)
# CIDR is the right VNet 172.16.3.0/24, endpoints 172.16.3.5-7:8080, cluster IPs 172.16.20.10
# (three endpoints) and 172.16.20.11 (one endpoint, 172.16.3.5), node port 30080 on the box.
#  - twelve TCP connections from on-premises sources 192.168.1.5-12 to 172.16.20.10:80: each
#    endpoint chosen at random by the kernel, source masqueraded to 172.16.2.5 with a random port
#  - three to the node port 172.16.2.5:30080 (KUBE-NODEPORTS -> KUBE-EXT -> the same service)
#  - the endpoint 172.16.3.5 reaching 172.16.20.11:80, i.e. itself: marked by its KUBE-SEP chain
#    and masqueraded (hairpin)
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-EXT-WEB - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-A - [0:0]
:KUBE-SEP-B - [0:0]
:KUBE-SEP-C - [0:0]
:KUBE-SEP-D - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-ONE - [0:0]
:KUBE-SVC-WEB - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-EXT-WEB -m comment --comment "masquerade traffic for default/web external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-WEB -j KUBE-SVC-WEB
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web" -m tcp --dport 30080 -j KUBE-EXT-WEB
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-A -s 172.16.3.5/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
-A KUBE-SEP-A -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 172.16.3.5:8080
-A KUBE-SEP-B -s 172.16.3.6/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
-A KUBE-SEP-B -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 172.16.3.6:8080
-A KUBE-SEP-C -s 172.16.3.7/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
-A KUBE-SEP-C -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 172.16.3.7:8080
-A KUBE-SEP-D -s 172.16.3.5/32 -m comment --comment "default/one" -j KUBE-MARK-MASQ
-A KUBE-SEP-D -p tcp -m comment --comment "default/one" -m tcp -j DNAT --to-destination 172.16.3.5:8080
-A KUBE-SERVICES -d 172.16.20.10/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-WEB
-A KUBE-SERVICES -d 172.16.20.11/32 -p tcp -m comment --comment "default/one cluster IP" -m tcp --dport 80 -j KUBE-SVC-ONE
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-ONE ! -s 172.16.3.0/24 -d 172.16.20.11/32 -p tcp -m comment --comment "default/one cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-ONE -m comment --comment "default/one -> 172.16.3.5:8080" -j KUBE-SEP-D
-A KUBE-SVC-WEB ! -s 172.16.3.0/24 -d 172.16.20.10/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-WEB -m comment --comment "default/web -> 172.16.3.5:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A
-A KUBE-SVC-WEB -m comment --comment "default/web -> 172.16.3.6:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-B
-A KUBE-SVC-WEB -m comment --comment "default/web -> 172.16.3.7:8080" -j KUBE-SEP-C
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
  udr_add 104 172.16.20.0/24
  udr_add 103 172.16.20.0/24
  for i in 6 7; do ip -n "$P-right" addr add 172.16.3.$i/24 dev eth0; done
  for i in 7 8 9 10 11 12; do ip -n "$P-onp" addr add 192.168.1.$i/24 dev eth0; done
}
traffic() {
  for b in 5 6 7; do serve right tcp 172.16.3.$b 8080; sleep 0.3; done
  for i in 5 6 7 8 9 10 11 12 5 6 7 8; do
    client onp python3 "$HERE/client.py" tcp 172.16.20.10 80 192.168.1.$i 0 1
  done
  for i in 5 6 7; do
    client onp python3 "$HERE/client.py" tcp 172.16.2.5 30080 192.168.1.$i 0 1
  done
  client right python3 "$HERE/client.py" tcp 172.16.20.11 80 172.16.3.5 46200 1
}
