#!/usr/bin/python3
"""client.py URL SECS OUT - the drill's client: one HTTP GET through the VIP
every 50 ms for SECS seconds (a new connection each time, 2 s timeout).
An https URL speaks TLS (the lab's certificates, not verified).
Each line of OUT: START END ok NAME PORT | START END fail REASON PORT (epoch
seconds; PORT is the client's source port, 0 if none was chosen).
"""
import http.client
import select
import socket
import ssl
import sys
import time
import urllib.parse

INTERVAL, TIMEOUT = 0.05, 2.0  # generous: the lab may run under qemu TCG


def connect(host, port):
    """A connected socket and its source port, or (None, port, reason).

    The connect is non-blocking so the kernel's own ephemeral port choice
    (the one a real client gets) can be read before the handshake ends."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    err = s.connect_ex((host, port))
    lport = s.getsockname()[1]
    if err not in (0, 115):  # EINPROGRESS
        s.close()
        return None, lport, "ConnectError"
    _, w, _ = select.select([], [s], [], TIMEOUT)
    if not w:
        s.close()
        return None, lport, "TimeoutError"
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        s.close()
        return None, lport, {111: "ConnectionRefusedError",
                             113: "NoRouteError"}.get(err, f"errno-{err}")
    s.setblocking(True)
    s.settimeout(TIMEOUT)
    return s, lport, None


def one(host, port, path, tls):
    s, lport, why = connect(host, port)
    if s is None:
        return "fail", why, lport
    c = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        c.sock = tls.wrap_socket(s) if tls else s
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read(200).decode(errors="replace").strip()
        if r.status != 200:
            return "fail", f"http-{r.status}", lport
        return "ok", body.split()[0] if body else "?", lport
    except Exception as e:  # every failure is a data point, not a crash
        return "fail", type(e).__name__, lport
    finally:
        if c.sock is None:  # the TLS handshake failed
            s.close()
        c.close()


def main():
    url, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    u = urllib.parse.urlsplit(url)
    tls = None
    if u.scheme == "https":
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    end = time.time() + secs
    nxt = time.time()
    with open(out, "w", buffering=1) as f:
        for _ in range(int(secs / INTERVAL) + 1):
            if time.time() >= end:
                break
            t0 = time.time()
            st, what, lport = one(u.hostname, u.port or 80, u.path or "/", tls)
            f.write(f"{t0:.6f} {time.time():.6f} {st} {what} {lport}\n")
            nxt += INTERVAL
            time.sleep(max(0.0, nxt - time.time()))


if __name__ == "__main__":
    main()
