#!/usr/bin/env python3
"""vrrp_inject.py - send one hand-made VRRP advert (good or broken) from the
current network namespace, for the netns tests. Test tool only: one packet
per call, documentation addresses only.

usage: vrrp_inject.py CASE SRC DST VRID [PRIO] [PASS]
CASE: good ttl254 badsum truncated version type count interval auth
      (IPv4, VRRPv2, advert_int 1, one address 192.0.2.100)
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def advert(case, vrid, prio, pw):
    ver, typ, count, interval = 2, 1, 1, 1
    if case == "version":
        ver = 3
    if case == "type":
        typ = 2
    if case == "count":
        count = 3  # more addresses than the length holds
    if case == "interval":
        interval = 2
    if case == "auth":
        pw = "wrongpw"
    auth = pw.encode()[:8].ljust(8, b"\0")
    body = struct.pack("!BBBBBBH", ver << 4 | typ, vrid, prio, count,
                       1 if pw else 0, interval, 0)
    body += socket.inet_aton("192.0.2.100") + auth
    c = csum(body)
    if case == "badsum":
        c ^= 0x0101
    body = body[:6] + struct.pack("!H", c) + body[8:]
    if case == "truncated":
        body = body[:6]
    return body


def main():
    case, src, dst, vrid = sys.argv[1:5]
    prio = int(sys.argv[5]) if len(sys.argv) > 5 else 254
    pw = sys.argv[6] if len(sys.argv) > 6 else ""
    payload = advert(case, int(vrid), prio, pw)
    ttl = 254 if case == "ttl254" else 255
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 0, 0,
                      ttl, 112, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    if socket.inet_aton(dst)[0] >= 224:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     socket.inet_aton(src))
    s.sendto(hdr + payload, (dst, 0))


main()
