# TCP teardown and reuse of the same client port, through DNAT + masquerade. One client socket
# address (192.168.1.5:45000) talks to 172.16.2.65:7 four times in a row:
#  A  exchange a line, close with FIN/ACK both ways: conntrack TIME_WAIT (120 s).
#  B  1.1 s later the same port connects again (the client reuses its TIME_WAIT socket:
#     tcp_tw_reuse): the SYN meets the TIME_WAIT entry, which the kernel destroys and
#     tracks afresh (NEW); masquerade keeps port 45000. B ends with a reset: CLOSE (10 s).
#  C  the same port again right after the reset: the SYN reopens the CLOSE entry likewise.
#     C sends a line and resets at once (in this run nothing came back after the reset).
#  D  the same port once more, closed by FIN/ACK.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p tcp -m tcp --dport 7 -j DNAT --to-destination 172.16.3.5:7
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
setup() {
  udr_add 104 172.16.2.64/26
  ip netns exec "$P-onp" sysctl -qw net.ipv4.tcp_tw_reuse=1
}
REUSE='
import socket, struct, time
def conn(name):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(3); s.bind(("192.168.1.5", 45000)); s.connect(("172.16.2.65", 7))
    f = s.makefile("rwb"); print(name, f.readline().decode().strip())
    f.write(b"line %s\n" % name.encode()); f.flush(); print(name, f.readline().decode().strip())
    return s, f
def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
def finish(s, f):
    s.shutdown(socket.SHUT_WR); print("eof", repr(f.read())); f.close(); s.close()
s, f = conn("A"); finish(s, f)
time.sleep(1.1)
s, f = conn("B"); f.close(); reset(s)
time.sleep(0.2)
s, f = conn("C"); s.send(b"more\n"); f.close(); reset(s)
time.sleep(0.2)
s, f = conn("D"); finish(s, f)
'
traffic() {
  serve right tcp 172.16.3.5 7
  client onp python3 -c "$REUSE"
}
