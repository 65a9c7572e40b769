#!/usr/bin/env python3
"""gen_corpus.py - write the seed corpora of the checker and IPVS fuzz
targets (tests/fuzz/corpus_http, corpus_ipvs_msg, corpus_chk_pkt).

The seeds are checked in; run this again only when an input format in
fuzz_http.c, fuzz_ipvs_msg.c or fuzz_chk_pkt.c changes:
    python3 tests/fuzz/gen_corpus.py
Each seed is a valid message (plus a few malformed HTTP responses), in the
input format the target's header comment describes.
"""
import os
import shutil
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(corpus, files):
    d = os.path.join(HERE, "corpus_" + corpus)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


# ---- HTTP: flags, chunking, cap/4, status list (3), then the stream ----
F_DIGEST, F_STATUS, F_SMALL_CAP, F_EOF = 1, 2, 4, 8


def http(flags, split, stream, cap=16, status=(50, 0, 0)):
    return bytes([flags, split, cap]) + bytes(status) + stream


http_files = {
    "len_digest": http(
        F_DIGEST | F_STATUS,
        7,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 12\r\n\r\nhello world\n",
    ),
    "chunked": http(
        F_DIGEST,
        5,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-T: 1\r\n\r\n",
    ),
    "close": http(
        F_EOF | F_STATUS,
        3,
        b"HTTP/1.0 404 Not Found\nServer: x\n\nnot here\n",
        status=(150, 9, 4),
    ),
    "capped": http(
        F_SMALL_CAP | F_EOF,
        11,
        b"HTTP/1.1 200 OK\r\n\r\n" + b"0123456789abcdef" * 6,
        cap=8,
    ),
    "no_content": http(
        F_STATUS, 1, b"HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
    ),
    "bad_chunk": http(
        F_DIGEST | F_EOF,
        2,
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
        b"3\r\nabcX\r\n",
    ),
    "bad_status": http(0, 0, b"HTTP/1.1 20x OK\r\n\r\n"),
}

# ---- IPVS: kernel-style generic netlink replies ----
NLMSG_ERROR, GENL_ID_CTRL, IPVS_FAMILY = 2, 0x10, 0x1C
NLA_F_NESTED = 0x8000


def attr(t, payload):
    hdr = struct.pack("=HH", 4 + len(payload), t)
    pad = (-len(payload)) % 4
    return hdr + payload + b"\0" * pad


def nest(t, *attrs):
    return attr(t | NLA_F_NESTED, b"".join(attrs))


