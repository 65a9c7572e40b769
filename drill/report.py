#!/usr/bin/python3
"""report.py OUT DAEMONS SCENARIOS [--json] - timelines and verdicts.

OUT holds facts.json and OUT/<daemon>/<scenario>/ as recorded by
drill/scenarios.sh. DAEMONS and SCENARIOS are comma-separated. Prints a
report (or JSON), one "ok - NAME" / "not ok - NAME: why" line per scenario
and daemon, a side-by-side table for several daemons; exit 0 when every
verdict held, 1 otherwise.
"""
import json
import os
import re
import subprocess
import sys

MAC = {"A": "02:dd:00:00:00:02", "B": "02:dd:00:00:00:03"}
IP = {"A": "192.0.2.2", "B": "192.0.2.3"}
GW_MAC = "02:dd:00:00:00:01"


def read(path, default=""):
    try:
        return open(path).read()
    except OSError:
        return default


def timing(f):
    """Skew and Master_Down_Interval per director (keepalived.md sec. 5)."""
    i = f["instance"]
    adv = i["advert_int"]
    t = {"adv": adv}
    for n, x in enumerate("AB"):
        skew = (256 - i["priority"][n]) / 256 * (
            adv if i["version"] == 3 else 1)
        t[x] = {"skew": skew, "mdi": 3 * adv + skew,
                "preempt_delay": i["preempt_delay"][n],
                "nopreempt": i["nopreempt"][n]}
    pa, pb = i["priority"]
    t["pref"], t["other"] = ("A", "B") if pa >= pb else ("B", "A")
    return t


def pcap(path):
    """Adverts, GARPs, ARP replies and SYN-ACKs seen at the gateway."""
    ev = {"advert": [], "garp": [], "reply": [], "synack": [], "igmp": []}
    if not os.path.exists(path):
        return ev
    out = subprocess.run(["tcpdump", "-tt", "-n", "-e", "-r", path],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) < 3:
            continue
        ts, mac = float(p[0]), p[1]
        # to 224.0.0.18, or to a unicast_peer (the LAN floods it here)
        m = re.search(r"(\S+) > \S+: VRRPv(\d), Advertisement, "
                      r"vrid (\d+), prio (\d+)", line)
        if m:
            ev["advert"].append({"t": ts, "mac": mac, "ip": m.group(1),
                                 "vrid": int(m.group(3)),
                                 "prio": int(m.group(4))})
            continue
        m = re.search(r"Request who-has (\S+) (?:\(\S+\) )?tell (\S+),", line)
        if m and m.group(1) == m.group(2):
            ev["garp"].append({"t": ts, "mac": mac, "ip": m.group(1)})
            continue
        m = re.search(r"Reply (\S+) is-at (\S+),", line)
        if m:
            ev["reply"].append({"t": ts, "mac": m.group(2),
                                "ip": m.group(1)})
            continue
        m = re.search(r"(\S+) > \S+: igmp", line)
        if m:
            ev["igmp"].append({"t": ts, "mac": mac, "ip": m.group(1)})
            continue
        m = re.search(r"(\d+\.\d+\.\d+\.\d+)\.(\d+) > \S+ Flags \[S\.\]",
                      line)
        if m:
            ev["synack"].append({"t": ts, "mac": mac, "ip": m.group(1)})
    return ev


def client(path):
    reqs = []
    for line in read(path).splitlines():
        p = line.split()
        if len(p) in (4, 5):
            reqs.append({"t0": float(p[0]), "t1": float(p[1]),
                         "ok": p[2] == "ok", "what": p[3],
                         "port": int(p[4]) if len(p) == 5 else 0})
    return reqs


def events(path):
    ev = {}
    for line in read(path).splitlines():
        p = line.split(None, 2)
        if len(p) >= 2:
            ev.setdefault(p[1], (float(p[0]), p[2] if len(p) > 2 else ""))
    return ev


