#!/usr/bin/env python3
"""Bounded, self-addressed test traffic on loopback for `capture live` (tests and benchmarks).

Sends only to 127.0.0.1 / ::1 (or, with --v4/--v6, to addresses of a network namespace the
calling test created itself) on the given port range, and stops after --seconds or --count. Kinds per round (one "round" = one of each, in this order):
  udp4, udp6            one datagram each to 127.0.0.1 / ::1 :PORT
  dns4 A, dns6 AAAA     a DNS-shaped query (RFC 1035 header + one question) from source port
                        PORT+3 to port --dns-port (53: the port the analyzers read as DNS);
                        nothing answers (the kernel's ICMP port unreachable has no ports, so a
                        `portrange PORT-PORT+3` filter keeps exactly what this script sends)
  tcp4, tcp6            a full TCP handshake to a listener on :PORT+2, then close
With --udp-only only udp4/udp6 are sent (a steady packet rate for drop measurements).
Prints one JSON line: what was sent per kind, and packets on the wire expected.
"""
import argparse, json, socket, struct, time

def dns_query(qid, name, qtype):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rate", type=float, default=100, help="rounds (udp-only: datagrams) per second")
    ap.add_argument("--seconds", type=float, default=1)
    ap.add_argument("--count", type=int, default=0, help="rounds; 0: by --seconds")
    ap.add_argument("--udp-only", action="store_true")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--dns-port", type=int, default=53)
    ap.add_argument("--v4", default="127.0.0.1", help="IPv4 destination (loopback, or an address of a test's own namespace)")
    ap.add_argument("--v6", default="::1", help="IPv6 destination (loopback, or an address of a test's own namespace)")
    ap.add_argument("--no-tcp", action="store_true", help="UDP and DNS only (the destination need not be local)")
    a = ap.parse_args()
    sent = {"udp4": 0, "udp6": 0, "dns4_a": 0, "dns6_aaaa": 0, "tcp4": 0, "tcp6": 0}
    u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    d4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    d6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if not a.udp_only:
        d6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        d4.bind(("0.0.0.0", a.port + 3)); d6.bind(("::", a.port + 3))
    listeners = []
    if not a.udp_only and not a.no_tcp:
        for fam, addr in ((socket.AF_INET, a.v4), (socket.AF_INET6, a.v6)):
            l = socket.socket(fam, socket.SOCK_STREAM)
            l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind((addr, a.port + 2)); l.listen(128)
            listeners.append(l)
    payload = b"n" * a.size
    start = time.monotonic()
    period = 1.0 / a.rate
    i = 0
    while True:
        if a.count and i >= a.count: break
        if not a.count and time.monotonic() - start >= a.seconds: break
        due = start + i * period
        now = time.monotonic()
        if due > now: time.sleep(due - now)
        u4.sendto(payload, (a.v4, a.port)); sent["udp4"] += 1
        u6.sendto(payload, (a.v6, a.port)); sent["udp6"] += 1
        if not a.udp_only:
            d4.sendto(dns_query(i & 0xffff, "v4.example.org", 1), (a.v4, a.dns_port)); sent["dns4_a"] += 1
            d6.sendto(dns_query(i & 0xffff, "v6.example.org", 28), (a.v6, a.dns_port)); sent["dns6_aaaa"] += 1
            for fam, addr, key, l in ((socket.AF_INET, a.v4, "tcp4", listeners[0]), (socket.AF_INET6, a.v6, "tcp6", listeners[1])) if listeners else ():
                c = socket.socket(fam, socket.SOCK_STREAM)
                c.connect((addr, a.port + 2))
                s, _ = l.accept()
                c.close(); s.close()
                sent[key] += 1
        i += 1
    for l in listeners: l.close()
    print(json.dumps({"rounds": i, "sent": sent, "seconds": round(time.monotonic() - start, 3)}), flush=True)

if __name__ == "__main__":
    main()