def u8(t, v):
    return attr(t, struct.pack("=B", v))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def be16(t, v):
    return attr(t, struct.pack(">H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def u64(t, v):
    return attr(t, struct.pack("=Q", v))


def addr(t, af, s):
    return attr(t, socket.inet_pton(af, s).ljust(16, b"\0"))


def nlmsg(typ, cmd, payload, flags=2, seq=7):  # NLM_F_MULTI
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    return struct.pack("=IHHII", 16 + len(body), typ, flags, seq, 0) + body


def stats(t, wide):
    vals = [5, 100, 90, 6000, 50000, 1, 2, 3, 4, 5]
    return nest(t, *[(u64 if wide or i in (3, 4) else u32)(i + 1, v)
                     for i, v in enumerate(vals)])


def svc(af, proto, a, port, sched, fwmark=0, pe=None):
    inet = socket.AF_INET if af == 2 else socket.AF_INET6
    attrs = [u16(1, af)]
    if fwmark:
        attrs.append(u32(5, fwmark))
    else:
        attrs += [u16(2, proto), addr(3, inet, a), be16(4, port)]
    attrs += [attr(6, sched.encode() + b"\0"),
              attr(7, struct.pack("=II", 0x3, 0xFFFFFFFF)),
              u32(8, 300), u32(9, 0xFFFFFFFF if af == 2 else 128),
              stats(10, False)]
    if pe:
        attrs.append(attr(11, pe.encode() + b"\0"))
    attrs.append(stats(12, True))
    return nlmsg(IPVS_FAMILY, 1, nest(1, *attrs))


def dest(af, a, port, method, weight, tun=False, with_af=True):
    inet = socket.AF_INET if af == 2 else socket.AF_INET6
    attrs = [addr(1, inet, a), be16(2, port), u32(3, method),
             u32(4, weight), u32(5, 0), u32(6, 0), u32(7, 3), u32(8, 9),
             u32(9, 0), stats(10, False)]
    if with_af:
        attrs.append(u16(11, af))
    attrs.append(stats(12, True))
    if tun:
        attrs += [u8(13, 1), be16(14, 6080), u16(15, 1)]
    return nlmsg(IPVS_FAMILY, 5, nest(2, *attrs))


def ack(error):
    orig = struct.pack("=IHHII", 60, IPVS_FAMILY, 5, 9, 0)
    body = struct.pack("=i", error) + orig
    return struct.pack("=IHHII", 16 + len(body), NLMSG_ERROR, 0x100, 9,
                       0) + body


ipvs_files = {
    "family": nlmsg(GENL_ID_CTRL, 1,
                    attr(2, b"IPVS\0") + u16(1, IPVS_FAMILY) + u32(3, 1) +
                    u32(4, 0) + u32(5, 6), flags=0),
    "svc_tcp4": svc(2, 6, "192.0.2.10", 80, "wrr"),
    "svc_udp6_sh": svc(10, 17, "2001:db8::10", 53, "sh", pe="sip"),
    "svc_fwmark": svc(2, 0, None, 0, "rr", fwmark=42),
    "dest_dr4": dest(2, "192.0.2.21", 80, 3, 1),
    "dest_tun6": dest(10, "2001:db8::21", 8080, 2, 100, tun=True),
    "dest_noaf": dest(2, "198.51.100.5", 443, 0, 5, with_af=False),
    "ack": ack(0),
    "error": ack(-17),
}

# ---- checker packets: selector byte, then per-parser data ----
DNS_ID = 0xD1D0


def dns_q(name, qtype):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l)
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def dns(tsel, name, qtype, answer=b"", flags=0x8180, nan=1):
    q = dns_q(name, qtype)
    r = struct.pack(">HHHHHH", DNS_ID, flags, 1, nan, 0, 0) + q + answer
    n = name.encode()
    return bytes([0 | tsel << 2 | 3 << 5, len(n)]) + n + r


def icmp(v6, ip, id_, seq, payload):
    t = 129 if v6 else 0
    m = struct.pack(">BBHHH", t, 0, 0, id_, seq) + payload
    if ip:
        m = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(m), 1, 0, 64, 1,
                        0, bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])) + m
    return bytes([1 | v6 << 2 | ip << 3]) + struct.pack(">HH", id_, seq) + m


def udp(pat, reply):
    p = pat.encode()
    return bytes([2, len(p)]) + p + reply


def smtp(text, k):
    return bytes([3, k]) + text


chk_files = {
    "dns_soa": dns(3, "example.org", 6,
                   b"\xc0\x0c\x00\x06\x00\x01\x00\x00\x0e\x10\x00\x04" +
                   b"\x01\x02\x03\x04"),
    "dns_a": dns(0, "www.example.org.", 1,
                 b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" +
                 bytes([192, 0, 2, 80])),
    "dns_nxdomain": dns(6, "nx.example.", 28, flags=0x8183, nan=0),
    "icmp4_raw": icmp(0, 1, 0x1234, 7, bytes(range(0x20, 0x40))),
    "icmp4_dgram": icmp(0, 0, 0x4321, 1, b"abcdefgh"),
    "icmp6": icmp(1, 0, 0x0102, 300, bytes(range(0x20, 0x30))),
    "udp": udp("0102 X3 ff", b"\x01\x02\x43\xff\x00"),
    "smtp_multi": smtp(b"250-mail.example.org\r\n250-SIZE 1000\r\n"
                       b"250 HELP\r\n", 30),
    "smtp_greet": smtp(b"220 mail.example.org ESMTP\r\n", 5),
}

write("http", http_files)
write("ipvs_msg", ipvs_files)
write("chk_pkt", chk_files)
