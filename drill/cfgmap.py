#!/usr/bin/python3
"""cfgmap.py - map a keepalived-style config pair onto the drill's lab.

usage: cfgmap.py OUTDIR FILE_A [FILE_B] [--break vrid] [--lab LABDIR]

Writes OUTDIR/dA.conf and OUTDIR/dB.conf (with dA.lines, dB.lines: the
FILE:LINE each line came from; addresses rewritten to the lab's:
VIPs 192.0.2.100.., real servers 192.0.2.21.., directors 192.0.2.2/.3,
anything else 203.0.113.x) and OUTDIR/facts.json (what the verdicts need:
VRRP timing, VIPs, real servers, the ports they serve and their check
windows). Without FILE_B, director B gets FILE_A with state BACKUP and a
priority 50 lower. Checkers become ones the lab serves (digests of the lab's
pages, status 200, a lab MISC_CHECK command, the lab's CA in LABDIR/tls;
see map_checkers) or are refused (SMTP, DNS, UDP, PING).
Prints one line per mapping or change; exit 2 with a message naming what is
missing, or the checker and its FILE:LINE, when the lab cannot build the
config.
"""
import glob
import ipaddress
import json
import os
import re
import sys

LAN_A, LAN_B = "192.0.2.2", "192.0.2.3"
VIP_BASE, RS_BASE, OTHER_BASE = 100, 21, 1
MAX_RS = 8


class LabError(Exception):
    pass


def tokens(path, depth=0):
    """keepalived tokens of PATH with includes expanded; comments dropped."""
    if depth > 8:
        raise LabError(f"{path}: include nesting too deep")
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        raise LabError(f"cannot read {path}: {e.strerror}")
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"[#!].*", "", line)
        words = re.findall(r'"[^"]*"|[{}]|[^\s{}]+', line)
        if words[:1] == ["include"] and len(words) == 2:
            pat = words[1].strip('"')
            pat = os.path.join(os.path.dirname(path), pat)
            for inc in sorted(glob.glob(pat)):
                out.extend(tokens(inc, depth + 1))
            continue
        if words:
            out.append((words, f"{path}:{lineno}"))
    return out


def parse(path):
    """Tree of [keyword, args, children] nodes."""
    root, stack = [], []
    cur = root
    for words, loc in tokens(path):
        while words:
            if words[0] == "}":
                if not stack:
                    raise LabError(f"{path}: unbalanced '}}'")
                cur = stack.pop()
                words = words[1:]
                continue
            if "{" in words:
                i = words.index("{")
                head, words = words[:i], words[i + 1:]
                if not head:  # a bare "{" opens the last keyword's block
                    if not cur:
                        raise LabError(f"{path}: '{{' without a keyword")
                    node = cur[-1]
                else:
                    node = [head[0], head[1:], [], loc]
                    cur.append(node)
                stack.append(cur)
                cur = node[2]
                continue
            if "}" in words:
                i = words.index("}")
                head, words = words[:i], words[i:]
            else:
                head, words = words, []
            if head:
                cur.append([head[0], head[1:], None, loc])
    if stack:
        raise LabError(f"{path}: a block is not closed")
    return root


def find(nodes, key):
    return [n for n in nodes or [] if n[0] == key]


def val(nodes, key, default=None):
    for n in nodes or []:
        if n[0] == key and n[1]:
            return n[1][0]
    return default


def num(nodes, key, default):
    v = val(nodes, key)
    try:
        return float(v) if v is not None else default
    except ValueError:
        raise LabError(f"{key} '{v}' is not a number")


class Mapper:
    """Rewrites every IPv4/IPv6 literal to a lab address, by role."""

    def __init__(self):
        self.map = {}
        self.vips = []
        self.rss = []
        self.other = []

    def add(self, addr, role):
        a = addr.split("/")[0]
        if a in self.map:
            return self.map[a]
        if role == "vip":
            new = f"192.0.2.{VIP_BASE + len(self.vips)}"
            self.vips.append(new)
        elif role == "rs":
            if len(self.rss) == MAX_RS:
                raise LabError(f"more than {MAX_RS} real servers: the "
                               "lab builds at most that many")
            new = f"192.0.2.{RS_BASE + len(self.rss)}"
            self.rss.append(new)
        else:
            new = f"203.0.113.{OTHER_BASE + len(self.other)}"
            self.other.append(new)
        self.map[a] = new
        return new