def served(reqs):
    c = {}
    for r in reqs:
        if r["ok"]:
            c[r["what"]] = c.get(r["what"], 0) + 1
    return c


def fmt_served(c):
    return ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"


class Scenario:
    def __init__(self, name, d, facts, t):
        self.name, self.d, self.f, self.t = name, d, facts, t
        self.checks, self.timeline, self.numbers = [], [], {}
        self.ev = events(os.path.join(d, "events"))
        self.cap = pcap(os.path.join(d, "gw.pcap"))
        self.reqs = client(os.path.join(d, "client.log"))
        self.fault = self.ev.get("fault", (None, ""))[0]
        self.vip = facts["first_vip"]
        self.error = read(os.path.join(d, "setup-error")).strip()

    def check(self, ok, text):
        self.checks.append({"ok": bool(ok), "detail": text})

    def mark(self, ts, text):
        if ts is not None:
            self.timeline.append((ts, text))

    def first(self, kind, after, **match):
        for e in self.cap[kind]:
            if e["t"] >= after and all(e[k] == v for k, v in match.items()):
                return e
        return None

    def who(self, mac):
        for x, m in MAC.items():
            if m == mac:
                return x
        for r in self.f["real_servers"]:
            if mac == "02:dd:00:00:00:%02x" % int(r["ip"].split(".")[3]):
                return r["name"]
        return mac

    def failed_after(self, ts):
        return [r for r in self.reqs if not r["ok"] and r["t0"] >= ts]

    def traffic(self, split):
        """Client numbers; SPLIT divides before/after."""
        fails = [r for r in self.reqs if not r["ok"]]
        self.numbers.update({"requests": len(self.reqs),
                             "failed": len(fails)})
        s = split or (self.reqs[-1]["t1"] if self.reqs else 0)
        before = served([r for r in self.reqs if r["t0"] < s])
        after = served([r for r in self.reqs if r["t0"] >= s])
        self.numbers["served_before"], self.numbers["served_after"] = (
            before, after)
        if fails:
            self.mark(fails[0]["t0"], f"first failed request "
                      f"({fails[0]['what']})")
            self.mark(fails[-1]["t0"], f"last failed request "
                      f"({fails[-1]['what']})")

    def ipvs(self, when, x):
        return read(os.path.join(self.d, f"ipvs-{when}-{x}")).strip()

    def first_ok_after(self, ts, label):
        for r in self.reqs:
            if r["ok"] and r["t0"] >= ts:
                self.mark(r["t1"], f"first successful request {label} "
                          f"({r['what']})")
                return r
        return None

    # ---- scenario kinds ----

    def takeover(self, new, limit, why, base=None):
        """Common part of master-crash, master-stop and preempt: NEW must
        take over within LIMIT s of BASE (default: the fault)."""
        base = base or self.fault
        adv = self.first("advert", self.fault, ip=IP[new])
        garp = self.first("garp", self.fault, mac=MAC[new], ip=self.vip)
        self.mark(adv and adv["t"], f"{new} first advert (prio "
                  f"{adv and adv['prio']})")
        self.mark(garp and garp["t"], f"{new} GARP for {self.vip} seen at "
                  "the gateway")
        take = max(adv["t"], garp["t"]) if adv and garp else None
        self.numbers["takeover_s"] = take and round(take - self.fault, 3)
        if take is None:
            self.check(False, f"{new} did not take over (advert "
                       f"{'seen' if adv else 'missing'}, GARP "
                       f"{'seen' if garp else 'missing'})")
            self.traffic(None)
            return None
        self.check(take - base <= limit,
                   f"takeover {take - base:.3f} s <= {limit:.3f} s "
                   f"({why})")
        self.first_ok_after(take, "after takeover")
        self.traffic(take)
        bad = self.failed_after(take)
        self.numbers["failed_after_takeover"] = len(bad)
        self.check(not bad, f"{len(bad)} failed requests after takeover")
        neigh = read(os.path.join(self.d, "neigh-after")).split()
        self.check(neigh[:1] == [MAC[new]],
                   f"gateway's neighbour entry for {self.vip} -> "
                   f"{self.who(neigh[0]) if neigh else 'none'}")
        return take

    def master_crash(self):
        p, o = self.t["pref"], self.t["other"]
        new = self.first("advert", self.fault, ip=IP[o])
        last = [a for a in self.cap["advert"] if a["ip"] == IP[p] and
                a["t"] < (new["t"] if new else float("inf"))]
        if last:
            self.mark(last[-1]["t"], f"{p} last advert")
        if last and new:
            # timer exactness: the backup's Master_Down timer runs from the
            # last advert it heard
            self.numbers["advert_gap_minus_mdi_s"] = round(
                new["t"] - last[-1]["t"] - self.t[o]["mdi"], 3)
        lim = self.t[o]["mdi"] + 0.5
        self.takeover(o, lim, f"{o}'s Master_Down_Interval "
                      f"{self.t[o]['mdi']:.3f} + 0.5")

    def master_stop(self):
        p, o = self.t["pref"], self.t["other"]
        zero = self.first("advert", self.fault, ip=IP[p], prio=0)
        self.mark(zero and zero["t"], f"{p} priority-0 advert")
        self.check(zero, f"{p} sent a priority-0 advert when stopped")
        # The backup's clock starts at the priority-0 advert: the skew time.
        if zero:
            self.numbers["stop_to_prio0_s"] = round(zero["t"] - self.fault, 3)
        self.takeover(o, self.t[o]["skew"] + 0.5,
                      f"{o}'s skew time {self.t[o]['skew']:.3f} + 0.5"
                      + (f", from {p}'s priority-0 advert" if zero else ""),
                      zero and zero["t"])
        m = read(os.path.join(self.d, "masters-after")).split()
        self.check(m == [o], f"VIP held by {' and '.join(m) or 'nobody'} "
                   f"after the stop (want {o} only)")

    def preempt(self):
        p, o = self.t["pref"], self.t["other"]
        if self.t[p]["nopreempt"]:
            m = read(os.path.join(self.d, "masters-after")).split()
            self.traffic(None)
            self.check(m == [o], f"nopreempt: {o} stays master")
            return
        # The newcomer is up when it joins the VRRP group (its IGMP report
        # reaches the gateway); from then on it owes Master_Down_Interval.
        up = self.first("igmp", self.fault, ip=IP[p])
        self.mark(up and up["t"], f"{p} joined the VRRP group (daemon up)")
        lim = self.t[p]["mdi"] + self.t[p]["preempt_delay"] + 0.5
        why = (f"{p}'s Master_Down_Interval {self.t[p]['mdi']:.3f} + "
               f"preempt_delay {self.t[p]['preempt_delay']:g} + 0.5")
        if up:
            self.numbers["startup_s"] = round(up["t"] - self.fault, 3)
            why += ", from its start-up"
        else:
            lim += 2
            why += " + 2 s start-up"
        self.takeover(p, lim, why, up and up["t"])
        m = read(os.path.join(self.d, "masters-after")).split()
        self.check(m == [p], f"VIP held by {' and '.join(m) or 'nobody'} "
                   f"at the end (want {p} only)")

    def real_server_down(self):
        vs = self.f["virtual_servers"][0]
        rs = vs["real_servers"][0]
        gone = self.ev.get("rs_gone", (None,))[0]
        self.mark(gone, f"{rs['ip']} gone from {self.t['pref']}'s IPVS table")
        back = read(os.path.join(self.d, "rs-back")).strip()
        self.mark(float(back) if back else None,
                  f"{rs['ip']} back in the table after its restart")
        if rs["window"] is None:
            self.traffic(None)
            self.check(False, f"{rs['ip']} has no health checker: a dead "
                       "real server would stay in the table")
            return
        lim = rs["window"] + 1
        c = rs["check"]
        why = (f"delay_loop {c['delay_loop']:g} + ({c['retry']:g}+1) x "
               f"connect_timeout {c['connect_timeout']:g} + {c['retry']:g}"
               f" x delay_before_retry {c['delay_before_retry']:g} + 1")
        self.traffic(gone)
        if gone is None:
            self.check(False, f"{rs['ip']} still in the table after "
                       f"{lim:.0f} s ({why})")
            return
        self.numbers["rs_removed_s"] = round(gone - self.fault, 3)
        self.check(gone - self.fault <= lim, f"{rs['ip']} removed after "
                   f"{gone - self.fault:.3f} s <= {lim:.3f} s ({why})")
        self.first_ok_after(gone, "after the removal")
        bad = self.failed_after(gone)
        self.numbers["failed_after_removal"] = len(bad)
        # a client port that an old connection entry ties to the removed
        # server: the kernel dropped it (net.ipv4.vs.expire_nodest_conn=0)
        old = {}
        for line in read(os.path.join(self.d, "conns-after")).splitlines():
            p = line.split()
            if len(p) == 6 and p[5].rsplit(":", 1)[0] == rs["ip"]:
                old[p[3].rsplit(":", 1)[-1]] = True

        def why_failed(r):
            s = f"+{r['t0'] - gone:.3f} s {r['what']}"
            if r.get("port") and str(r["port"]) in old:
                s += (f" port {r['port']} had an entry to {rs['ip']}"
                      " (expire_nodest_conn=0?)")
            return s
        self.check(not bad, f"{len(bad)} failed requests after the removal"
                   + (" (" + ", ".join(why_failed(r) for r in bad[:3]) + ")"
                      if bad else ""))

    def reload(self):
        p, o = self.t["pref"], self.t["other"]
        self.traffic(self.fault)
        trans = [a for a in self.cap["advert"]
                 if a["t"] >= self.fault and a["ip"] != IP[p]]
        garps = [g for g in self.cap["garp"] if g["t"] >= self.fault]
        m0 = read(os.path.join(self.d, "masters-before")).split()
        m1 = read(os.path.join(self.d, "masters-after")).split()
        self.check(m0 == m1 == [p] and not trans,
                   f"no VRRP transition (VIP on {' '.join(m0)} before, "
                   f"{' '.join(m1)} after; {len(trans)} adverts from "
                   f"{o})")
        for g in garps[:1]:
            self.mark(g["t"], f"GARP from {self.who(g['mac'])}")
        self.check(not garps, f"{len(garps)} GARPs after the reload")
        vs, rs, w = read(os.path.join(self.d, "new-weight")).split()
        after = self.ipvs("after", p)
        # that real server's entry in that service (ipvsadm -Sn lines)
        got = re.search(rf"^-a -\w {re.escape(vs)} -r {re.escape(rs)} "
                        rf"\S+ -w (\d+)", after, re.M)
        self.check(got and got.group(1) == w,
                   f"{rs} weight {got.group(1) if got else 'missing'} in "
                   f"{vs} of {p}'s table (want {w})")
        bad = self.failed_after(self.fault)
        self.check(not bad, f"{len(bad)} failed requests after the reload")

    def split_brain(self):
        p, o = self.t["pref"], self.t["other"]
        heal = self.ev.get("heal", (None,))[0]
        both = self.first("advert", self.fault, ip=IP[o])
        self.mark(both and both["t"], f"{o} master too (split brain)")
        self.mark(heal, "heal: VRRP restored")
        if heal is None:
            self.traffic(None)
            self.check(False, "the partition was not healed")
            return
        g = self.first("garp", heal, mac=MAC[p], ip=self.vip)
        self.mark(g and g["t"], f"{p} GARP for {self.vip} after the heal")
        self.first_ok_after(heal, "after the heal")
        self.traffic(heal)
        m = read(os.path.join(self.d, "masters-after")).split()
        self.check(m == [p], f"VIP held by {' and '.join(m) or 'nobody'} "
                   f"after the heal (want {p} only)")
        lim = self.t["adv"] + self.f["instance"]["garp_lower_prio_delay"] + 1
        neigh = read(os.path.join(self.d, "neigh-after")).split()
        self.check(neigh[:1] == [MAC[p]] and g and g["t"] - heal <= lim,
                   f"gateway's neighbour entry -> "
                   f"{self.who(neigh[0]) if neigh else 'none'}, "
                   + (f"{p}'s GARP {g['t'] - heal:.3f} s after the heal"
                      if g else f"no GARP from {p} after the heal")
                   + f" (limit advert_int + garp_lower_prio_delay + 1 = "
                   f"{lim:g} s)")
        # a connection that B forwarded when the gateway moved to A's MAC
        # may be reset (A has no IPVS entry for it): count from the GARP
        since = g["t"] if g else heal
        bad = self.failed_after(since)
        self.numbers["failed_after_heal"] = len(bad)
        self.check(not bad, f"{len(bad)} failed requests after the heal"
                   + (f" and {p}'s GARP" if g else ""))

    def lab(self):
        p = self.t["pref"]
        start = self.ev.get("start", (0,))[0]
        self.traffic(None)
        for r in self.f["real_servers"]:
            n = r["name"]
            out = read(os.path.join(self.d, f"check-{n}"))
            miss = [l[len("missing: "):] for l in out.splitlines()
                    if l.startswith("missing: ")]
            rc = read(os.path.join(self.d, f"check-{n}.rc")).strip()
            self.check(rc == "0", f"{n} ({r['ip']}) is a DR real server"
                       if rc == "0" else
                       f"{n} ({r['ip']}): " + ("; ".join(miss) or out.strip()
                                             or f"check exit {rc}"))
        m = read(os.path.join(self.d, "masters-before")).split()
        vrids = {}
        for a in self.cap["advert"]:
            vrids.setdefault(self.who(a["mac"]), set()).add(a["vrid"])
        want = self.f["instance"]["vrid"]
        detail = f"VIP {self.vip} held by {' and '.join(m) or 'nobody'}"
        if len(m) > 1 and len(vrids) > 1:
            detail += ": two masters; they advertise " + ", ".join(
                f"{x} vrid {'/'.join(map(str, sorted(v)))}"
                for x, v in sorted(vrids.items()))
            if len(set().union(*vrids.values())) > 1:
                detail += " (VRID mismatch: they do not hear each other)"
        self.check(m == [p], detail + f" (want {p}, the higher priority)")
        bad = [a for a in self.cap["advert"] if a["vrid"] not in want]
        if bad:
            self.check(False, f"adverts with vrid {bad[0]['vrid']} from "
                       f"{self.who(bad[0]['mac'])}; the config says {want[0]}")
        answers = {self.who(r["mac"]) for r in self.cap["reply"]
                   if r["ip"] == self.vip}
        others = sorted(answers - {"A", "B"})
        self.check(not others, f"ARP for {self.vip} answered by "
                   f"{', '.join(sorted(answers)) or 'nobody'}" +
                   (f": {', '.join(others)} answer ARP for the VIP "
                    "(missing arp_ignore)" if others else ""))
        neigh = read(os.path.join(self.d, "neigh-after")).split()
        self.check(neigh[:1] == [MAC[p]], "gateway's neighbour entry -> "
                   f"{self.who(neigh[0]) if neigh else 'none'}")
        fails = [r for r in self.reqs if not r["ok"]]
        names = {r["name"] for r in self.f["real_servers"]}
        got = served(self.reqs)
        self.check(self.reqs and not fails and set(got) == names,
                   f"{len(self.reqs)} requests, {len(fails)} failed, "
                   f"served by {fmt_served(got)}")
        via = sorted({self.who(s["mac"]) for s in self.cap["synack"]
                      if s["ip"] == self.vip})
        self.check(via and not set(via) & {"A", "B"},
                   f"replies from {self.vip} sent by {', '.join(via) or '?'}"
                   " (DR: real servers answer the client directly)")
        self.mark(start, "start")

    def run(self):
        if self.error:
            self.check(False, self.error)
        else:
            getattr(self, self.name.replace("-", "_"))()
        self.ok = all(c["ok"] for c in self.checks) and bool(self.checks)
        return self

    def to_dict(self):
        t0 = self.fault or (self.timeline[0][0] if self.timeline else 0)
        return {"scenario": self.name, "ok": self.ok, "fault_at": self.fault,
                "fault": self.ev.get("fault", (0, ""))[1],
                "timeline": [{"t": round(t, 3), "rel": round(t - t0, 3),
                              "what": w} for t, w in sorted(
                                  self.timeline + ([(self.fault,
                                                     "fault injected")]
                                                   if self.fault else []))],
                "numbers": self.numbers, "checks": self.checks,
                "ipvs": {f"{w}-{x}": self.ipvs(w, x)
                         for w in ("before", "after") for x in "AB"}}


