#!/usr/bin/env bash
# test_checker.sh - the checker process against real servers in a namespace:
# every check type up, down on failure and up again; misbehaving servers
# marked down with the right reason and no crash; retry / delay_before_retry
# / alpha / warmup timing; notify scripts, quorum (capped at the total
# weight) and the notify FIFO in order for every check type; two checkers
# on one real server; MISC_CHECK's user; reload keeping state; resume after
# a checker restart; privilege drop; directorctl genhash (plain, -S, -V).
# Topology: director "d" (192.0.2.1) and real servers "r" (192.0.2.21-31)
# on one veth pair. directord runs with -C (checker only).
set -u
NS_TEST=chk
. "$(dirname "$0")/lib.sh"

tap_need_root "netns/checker" || exit 0
for b in "$DIRECTORD" "$DIRECTORCTL" python3 openssl; do
	if ! command -v "$b" >/dev/null; then
		tap_skip "netns/checker" "$b not available (set DD_BUILD)"
		exit 0
	fi
done

# files the unprivileged checker and its scripts read and write
chmod 755 "$NS_TMP"
OUT=$NS_TMP/out
mkdir -p "$OUT" && chmod 1777 "$OUT"
CTL=$NS_TMP/ctl
CONF=$NS_TMP/checker.conf
FIFO=$NS_TMP/lvs.fifo
FIFOLOG=$NS_TMP/fifo.log
WWW=$NS_TMP/www
ctl() { ns_exec d "$DIRECTORCTL" --control "$CTL" "$@"; }
now() { date +%s.%N; }

# ---- test servers (test tools, not product code) -----------------------
cat >"$NS_TMP/srv.py" <<'EOF'
import asyncio, socket, struct, sys, threading, time
mode, addr = sys.argv[1], sys.argv[2]
BIG = b"x" * (10 * 1024 * 1024)

def tcp(port, handler):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(128)
    def loop():
        while True:
            c, a = s.accept()
            if handler is peers:
                # the checker may have reset it already: log at accept
                with open(sys.argv[4], "a") as f:
                    f.write("%s %d\n" % a[:2])
                c.close()
                continue
            threading.Thread(target=guard, args=(handler, c), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()

def guard(h, c):
    try: h(c)
    except OSError: pass
    finally:
        try: c.close()
        except OSError: pass

def req(c):
    c.settimeout(5); d = b""
    while b"\r\n\r\n" not in d and len(d) < 8192:
        x = c.recv(4096)
        if not x: break
        d += x

def silent(c): time.sleep(60)
def peers(c): pass
def garbage(c): req(c); c.sendall(b"this is not http at all\r\n\r\n")
def big(c): req(c); c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + BIG)
def drip(c):
    req(c)
    for b in b"HTTP/1.0 200 OK\r\n\r\nhello":
        c.send(bytes([b])); time.sleep(1)
def reset(c):
    req(c); c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nabc")
    time.sleep(0.2)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
def closes(c): c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
def s503(c): req(c); c.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
def slow(c): req(c); time.sleep(1.0); c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
def smtp(c):
    c.settimeout(5); c.sendall(b"220 mx.example.org ESMTP test\r\n")
    for line in c.makefile("rb"):
        if line.upper().startswith(b"HELO"): c.sendall(b"250 mx.example.org\r\n")
        elif line.upper().startswith(b"QUIT"): c.sendall(b"221 bye\r\n"); return
        else: c.sendall(b"500 what\r\n")