def is_ip(s):
    try:
        ipaddress.ip_address(s.split("/")[0])
        return True
    except ValueError:
        return False


def check_ifname(name, what):
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", name) or name == "lo":
        raise LabError(f"{what}: interface '{name}' cannot be built in the "
                       "lab (want a plain name of up to 15 characters, "
                       "not lo)")


def collect(tree, m, fname):
    """Assign lab addresses by role; validate what the lab can build."""
    insts = find(tree, "vrrp_instance")
    if not insts:
        raise LabError(f"{fname}: no vrrp_instance: the drill fails over "
                       "a VRRP instance, the config has none")
    vss = find(tree, "virtual_server")
    if not vss:
        raise LabError(f"{fname}: no virtual_server: the drill sends "
                       "client traffic through an IPVS virtual server, "
                       "the config has none")
    ifs = set()
    for i in insts:
        name = i[1][0] if i[1] else "?"
        iface = val(i[2], "interface")
        if not iface:
            raise LabError(f"{fname}: vrrp_instance {name} has no interface")
        check_ifname(iface, f"vrrp_instance {name}")
        ifs.add(iface)
        for blk in ("virtual_ipaddress", "virtual_ipaddress_excluded"):
            for b in find(i[2], blk):
                for v in b[2] or []:
                    if not is_ip(v[0]):
                        continue
                    if ":" in v[0]:
                        raise LabError(f"vrrp_instance {name}: IPv6 VIP "
                                       f"{v[0]}: the lab builds IPv4 only")
                    if "dev" in v[1]:
                        dev = v[1][v[1].index("dev") + 1]
                        check_ifname(dev, f"VIP {v[0]}")
                        ifs.add(dev)
                    m.add(v[0], "vip")
        for t in find(i[2], "track_interface"):
            for v in t[2] or []:
                ifs.add(v[0])
    if len(ifs) > 1:
        raise LabError(f"{fname}: interfaces {', '.join(sorted(ifs))}: the "
                       "lab gives each director one LAN interface")
    for vs in vss:
        if len(vs[1]) < 2 or not is_ip(vs[1][0]):
            raise LabError(f"{fname}: virtual_server {' '.join(vs[1])}: the "
                           "lab drills 'virtual_server IP PORT' only "
                           "(no fwmark or group)")
        if ":" in vs[1][0]:
            raise LabError(f"virtual_server {vs[1][0]}: the lab builds "
                           "IPv4 only")
        if vs[1][0].split("/")[0] not in m.map:
            raise LabError(f"{fname}: virtual_server {vs[1][0]} is not a "
                           "VIP of any vrrp_instance: no director would "
                           "hold it")
        kind = (val(vs[2], "lb_kind") or val(vs[2], "lvs_method")
                or "NAT").upper()
        if kind != "DR":
            raise LabError(f"virtual_server {vs[1][0]} {vs[1][1]}: lb_kind "
                           f"{kind}: the lab builds LVS-DR only "
                           "(lb_kind DR)")
        if (val(vs[2], "protocol") or "TCP").upper() != "TCP":
            raise LabError(f"virtual_server {vs[1][0]}: the drill's client "
                           "speaks HTTP over TCP only")
        rss = find(vs[2], "real_server")
        if not rss:
            raise LabError(f"virtual_server {vs[1][0]} {vs[1][1]} has no "
                           "real_server")
        for rs in rss:
            if not rs[1] or not is_ip(rs[1][0]) or ":" in rs[1][0]:
                raise LabError(f"real_server {' '.join(rs[1])}: the lab "
                               "builds IPv4 real servers only")
            m.add(rs[1][0], "rs")
    return ifs.pop()


