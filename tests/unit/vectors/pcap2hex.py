#!/usr/bin/env python3
"""pcap2hex.py - turn capture.sh's pcaps into NAME.hex vectors and fuzz seeds.

Usage: pcap2hex.py VECTOR_DIR CORPUS_DIR "KEEPALIVED VERSION" NAME...

NAME.hex holds up to three adverts with a non-zero priority and the last
priority-0 advert (keepalived's stop), one block per packet:
  src ADDR / dst ADDR / hoplimit N / hex BYTES
where BYTES is what a raw socket delivers: the IPv4 header + VRRP message for
IPv4, the VRRP message alone for IPv6 (its addresses and hop limit come from
cmsgs, hence the separate lines). Fuzz seeds (see tests/fuzz/fuzz_vrrp_pkt.c):
one byte of flags (bit 0: IPv6), for IPv6 src(16) dst(16) hoplimit(1), then
the bytes.
"""
import ipaddress
import os
import struct
import sys


def frames(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    if linktype != 1:
        raise SystemExit('%s: linktype %d, want Ethernet' % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def decode(frame):
    etype = struct.unpack('>H', frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800:
        tot = struct.unpack('>H', ip[2:4])[0]
        ip = ip[:tot]
        ihl = (ip[0] & 0x0f) * 4
        return dict(family=4, src=ipaddress.IPv4Address(ip[12:16]),
                    dst=ipaddress.IPv4Address(ip[16:20]), hop=ip[8],
                    raw=ip, vrrp=ip[ihl:])
    if etype == 0x86dd:
        plen = struct.unpack('>H', ip[4:6])[0]
        return dict(family=6, src=ipaddress.IPv6Address(ip[8:24]),
                    dst=ipaddress.IPv6Address(ip[24:40]), hop=ip[7],
                    raw=ip[40:40 + plen], vrrp=ip[40:40 + plen])
    return None


def main():
    vdir, cdir, version = sys.argv[1:4]
    os.makedirs(cdir, exist_ok=True)
    for name in sys.argv[4:]:
        pkts = [p for p in map(decode, frames(os.path.join(vdir, name + '.pcap')))
                if p]
        live = [p for p in pkts if p['vrrp'][2] != 0][:3]
        stop = [p for p in pkts if p['vrrp'][2] == 0][-1:]
        chosen = live + stop
        if not live:
            raise SystemExit('%s: no adverts captured' % name)
        with open(os.path.join(vdir, name + '.hex'), 'w') as f:
            f.write('# %s: adverts captured from %s by capture.sh\n' % (name, version))
            for p in chosen:
                f.write('\nsrc %s\ndst %s\nhoplimit %d\nhex %s\n' %
                        (p['src'], p['dst'], p['hop'], p['raw'].hex()))
        for i, p in enumerate(chosen):
            if p['family'] == 4:
                seed = bytes([0]) + p['raw']
            else:
                seed = (bytes([1]) + p['src'].packed + p['dst'].packed +
                        bytes([p['hop']]) + p['raw'])
            with open(os.path.join(cdir, '%s_%d.bin' % (name, i)), 'wb') as f:
                f.write(seed)
        print('%s: %d packets' % (name, len(chosen)))


main()
