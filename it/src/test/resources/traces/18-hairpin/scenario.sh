# Hairpin NAT: an on-premises VM reaches a published address whose back end sits on its own
# network, behind the same NAT box. Address-only DNAT 172.16.2.68 -> 192.168.1.6; without
# source NAT the back end would answer the client directly (same subnet) and the connection
# would break, so a MASQUERADE rule for on-premises-to-on-premises traffic makes the replies
# return through the box: both translations on one connection, in and out of eth0.
#  - TCP echo from 192.168.1.5 to 172.16.2.68:7 (the server sees 172.16.2.5)
#  - ICMP echo from 192.168.1.5 to 172.16.2.68 (translated by identifier)
#  - the back end itself (192.168.1.6) reaching its own published address, TCP and ICMP
#    (a VM talking to itself through the box)
# In this run the kernel kept every source port and ICMP identifier: one conntrack entry per
# connection with both translations (reply tuple 192.168.1.6 -> 172.16.2.5); the server saw
# 172.16.2.5 as its peer, the client saw answers from 172.16.2.68.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.68/32 -i eth0 -j DNAT --to-destination 192.168.1.6
-A POSTROUTING -s 192.168.1.0/24 -d 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
traffic() {
  serve onp tcp 192.168.1.6 7
  client onp python3 "$HERE/client.py" tcp 172.16.2.68 7 192.168.1.5 46001 2
  client onp ping -c 2 -i 0.2 -W 1 -I 192.168.1.5 172.16.2.68
  client onp python3 "$HERE/client.py" tcp 172.16.2.68 7 192.168.1.6 46002 1
  client onp ping -c 2 -i 0.2 -W 1 -I 192.168.1.6 172.16.2.68
}