def rewrite(tree, m, me, peer, edits, notes):
    """Serialize TREE with lab addresses; EDITS(node) may change a node.
    Appends to NOTES a line per address given a director's role. Returns
    the text and, per line of it, the FILE:LINE it came from (or "")."""
    out, locs = [], []

    def addr(tok, role=None):
        if not is_ip(tok):
            return tok
        base, _, plen = tok.partition("/")
        new = m.add(base, role or "other")
        return new + ("/" + plen if plen else "")

    def emit(nodes, ind):
        for key, args, kids, loc in nodes:
            if loc is None:  # made here, already a lab address
                out.append("\t" * ind + " ".join([key] + args))
                locs.append("")
                continue
            edits(key, args)
            if key in ("unicast_src_ip", "mcast_src_ip", "bind_to",
                       "bindto"):
                if args and args[0] != me:
                    notes.append(f"mapped {key} {args[0]} -> {me} (at "
                                 f"{loc}: this director's address)")
                args = [me] + args[1:]
            else:
                args = [addr(a) for a in args]
            key = addr(key)  # list entries: "10.0.0.100/24 dev eth0"
            if key == "unicast_peer":
                if len(kids or []) > 1:
                    raise LabError("unicast_peer lists more than one "
                                   "peer: the lab has two directors")
                if kids and kids[0][0] != peer:
                    notes.append(f"mapped unicast_peer {kids[0][0]} -> "
                                 f"{peer} (at {kids[0][3]}: the other "
                                 "director)")
                kids = [[peer, [], None, None]] if kids else kids
            line = "\t" * ind + " ".join([key] + args)
            locs.append(loc)
            if kids is None:
                out.append(line)
            else:
                out.append(line + " {")
                emit(kids, ind + 1)
                out.append("\t" * ind + "}")
                locs.append("")

    emit(tree, 0)
    return "\n".join(out) + "\n", locs

# Checkers the lab cannot serve, and why (the real servers run only the
# drill's HTTP(S) server, drill/rs_server.py, and real-server-down takes a
# server down by stopping it).
REFUSED = {
    "SMTP_CHECK": "the lab's real servers run no SMTP server",
    "DNS_CHECK": "the lab's real servers run no DNS server",
    "UDP_CHECK": "the lab's real servers serve TCP only",
    "PING_CHECK": "real-server-down stops the real server's services, but "
                  "its kernel would still answer the ping, so the server "
                  "would never leave the table",
    "BFD_CHECK": "directord has no BFD",
    "FILE_CHECK": "directord has no FILE_CHECK",
}
SERVED = ("HTTP_GET", "SSL_GET", "TCP_CHECK", "MISC_CHECK")


def page_md5(name):
    """MD5 of the page drill/rs_server.py serves on real server NAME."""
    import hashlib
    return hashlib.md5(f"{name}\n".encode()).hexdigest()


def accepts_200(codes):
    for c in codes:
        lo, _, hi = c.strip('"').partition("-")
        try:
            if int(lo) <= 200 <= int(hi or lo):
                return True
        except ValueError:
            return True  # the daemon will reject it, not the lab
    return False


