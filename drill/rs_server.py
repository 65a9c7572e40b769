#!/usr/bin/python3
"""rs_server.py NAME PORT [CERT KEY] - a lab real server's web server.

Answers every GET or HEAD, whatever the path, with 200 and the page
"NAME\\n" (so the client log says who answered, and a config's HTTP_GET
paths all pass; cfgmap.py maps digests to this page's MD5). With CERT and
KEY it speaks HTTPS, for SSL_GET. Listens on 0.0.0.0:PORT until killed.
"""
import http.server
import ssl
import sys


class Page(http.server.BaseHTTPRequestHandler):
    timeout = 10  # a stalled client must not hold a thread for long
    body = b""

    def reply(self, with_body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(self.body)

    def do_GET(self):
        self.reply(True)

    def do_HEAD(self):
        self.reply(False)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a checker or client that hangs up early: one line, not a trace
        print(f"{client_address[0]}:{client_address[1]}: "
              f"{sys.exc_info()[1]!r}", file=sys.stderr)


def main():
    if len(sys.argv) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    Page.body = f"{sys.argv[1]}\n".encode()
    srv = Server(("0.0.0.0", int(sys.argv[2])), Page)
    if len(sys.argv) == 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        # the handshake runs in the request's thread, not in accept()
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                     do_handshake_on_connect=False)
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
