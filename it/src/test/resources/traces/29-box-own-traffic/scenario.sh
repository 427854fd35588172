# The box's own connections, as the kernel's nat OUTPUT and INPUT chains treat them (the NAT box runs a TCP echo
# server on 172.16.2.5 ports 3128 and 7007, and opens connections itself):
#  - REDIRECT to a proxy on the box: onp's TCP to 172.16.2.66:80 (a published address, routed to the NAT VM by the
#    UDR) is redirected to the box's port 3128 (the ingress interface's address); the answers leave from
#    172.16.2.66:80
#  - INPUT SNAT: onp's TCP to the box's own 172.16.2.5:7007 reaches the server from 172.16.2.99 (the nat INPUT chain
#    rewrote the source); the answers go back to 192.168.1.5
#  - OUTPUT DNAT: the box's own TCP to 172.16.2.80:443 and UDP to 172.16.2.81:53 go to 172.16.3.5:7 (the nat OUTPUT
#    chain); the answers come back to the box from the dialled address
#  - for contrast, one forwarded connection: 172.16.2.65:7 -> 172.16.3.5:7, masqueraded
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.66/32 -i eth0 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A INPUT -s 192.168.1.0/24 -i eth0 -p tcp -m tcp --dport 7007 -j SNAT --to-source 172.16.2.99
-A OUTPUT -d 172.16.2.80/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.16.3.5:7
-A OUTPUT -d 172.16.2.81/32 -p udp -m udp --dport 53 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
traffic() {
  serve nat tcp 172.16.2.5 3128
  serve nat tcp 172.16.2.5 7007
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  client onp python3 "$HERE/client.py" tcp 172.16.2.66 80 192.168.1.5 47101 1
  client onp python3 "$HERE/client.py" tcp 172.16.2.5 7007 192.168.1.5 47102 1
  client nat python3 "$HERE/client.py" tcp 172.16.2.80 443 172.16.2.5 47103 1
  client nat python3 "$HERE/client.py" udp 172.16.2.81 53 172.16.2.5 47104 1
  client onp python3 "$HERE/client.py" tcp 172.16.2.65 7 192.168.1.5 47105 1
}