def map_checkers(tree, m, lab, iface, serve, changes):
    """Make every checker of TREE one the lab serves, or refuse it.

    Rewrites in place what the lab must change (digests, status codes, MISC
    commands, SSL files), appends one line per change to CHANGES and records
    in SERVE (lab IP -> {"plain": ports, "tls": ports, "http": ports}) what
    each real server must listen on: a port in "tls" serves HTTPS (an
    SSL_GET checks it), every other one HTTP."""

    def say(msg):
        if msg not in changes:
            changes.append(msg)

    for vs in find(tree, "virtual_server"):
        for rs in find(vs[2], "real_server"):
            ip = m.map[rs[1][0]]
            name = f"rs{m.rss.index(ip) + 1}"
            rport = int(rs[1][1]) if len(rs[1]) > 1 else int(vs[1][1])
            what = f"real_server {rs[1][0]} {rport}"
            srv = serve.setdefault(ip, {"plain": set(), "tls": set(),
                                       "http": set()})
            srv["plain"].update([int(vs[1][1]), rport])
            checks = [c for c in rs[2] or []
                      if c[0] in SERVED or c[0] in REFUSED]
            for c in checks:
                at = f"{c[3]} ({what})"
                if c[0] in REFUSED:
                    raise LabError(
                        f"the lab cannot serve {c[0]} at {at}: "
                        f"{REFUSED[c[0]]}; remove it or replace it with "
                        "TCP_CHECK or HTTP_GET to drill this config")
                cip = val(c[2], "connect_ip")
                if cip and m.map.get(cip.split("/")[0]) not in m.rss:
                    raise LabError(
                        f"connect_ip {cip} of {c[0]} at {at} is none of "
                        "the config's real servers: the lab has no such "
                        "host")
                bif = val(c[2], "bind_if")
                if bif and bif != iface:
                    raise LabError(
                        f"bind_if {bif} of {c[0]} at {at}: the lab's "
                        f"directors have one LAN interface, {iface}")
                port = int(val(c[2], "connect_port", rport))
                if c[0] == "SSL_GET":
                    srv["tls"].add(port)
                elif c[0] == "HTTP_GET":
                    srv["http"].add(port)
                if c[0] != "MISC_CHECK":
                    srv["plain"].add(port)
            both = srv["http"] & srv["tls"]
            if both:
                raise LabError(
                    f"{what} at {rs[3]}: port {min(both)} is checked with "
                    "both HTTP_GET and SSL_GET: a port of the lab speaks "
                    "one of them")
            for c in checks:
                at = f"{c[0]} of {what} at {c[3]}"
                for u in find(c[2], "url"):
                    path = val(u[2], "path", "/")
                    for d in find(u[2], "digest"):
                        new = page_md5(name)
                        if d[1] and d[1][0] != new:
                            say(f"mapped digest {d[1][0]} -> {new} ({at}, "
                                f"url {path}: the MD5 of the lab's page "
                                f"'{name}')")
                            d[1][:] = [new]
                    for sc in find(u[2], "status_code"):
                        if not accepts_200(sc[1]):
                            say(f"mapped status_code {' '.join(sc[1])} -> "
                                f"200 ({at}, url {path}: the lab answers "
                                "every path with 200)")
                            sc[1][:] = ["200"]
                if c[0] == "MISC_CHECK":
                    scheme = "https" if rport in srv["tls"] else "http"
                    url = f"{scheme}://{ip}:{rport}/"
                    cmd = f"/bin/bash {lab}/misc-check.sh {url}"
                    for mp in find(c[2], "misc_path"):
                        say(f"mapped misc_path {' '.join(mp[1])} -> "
                            f"\"{cmd}\" ({at}: your script is not in the "
                            "lab; this one passes while the real server "
                            "answers HTTP)")
                        mp[1][:] = [f'"{cmd}"']
                    for usr in find(c[2], "user"):
                        say(f"dropped user {' '.join(usr[1])} ({at}: the "
                            "lab's check runs as the default user)")
                    c[2][:] = [k for k in c[2] if k[0] != "user"]
    for blk in find(tree, "SSL"):
        for k in blk[2] or []:
            if k[0] == "ca":
                new = f"{lab}/tls/ca.pem"
                say(f"mapped SSL ca {' '.join(k[1])} -> {new} (at {k[3]}: "
                    "the CA that signed the lab's server certificates)")
                k[1][:] = [new]
            elif k[0] in ("certificate", "key", "password"):
                say(f"dropped SSL {k[0]} (at {k[3]}: the lab's servers "
                    "ask for no client certificate)")
        blk[2][:] = [k for k in blk[2] or []
                     if k[0] not in ("certificate", "key", "password")]


