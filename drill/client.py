#!/usr/bin/python3
"""client.py URL SECS OUT - the drill's client: one HTTP GET through the VIP
every 50 ms for SECS seconds (a new connection each time, 2 s timeout).
Each line of OUT: START END ok NAME | START END fail REASON (epoch seconds).
"""
import http.client
import sys
import time
import urllib.parse

INTERVAL, TIMEOUT = 0.05, 2.0  # generous: the lab may run under qemu TCG


def one(host, port, path):
    c = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read(200).decode(errors="replace").strip()
        if r.status != 200:
            return "fail", f"http-{r.status}"
        return "ok", body.split()[0] if body else "?"
    except Exception as e:  # every failure is a data point, not a crash
        return "fail", type(e).__name__
    finally:
        c.close()


def main():
    url, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    u = urllib.parse.urlsplit(url)
    end = time.time() + secs
    nxt = time.time()
    with open(out, "w", buffering=1) as f:
        for _ in range(int(secs / INTERVAL) + 1):
            if time.time() >= end:
                break
            t0 = time.time()
            st, what = one(u.hostname, u.port or 80, u.path or "/")
            f.write(f"{t0:.6f} {time.time():.6f} {st} {what}\n")
            nxt += INTERVAL
            time.sleep(max(0.0, nxt - time.time()))


if __name__ == "__main__":
    main()
