# Traffic addressed to the NAT box itself (172.16.2.5), which runs a TCP echo server on port 7007.
# The kernel delivers it locally (INPUT): nothing is forwarded; the box's own TCP stack answers,
# and conntrack tracks the local connections too. The MASQUERADE rule never applies to them
# (local delivery skips POSTROUTING; the box's answers belong to the received connection).
#  - DNAT to the box's own address: 172.16.2.70 (address only) -> 172.16.2.5; TCP to
#    172.16.2.70:7007 reaches the box's server, the answers leave with source 172.16.2.70:7007;
#    ping 172.16.2.70 is answered by the box, from 172.16.2.70
#  - REDIRECT: 172.16.2.5:8 -> the box's port 7007 (answers from 172.16.2.5:8)
#  - no rule: TCP to 172.16.2.5:7007 directly; ping 172.16.2.5; TCP to the closed port
#    172.16.2.5:9 (the box answers with a reset)
#  - for contrast, one forwarded connection through the same box: 172.16.2.65:7 -> 172.16.3.5:7
# In this run: every connection to the box got a conntrack entry (NEW ... TIME_WAIT, ASSURED), the
# DNAT and REDIRECT ones with the box's address/port in the reply tuple; the box's answers left
# with the source the client had addressed (172.16.2.70:7007, 172.16.2.5:8). The client's FIN to
# 172.16.2.70:7007, which could not open a connection by itself, was delivered through that
# entry, not forwarded. The reset from the closed port 9 destroyed its entry at once (CLOSE).
# MASQUERADE touched none of them; only the forwarded connection was masqueraded.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.70/32 -i eth0 -j DNAT --to-destination 172.16.2.5
-A PREROUTING -d 172.16.2.5/32 -i eth0 -p tcp -m tcp --dport 8 -j REDIRECT --to-ports 7007
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
traffic() {
  serve nat tcp 172.16.2.5 7007
  serve right tcp 172.16.3.5 7
  client onp python3 "$HERE/client.py" tcp 172.16.2.70 7007 192.168.1.5 47001 1
  client onp ping -c 2 -i 0.2 -W 1 -I 192.168.1.5 172.16.2.70
  client onp python3 "$HERE/client.py" tcp 172.16.2.5 8 192.168.1.5 47002 1
  client onp python3 "$HERE/client.py" tcp 172.16.2.5 7007 192.168.1.5 47003 1
  client onp ping -c 2 -i 0.2 -W 1 -I 192.168.1.5 172.16.2.5
  client onp python3 "$HERE/client.py" tcp 172.16.2.5 9 192.168.1.5 47004 1
  client onp python3 "$HERE/client.py" tcp 172.16.2.65 7 192.168.1.5 47005 1
}