def check_window(vs, rs):
    """Seconds until a dead real server must be out of the table, or None
    when it has no checker. keepalived's defaults, inherited VS->RS->check
    (see keepalived.md section 5)."""
    checks = [c for c in rs[2] or []
              if c[0] in ("HTTP_GET", "SSL_GET", "TCP_CHECK", "MISC_CHECK",
                          "SMTP_CHECK", "DNS_CHECK", "BFD_CHECK")]
    if not checks:
        return None, None
    c = checks[0]
    httpish = c[0] in ("HTTP_GET", "SSL_GET")
    delay_loop = num(c[2], "delay_loop",
                     num(rs[2], "delay_loop", num(vs[2], "delay_loop", 60)))
    ct = num(c[2], "connect_timeout",
             num(rs[2], "connect_timeout", num(vs[2], "connect_timeout", 5)))
    rdef = 0 if c[0] == "MISC_CHECK" else 3 if c[0] == "DNS_CHECK" else 1
    retry = num(c[2], "retry", num(c[2], "nb_get_retry", num(
        rs[2], "retry", num(vs[2], "retry", rdef))))
    dbr = num(c[2], "delay_before_retry", num(
        rs[2], "delay_before_retry",
        num(vs[2], "delay_before_retry", 3 if httpish else 1)))
    if c[0] == "MISC_CHECK":
        ct = num(c[2], "misc_timeout", delay_loop)
    window = delay_loop + (retry + 1) * ct + retry * dbr
    return window, {"type": c[0], "delay_loop": delay_loop,
                    "connect_timeout": ct, "retry": retry,
                    "delay_before_retry": dbr}


def instance_facts(insts_a, insts_b, glob_a):
    inst, binst = insts_a[0], None
    for i in insts_b:
        if i[1][:1] == inst[1][:1]:
            binst = i
    binst = binst or insts_b[0]
    version = int(num(inst[2], "version", num(glob_a, "vrrp_version", 2)))
    garp = num(inst[2], "garp_master_delay",
               num(glob_a, "vrrp_garp_master_delay", 5))
    return {
        "name": inst[1][0] if inst[1] else "?",
        "version": version,
        "advert_int": num(inst[2], "advert_int", 1),
        "vrid": [int(num(inst[2], "virtual_router_id", 0)),
                 int(num(binst[2], "virtual_router_id", 0))],
        "priority": [int(num(inst[2], "priority", 100)),
                     int(num(binst[2], "priority", 100))],
        "state": [val(inst[2], "state", "BACKUP"),
                  val(binst[2], "state", "BACKUP")],
        "nopreempt": [bool(find(inst[2], "nopreempt")),
                      bool(find(binst[2], "nopreempt"))],
        "preempt_delay": [num(inst[2], "preempt_delay", 0),
                          num(binst[2], "preempt_delay", 0)],
        "garp_master_delay": garp,
        "garp_lower_prio_delay": num(
            inst[2], "garp_lower_prio_delay",
            num(glob_a, "vrrp_garp_lower_prio_delay", garp)),
    }