def udp(port, answer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((addr, port))
    def loop():
        while True:
            q, a = s.recvfrom(2048)
            r = answer(q)
            if r: s.sendto(r, a)
    threading.Thread(target=loop, daemon=True).start()
def dns(q):
    if len(q) < 12: return None
    r = bytearray(q); r[2] |= 0x80; r[3] = 0x80
    return bytes(r)
def echo(q): return b"\xde\xad" + q
# the body names the Host header and the TLS SNI name the client sent
def hostecho(c, sni=""):
    c.settimeout(5); d = b""
    while b"\r\n\r\n" not in d and len(d) < 8192:
        x = c.recv(4096)
        if not x: break
        d += x
    host = ""
    for line in d.split(b"\r\n")[1:]:
        if line.lower().startswith(b"host:"): host = line[5:].strip().decode()
    body = ("host=%s sni=%s\n" % (host, sni)).encode()
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
def tlsecho(c):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    ctx.sni_callback = lambda s, name, x: setattr(s, "sni", name or "")
    t = ctx.wrap_socket(c, server_side=True)
    hostecho(t, getattr(t, "sni", ""))
    t.close()

async def scale():
    async def h(r, w):
        try:
            await r.readuntil(b"\r\n\r\n")
            w.write(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await w.drain()
        except Exception: pass
        w.close()
    base = addr.rsplit(".", 1)
    for i in range(10):
        for p in range(8100, 8110):
            await asyncio.start_server(h, "%s.%d" % (base[0], int(base[1]) + i), p)
    print("ready", flush=True)
    await asyncio.Event().wait()

if mode == "bad":
    for p, h in ((8001, silent), (8002, garbage), (8003, big), (8004, drip),
                 (8005, reset), (8006, closes), (8007, s503), (8009, slow)):
        tcp(p, h)
elif mode == "proto":
    tcp(2525, smtp); udp(5353, dns); udp(9000, echo)
elif mode == "listen":
    tcp(int(sys.argv[3]), silent)
elif mode == "peers":
    tcp(int(sys.argv[3]), peers)
elif mode == "scale":
    asyncio.run(scale())
elif mode == "host":
    tcp(8080, hostecho); tcp(8443, tlsecho)
print("ready", flush=True)
while True: time.sleep(3600)
EOF

# FIFO reader: each line prefixed with the wall clock time it arrived
cat >"$NS_TMP/fifo.py" <<'EOF'
import sys, time
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        with open(sys.argv[1]) as f:
            for line in f:
                out.write("%.3f %s" % (time.time(), line))
EOF

# ---- topology and servers ------------------------------------------------
ns_add d && ns_add r && ns_veth d eth0 r eth0 || {
	tap_fail "netns/checker setup" "namespaces"
	exit 0
}
ns_addr d eth0 192.0.2.1/24
ns_addr d eth0 2001:db8::1/64
ns_addr r eth0 2001:db8::21/64
for a in 21 22 23 24 30 31 50 51 52 53 54 55 56 57 58 59; do
	ns_addr r eth0 192.0.2.$a/24
done
# PING_CHECK through unprivileged ICMP sockets (the checker drops root)
ns_exec d sysctl -qw net.ipv4.ping_group_range="0 2147483647"

mkdir -p "$WWW" && echo "hello from rs1" >"$WWW/index.html"
echo "second url" >"$WWW/two.html"
echo "dual" >"$WWW/dual.html"
DIGEST=$(md5sum <"$WWW/index.html" | cut -d' ' -f1)

# certificates: a CA, a server certificate it signed, a self-signed one
ossl() { openssl "$@" >/dev/null 2>&1; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dd-test-ca \
	-keyout "$NS_TMP/ca.key" -out "$NS_TMP/ca.pem"
ossl req -newkey rsa:2048 -nodes -subj /CN=rs2.example.org \
	-keyout "$NS_TMP/rs2.key" -out "$NS_TMP/rs2.csr"
ossl x509 -req -in "$NS_TMP/rs2.csr" -CA "$NS_TMP/ca.pem" \
	-CAkey "$NS_TMP/ca.key" -CAcreateserial -days 2 -out "$NS_TMP/rs2.pem"
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rs3.example.org \
	-keyout "$NS_TMP/rs3.key" -out "$NS_TMP/rs3.pem"
chmod 644 "$NS_TMP"/*.pem

HTTP_PID= SSL_PID= PROTO_PID= T_PID= DUAL_PID=
start_http() {
	ns_bg http r python3 -m http.server 80 --bind 192.0.2.21 \
		--directory "$WWW"
	HTTP_PID=$NS_LAST
}
# the CA-signed certificate only for SNI rs2.example.org: without SNI the
# self-signed one fails verification, so "up" proves SNI was sent
start_ssl() {
	ns_bg ssl r openssl s_server -quiet -www -accept 192.0.2.22:443 \
		-cert "$NS_TMP/rs3.pem" -key "$NS_TMP/rs3.key" \
		-servername rs2.example.org \
		-cert2 "$NS_TMP/rs2.pem" -key2 "$NS_TMP/rs2.key"
	SSL_PID=$NS_LAST
}
start_proto() {
	ns_bg proto r python3 "$NS_TMP/srv.py" proto 192.0.2.30
	PROTO_PID=$NS_LAST
}
start_t() {
	ns_bg tlisten r python3 "$NS_TMP/srv.py" listen 192.0.2.31 7000
	T_PID=$NS_LAST
}
# the TCP_CHECK half of the real server with two checkers
start_dual() {
	ns_bg dual r python3 "$NS_TMP/srv.py" listen 192.0.2.21 7003
	DUAL_PID=$NS_LAST
}
ns_bg http6 r python3 -m http.server 80 --bind 2001:db8::21 --directory "$WWW"
start_http
start_ssl
start_proto
start_t
start_dual
# genhash -S against openssl's own file server (HTTP/1.0, body = the file)
ns_bg sslwww r sh -c "cd '$WWW' && exec openssl s_server -quiet -WWW \
	-accept 192.0.2.24:443 -cert '$NS_TMP/rs2.pem' -key '$NS_TMP/rs2.key'"
ns_bg hostecho r python3 "$NS_TMP/srv.py" host 192.0.2.24 \
	"$NS_TMP/rs2.pem" "$NS_TMP/rs2.key"
ns_bg ssl3 r openssl s_server -quiet -www -accept 192.0.2.23:443 \
	-cert "$NS_TMP/rs3.pem" -key "$NS_TMP/rs3.key"
ns_bg bad r python3 "$NS_TMP/srv.py" bad 192.0.2.30
ns_bg scale r python3 "$NS_TMP/srv.py" scale 192.0.2.50
port_open() { ns_exec d python3 -c "import socket; socket.create_connection(('$1', $2), 1)" 2>/dev/null; }
wait_until 10 port_open 192.0.2.21 80 && wait_until 10 port_open 192.0.2.22 443 &&
	wait_until 10 port_open 192.0.2.30 8007 &&
	wait_until 10 port_open 192.0.2.59 8109 &&
	wait_until 10 port_open 192.0.2.21 7003 &&
	wait_until 10 port_open 192.0.2.24 443 &&
	wait_until 10 port_open 192.0.2.24 8443 ||
	tap_fail "netns/checker servers" "a test server did not start"

# the first SYN of every connection to port 8009 is dropped: the client
# connects on its retransmission, a second later. A retransmitted SYN
# carries the same initial sequence number, a new connection another one
# (the checker's kept sockets reuse their source address and port, so
# those cannot tell connections apart)
ns_exec r nft -f - <<'NFT' || tap_fail "netns/nft-first-syn-drop" "nft failed"
table inet ddchk {
	set seen {
		typeof tcp sequence
		flags dynamic,timeout
		timeout 60s
	}
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 8009 tcp flags & (syn | ack) == syn tcp sequence @seen accept
		tcp dport 8009 tcp flags & (syn | ack) == syn add @seen { tcp sequence } drop
	}
}
NFT

mkfifo -m 600 "$FIFO"
ns_bg fifo d python3 "$NS_TMP/fifo.py" "$FIFO" "$FIFOLOG"
touch "$OUT/misc_ok"
echo 7 >"$OUT/misc_code"
chmod 644 "$OUT/misc_code"

# ---- configuration ---------------------------------------------------------
# rs NAME ADDR PORT [EXTRA] BODY: one real_server block
rsblk() {
	printf '  real_server %s %s {\n    weight 1\n%s\n  }\n' "$1" "$2" "$3"
}
# vs ADDR PORT OPTS RSBLOCKS
vsblk() {
	printf 'virtual_server %s %s {\n  delay_loop 1\n  lb_algo rr\n  lb_kind DR\n  protocol %s\n%s\n%s\n}\n' \
		"$1" "$2" "${5:-TCP}" "$3" "$4"
}
http_chk() { # PATH [DIGEST] [TIMEOUT]
	local d=
	[ -n "${2:-}" ] && d="digest $2"
	printf '    HTTP_GET {\n      url {\n        path %s\n        %s\n      }\n      connect_timeout %s\n      retry 0\n    }' \
		"$1" "$d" "${3:-2}"
}
write_conf() { # RELOADS(0/1/2)
	local bad="" p
	for p in 8001 8002 8004 8005 8006 8007; do
		[ "$1" != 0 ] && [ $p = 8006 ] && continue
		bad+=$(rsblk 192.0.2.30 $p "$(http_chk /)")$'\n'
	done
	# connect ~1 s (first SYN dropped) and answer 1 s later: each step
	# within connect_timeout 1.6, the two together not
	bad+=$(rsblk 192.0.2.30 8009 "$(http_chk / "" 1.6)")$'\n'
	bad+=$(rsblk 192.0.2.30 8003 "$(http_chk / 00000000000000000000000000000000)")
	local newrs="" second=""
	# reload 1 gives a kept real server a second checker (one that fails:
	# it must run), reload 2 takes it back to one
	[ "$1" = 1 ] && second=$'\n'$(http_chk /no-such-page.html "" 1)
	[ "$1" != 0 ] && newrs=$(rsblk 192.0.2.22 443 "    alpha
    TCP_CHECK {
      connect_timeout 1
      warmup 0
    }")
	local warm="" i
	for i in 50 51 52 53 54 55 56 57 58 59; do
		warm+=$(rsblk 192.0.2.$i 8100 "    TCP_CHECK {
      connect_timeout 1
    }")$'\n'
	done
	local warm0=""
	for i in 50 51 52 53 54; do
		warm0+=$(rsblk 192.0.2.$i 8101 "    TCP_CHECK {
      connect_timeout 1
    }")$'\n'
	done
	{
		cat <<EOF
global_defs {
  router_id chk-test
  lvs_notify_fifo $FIFO
}
SSL {
  ca $NS_TMP/ca.pem
}
EOF
		vsblk 203.0.113.10 80 "  quorum 1
  quorum_up \"/bin/sh -c 'echo QUP >> $OUT/quorum.log'\"
  quorum_down \"/bin/sh -c 'echo QDOWN >> $OUT/quorum.log'\"" \
			"$(rsblk 192.0.2.21 80 "    notify_up \"/bin/sh -c 'echo UP >> $OUT/notify.log'\"
    notify_down \"/bin/sh -c 'echo DOWN >> $OUT/notify.log'\"
$(http_chk /index.html "$DIGEST")")"
		vsblk 203.0.113.11 80 "" "$(rsblk 192.0.2.21 80 "    TCP_CHECK {
      connect_timeout 1
      retry 0
    }$second")
$newrs"
		vsblk 203.0.113.12 80 "" "$(rsblk 192.0.2.21 80 "$(http_chk /index.html 0123456789abcdef0123456789abcdef)")"
		vsblk 203.0.113.13 443 "" "$(rsblk 192.0.2.22 443 "    SSL_GET {
      url {
        path /
      }
      connect_timeout 2
      retry 0
      enable_sni
      sni_name rs2.example.org
    }")
$(rsblk 192.0.2.23 443 "    SSL_GET {
      url {
        path /
      }
      connect_timeout 2
      retry 0
    }")
$(rsblk 192.0.2.21 80 "    SSL_GET {
      url {
        path /
      }
      connect_timeout 2
      retry 0
    }")"
		vsblk 203.0.113.14 80 "" "$bad"
		vsblk 203.0.113.15 80 "" "$(rsblk 192.0.2.30 8003 "$(http_chk /)")"
		vsblk 203.0.113.16 25 "" "$(rsblk 192.0.2.30 2525 "    SMTP_CHECK {
      connect_timeout 2
      retry 0
      helo_name director.example.org
    }")"
		vsblk 203.0.113.17 53 "" "$(rsblk 192.0.2.30 5353 "    DNS_CHECK {
      connect_timeout 1
      retry 0
      type A
      name example.org
    }")
$(rsblk 192.0.2.30 9000 "    UDP_CHECK {
      connect_timeout 1
      retry 0
      payload 0102
      require_reply dead0102
    }")" UDP
		vsblk 203.0.113.18 80 "" "$(rsblk 192.0.2.21 80 "    PING_CHECK {
      connect_timeout 1
      retry 0
    }")
$(rsblk 192.0.2.40 80 "    PING_CHECK {
      connect_timeout 1
      retry 0
    }")"
		vsblk 203.0.113.19 80 "" "$(rsblk 192.0.2.30 81 "    MISC_CHECK {
      misc_path \"id -u >$OUT/misc_uid_default; grep ^THP_enabled /proc/self/status >$OUT/misc_thp; test -e $OUT/misc_ok\"
      misc_timeout 2
    }")
$(rsblk 192.0.2.30 82 "    MISC_CHECK {
      misc_path \"exit \$(cat $OUT/misc_code)\"
      misc_timeout 2
      misc_dynamic
    }")
$(rsblk 192.0.2.30 83 "    MISC_CHECK {
      misc_path \"sleep 37.31 & sleep 37.31; true\"
      misc_timeout 1
    }")"
		# timing: retry 2 x delay_before_retry 1; first failure at once
		vsblk 203.0.113.20 7000 "" "$(rsblk 192.0.2.31 7000 "    TCP_CHECK {
      connect_timeout 1
      retry 2
      delay_before_retry 1
      warmup 0
    }")
$(rsblk 192.0.2.31 7001 "    TCP_CHECK {
      connect_timeout 1
      retry 3
      delay_before_retry 5
      warmup 0
    }")"
		vsblk 2001:db8::100 80 "" "$(rsblk 2001:db8::21 80 "$(http_chk /index.html "$DIGEST")")
$(rsblk 2001:db8::22 80 "    TCP_CHECK {
      connect_timeout 1
      retry 0
    }")"
		vsblk 203.0.113.26 80 "  omega
  quorum_down \"/bin/sh -c 'echo QOMEGA >> $OUT/omega.log'\"" \
			"$(rsblk 192.0.2.21 80 "    notify_down \"/bin/sh -c 'echo OMEGA >> $OUT/omega.log'\"
    TCP_CHECK {
      connect_timeout 1
    }")"
		# several URLs: one per delay_loop; while down all must pass
		for v in 23 24; do
			vsblk 203.0.113.$v 80 "  alpha" "$(rsblk 192.0.2.21 80 "    HTTP_GET {
      url {
        path /index.html
      }
      url {
        path /two.html
      }
      http_protocol 1.1
      connect_timeout 2
      warmup 0
      $([ $v = 24 ] && echo fast_recovery)
    }")"
		done
		vsblk 203.0.113.25 80 "" "$(rsblk 192.0.2.21 80 "    HTTP_GET {
      url {
        path /index.html
      }
      url {
        path /missing.html
        status_code 200-299 301
      }
      connect_timeout 2
      retry 0
      warmup 0
    }")"
		# two checkers on one real server: up only when both are
		vsblk 203.0.113.28 80 "" "$(rsblk 192.0.2.21 80 "    TCP_CHECK {
      connect_port 7003
      connect_timeout 1
      retry 0
    }
$(http_chk /dual.html)")"
		# quorum 5 over a total weight of 1: capped to 1, so reachable
		vsblk 203.0.113.27 80 "  quorum 5" "$(rsblk 192.0.2.21 80 "    TCP_CHECK {
      connect_timeout 1
    }")"
		vsblk 203.0.113.21 8100 "  alpha
  delay_loop 30
  warmup 4" "$warm"
		vsblk 203.0.113.22 8101 "  alpha
  delay_loop 30
  warmup 0" "$warm0"
	} >"$CONF"
}
write_conf 0

# ---- status helpers --------------------------------------------------------
# rsq VS RS EXPR : evaluate EXPR on real server r (VS/RS names as printed)
rsq() {
	ctl status --json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
for v in (s.get("checker") or {}).get("virtual_servers", []):
    if v["name"] != sys.argv[1]: continue
    for r in v["real_servers"]:
        if r["name"] == sys.argv[2]:
            print(eval(sys.argv[3])); sys.exit(0)
sys.exit(1)' "$1" "$2" "$3" 2>/dev/null
}
is_state() { [ "$(rsq "$1" "$2" 'r["up"]')" = "$3" ]; }
reason() { rsq "$1" "$2" 'r["reason"]'; }

# expect NAME VS RS True|False TIMEOUT [REASON-SUBSTRING]
expect() {
	local name=$1 vs=$2 rs=$3 want=$4 t=$5 why=${6:-} got
	if ! wait_until "$t" is_state "$vs" "$rs" "$want"; then
		tap_fail "$name" "$rs in $vs: up is not $want after ${t}s (reason: $(reason "$vs" "$rs"))"
		return 1
	fi
	got=$(reason "$vs" "$rs")
	case $got in
	*"$why"*) tap_ok "$name" ;;
	*) tap_fail "$name" "reason \"$got\", expected \"$why\"" ;;
	esac
}
# expect_settled NAME VS RS TIMEOUT REASON: down within TIMEOUT, and REASON
# within 3 s more: a probe in flight when the server was stopped may fail
# otherwise (a reset mid-handshake); the next one must give REASON
reason_has() { case $(reason "$1" "$2") in *"$3"*) return 0 ;; esac; return 1; }
expect_settled() {
	local name=$1 vs=$2 rs=$3 t=$4 why=$5
	if wait_until "$t" is_state "$vs" "$rs" False &&
		wait_until 3 reason_has "$vs" "$rs" "$why"; then
		tap_ok "$name"
	else
		tap_fail "$name" "$rs in $vs: up $(rsq "$vs" "$rs" 'r["up"]'), reason \"$(reason "$vs" "$rs")\", expected \"$why\""
	fi
}
# out_is CMD... OP VALUE : CMD's output compared with test(1) OP, evaluated
# each time (for wait_until)
out_is() {
	local n=$# op val out
	op=${*:n-1:1}
	val=${*:n:1}
	out=$("${@:1:n-2}" 2>/dev/null)
	[ -n "$out" ] && test "$out" "$op" "$val"
}
fifo_count() { grep -c -- "$1" "$FIFOLOG" 2>/dev/null; }
fifo_has() { grep -q -- "$1" "$FIFOLOG" 2>/dev/null; }
fifo_time() { grep -- "$1" "$FIFOLOG" | head -n1 | cut -d' ' -f1; }
VA="[203.0.113.10]:tcp:80" VB="[203.0.113.11]:tcp:80"
VC="[203.0.113.12]:tcp:80" VS_SSL="[203.0.113.13]:tcp:443"
VBAD="[203.0.113.14]:tcp:80" VBIG="[203.0.113.15]:tcp:80"
VSMTP="[203.0.113.16]:tcp:25" VDNS="[203.0.113.17]:udp:53"
VPING="[203.0.113.18]:tcp:80" VMISC="[203.0.113.19]:tcp:80"
VT="[203.0.113.20]:tcp:7000" VW="[203.0.113.21]:tcp:8100"
VW0="[203.0.113.22]:tcp:8101"
VDUAL="[203.0.113.28]:tcp:80"
RS1="[192.0.2.21]:tcp:80"
# fifo_seq VS [RS...] : the FIFO lines about VS in order (its own VS lines
# and the RS lines of the real servers named, of all when none), as
# "IP:PORT STATE" and "VS STATE", each followed by '|'; from line
# FIFO_FROM of the log on (default: all)
fifo_seq() {
	local vs=$1
	shift
	tail -n +"${FIFO_FROM:-1}" "$FIFOLOG" 2>/dev/null | cut -d' ' -f2- | awk -v vs="$vs" -v rss="$*" '
	BEGIN { n = split(rss, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	$1 == "VS" && $2 == vs { printf "VS %s|", $3 }
	$1 == "RS" && $3 == vs && (n == 0 || ($2 in want)) {
		r = $2; gsub(/[][]|:(tcp|udp)/, "", r); printf "%s %s|", r, $4 }'
}
fifo_seq_in() { # VS "RS..." WANT... : fifo_seq is one of WANT
	local got w
	got=$(fifo_seq "$1" $2)
	shift 2
	for w in "$@"; do
		[ "$got" = "$w" ] && return 0
	done
	return 1
}
# fifo_expect NAME VS "RS..." WANT... : the sequence becomes one of WANT
# within 3 s (the reader may lag a transition)
fifo_expect() {
	local name=$1 vs=$2 rss=$3
	shift 3
	if wait_until 3 fifo_seq_in "$vs" "$rss" "$@"; then
		tap_ok "$name"
	else
		tap_fail "$name" "got \"$(fifo_seq "$vs" $rss)\", expected \"$1\""
	fi
}

# ---- start ---------------------------------------------------------------
if ! ns_exec d "$DIRECTORD" -t -f "$CONF" >"$NS_TMP/t.log" 2>&1; then
	tap_fail "netns/checker config" "$(tail -n 3 "$NS_TMP/t.log" | tr '\n' ' ')"
	exit 0
fi
T_START=$(now)
ns_bg directord d "$DIRECTORD" -n -l -C -f "$CONF" --control "$CTL" \
	-p "$NS_TMP/directord.pid"
DPID=$NS_LAST
if ! wait_until 10 rsq "$VA" "$RS1" 'r["up"]' >/dev/null; then
	tap_fail "netns/checker start" "no checker status: $(ns_log directord 5 | tr '\n' ' ')"
	exit 0
fi
checker_gen() { ctl status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["checker"]["generation"])' 2>/dev/null; }
checker_pid() { ctl status --json 2>/dev/null | python3 -c 'import json,sys; print([p["pid"] for p in json.load(sys.stdin)["processes"] if p["name"]=="checker"][0])' 2>/dev/null; }
CPID=$(checker_pid)

# alpha: starts down, comes up after its first check
st0=$(rsq "$VW0" "[192.0.2.50]:tcp:8101" 'r["up"]')
if [ "$st0" = False ] || fifo_has "RS \[192.0.2.50\]:tcp:8101"; then
	expect "alpha/starts-down-then-up" "$VW0" "[192.0.2.50]:tcp:8101" True 3
else
	tap_fail "alpha/starts-down-then-up" "alpha real server was $st0 at start with no UP transition"
fi

# ---- every check type up -------------------------------------------------
expect "tcp/up" "$VB" "$RS1" True 3
expect "http/up-digest" "$VA" "$RS1" True 3
expect "ssl/up-ca-verified-sni" "$VS_SSL" "[192.0.2.22]:tcp:443" True 4
expect "smtp/up" "$VSMTP" "[192.0.2.30]:tcp:2525" True 4
expect "dns/up" "$VDNS" "[192.0.2.30]:udp:5353" True 4
expect "udp/up-reply-pattern" "$VDNS" "[192.0.2.30]:udp:9000" True 4
expect "ping/up" "$VPING" "$RS1" True 4
expect "misc/up" "$VMISC" "[192.0.2.30]:tcp:81" True 4
expect "misc/dynamic-up" "$VMISC" "[192.0.2.30]:tcp:82" True 4
expect "dual/up-with-both-checkers-up" "$VDUAL" "$RS1" True 4
w=$(rsq "$VMISC" "[192.0.2.30]:tcp:82" 'r["dynamic_weight"]')
[ "$w" = 5 ] && tap_ok "misc/dynamic-weight-exit-minus-2" ||
	tap_fail "misc/dynamic-weight-exit-minus-2" "weight $w, expected 5 (exit 7)"
expect "ipv6/http-up" "[2001:db8::100]:tcp:80" "[2001:db8::21]:tcp:80" True 4
expect "ipv6/tcp-down" "[2001:db8::100]:tcp:80" "[2001:db8::22]:tcp:80" False 6 ""
expect "http/no-digest-big-body-judged-by-status" "$VBIG" "[192.0.2.30]:tcp:8003" True 4

# ---- failures with their reasons ------------------------------------------
expect "http/digest-mismatch" "$VC" "$RS1" False 4 "digest mismatch"
expect "ssl/bad-certificate" "$VS_SSL" "[192.0.2.23]:tcp:443" False 4 "certificate verify failed"
expect "ssl/handshake-with-plain-server" "$VS_SSL" "$RS1" False 4 "TLS handshake error"
expect "bad/accepts-never-answers" "$VBAD" "[192.0.2.30]:tcp:8001" False 5 "timeout waiting for response"
expect "bad/garbage-no-status-line" "$VBAD" "[192.0.2.30]:tcp:8002" False 4 "no HTTP status line"
expect "bad/10MB-body-with-digest" "$VBAD" "[192.0.2.30]:tcp:8003" False 5 "body too large"
expect "bad/slow-drip" "$VBAD" "[192.0.2.30]:tcp:8004" False 6 "timeout reading response"
expect "bad/reset-mid-response" "$VBAD" "[192.0.2.30]:tcp:8005" False 4 "connection reset"
expect "bad/closes-at-once" "$VBAD" "[192.0.2.30]:tcp:8006" False 4 "connection"
expect "bad/http-503" "$VBAD" "[192.0.2.30]:tcp:8007" False 4 "HTTP status 503"
# keepalived gives the connection and the answer a connect_timeout each
slow_runs() { rsq "$VBAD" "[192.0.2.30]:tcp:8009" 'r["checks"][0]["runs"]'; }
if wait_until 8 out_is slow_runs -ge 2; then
	# never failed, not even once, though a run takes longer than
	# connect_timeout (else the SYN drop did not happen)
	f=$(rsq "$VBAD" "[192.0.2.30]:tcp:8009" 'r["checks"][0]["last_failure"] or "none"')
	ms=$(rsq "$VBAD" "[192.0.2.30]:tcp:8009" 'int(r["checks"][0]["duration_ms"])')
	if [ "$f" = none ] && [ "${ms:-0}" -ge 1700 ]; then
		expect "timeout/connect-and-answer-each-their-own" "$VBAD" "[192.0.2.30]:tcp:8009" True 0
	else
		tap_fail "timeout/connect-and-answer-each-their-own" "last failure: $f; a run took ${ms:-?} ms"
	fi
else
	tap_fail "timeout/connect-and-answer-each-their-own" "$(slow_runs) runs; $(rsq "$VBAD" "[192.0.2.30]:tcp:8009" 'r["last_failure"]')"
fi
expect "ping/no-reply" "$VPING" "[192.0.2.40]:tcp:80" False 6 "ICMP"
expect "misc/timeout-kills-script" "$VMISC" "[192.0.2.30]:tcp:83" False 5 "script timeout"
sleep 2.5 # two more timeouts: each must have killed its script and the
# background sleep it started (at most the current run's two remain)
n=$(pgrep -c -x -f 'sleep 37.31')
[ "$n" -le 2 ] && tap_ok "misc/timeout-kills-process-group" ||
	tap_fail "misc/timeout-kills-process-group" "$n scripts still running"

vsq() { # VS EXPR : evaluate EXPR on virtual server v
	ctl status --json 2>/dev/null | python3 -c '
import json, sys
for v in json.load(sys.stdin)["checker"]["virtual_servers"]:
    if v["name"] == sys.argv[1]:
        print(eval(sys.argv[2])); sys.exit(0)
sys.exit(1)' "$1" "$2" 2>/dev/null
}
q=$(vsq "[203.0.113.27]:tcp:80" '(v["quorum"], v["quorum_up"])')
if [ "$q" = "(1, True)" ] &&
	grep -q "quorum 5 exceeds the total weight 1 .*using 1" "$NS_TMP/directord.log"; then
	tap_ok "quorum/capped-at-total-weight"
else
	tap_fail "quorum/capped-at-total-weight" "quorum, up: $q; log: $(grep -c 'exceeds the total weight' "$NS_TMP/directord.log")"
fi

# ---- timing ----------------------------------------------------------------
# first failure after start marks down at once, despite retry 3 x 5 s
t=$(fifo_time "RS \[192.0.2.31\]:tcp:7001 .* DOWN")
if [ -n "$t" ] && awk -v a="$t" -v b="$T_START" 'BEGIN{exit !(a-b < 2.5)}'; then
	tap_ok "timing/first-failure-down-at-once"
else
	tap_fail "timing/first-failure-down-at-once" "DOWN line at ${t:-never} (start $T_START)"
fi
# URLs round-robin: an alpha server needs every URL to pass, one per
# delay_loop (1 s) without fast_recovery, back to back with it
up_after() { # VS-ADDR : seconds from start to the real server's UP line
	awk -v s="$T_START" '{printf "%.2f", $1 - s; exit}' \
		<(grep "RS \[192.0.2.21\]:tcp:80 \[$1\]:tcp:80 UP" "$FIFOLOG")
}
if wait_until 5 fifo_has "RS \[192.0.2.21\]:tcp:80 \[203.0.113.23\]:tcp:80 UP" &&
	wait_until 5 fifo_has "RS \[192.0.2.21\]:tcp:80 \[203.0.113.24\]:tcp:80 UP"; then
	slow=$(up_after 203.0.113.23) fast=$(up_after 203.0.113.24)
	awk -v s="$slow" -v f="$fast" 'BEGIN{exit !(s - f >= 0.5)}' &&
		tap_ok "http/urls-all-pass-before-up (${slow}s; fast_recovery ${fast}s)" ||
		tap_fail "http/urls-all-pass-before-up" "up after ${slow}s, with fast_recovery ${fast}s"
else
	tap_fail "http/urls-all-pass-before-up" "multi-URL servers never came up"
fi
expect "http/second-url-404-round-robin" "[203.0.113.25]:tcp:80" "$RS1" False 5 "HTTP status 404"

# warmup 4: first checks spread over [0, 4] s, all within 4 s + slack
ok=1
wait_until 8 out_is fifo_count 'RS \[192.0.2.5.\]:tcp:8100 .* UP' = 10 || ok=0
if [ $ok = 1 ]; then
	spread=$(grep 'RS \[192.0.2.5.\]:tcp:8100 .* UP' "$FIFOLOG" | awk -v s="$T_START" \
		'{t=$1-s; if(min==""||t<min)min=t; if(t>max)max=t} END{printf "%.2f %.2f", min, max}')
	set -- $spread
	if awk -v a="$1" -v b="$2" 'BEGIN{exit !(b <= 5.5 && b - a >= 1.0)}'; then
		tap_ok "timing/warmup-spreads-first-checks"
	else
		tap_fail "timing/warmup-spreads-first-checks" "first checks between $1 and $2 s"
	fi
else
	tap_fail "timing/warmup-spreads-first-checks" "not all 10 alpha servers came up"
fi
# warmup 0: all first checks at once
n0=$(grep 'RS \[192.0.2.5.\]:tcp:8101 .* UP' "$FIFOLOG" | awk -v s="$T_START" '$1-s < 2.5' | wc -l)
[ "$n0" = 5 ] && tap_ok "timing/warmup-0-checks-at-once" ||
	tap_fail "timing/warmup-0-checks-at-once" "$n0 of 5 up within 2.5 s"
# an up server goes down after retry+1 = 3 failures: delay_loop (<= 1 s)
# + 2 x delay_before_retry (1 s) after it stops
if wait_until 5 is_state "$VT" "[192.0.2.31]:tcp:7000" True; then
	t0=$(now)
	ns_stop "$T_PID" 3
	if wait_until 8 fifo_has "RS \[192.0.2.31\]:tcp:7000 .* DOWN"; then
		d=$(awk -v a="$(fifo_time 'RS \[192.0.2.31\]:tcp:7000 .* DOWN')" -v b="$t0" 'BEGIN{printf "%.2f", a-b}')
		if awk -v d="$d" 'BEGIN{exit !(d >= 1.9 && d <= 3.4)}'; then
			tap_ok "timing/retry-2-delay-before-retry-1 (${d}s)"
		else
			tap_fail "timing/retry-2-delay-before-retry-1" "down after ${d}s, expected 2-3 s"
		fi
		wait_until 3 out_is rsq "$VT" "[192.0.2.31]:tcp:7000" 'r["failures"]' -ge 3 &&
			tap_ok "timing/failures-counted" ||
			tap_fail "timing/failures-counted" "failures=$(rsq "$VT" "[192.0.2.31]:tcp:7000" 'r["failures"]')"
	else
		tap_fail "timing/retry-2-delay-before-retry-1" "never went down"
	fi
	start_t
	expect "timing/up-again" "$VT" "[192.0.2.31]:tcp:7000" True 4
else
	tap_fail "timing/retry-2-delay-before-retry-1" "timing server never up"
fi

# ---- down on failure and up again, notify scripts, quorum, FIFO ------------
ns_stop "$HTTP_PID" 3
# the check in flight while the server dies may see a reset or, on a loaded
# machine, a timeout: that one sets the DOWN reason; every later check must
# be classified as refused
last_failure_has() { rsq "$1" "$2" 'r["last_failure"]' | grep -q -- "$3"; }
expect_refused() {
	local got
	expect "$@" || return 0
	if wait_until 4 last_failure_has "$2" "$3" "connection refused"; then
		tap_ok "$1: later checks refused"
	else
		got=$(rsq "$2" "$3" 'r["last_failure"]')
		tap_fail "$1: later checks refused" "last failure \"$got\""
	fi
}
expect_refused "tcp/down-refused" "$VB" "$RS1" False 4 ""
expect_refused "http/down-refused" "$VA" "$RS1" False 4 ""
start_http
expect "tcp/up-again" "$VB" "$RS1" True 5
expect "http/up-again" "$VA" "$RS1" True 5
if wait_until 3 grep -q UP "$OUT/notify.log" 2>/dev/null &&
	[ "$(tr '\n' ' ' <"$OUT/notify.log")" = "DOWN UP " ]; then
	tap_ok "notify/down-then-up-scripts"
else
	tap_fail "notify/down-then-up-scripts" "notify.log: $(tr '\n' ' ' <"$OUT/notify.log" 2>/dev/null)"
fi
if wait_until 3 grep -q QUP "$OUT/quorum.log" 2>/dev/null &&
	[ "$(tr '\n' ' ' <"$OUT/quorum.log")" = "QDOWN QUP " ]; then
	tap_ok "notify/quorum-down-then-up"
else
	tap_fail "notify/quorum-down-then-up" "quorum.log: $(tr '\n' ' ' <"$OUT/quorum.log" 2>/dev/null)"
fi
seq=$(grep -E "RS \[192.0.2.21\]:tcp:80 \[203.0.113.10\]:tcp:80 |VS \[203.0.113.10\]:tcp:80 " "$FIFOLOG" |
	cut -d' ' -f2- | tr '\n' '|')
want="RS [192.0.2.21]:tcp:80 [203.0.113.10]:tcp:80 DOWN|VS [203.0.113.10]:tcp:80 DOWN|RS [192.0.2.21]:tcp:80 [203.0.113.10]:tcp:80 UP|VS [203.0.113.10]:tcp:80 UP|"
[ "$seq" = "$want" ] && tap_ok "fifo/rs-and-vs-lines-in-order" ||
	tap_fail "fifo/rs-and-vs-lines-in-order" "got: $seq"

ns_stop "$SSL_PID" 3
expect_settled "ssl/down" "$VS_SSL" "[192.0.2.22]:tcp:443" 5 "connection refused"
start_ssl
expect "ssl/up-again" "$VS_SSL" "[192.0.2.22]:tcp:443" True 6
fifo_expect "fifo/ssl-lines-in-order" "$VS_SSL" "[192.0.2.22]:tcp:443" \
	"192.0.2.22:443 DOWN|VS DOWN|192.0.2.22:443 UP|VS UP|"

ns_stop "$PROTO_PID" 3
expect_settled "smtp/down" "$VSMTP" "[192.0.2.30]:tcp:2525" 5 "connection refused"
expect "dns/down" "$VDNS" "[192.0.2.30]:udp:5353" False 5 "ICMP port unreachable"
expect "udp/down" "$VDNS" "[192.0.2.30]:udp:9000" False 5 "ICMP port unreachable"
start_proto
expect "smtp/up-again" "$VSMTP" "[192.0.2.30]:tcp:2525" True 6
expect "dns/up-again" "$VDNS" "[192.0.2.30]:udp:5353" True 6
expect "udp/up-again" "$VDNS" "[192.0.2.30]:udp:9000" True 6
fifo_expect "fifo/smtp-lines-in-order" "$VSMTP" "" \
	"192.0.2.30:2525 DOWN|VS DOWN|192.0.2.30:2525 UP|VS UP|"
# DNS and UDP fail and recover together, in either order: the VS goes down
# after both, up after the first
D=192.0.2.30:5353 U=192.0.2.30:9000
fifo_expect "fifo/dns-udp-lines-in-order" "$VDNS" "" \
	"$D DOWN|$U DOWN|VS DOWN|$D UP|VS UP|$U UP|" \
	"$D DOWN|$U DOWN|VS DOWN|$U UP|VS UP|$D UP|" \
	"$U DOWN|$D DOWN|VS DOWN|$D UP|VS UP|$U UP|" \
	"$U DOWN|$D DOWN|VS DOWN|$U UP|VS UP|$D UP|"

ns_addr r eth0 192.0.2.40/24
expect "ping/up-again" "$VPING" "[192.0.2.40]:tcp:80" True 5
# up -> down: the address goes away; then the other real server stops
# answering echo requests (its TCP services stay up)
ns_exec r ip addr del 192.0.2.40/24 dev eth0
expect "ping/down-address-gone" "$VPING" "[192.0.2.40]:tcp:80" False 5 "ICMP"
ns_exec r sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect "ping/down-echo-ignored" "$VPING" "$RS1" False 4 "no ICMP echo reply"
ns_exec r sysctl -qw net.ipv4.icmp_echo_ignore_all=0
expect "ping/up-again-echo-answered" "$VPING" "$RS1" True 4
fifo_expect "fifo/ping-lines-in-order" "$VPING" "" \
	"192.0.2.40:80 DOWN|192.0.2.40:80 UP|192.0.2.40:80 DOWN|192.0.2.21:80 DOWN|VS DOWN|192.0.2.21:80 UP|VS UP|"

rm -f "$OUT/misc_ok"
expect "misc/down-exit-1" "$VMISC" "[192.0.2.30]:tcp:81" False 4 "script exit 1"
touch "$OUT/misc_ok"
expect "misc/up-again" "$VMISC" "[192.0.2.30]:tcp:81" True 4
echo 1 >"$OUT/misc_code"
expect "misc/dynamic-down" "$VMISC" "[192.0.2.30]:tcp:82" False 4 "script exit 1"
echo 12 >"$OUT/misc_code"
expect "misc/dynamic-up-again" "$VMISC" "[192.0.2.30]:tcp:82" True 4
wait_until 3 out_is rsq "$VMISC" "[192.0.2.30]:tcp:82" 'r["dynamic_weight"]' = 10 &&
	tap_ok "misc/dynamic-weight-follows-exit-code" ||
	tap_fail "misc/dynamic-weight-follows-exit-code" "weight $(rsq "$VMISC" "[192.0.2.30]:tcp:82" 'r["dynamic_weight"]')"
# the script that timed out went down first; one server always up: no VS line
fifo_expect "fifo/misc-lines-in-order" "$VMISC" "" \
	"192.0.2.30:83 DOWN|192.0.2.30:81 DOWN|192.0.2.30:81 UP|192.0.2.30:82 DOWN|192.0.2.30:82 UP|"
# no user, no script_user: the script runs as the user the checker drops to
u=$(cat "$OUT/misc_uid_default" 2>/dev/null)
[ -n "$u" ] && [ "$u" = "$(id -u nobody)" ] && tap_ok "misc/default-user-nobody" ||
	tap_fail "misc/default-user-nobody" "script ran as uid ${u:-?}, expected $(id -u nobody)"
# the checker turned transparent huge pages off for itself only
t=$(awk '{print $2}' "$OUT/misc_thp" 2>/dev/null)
[ "$t" = 1 ] && tap_ok "misc/script-gets-huge-pages-back" ||
	tap_fail "misc/script-gets-huge-pages-back" "THP_enabled '${t:-?}' in the script"

# ---- two checkers on one real server: up only when both are up --------------
chk_up() { rsq "$VDUAL" "$RS1" "[c['up'] for c in r['checks'] if c['type'] == '$1'][0]"; }
# the HTTP server's restart above took this real server down and up too
dual_from=$(($(wc -l <"$FIFOLOG") + 1))
ns_stop "$DUAL_PID" 3
expect "dual/tcp-fails-down" "$VDUAL" "$RS1" False 4 "connection refused"
start_dual
expect "dual/tcp-back-up" "$VDUAL" "$RS1" True 4
mv "$WWW/dual.html" "$WWW/dual.away"
expect "dual/http-fails-down" "$VDUAL" "$RS1" False 4 "HTTP status 404"
# both fail, then HTTP recovers: still down, and the reason is now TCP's
ns_stop "$DUAL_PID" 3
wait_until 4 out_is chk_up TCP_CHECK = False ||
	tap_fail "dual/tcp-check-down" "TCP_CHECK up: $(chk_up TCP_CHECK)"
mv "$WWW/dual.away" "$WWW/dual.html"
if wait_until 4 out_is chk_up HTTP_GET = True; then
	sleep 1.2 # one more round of both checks
	expect "dual/down-while-one-checker-fails" "$VDUAL" "$RS1" False 0
	expect "dual/reason-of-the-checker-still-failing" "$VDUAL" "$RS1" False 0 "connection refused"
	# the newest failure, not that of the last checker in config order
	# (HTTP_GET, whose last failure is the older 404)
	lf=$(rsq "$VDUAL" "$RS1" 'r["last_failure"]')
	case $lf in
	*"connection refused"*) tap_ok "dual/last-failure-is-the-newest" ;;
	*) tap_fail "dual/last-failure-is-the-newest" "last_failure \"$lf\"" ;;
	esac
else
	tap_fail "dual/down-while-one-checker-fails" "HTTP_GET never came back"
fi
start_dual
expect "dual/up-when-both-up-again" "$VDUAL" "$RS1" True 4
FIFO_FROM=$dual_from fifo_expect "fifo/dual-lines-in-order" "$VDUAL" "" \
	"192.0.2.21:80 DOWN|VS DOWN|192.0.2.21:80 UP|VS UP|192.0.2.21:80 DOWN|VS DOWN|192.0.2.21:80 UP|VS UP|"

# ---- no crash, privileges ----------------------------------------------------
[ "$(checker_pid)" = "$CPID" ] && tap_ok "bad/no-checker-crash" ||
	tap_fail "bad/no-checker-crash" "checker pid changed ($CPID -> $(checker_pid))"
uid=$(awk '/^Uid:/{print $2}' "/proc/$CPID/status" 2>/dev/null)
[ "$uid" = "$(id -u nobody)" ] && tap_ok "priv/checker-runs-as-nobody" ||
	tap_fail "priv/checker-runs-as-nobody" "uid $uid"
t=$(awk '/^THP_enabled:/{print $2}' "/proc/$CPID/status" 2>/dev/null)
[ "$t" = 0 ] && tap_ok "mem/checker-without-huge-pages" ||
	tap_fail "mem/checker-without-huge-pages" "THP_enabled '${t:-?}'"

# ---- reload: kept servers keep state, removed ones go, new ones follow alpha
since=$(rsq "$VBAD" "[192.0.2.30]:tcp:8001" 'r["since"]')
write_conf 1
if ctl reload >"$NS_TMP/reload.out" 2>&1; then
	wait_until 3 out_is checker_gen = 2 ||
		tap_fail "reload/checker-generation" "still $(checker_gen)"
	[ "$(rsq "$VBAD" "[192.0.2.30]:tcp:8001" 'r["since"]')" = "$since" ] &&
		[ "$(rsq "$VBAD" "[192.0.2.30]:tcp:8001" 'r["up"]')" = False ] &&
		tap_ok "reload/kept-server-keeps-state" ||
		tap_fail "reload/kept-server-keeps-state" "since $since -> $(rsq "$VBAD" "[192.0.2.30]:tcp:8001" 'r["since"]')"
	rsq "$VBAD" "[192.0.2.30]:tcp:8006" 'r' >/dev/null &&
		tap_fail "reload/removed-server-gone" "still listed" ||
		tap_ok "reload/removed-server-gone"
	# alpha: it starts down, so its first good check is an UP transition
	if wait_until 4 fifo_has "RS \[192.0.2.22\]:tcp:443 \[203.0.113.11\]:tcp:80 UP" &&
		! fifo_has "RS \[192.0.2.22\]:tcp:443 \[203.0.113.11\]:tcp:80 DOWN"; then
		expect "reload/new-server-alpha-then-up" "$VB" "[192.0.2.22]:tcp:443" True 2
	else
		tap_fail "reload/new-server-alpha-then-up" "FIFO: $(grep 192.0.2.22 "$FIFOLOG" | tr '\n' '|')"
	fi
	# one checker -> two: the new one runs (and fails), the kept one
	# keeps its state
	n=$(rsq "$VB" "$RS1" 'len(r["checks"])')
	[ "$n" = 2 ] && tap_ok "reload/one-checker-to-two" ||
		tap_fail "reload/one-checker-to-two" "${n:-no} checkers"
	expect "reload/second-checker-runs" "$VB" "$RS1" False 4 "HTTP status 404"
	# two -> one: the failing one goes, the server is up again
	write_conf 2
	if ctl reload >"$NS_TMP/reload2.out" 2>&1 &&
		wait_until 3 out_is checker_gen = 3; then
		n=$(rsq "$VB" "$RS1" 'len(r["checks"])')
		[ "$n" = 1 ] && tap_ok "reload/two-checkers-to-one" ||
			tap_fail "reload/two-checkers-to-one" "${n:-no} checkers"
		expect "reload/up-with-one-checker-again" "$VB" "$RS1" True 3
	else
		tap_fail "reload/two-checkers-to-one" "reload: $(tr '\n' ' ' <"$NS_TMP/reload2.out"), generation $(checker_gen)"
	fi
else
	tap_fail "reload/accepted" "$(tr '\n' ' ' <"$NS_TMP/reload.out")"
fi

# ---- checker restart: health resumes from core, no flap ----------------------
CPID=$(checker_pid)
lines=$(wc -l <"$FIFOLOG")
kill -9 "$CPID"
new_checker() { [ "$(checker_pid 2>/dev/null)" != "$CPID" ]; }
if wait_until 10 new_checker &&
	wait_until 5 is_state "$VBAD" "[192.0.2.30]:tcp:8001" False; then
	sleep 2
	if grep -q "tcp:80 \[203.0.113.10\]" <(tail -n +$((lines + 1)) "$FIFOLOG"); then
		tap_fail "restart/health-resumed-no-flap" "$(tail -n +$((lines + 1)) "$FIFOLOG" | tr '\n' '|')"
	else
		expect "restart/health-resumed-no-flap" "$VA" "$RS1" True 1
	fi
else
	tap_fail "restart/health-resumed-no-flap" "checker not restarted"
fi

# ---- directorctl genhash (keepalived's genhash, no daemon needed) -----------
# exit 0 digest printed, 1 fetch failed, 2 usage; 64 is directorctl's
# "unknown command", i.e. genhash missing: a failure like any other
md5of() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
genhash_is() { # NAME WANT-MD5 ARGS...
	local name=$1 want=$2 out rc
	shift 2
	out=$(ns_exec d "$DIRECTORCTL" genhash "$@" 2>&1)
	rc=$?
	[ $rc = 0 ] && [ "$out" = "MD5SUM = $want" ] && tap_ok "$name" ||
		tap_fail "$name" "exit $rc: $(echo "$out" | tr '\n' ' ')(expected MD5SUM = $want)"
}
genhash_is "genhash/md5-of-body" "$DIGEST" -s 192.0.2.21 -p 80 -u /index.html
genhash_is "genhash/tls-openssl-s-server" "$DIGEST" -S -s 192.0.2.24 -p 443 -u /index.html
# the echo server's body names the Host header and the SNI name it got
genhash_is "genhash/default-host-ip-port" "$(md5of "host=192.0.2.24:8080 sni=
")" -s 192.0.2.24 -p 8080 -u /
genhash_is "genhash/vhost-sets-host-header" "$(md5of "host=vhost.example.org sni=
")" -s 192.0.2.24 -p 8080 -u / -V vhost.example.org
genhash_is "genhash/tls-vhost-sets-host-and-sni" "$(md5of "host=tls.example.org sni=tls.example.org
")" -S -s 192.0.2.24 -p 8443 -u / -V tls.example.org
gh=$(ns_exec d "$DIRECTORCTL" genhash -S -s 192.0.2.21 -p 80 -u / 2>&1)
rc=$?
[ $rc = 1 ] && [[ $gh == *"TLS handshake failed"* ]] &&
	tap_ok "genhash/tls-to-plain-server-fails" ||
	tap_fail "genhash/tls-to-plain-server-fails" "exit $rc: $gh"
rm -f "$OUT/omega.log" # the real server went down and up earlier
ns_stop "$DPID" 5 || tap_fail "stop" "directord did not stop on SIGTERM"
# omega: on shutdown the live real servers' notify_down and quorum_down run
if wait_until 3 grep -qs QOMEGA "$OUT/omega.log" &&
	[ "$(sort "$OUT/omega.log" | tr '\n' ' ')" = "OMEGA QOMEGA " ]; then
	tap_ok "notify/omega-runs-down-scripts-on-stop"
else
	tap_fail "notify/omega-runs-down-scripts-on-stop" "omega.log: $(tr '\n' ' ' <"$OUT/omega.log" 2>/dev/null)"
fi

# ---- source options: connect_ip/port, bindto, bind_port, bind_if, fwmark --
OCONF=$NS_TMP/options.conf
ns_bg peers r python3 "$NS_TMP/srv.py" peers 192.0.2.31 7002 "$OUT/peers.log"
ns_bg pooled r python3 "$NS_TMP/srv.py" peers 192.0.2.31 7004 "$OUT/pooled.log"
# packets marked 7 have no route: only a check that sets SO_MARK fails
ns_exec d ip rule add fwmark 7 table 77
ns_exec d ip route add unreachable 192.0.2.0/24 table 77
cat >"$OCONF" <<EOF
virtual_server 203.0.113.40 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 192.0.2.30 99 {
    TCP_CHECK {
      connect_ip 192.0.2.31
      connect_port 7002
      bindto 192.0.2.1
      bind_port 40001
      bind_if eth0
      connect_timeout 1
      warmup 0
    }
  }
  real_server 192.0.2.21 80 {
    TCP_CHECK {
      fwmark 7
      connect_timeout 1
      warmup 0
    }
  }
  # no source option: its socket goes back to the pool between runs
  real_server 192.0.2.31 7004 {
    TCP_CHECK {
      connect_timeout 1
      warmup 0
    }
  }
  real_server 192.0.2.21 443 {
    TCP_CHECK {
      connect_port 80
      connect_timeout 1
      warmup 0
    }
  }
  # the checker stays root here (fwmark): scripts get the user asked for,
  # else the default script user (nobody without script_user), never root
  real_server 192.0.2.30 84 {
    MISC_CHECK {
      misc_path "/bin/sh -c 'echo \$(id -u):\$(id -g) >$OUT/misc_uid_user'"
      user daemon
      warmup 0
    }
  }
  real_server 192.0.2.30 85 {
    MISC_CHECK {
      misc_path "/bin/sh -c 'id -u >$OUT/misc_uid_root_default'"
      warmup 0
    }
  }
}
EOF
VO="[203.0.113.40]:tcp:80"
# written by nobody, then by daemon after the reload below: one file both
# may write (root's, like the sticky directory, so protected_regular allows)
install -m 666 /dev/null "$OUT/misc_uid_root_default"
ns_bg optd d "$DIRECTORD" -n -l -C -f "$OCONF" --control "$CTL" \
	-p "$NS_TMP/options.pid"
OPID=$NS_LAST
expect "tcp/connect-ip-port-bindto-bind-port-bind-if" "$VO" "[192.0.2.30]:tcp:99" True 5
wait_until 3 grep -qs "^192.0.2.1 40001$" "$OUT/peers.log" &&
	tap_ok "tcp/source-address-and-port-used" ||
	tap_fail "tcp/source-address-and-port-used" "peers: $(sort -u "$OUT/peers.log" 2>/dev/null | tr '\n' ' ')"
# a pooled socket keeps its source port (checker/sock.c): among 5 runs
# some come from the same port (the kernel's own choice moves on at every
# connect to the same server)
lines_ge() { [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
if wait_until 8 lines_ge "$OUT/pooled.log" 5; then
	n=$(head -n 5 "$OUT/pooled.log" | sort -u | wc -l)
	[ "$n" -lt 5 ] && tap_ok "tcp/pooled-socket-keeps-its-port ($n ports for 5 runs)" ||
		tap_fail "tcp/pooled-socket-keeps-its-port" "5 runs from 5 ports: $(head -n 5 "$OUT/pooled.log" | tr '\n' ' ')"
else
	tap_fail "tcp/pooled-socket-keeps-its-port" "runs seen: $(wc -l <"$OUT/pooled.log" 2>/dev/null)"
fi
expect "tcp/fwmark-sets-so-mark" "$VO" "$RS1" False 5 "unreachable"
expect "tcp/connect-port-overrides" "$VO" "[192.0.2.21]:tcp:443" True 3
expect "misc/user-up" "$VO" "[192.0.2.30]:tcp:84" True 3
u=$(cat "$OUT/misc_uid_user" 2>/dev/null)
[ "$u" = "$(id -u daemon):$(id -g daemon)" ] && tap_ok "misc/runs-as-configured-user" ||
	tap_fail "misc/runs-as-configured-user" "uid:gid ${u:-?}, expected $(id -u daemon):$(id -g daemon)"
wait_until 3 test -s "$OUT/misc_uid_root_default"
u=$(cat "$OUT/misc_uid_root_default" 2>/dev/null)
[ "$u" = "$(id -u nobody)" ] && tap_ok "misc/root-checker-default-user-nobody" ||
	tap_fail "misc/root-checker-default-user-nobody" "uid ${u:-?}, expected $(id -u nobody)"
grep -q "staying root: fwmark needs CAP_NET_ADMIN" "$NS_TMP/optd.log" &&
	tap_ok "priv/stays-root-for-fwmark" ||
	tap_fail "priv/stays-root-for-fwmark" "no log line"
# with script_user the default is that user (credentials resolved anew on
# reload; the checker is still root)
{
	printf 'global_defs {\n  script_user daemon\n}\n'
	cat "$OCONF"
} >"$OCONF.new" && mv "$OCONF.new" "$OCONF"
if ctl reload >"$NS_TMP/oreload.out" 2>&1 &&
	wait_until 4 out_is cat "$OUT/misc_uid_root_default" = "$(id -u daemon)"; then
	tap_ok "misc/default-user-script-user"
else
	tap_fail "misc/default-user-script-user" "uid $(cat "$OUT/misc_uid_root_default" 2>/dev/null), expected $(id -u daemon); reload: $(tr '\n' ' ' <"$NS_TMP/oreload.out")"
fi
ns_stop "$OPID" 5

# ---- a kept port refused at connect: the run retries from a new socket -------
# The kernel cannot be made to refuse a pooled socket's port from outside
# (the socket owns it alone), so tests/netns/fault_connect.c, preloaded,
# fails the first connect of a bound TCP socket with EADDRNOTAVAIL, then
# in a second daemon with EINVAL. The run must go on from a new socket: no
# failure seen, the server still reached.
FAULT_SO=$NS_TMP/fault_connect.so
FCONF=$NS_TMP/fault.conf
cat >"$FCONF" <<EOF
virtual_server 203.0.113.41 80 {
  delay_loop 0.3
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 192.0.2.31 7006 {
    TCP_CHECK {
      connect_timeout 1
      warmup 0
    }
  }
}
EOF
FVS="[203.0.113.41]:tcp:80" FRS="[192.0.2.31]:tcp:7006"
listening() { ns_exec r ss -Hltn "sport = :$1" | grep -q LISTEN; }
if ! cc -shared -fPIC -o "$FAULT_SO" "$DD_SRCDIR/tests/netns/fault_connect.c" -ldl \
	>"$NS_TMP/fault_cc.log" 2>&1; then
	tap_fail "tcp/kept-port-refused-retries-new-socket" "building the shim: $(tr '\n' ' ' <"$NS_TMP/fault_cc.log")"
else
	ns_bg faultsrv r python3 "$NS_TMP/srv.py" peers 192.0.2.31 7006 "$OUT/fault_peers.log"
	FSRV=$NS_LAST
	wait_until 5 listening 7006
	# EADDRNOTAVAIL: the kept port is taken towards that server; EINVAL:
	# the kept source address is gone before the routing watch says so
	for fault in EADDRNOTAVAIL:kept-port-refused EINVAL:kept-address-gone; do
		ferr=${fault%%:*} fname=tcp/${fault#*:}-retries-new-socket
		rm -f "$OUT/fault.mark"
		# ASan wants its runtime first among the preloads: the order
		# is ours
		ns_bg faultd d env LD_PRELOAD="$FAULT_SO" DD_FAULT_CONNECT="$OUT/fault.mark" \
			DD_FAULT_ERRNO="$ferr" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$DIRECTORD" -n -l -C -f "$FCONF" --control "$CTL" -p "$NS_TMP/fault.pid"
		FPID=$NS_LAST
		# injected, then at least 3 more runs reached the server
		if wait_until 8 test -s "$OUT/fault.mark" &&
			n0=$(wc -l <"$OUT/fault_peers.log") &&
			wait_until 5 lines_ge "$OUT/fault_peers.log" $((n0 + 3)); then
			up=$(rsq "$FVS" "$FRS" 'r["up"]')
			lf=$(rsq "$FVS" "$FRS" 'repr(r["last_failure"])')
			[ "$up" = True ] && [ "$lf" = "''" ] &&
				tap_ok "$fname (port $(cat "$OUT/fault.mark"): $ferr)" ||
				tap_fail "$fname" "up $up, last failure $lf"
		else
			tap_fail "$fname" "injected: $(cat "$OUT/fault.mark" 2>/dev/null || echo no); runs: $(wc -l <"$OUT/fault_peers.log" 2>/dev/null); log: $(tail -n 3 "$NS_TMP/faultd.log" | tr '\n' ' ')"
		fi
		ns_stop "$FPID" 5
	done
	ns_stop "$FSRV" 5
fi

# ---- kept sockets keep the source address that routing picks ---------------
# A kept socket is bound to the source address of its first connection
# (checker/sockpool.c). The real server logs each connection's source; the
# route towards it names the source, and the test changes it twice: a new
# route (a reset through the routing watch), then the removal of the
# address that route used (the route goes with it, or loses its source).
# Each time the new connections must come from the address routing now
# picks, the server staying up with no failure seen. IPv4 and IPv6.
# src_family TAG RS PLEN SRC1 SRC2 PORT VIP
src_family() {
	local tag=$1 rs=$2 plen=$3 s1=$4 s2=$5 port=$6 vip=$7
	local conf=$NS_TMP/srcaddr$tag.conf log=$OUT/src_peers$tag.log
	local vsn="[$vip]:tcp:80" rsn="[$rs]:tcp:$port"
	local pid spid nruns nports nsrc
	ns_addr r eth0 "$rs/$plen"
	ns_exec d ip route add "$rs" dev eth0 src "$s1"
	cat >"$conf" <<EOF
virtual_server $vip 80 {
  delay_loop 0.2
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server $rs $port {
    TCP_CHECK {
      connect_timeout 1
      warmup 0
    }
  }
}
EOF
	: >"$log"
	ns_bg "srcsrv$tag" r python3 "$NS_TMP/srv.py" peers "$rs" "$port" "$log"
	spid=$NS_LAST
	wait_until 5 listening "$port"
	ns_bg "srcd$tag" d "$DIRECTORD" -n -l -C -f "$conf" --control "$CTL" -p "$NS_TMP/srcd.pid"
	pid=$NS_LAST
	# NAME EXPECTED: after a settling moment, 6 new connections, all
	# from EXPECTED
	src_case() {
		local name=tcp/kept-sockets$tag-$1 want=$2 n0 got up lf
		sleep 0.5
		n0=$(($(wc -l <"$log") + 1))
		if wait_until 8 lines_ge "$log" $((n0 + 5)); then
			got=$(tail -n +"$n0" "$log" | cut -d' ' -f1 | sort -u | tr '\n' ' ')
			up=$(rsq "$vsn" "$rsn" 'r["up"]')
			lf=$(rsq "$vsn" "$rsn" 'repr(r["last_failure"])')
			[ "$got" = "$want " ] && [ "$up" = True ] && [ "$lf" = "''" ] &&
				tap_ok "$name (from $want)" ||
				tap_fail "$name" "sources '$got' (want $want), up $up, last failure $lf"
		else
			tap_fail "$name" "runs: $(wc -l <"$log"); log: $(tail -n 3 "$NS_TMP/srcd$tag.log" | tr '\n' ' ')"
		fi
	}
	if wait_until 8 lines_ge "$log" 3; then
		src_case source-address "$s1"
		# the ports repeat: kept sockets are in use, bound to it
		nruns=$(wc -l <"$log")
		nports=$(cut -d' ' -f2 "$log" | sort -u | wc -l)
		[ "$nports" -lt "$nruns" ] &&
			tap_ok "tcp/kept-sockets$tag-reused ($nruns runs from $nports ports)" ||
			tap_fail "tcp/kept-sockets$tag-reused" "$nruns runs from $nports ports"
		nsrc=$(ctl status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["checker"]["tcp_source_addresses"])' 2>/dev/null)
		[ "$nsrc" = 1 ] &&
			tap_ok "tcp/kept-sockets$tag-status-counts-the-source-address" ||
			tap_fail "tcp/kept-sockets$tag-status-counts-the-source-address" "tcp_source_addresses ${nsrc:-?}, want 1"
		ns_addr d eth0 "$s2/$plen"
		ns_exec d ip route replace "$rs" dev eth0 src "$s2"
		src_case follow-a-route-change "$s2"
		ns_exec d ip addr del "$s2/$plen" dev eth0
		src_case follow-an-address-removal "$s1"
	else
		tap_fail "tcp/kept-sockets$tag-source-address" "no runs: $(tail -n 3 "$NS_TMP/srcd$tag.log" | tr '\n' ' ')"
	fi
	ns_stop "$pid" 5
	ns_stop "$spid" 5
	ns_exec d ip route del "$rs" 2>/dev/null
}
src_family "" 192.0.2.33 24 192.0.2.1 192.0.2.2 7007 203.0.113.42
src_family -v6 2001:db8::33 64 2001:db8::1 2001:db8::2 7008 2001:db8:ff::42

# ---- file descriptors and memory flat over 10,000 checks ---------------------
SCONF=$NS_TMP/scale.conf
{
	echo "virtual_server 203.0.113.30 80 {"
	echo "  delay_loop 0.2"
	echo "  lb_algo rr"
	echo "  lb_kind DR"
	echo "  protocol TCP"
	for i in 50 51 52 53 54 55 56 57 58 59; do
		for p in 8100 8101 8102 8103 8104 8105 8106 8107 8108 8109; do
			echo "  real_server 192.0.2.$i $p {"
			echo "    HTTP_GET {"
			echo "      url {"
			echo "        path /"
			echo "      }"
			echo "      connect_timeout 1"
			echo "      warmup 0.2"
			echo "    }"
			echo "  }"
		done
	done
	echo "}"
} >"$SCONF"
ns_bg scaled d "$DIRECTORD" -n -l -C -f "$SCONF" --control "$CTL" \
	-p "$NS_TMP/scale.pid"
SPID=$NS_LAST
probes() { ctl status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["checker"]["probes"])' 2>/dev/null; }
# fdcount PID : over 2 s (probes in flight come and go), the fewest
# descriptors that are not TCP sockets (a leak raises the floor) and the most
# TCP sockets (sockets neither unix nor netlink) seen
fdcount() {
	python3 - "$1" <<'PY'
import os, sys, time
pid = sys.argv[1]
omin, tmax = 999999, 0
for _ in range(20):
    other = set()
    for t, col in (("unix", 6), ("netlink", -1)):
        with open(f"/proc/{pid}/net/{t}") as f:
            other.update(l.split()[col] for l in f.readlines()[1:] if len(l.split()) > 6)
    o = t = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            l = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if l.startswith("socket:[") and l[8:-1] not in other:
            t += 1
        else:
            o += 1
    omin, tmax = min(omin, o), max(tmax, t)
    time.sleep(0.1)
print(omin, tmax)
PY
}
# the TCP sockets the checker says it holds (status is at most 1 s old)
tcpsockets() { ctl status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["checker"]["tcp_sockets"])' 2>/dev/null; }
rss() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
if wait_until 15 out_is probes -ge 1000; then
	CPID=$(checker_pid)
	read -r fd0 t0 < <(fdcount "$CPID")
	rss0=$(rss "$CPID") p0=$(probes)
	if wait_until 60 out_is probes -ge $((p0 + 10000)); then
		read -r fd1 t1 < <(fdcount "$CPID")
		rss1=$(rss "$CPID")
		down=$(ctl status --json 2>/dev/null | python3 -c 'import json,sys; print(sum(1 for v in json.load(sys.stdin)["checker"]["virtual_servers"] for r in v["real_servers"] if not r["up"]))')
		[ "$down" = 0 ] && tap_ok "scale/100-http-servers-up" ||
			tap_fail "scale/100-http-servers-up" "$down down"
		[ $((fd1 - fd0)) -le 2 ] &&
			tap_ok "scale/fds-flat-over-10000-checks ($fd0 -> $fd1 other than TCP sockets)" ||
			tap_fail "scale/fds-flat-over-10000-checks" "$fd0 -> $fd1 other than TCP sockets"
		# TCP sockets stay open between checks for reuse, one per check
		# in flight at the busiest moment: all of them counted, none
		# leaked (the count only grows while every check passes)
		sleep 1.2
		k1=$(tcpsockets)
		[ -n "$k1" ] && [ "$t1" -le "$k1" ] && [ "$k1" -le 100 ] &&
			tap_ok "scale/tcp-sockets-all-kept-for-reuse ($t0 -> $t1 open, checker holds $k1)" ||
			tap_fail "scale/tcp-sockets-all-kept-for-reuse" "$t1 open, checker holds ${k1:-?} (100 servers)"
		[ $((rss1 - rss0)) -le 1024 ] &&
			tap_ok "scale/memory-flat-over-10000-checks (${rss0} -> ${rss1} KiB)" ||
			tap_fail "scale/memory-flat-over-10000-checks" "${rss0} -> ${rss1} KiB"
	else
		tap_fail "scale/fds-flat-over-10000-checks" "only $(probes) probes"
	fi
else
	tap_fail "scale/fds-flat-over-10000-checks" "scale checker not running: $(ns_log scaled 3 | tr '\n' ' ')"
fi
ns_stop "$SPID" 5

# ---- probe slots: a descriptor limit queues probes, never fails them --------
# 80 real servers whose SYNs go nowhere (192.0.2.99 does not answer ARP)
# hold their probes until connect_timeout; 30 good ones share a listener (110 in all: status
# lists every one up to 120).
# The checker may not raise its hard limit (no CAP_SYS_RESOURCE) and gets a
# soft limit of 80 under a hard one of 100: it raises the soft one, keeps
# 64 for itself and queues what does not fit; without the queue, socket()
# fails with EMFILE and good servers go down.
LCONF=$NS_TMP/slots.conf
{
	echo "virtual_server 203.0.113.31 80 {"
	echo "  delay_loop 1"
	echo "  lb_algo rr"
	echo "  lb_kind DR"
	echo "  protocol TCP"
	for i in $(seq 1 80); do
		echo "  real_server 192.0.2.99 $i {"
		echo "    TCP_CHECK {"
		echo "      connect_timeout 2"
		echo "      retry 0"
		echo "      warmup 0"
		echo "    }"
		echo "  }"
	done
	for i in 50 51 52; do
		for p in 8100 8101 8102 8103 8104 8105 8106 8107 8108 8109; do
			echo "  real_server 192.0.2.$i $p {"
			echo "    TCP_CHECK {"
			echo "      connect_timeout 2"
			echo "      warmup 0"
			echo "    }"
			echo "  }"
		done
	done
	echo "}"
} >"$LCONF"
ns_bg slotd d setpriv --bounding-set -sys_resource prlimit --nofile=80:100 \
	"$DIRECTORD" -n -l -C -f "$LCONF" --control "$CTL" -p "$NS_TMP/slots.pid"
LPID=$NS_LAST
# slots_view : in flight, slots, deferred, waiting, good servers up, good servers
# with 2+ runs, servers failing for want of descriptors, black-holed down
slots_view() {
	ctl status --json 2>/dev/null | python3 -c '
import json, sys
c = json.load(sys.stdin)["checker"]
rs = [r for v in c["virtual_servers"] for r in v["real_servers"]]
good = [r for r in rs if not r["name"].startswith("[192.0.2.99]")]
bad = [r for r in rs if r["name"].startswith("[192.0.2.99]")]
emfile = sum(1 for r in rs for k in r["checks"]
             if "open files" in (k.get("last_failure") or ""))
print(c["probes_in_flight"], c["probe_slots"], c["probes_deferred"],
      c["probes_waiting"],
      sum(r["up"] for r in good), sum(r["checks"][0]["runs"] >= 2 for r in good),
      emfile, sum(not r["up"] for r in bad))' 2>/dev/null
}
slots_settled() { read -r _ _ _ _ u r e b < <(slots_view) && [ "$u" = 30 ] && [ "$r" = 30 ] && [ "$b" = 80 ]; }
if wait_until 30 slots_settled; then
	over=0 n=0 wmax=0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		read -r f s d w u r e b < <(slots_view) || continue
		n=$((n + 1))
		[ "$f" -le "$s" ] || over=$((over + 1))
		# 110 checkers, 36 slots: some wait, never more than the rest
		[ "$w" -le 110 ] || over=$((over + 1))
		[ "$w" -le "$wmax" ] || wmax=$w
		sleep 0.3
	done
	CPID=$(checker_pid)
	lim=$(awk '/^Max open files/{print $4, $5}' "/proc/$CPID/limits" 2>/dev/null)
	[ "$lim" = "100 100" ] && tap_ok "slots/soft-limit-raised-to-hard (100)" ||
		tap_fail "slots/soft-limit-raised-to-hard" "limits: ${lim:-?}"
	[ "$s" = 36 ] && [ "$n" -ge 5 ] && [ "$over" = 0 ] &&
		tap_ok "slots/in-flight-within-the-budget (36 slots, $n samples, up to $wmax waiting)" ||
		tap_fail "slots/in-flight-within-the-budget" "slots ${s:-?}, $over of $n samples over"
	[ "$d" -gt 0 ] && [ "$wmax" -gt 0 ] && [ "$e" = 0 ] && [ "$u" = 30 ] &&
		tap_ok "slots/queued-not-failed ($d deferred, 30 good up, 80 black-holed down)" ||
		tap_fail "slots/queued-not-failed" "deferred ${d:-?}, most waiting $wmax, EMFILE failures ${e:-?}, good up ${u:-?}"
else
	read -r f s d w u r e b < <(slots_view)
	tap_fail "slots/queued-not-failed" "in flight ${f:-?}/${s:-?}, good up ${u:-?} (2+ runs ${r:-?}), EMFILE ${e:-?}, black-holed down ${b:-?}: $(ns_log slotd 3 | tr '\n' ' ')"
fi
ns_stop "$LPID" 5
exit 0
