#!/usr/bin/env python3
"""Bounded floods for the fault scenarios: frames written to an interface at a set rate for a set time.

  flood.py IFACE DST_MAC RATE SECONDS syn SRC_FIRST SRC_LAST DST_IP DST_PORT
      TCP SYNs from random addresses SRC_FIRST..SRC_LAST (last byte) and random ports
  flood.py IFACE DST_MAC RATE SECONDS udp SRC_IP DST_IP DST_PORT
      UDP datagrams from SRC_IP with random source ports (1024-65535)
  flood.py IFACE DST_MAC RATE SECONDS hex FILE
      the IPv4 packets of FILE (one hex line each, sent exactly as written) in order, once

Prints "sent N failed F" (F: frames the interface refused). Seeded (FLOOD_SEED, default 21) so a run can be repeated. Sends nothing outside IFACE.
"""
import os, random, socket, struct, sys, time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, l4, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + l4


def l4sum(src, dst, proto, l4):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(l4))
    return csum(pseudo + l4)


def syn(rng, args, i):
    first, last, dst, dport = args[0], args[1], args[2], int(args[3])
    base = first.rsplit(".", 1)
    src = "%s.%d" % (base[0], rng.randint(int(base[1]), int(last.rsplit(".", 1)[1])))
    tcp = struct.pack("!HHIIBBHHH", rng.randint(1024, 65535), dport, rng.getrandbits(32), 0, 5 << 4, 0x02, 64240, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", l4sum(src, dst, 6, tcp)) + tcp[18:]
    return ipv4(src, dst, 6, tcp, i & 0xFFFF)


def udp(rng, args, i):
    src, dst, dport = args[0], args[1], int(args[2])
    payload = b"flood %d" % i
    u = struct.pack("!HHHH", rng.randint(1024, 65535), dport, 8 + len(payload), 0) + payload
    c = l4sum(src, dst, 17, u) or 0xFFFF
    return ipv4(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:], i & 0xFFFF)


def main():
    iface, dst_mac, rate, seconds, kind = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    args = sys.argv[6:]
    rng = random.Random(int(os.environ.get("FLOOD_SEED", "21")))
    src_mac = open("/sys/class/net/%s/address" % iface).read().strip()
    eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00"
    packets = None
    if kind == "hex":
        packets = [bytes.fromhex(l.strip()) for l in open(args[0]) if l.strip()]
    elif kind not in ("syn", "udp"):
        sys.exit("unknown kind " + kind)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = failed = 0
    start = time.monotonic()
    total = int(rate * seconds) if packets is None else min(len(packets), int(rate * seconds))
    while sent < total:
        due = start + sent / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        if packets is not None:
            frame = eth + packets[sent]
        else:
            frame = eth + (syn(rng, args, sent) if kind == "syn" else udp(rng, args, sent))
        try:
            s.send(frame)
        except OSError:
            failed += 1  # e.g. a frame above the MTU: never on the wire
        sent += 1
    print("sent %d failed %d" % (sent, failed), flush=True)


if __name__ == "__main__":
    main()
