#!/usr/bin/python3
"""client.py URL SECS OUT - the drill's client: one HTTP GET through the VIP
every 50 ms for SECS seconds (a new connection each time, 2 s timeout).
An https URL speaks TLS (the lab's certificates, not verified).
Each line of OUT: START END ok NAME PORT | START END fail REASON PORT (epoch
seconds; PORT is the client's source port, 0 if none was chosen). OUT is
created just before the first request: the drill waits for it.

Only socket, select, sys and time are imported (ssl for https): under the
VM's emulation, with the system read over 9p, http.client's imports took
seconds, which would eat the traffic before the fault.
"""
import select
import socket
import sys
import time

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


def exchange(s, host, path):
    """(status, body) of one HTTP/1.0 GET on connected socket S."""
    s.sendall(b"GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n"
              % (path.encode(), host.encode()))
    data = b""
    while len(data) < 65536:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, sep, body = data.partition(b"\r\n\r\n")
    words = head.split(b"\r\n", 1)[0].split()
    if not sep or len(words) < 2 or not words[0].startswith(b"HTTP/") \
            or not words[1].isdigit():
        raise ValueError("BadStatusLine")
    return int(words[1]), body[:200]


def one(host, port, path, tls):
    s, lport, why = connect(host, port)
    if s is None:
        return "fail", why, lport
    try:
        if tls:
            s = tls.wrap_socket(s)
        status, body = exchange(s, host, path)
        if status != 200:
            return "fail", f"http-{status}", lport
        body = body.decode(errors="replace").strip()
        return "ok", body.split()[0] if body else "?", lport
    except ValueError as e:  # every failure is a data point, not a crash
        return "fail", str(e), lport
    except Exception as e:
        return "fail", type(e).__name__, lport
    finally:
        s.close()


def main():
    url, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    scheme, _, rest = url.partition("://")
    hostport, slash, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    port = int(port) if port else (443 if scheme == "https" else 80)
    path = slash + path
    tls = None
    if scheme == "https":
        import ssl  # only when asked: one more module to read

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
            st, what, lport = one(host, port, path, tls)
            f.write(f"{t0:.6f} {time.time():.6f} {st} {what} {lport}\n")
            nxt += INTERVAL
            time.sleep(max(0.0, nxt - time.time()))


if __name__ == "__main__":
    main()
