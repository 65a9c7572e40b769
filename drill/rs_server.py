#!/usr/bin/python3
"""rs_server.py NAME READY PORTS [TLS_PORTS CERT KEY] - a lab real server's
web servers, all in one process.

PORTS and TLS_PORTS are comma-separated lists ("-" for none). Every port
answers every GET or HEAD, whatever the path, with 200 and the page
"NAME\\n" (so the client log says who answered, and a config's HTTP_GET
paths all pass; cfgmap.py maps digests to this page's MD5), then closes
the connection (HTTP/1.0); the TLS_PORTS speak HTTPS with CERT and KEY,
for SSL_GET. Once every port listens, the file READY is created. Serves on
0.0.0.0 until killed.

One process per real server, importing only socket and threading (ssl
when asked): under the VM's emulation, with the system read over 9p, each
Python module costs; http.server's imports took seconds. Killing the one
process takes all of a real server's ports away at the same moment (the
drill's fault).
"""
import socket
import sys
import threading

TIMEOUT = 10  # a stalled client must not hold a thread for long
MAX_HEAD = 65536


def answer(conn, body):
    head = b""
    while b"\r\n\r\n" not in head and len(head) < MAX_HEAD:
        chunk = conn.recv(4096)
        if not chunk:
            return
        head += chunk
    method = head.split(b" ", 1)[0]
    if method not in (b"GET", b"HEAD"):
        conn.sendall(b"HTTP/1.0 501 Not Implemented\r\n"
                     b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        return
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                 % (len(body), body if method == b"GET" else b""))


def handle(conn, peer, body, ctx):
    try:
        conn.settimeout(TIMEOUT)
        if ctx:
            # the handshake runs here, in the connection's thread
            conn = ctx.wrap_socket(conn, server_side=True)
        answer(conn, body)
    except Exception as e:  # a checker or client that hangs up early
        print(f"{peer[0]}:{peer[1]}: {e!r}", file=sys.stderr)
    finally:
        conn.close()


def serve(lsock, body, ctx):
    while True:
        conn, peer = lsock.accept()
        threading.Thread(target=handle, args=(conn, peer, body, ctx),
                         daemon=True).start()


def listener(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    return s


def ports(arg):
    return [] if arg == "-" else [int(p) for p in arg.split(",") if p]


def main():
    if len(sys.argv) not in (4, 7):
        print(__doc__, file=sys.stderr)
        return 2
    body = f"{sys.argv[1]}\n".encode()
    tls = ports(sys.argv[4]) if len(sys.argv) == 7 else []
    socks = [(listener(p), None) for p in ports(sys.argv[3]) if p not in tls]
    if tls:
        import ssl  # only when asked: one more module to read

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[5], sys.argv[6])
        socks += [(listener(p), ctx) for p in tls]
    if not socks:
        print("rs_server.py: no port to serve", file=sys.stderr)
        return 2
    open(sys.argv[2], "w").close()  # every port listens: say so
    for s, ctx in socks[1:]:
        threading.Thread(target=serve, args=(s, body, ctx),
                         daemon=True).start()
    serve(socks[0][0], body, socks[0][1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