def main(argv):
    brk = []
    lab = "/run/directord-drill/LAB"
    if "--lab" in argv:
        i = argv.index("--lab")
        lab = argv[i + 1]
        del argv[i:i + 2]
    while "--break" in argv:
        i = argv.index("--break")
        brk.append(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out, fa = argv[0], argv[1]
    fb = argv[2] if len(argv) == 3 else None
    ta = parse(fa)
    tb = parse(fb) if fb else ta
    m = Mapper()
    iface = collect(ta, m, fa)
    if fb and collect(tb, m, fb) != iface:
        raise LabError(f"{fa} and {fb} use different interfaces: the lab "
                       "gives each director one LAN interface")
    ia, ib = find(ta, "vrrp_instance"), find(tb, "vrrp_instance")
    facts = {"iface": iface, "instance": instance_facts(
        ia, ib, (find(ta, "global_defs") or [[0, 0, [], None]])[0][2])}
    if not fb:
        prio = max(1, facts["instance"]["priority"][0] - 50)
        facts["instance"]["priority"][1] = prio
        facts["instance"]["state"][1] = "BACKUP"
        print(f"director B: {fa} with state BACKUP and priority {prio} "
              "(give --config A,B to drill your own pair)")
    vrid_b = facts["instance"]["vrid"][1]
    if "vrid" in brk:
        facts["instance"]["vrid"][1] = vrid_b = vrid_b % 255 + 1
        print(f"break: director B uses virtual_router_id {vrid_b}")

    notes_a, notes_b, track_orig = [], [], {}

    def track_file(args, who, notes):
        """a track_file's file -> one per director in OUTDIR (the two
        directors share this host's file system)"""
        src = track_orig.get(args[0], args[0])  # B may get A's tree
        d = os.path.join(os.path.abspath(out), "track", who)
        os.makedirs(d, exist_ok=True)
        new = os.path.join(d, os.path.basename(src.strip('"')))
        notes.append(f"mapped track_file file {src} -> {new}")
        track_orig[new] = src
        args[0] = new

    def edits_a(key, args):
        if key == "file" and args:
            track_file(args, "A", notes_a)

    def edits_b(key, args):
        if key == "file" and args:
            track_file(args, "B", notes_b)
        if fb:
            if key == "virtual_router_id" and "vrid" in brk:
                args[0] = str(vrid_b)
            return
        if key == "state":
            args[0] = "BACKUP"
        elif key == "priority":
            args[0] = str(facts["instance"]["priority"][1])
        elif key == "virtual_router_id" and "vrid" in brk:
            args[0] = str(vrid_b)

    serve, changes = {}, []
    map_checkers(ta, m, lab, iface, serve, changes)
    if fb:
        map_checkers(tb, m, lab, iface, serve, changes)
    conf_a, locs_a = rewrite(ta, m, LAN_A, LAN_B, edits_a, notes_a)
    conf_b, locs_b = rewrite(tb, m, LAN_B, LAN_A, edits_b, notes_b)
    changes[:0] = [f"director A: {n}" for n in notes_a] + [
        f"director B: {n}" for n in notes_b]
    facts["vips"] = m.vips
    first = [v[0] for b in find(ia[0][2], "virtual_ipaddress")
             for v in b[2] or [] if is_ip(v[0])]
    if not first:
        raise LabError(f"{fa}: vrrp_instance {facts['instance']['name']} "
                       "has no virtual_ipaddress")
    facts["first_vip"] = m.map[first[0].split("/")[0]]
    facts["virtual_servers"] = []
    for vs in find(ta, "virtual_server"):
        vip, port = m.map[vs[1][0]], int(vs[1][1])
        entry = {"vip": vip, "port": port, "real_servers": []}
        for rs in find(vs[2], "real_server"):
            ip = m.map[rs[1][0]]
            rport = int(rs[1][1]) if len(rs[1]) > 1 else port
            window, check = check_window(vs, rs)
            entry["real_servers"].append({
                "ip": ip, "port": rport, "check": check,
                "window": window})
        facts["virtual_servers"].append(entry)
    facts["real_servers"] = [
        {"ip": ip, "name": f"rs{n + 1}",
         "ports": sorted(serve[ip]["plain"] - serve[ip]["tls"]),
         "tls_ports": sorted(serve[ip]["tls"])}
        for n, ip in enumerate(m.rss)]
    # the client speaks what the first service's real servers speak
    vs0 = facts["virtual_servers"][0]
    tls = {r["port"] in serve[r["ip"]]["tls"] for r in vs0["real_servers"]}
    if len(tls) > 1:
        raise LabError(f"virtual_server {vs0['vip']} {vs0['port']}: some "
                       "real servers are checked with SSL_GET on its port, "
                       "some not: the drill's client speaks either HTTPS or "
                       "HTTP to a service")
    facts["scheme"] = "https" if tls.pop() else "http"
    facts["mapped"] = m.map
    facts["changes"] = changes
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "dA.conf"), "w").write(conf_a)
    open(os.path.join(out, "dB.conf"), "w").write(conf_b)
    # dX.lines: line N is where line N of dX.conf came from (for messages)
    open(os.path.join(out, "dA.lines"), "w").write("\n".join(locs_a) + "\n")
    open(os.path.join(out, "dB.lines"), "w").write("\n".join(locs_b) + "\n")
    json.dump(facts, open(os.path.join(out, "facts.json"), "w"), indent=1)
    for old, new in m.map.items():
        if old != new:
            print(f"mapped {old} -> {new}")
    for c in changes:
        print(c)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except LabError as e:
        print(f"directord-drill: the lab cannot build this config: {e}",
              file=sys.stderr)
        sys.exit(2)