def text(daemon, s):
    d = s.to_dict()
    print(f"== {s.name} ({daemon})")
    if d["fault"]:
        print(f"  fault: {d['fault']}")
    print("  timeline (s from the " +
          ("fault):" if d["fault_at"] else "start):"))
    for e in d["timeline"]:
        print(f"    {e['rel']:+8.3f}  {e['what']}")
    n = d["numbers"]
    if "requests" in n:
        print(f"  client: {n['requests']} requests, {n['failed']} failed;"
              f" served before: {fmt_served(n['served_before'])}; after: "
              f"{fmt_served(n['served_after'])}")
    if not s.error:
        # the table on the master at the start and on each master at the end
        m0 = read(os.path.join(s.d, "masters-before")).split()[:1]
        m1 = read(os.path.join(s.d, "masters-after")).split()
        for k, who in (("before", m0), ("after", m1)):
            for x in who:
                body = "\n".join("      " + l for l in
                                 d["ipvs"][f"{k}-{x}"].splitlines())
                print(f"  IPVS {k} on {x} (ipvsadm -Sn):\n"
                      f"{body or '      (empty)'}")
    for c in d["checks"]:
        print(f"  [{'ok' if c['ok'] else 'FAIL'}] {c['detail']}")


def main(argv):
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    out, daemons, names = argv[0], argv[1].split(","), argv[2].split(",")
    facts = json.load(open(os.path.join(out, "facts.json")))
    t = timing(facts)
    results = {dm: [Scenario(n, os.path.join(out, dm, n), facts, t).run()
                    for n in names] for dm in daemons}
    ok = all(s.ok for r in results.values() for s in r)
    if as_json:
        json.dump({"ok": ok, "facts": facts, "results": {
            dm: [s.to_dict() for s in r] for dm, r in results.items()}},
            sys.stdout, indent=1)
        print()
        return 0 if ok else 1
    for dm, r in results.items():
        for s in r:
            text(dm, s)
    if len(daemons) > 1:
        print("== side by side")
        keys = [("takeover_s", "takeover (s)"),
                ("failed", "failed requests"),
                ("rs_removed_s", "dead real server removed after (s)")]
        print("  " + "scenario / number".ljust(48) +
              "".join(dm.rjust(12) for dm in daemons))
        for i, n in enumerate(names):
            for k, label in keys:
                vals = [results[dm][i].numbers.get(k) for dm in daemons]
                if all(v is None for v in vals):
                    continue
                print("  " + f"{n}: {label}".ljust(48) + "".join(
                    ("-" if v is None else f"{v:g}").rjust(12) for v in vals))
    for dm, r in results.items():
        for s in r:
            tag = f"{s.name}" + (f" ({dm})" if len(daemons) > 1 else "")
            bad = [c["detail"] for c in s.checks if not c["ok"]]
            if s.ok:
                print(f"ok - {tag}: " + "; ".join(
                    c["detail"] for c in s.checks[:2]))
            else:
                print(f"not ok - {tag}: " + "; ".join(bad or ["no verdict"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
