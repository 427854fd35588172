# Source port exhaustion: SNAT to 172.16.2.5 with only three ports (20000-20002), TCP and UDP.
# Three TCP connections take the three ports and stay open; a fourth finds no free port: its
# SYNs are dropped (no conntrack entry, nothing sent). Then one connection is reset (CLOSE, 10 s)
# and one closed with FIN/ACK (TIME_WAIT, 120 s); a new connection right after each still finds
# no port. 11 s after the reset, one more connection. With so few ports every attempt of a SYN
# may evict a source-NATed entry in TIME_WAIT or CLOSE, but only one whose original-direction
# sequence the new SYN has moved past (nf_nat_used_tuple_harder); the client ISNs are random,
# so which ports were free at each SYN is in the trace (events: DESTROY of an evicted entry).
# In this run the ISNs of 41005 and 41006 were behind (mod 2^32) the closing entries': dropped; 41007
# got 20002 by evicting 41002's TIME_WAIT entry (41001's CLOSE entry had expired, 41003's was
# evictable too: the kernel tried 20002 first).
# UDP likewise: three datagrams take the three ports, a fourth finds none and is dropped.
# The kernel draws the port in the range at random: any free one is right.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.70/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.70/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -p tcp -j SNAT --to-source 172.16.2.5:20000-20002
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -p udp -j SNAT --to-source 172.16.2.5:20000-20002
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
}
# TCP client: "fill STAMP" holds three connections, tries a fourth, resets the first (writing
# the time to STAMP), tries again, closes the second with FIN/ACK, tries again, resets the third;
# "reuse STAMP" waits until 11 s after that reset and connects once more.
TCPX='
import socket, struct, sys, time
def conn(port, timeout):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(timeout); s.bind(("192.168.1.5", port))
    try:
        s.connect(("172.16.2.70", 7)); f = s.makefile("rb")
        print(port, f.readline().decode().strip()); return s
    except OSError as e:
        print(port, "failed:", type(e).__name__); s.close(); return None
def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
if sys.argv[1] == "fill":
    held = [conn(p, 3) for p in (41001, 41002, 41003)]
    conn(41004, 1.5)
    reset(held[0]); open(sys.argv[2], "w").write(repr(time.time())); time.sleep(0.3)
    conn(41005, 1.5)
    held[1].shutdown(socket.SHUT_WR); held[1].recv(100); held[1].close(); time.sleep(0.3)
    conn(41006, 1.5)
    reset(held[2])
else:
    time.sleep(max(0, float(open(sys.argv[2]).read()) + 11 - time.time()))
    s = conn(41007, 3)
    if s: reset(s)
'
UDPX='
import socket
socks = []
for port in (42001, 42002, 42003, 42004):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.2); s.bind(("192.168.1.5", port))
    s.sendto(b"x" * 16, ("172.16.2.70", 7))
    try: print(port, s.recvfrom(100)[0].decode().strip())
    except OSError as e: print(port, "no reply:", type(e).__name__)
    socks.append(s)
'
traffic() {
  serve right tcp 172.16.3.5 7
  serve right udp 172.16.3.5 7
  local stamp; stamp=$(mktemp)
  client onp python3 -c "$TCPX" fill "$stamp"
  client onp python3 -c "$UDPX"
  client onp python3 -c "$TCPX" reuse "$stamp"
  rm -f "$stamp"
}
