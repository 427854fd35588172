# NAT to an address range: which address the kernel picks for each connection, and that the
# replies come back translated. DNAT: The right VM has three addresses 172.16.3.5-.7; eight on-premises
# sources 192.168.1.5-.12 each open a TCP connection to 172.16.2.71:7 (plain range: the back end
# is a hash of the source and the original destination address, nf_nat_core.c
# find_best_ips_proto: jhash2 of the source address seeded with the destination address, scaled
# into the range; deterministic, no secret), one to 172.16.2.72:7 (--persistent: the hash of the
# source alone), and send a UDP datagram to 172.16.2.71:7 (address and port range 7000-7002:
# port 7 is outside it, so DNAT takes the first free port from the bottom of the range).
# Last, one UDP socket (192.168.1.5:43000) sends to 172.16.2.71 ports 7 and 9: both land on the
# same back end, the second's reply tuple would clash with the first's on port 7000, so it
# gets the next port, 7001. No source NAT there: the right VNet routes 192.168.1.0/24 back via the NAT VM.
# SNAT: each source also sends a UDP datagram to 172.16.2.73:9, DNAT to 172.16.3.5:7003 and SNAT to
# 172.16.2.10-172.16.2.12 (addresses of the NAT VM): the same hash picks the source address (source
# seeded with the destination after DNAT); the client's port is kept.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.71/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5-172.16.3.7
-A PREROUTING -d 172.16.2.71/32 -i eth0 -p udp -j DNAT --to-destination 172.16.3.5-172.16.3.7:7000-7002
-A PREROUTING -d 172.16.2.72/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5-172.16.3.7 --persistent
-A PREROUTING -d 172.16.2.73/32 -i eth0 -p udp -m udp --dport 9 -j DNAT --to-destination 172.16.3.5:7003
-A POSTROUTING -d 172.16.3.5/32 -o eth0 -p udp -m udp --dport 7003 -j SNAT --to-source 172.16.2.10-172.16.2.12
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
  udr_add 103 192.168.1.0/24
  for i in 6 7; do ip -n "$P-right" addr add 172.16.3.$i/24 dev eth0; done
  for i in 10 11 12; do ip -n "$P-nat" addr add 172.16.2.$i/24 dev eth0; done
  for i in 7 8 9 10 11 12; do ip -n "$P-onp" addr add 192.168.1.$i/24 dev eth0; done
}
TWOPORTS='
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.5); s.bind(("192.168.1.5", 43000))
for port in (7, 9):
    s.sendto(b"y" * 20, ("172.16.2.71", port))
    try: print(port, s.recvfrom(100)[0].decode().strip())
    except OSError as e: print(port, "no reply:", type(e).__name__)
'
traffic() {
  for b in 5 6 7; do
    serve right tcp 172.16.3.$b 7
    for p in 7000 7001 7002; do serve right udp 172.16.3.$b $p; done
  done
  serve right udp 172.16.3.5 7003
  for i in 5 6 7 8 9 10 11 12; do
    client onp python3 "$HERE/client.py" tcp 172.16.2.71 7 192.168.1.$i 0 1
    client onp python3 "$HERE/client.py" tcp 172.16.2.72 7 192.168.1.$i 0 1
    client onp python3 "$HERE/client.py" udp 172.16.2.71 7 192.168.1.$i 0 1
    client onp python3 "$HERE/client.py" udp 172.16.2.73 9 192.168.1.$i 0 1
  done
  client onp python3 -c "$TWOPORTS"
}
