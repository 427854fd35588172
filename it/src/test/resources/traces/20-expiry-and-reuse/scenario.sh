# Connection expiry and reuse of the freed tuple, with the box's conntrack timeouts shortened
# (recorded in sysctl.txt): UDP 3 s, UDP stream 6 s, ICMP 3 s, TCP ESTABLISHED 5 s,
# TIME_WAIT 3 s. Clients on-premises talk to 172.16.2.69 (DNAT to 172.16.3.5), masqueraded.
#  U  192.168.1.5:40000 sends one datagram (answered): 172.16.2.5:40000. 0.2 s later
#     192.168.1.6:40000 clashes on that port and gets a random one. Both expire (3 s after
#     their last packet). At 3.6 s .6:40000 sends again: a NEW connection, and 40000 is free
#     now, so it keeps it; at 3.8 s .5:40000 sends again and now clashes in its turn.
#  S  192.168.1.5:40001 sends at 0, 1, 2.2, 3.2 s (each answered): replied and active after
#     2 s, it becomes a stream (ASSURED, 6 s). 4 s after its last datagram (past the 3 s UDP
#     timeout, within the 6 s stream timeout) it sends again: same connection. 6.5 s after
#     that it sends once more: the stream expired, a NEW connection of the same tuple.
#  I  ping with identifier 4242 (two echoes), then 3.5 s later again: the first echo entry
#     expired (ICMP 3 s); the second is a new one with the same identifier.
#  T  192.168.1.5:45000 exchanges a line and closes (FIN both ways: TIME_WAIT 3 s). 4 s later
#     the same client port connects again (tcp_tw_reuse on the client): a NEW connection on the
#     freed tuple. 192.168.1.6:45001 exchanges a line, stays idle 6 s (ESTABLISHED 5 s) and
#     sends another line: the kernel's entry expired, the segment is picked up mid-stream.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.69/32 -i eth0 -p udp -m udp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.69/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A PREROUTING -d 172.16.2.69/32 -i eth0 -p icmp -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
  ip netns exec "$P-onp" sysctl -qw net.ipv4.tcp_tw_reuse=1
  ip netns exec "$P-nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3 \
    net.netfilter.nf_conntrack_udp_timeout_stream=6 net.netfilter.nf_conntrack_icmp_timeout=3 \
    net.netfilter.nf_conntrack_tcp_timeout_established=5 net.netfilter.nf_conntrack_tcp_timeout_time_wait=3
}
UDP='
import socket, time
t0 = time.monotonic()
def at(t):
    d = t0 + t - time.monotonic()
    if d > 0: time.sleep(d)
socks = {}
def send(name, src, sport):
    s = socks.get((src, sport))
    if s is None:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1); s.bind((src, sport))
        socks[(src, sport)] = s
    s.sendto(name.encode(), ("172.16.2.69", 7))
    try: r = s.recvfrom(2048)[0].decode().strip()
    except socket.timeout: r = "timeout"
    print("%.2f %s %s:%d %s" % (time.monotonic() - t0, name, src, sport, r))
at(0.0); send("A", "192.168.1.5", 40000)
at(0.2); send("B", "192.168.1.6", 40000)
at(3.6); send("B2", "192.168.1.6", 40000)
at(3.8); send("A2", "192.168.1.5", 40000)
at(4.5); send("S0", "192.168.1.5", 40001)
at(5.5); send("S1", "192.168.1.5", 40001)
at(6.7); send("S2", "192.168.1.5", 40001)
at(7.7); send("S3", "192.168.1.5", 40001)
at(11.7); send("S4", "192.168.1.5", 40001)
at(18.2); send("S5", "192.168.1.5", 40001)
'
TCP='
import socket, time
def conn(src, sport):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(3); s.bind((src, sport)); s.connect(("172.16.2.69", 7))
    f = s.makefile("rwb"); print(sport, f.readline().decode().strip())
    return s, f
def line(f, text):
    f.write(text.encode() + b"\n"); f.flush(); print(text, f.readline().decode().strip())
def finish(s, f):
    s.shutdown(socket.SHUT_WR); print("eof", repr(f.read())); f.close(); s.close()
s, f = conn("192.168.1.5", 45000); line(f, "T1"); finish(s, f)
time.sleep(4)
s, f = conn("192.168.1.5", 45000); line(f, "T2"); finish(s, f)
s, f = conn("192.168.1.6", 45001); line(f, "E1")
time.sleep(6)
line(f, "E2"); finish(s, f)
'
run() { echo "\$ [$1] $2" >>"$OUT/clients.txt"; in_ns "$1" timeout 40 python3 -c "$3" >>"$OUT/clients.txt" 2>&1 || echo "(exit $?)" >>"$OUT/clients.txt"; }
traffic() {
  serve right udp 172.16.3.5 7
  serve right tcp 172.16.3.5 7
  run onp "udp expiry and reuse (U, S)" "$UDP"
  client onp ping -e 4242 -c 2 -i 0.2 -W 1 172.16.2.69
  sleep 3.5
  client onp ping -e 4242 -c 1 -W 1 172.16.2.69
  run onp "tcp expiry and reuse (T)" "$TCP"
  sleep 1
}
