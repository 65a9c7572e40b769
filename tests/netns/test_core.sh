#!/usr/bin/env bash
# test_core.sh - the core process in a namespace: status, child restart after
# kill -9, reload refused/accepted, malformed control requests, non-root
# peers, SIGTERM. Topology: a bridge namespace "sw"; the director "d1"
# (192.0.2.2) and a real server "rs" (192.0.2.10, HTTP on :80) on it.
set -u
NS_TEST=core
. "$(dirname "$0")/lib.sh"

tap_need_root "netns/core" || exit 0
for b in "$DIRECTORD" "$DIRECTORCTL"; do
	if [ ! -x "$b" ]; then
		tap_skip "netns/core" "$b not built (set DD_BUILD)"
		exit 0
	fi
done
if ! command -v python3 >/dev/null; then
	tap_skip "netns/core" "python3 missing (JSON and socket helpers)"
	exit 0
fi

CTL=$NS_TMP/run/control
CONF=$NS_TMP/directord.conf
PIDF=$NS_TMP/directord.pid
ctl() { "$DIRECTORCTL" --control "$CTL" "$@"; }

# status_json : the status into $NS_TMP/st.json; fails when unreachable
status_json() { ctl status --json >"$NS_TMP/st.json" 2>/dev/null; }

# jget EXPR : evaluate a Python expression on the status (s) and print it
jget() {
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$NS_TMP/st.json" "$1" 2>/dev/null
}
# pid_of NAME : the pid of process NAME (core, vrrp, checker) in the status
pid_of() { jget "[p['pid'] for p in s['processes'] if p['name']=='$1'][0]"; }
restarts_of() { jget "[p['restarts'] for p in s['processes'] if p['name']=='$1'][0]"; }

# raw_request BYTES_EXPR : send raw bytes (a Python expression) and print the
# reply line(s)
raw_request() {
	python3 - "$CTL" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(eval(sys.argv[2]))
s.shutdown(socket.SHUT_WR)
d = b''
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
sys.stdout.write(d.decode(errors='replace'))
EOF
}

write_conf() {
	cat >"$CONF" <<EOF
! directord netns core test
global_defs {
	router_id dd_core_test
	notify_fifo $NS_TMP/notify.fifo
	notify_fifo_script $NS_TMP/fifo-reader.sh
}

vrrp_instance VI_1 {
	state BACKUP
	interface eth0
	virtual_router_id 51
	priority $1
	advert_int 1
	virtual_ipaddress {
		192.0.2.100/24
	}
}

virtual_server 192.0.2.100 80 {
	delay_loop 2
	lb_algo rr
	lb_kind DR
	protocol TCP
	real_server 192.0.2.10 80 {
		weight 1
		TCP_CHECK {
			connect_timeout 1
		}
	}
}
EOF
}

# ---- topology ----------------------------------------------------------
if ! { ns_add sw && ns_add d1 && ns_add rs && ns_bridge sw br0 &&
	ns_plug sw br0 d1 eth0 && ns_plug sw br0 rs eth0 &&
	ns_addr d1 eth0 192.0.2.2/24 && ns_addr rs eth0 192.0.2.10/24; }; then
	tap_fail "netns/core: topology" "could not build namespaces"
	exit 0
fi
ns_bg http rs python3 -m http.server --bind 192.0.2.10 80
HTTP_PID=$NS_LAST

# ---- start ---------------------------------------------------------------
# a stand-in for systemd's notify socket: records each datagram as a line
NOTIFY=$NS_TMP/notify.sock
ns_bg notify d1 python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
while True:
    print(s.recv(4096).decode(), flush=True)' "$NOTIFY"
NOTIFY_PID=$NS_LAST
wait_until 5 test -S "$NOTIFY"
notified() { grep -qx "$1" "$NS_TMP/notify.log"; }

# notify_fifo_script: copies each line of the FIFO it is given to fifo.log
cat >"$NS_TMP/fifo-reader.sh" <<EOF
#!/bin/sh
while read -r line; do echo "\$line" >>"$NS_TMP/fifo.log"; done <"\$1"
EOF
chmod 0755 "$NS_TMP/fifo-reader.sh"
write_conf 100
ns_bg core d1 env NOTIFY_SOCKET="$NOTIFY" \
	"$DIRECTORD" -n -l -D -f "$CONF" -p "$PIDF" --control "$CTL"
CORE=$NS_LAST
if wait_until 10 status_json; then
	tap_ok "core: starts and answers status --json"
else
	tap_fail "core: starts and answers status --json" "$(ns_log core 5 | tr '\n' ' ')"
	exit 0
fi

children_up() {
	status_json && pid_alive "$(pid_of core)" &&
		pid_alive "$(pid_of vrrp)" && pid_alive "$(pid_of checker)"
}
if wait_until 3 notified READY=1; then
	tap_ok "core: READY=1 sent to \$NOTIFY_SOCKET"
else
	tap_fail "core: READY=1 sent to \$NOTIFY_SOCKET" "got: $(tr '\n' ' ' <"$NS_TMP/notify.log")"
fi
if wait_until 5 children_up && [ "$(pid_of core)" = "$CORE" ]; then
	tap_ok "core: core, vrrp and checker processes alive"
else
	tap_fail "core: core, vrrp and checker processes alive" \
		"processes: $(jget "s['processes']")"
fi
if [ "$(stat -c %a "$CTL")" = 600 ]; then
	tap_ok "core: control socket mode 0600"
else
	tap_fail "core: control socket mode 0600" "mode $(stat -c %a "$CTL")"
fi
if ctl status | grep -q '^vrrp '; then
	tap_ok "core: directorctl status prints a summary"
else
	tap_fail "core: directorctl status prints a summary" "$(ctl status 2>&1 | head -3)"
fi

# ---- kill -9 of each child: restarted, counter 1, new pid ----------------
# first let the checker see the real server go down (a server that stays up
# is never reported: it starts up), so core has health to hand on
rs_is() {
	status_json &&
		[ "$(jget "s['checker']['virtual_servers'][0]['real_servers'][0]['up']")" = "$1" ]
}
wait_until 10 rs_is True
ns_stop "$HTTP_PID" 3
fifo_has() { grep -q "$1" "$NS_TMP/fifo.log" 2>/dev/null; }
if wait_until 10 fifo_has '^INSTANCE "VI_1" MASTER 100$' &&
	wait_until 10 fifo_has '^RS \[192.0.2.10\]:tcp:80 \[192.0.2.100\]:tcp:80 DOWN$'; then
	tap_ok "core: notify_fifo_script reads the global FIFO (vrrp and checker lines)"
else
	tap_fail "core: notify_fifo_script reads the global FIFO (vrrp and checker lines)" \
		"fifo.log: $(tr '\n' '|' <"$NS_TMP/fifo.log" 2>/dev/null)"
fi
if wait_until 20 rs_is False; then
	tap_ok "core: checker reports the real server down"
else
	tap_fail "core: checker reports the real server down" \
		"$(jget "s['checker']")"
fi
for child in checker vrrp; do
	status_json
	old=$(pid_of "$child")
	kill -9 "$old"
	restarted() {
		status_json && [ "$(restarts_of "$child")" = 1 ] &&
			[ "$(pid_of "$child")" != "$old" ] &&
			pid_alive "$(pid_of "$child")"
	}
	if wait_until 5 restarted; then
		tap_ok "core: $child restarted after kill -9"
	else
		tap_fail "core: $child restarted after kill -9" \
			"processes: $(jget "s['processes']")"
	fi
done

if grep -q "checker process: resumed with the health of 1 real server" \
	"$NS_TMP/core.log" && wait_until 3 rs_is False; then
	tap_ok "core: restarted checker resumes from core's health copy"
else
	tap_fail "core: restarted checker resumes from core's health copy" \
		"no 'resumed' line in the log"
fi

# ---- reload with a broken file -------------------------------------------
status_json
VRRP_PID=$(pid_of vrrp)
CHK_PID=$(pid_of checker)
cp "$CONF" "$NS_TMP/good.conf"
echo "this_is_not_a_keyword BROKEN" >>"$CONF"
bad_line=$(wc -l <"$CONF")
out=$(ctl reload 2>&1)
rc=$?
if [ $rc = 1 ] && printf '%s' "$out" | grep -q "$CONF:$bad_line:"; then
	tap_ok "core: reload of a broken file refused with file:line"
else
	tap_fail "core: reload of a broken file refused with file:line" \
		"rc $rc: $(printf '%s' "$out" | head -3 | tr '\n' ' ')"
fi
status_json
if [ "$(jget "s['daemon']['config']['generation']")" = 1 ] &&
	[ "$(jget "s['daemon']['config']['last_reload']['ok']")" = False ] &&
	[ "$(pid_of vrrp)" = "$VRRP_PID" ] && pid_alive "$VRRP_PID" &&
	[ "$(pid_of checker)" = "$CHK_PID" ] && pid_alive "$CHK_PID"; then
	tap_ok "core: refused reload keeps generation 1 and the children"
else
	tap_fail "core: refused reload keeps generation 1 and the children" \
		"config: $(jget "s['daemon']['config']")"
fi

# ---- reload with a good change -------------------------------------------
write_conf 120
out=$(ctl reload 2>&1)
rc=$?
status_json
if [ $rc = 0 ] && [ "$(jget "s['daemon']['config']['generation']")" = 2 ] &&
	pid_alive "$(pid_of vrrp)" && pid_alive "$(pid_of checker)"; then
	tap_ok "core: good reload moves to generation 2"
else
	tap_fail "core: good reload moves to generation 2" "rc $rc: $out"
fi
# every child reports the new generation (the checker runs unprivileged:
# when it cannot re-read this 0700 directory, core replaces it with a process
# that inherits the configuration)
children_gen() {
	status_json && [ "$(jget "sorted(set(p['generation'] for p in s['processes']))")" = "[$1]" ] &&
		pid_alive "$(pid_of vrrp)" && pid_alive "$(pid_of checker)"
}
if wait_until 5 children_gen 2; then
	tap_ok "core: vrrp and checker run generation 2"
else
	tap_fail "core: vrrp and checker run generation 2" "$(jget "s['processes']")"
fi
# SIGHUP reloads too
kill -HUP "$CORE"
gen3() { status_json && [ "$(jget "s['daemon']['config']['generation']")" = 3 ]; }
if wait_until 5 gen3; then
	tap_ok "core: SIGHUP reloads (generation 3)"
else
	tap_fail "core: SIGHUP reloads (generation 3)" "$(jget "s['daemon']['config']")"
fi
# accepted generations are logged as ready, never as refused
if grep -q "refused generation [23]" "$NS_TMP/core.log"; then
	tap_fail "core: accepted reloads not logged as refused" \
		"$(grep "refused generation" "$NS_TMP/core.log" | head -2 | tr '\n' ' ')"
else
	tap_ok "core: accepted reloads not logged as refused"
fi

# ---- malformed control requests --------------------------------------------
check_error() {
	local name=$1 expr=$2 want=$3 r
	r=$(raw_request "$expr" 2>&1)
	if printf '%s' "$r" | grep -q '"ok":false' &&
		printf '%s' "$r" | grep -q "$want" && status_json; then
		tap_ok "core: $name -> error reply, daemon still answers"
	else
		tap_fail "core: $name -> error reply, daemon still answers" \
			"reply: ${r:0:200}"
	fi
}
check_error "garbage request" "b'garbage\\n'" "malformed request"
check_error "huge request" "b'{\"cmd\":\"' + b'x' * 100000 + b'\\n'" "larger than"
check_error "unknown command" "b'{\"cmd\":\"explode\"}\\n'" "unknown command"
check_error "NUL byte" "b'{\"cmd\":\\x00}\\n'" "NUL"
check_error "stepdown of an unknown instance" \
	"b'{\"cmd\":\"stepdown\",\"instance\":\"NOPE\"}\\n'" "no vrrp_instance"
if ctl stepdown VI_1 >/dev/null; then
	tap_ok "core: stepdown VI_1 accepted"
else
	tap_fail "core: stepdown VI_1 accepted" "$(ctl stepdown VI_1 2>&1)"
fi

# a non-root peer: open the socket's mode so the peer-credential check is
# what refuses it
# (a system python: a per-user one under /root is not readable by nobody)
PY_SYS=python3
for p in /usr/bin/python3 /usr/local/bin/python3; do
	[ -x "$p" ] && PY_SYS=$p && break
done
chmod 711 "$NS_TMP"
chmod 666 "$CTL"
r=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PY_SYS" -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"{\"cmd\":\"status\"}\n"); print(s.recv(4096).decode())' "$CTL" 2>&1)
chmod 600 "$CTL"
chmod 700 "$NS_TMP"
if printf '%s' "$r" | grep -q 'permission denied' && status_json; then
	tap_ok "core: non-root peer refused"
else
	tap_fail "core: non-root peer refused" "reply: ${r:0:200}"
fi

# ---- SIGTERM ---------------------------------------------------------------
status_json
VRRP_PID=$(pid_of vrrp)
CHK_PID=$(pid_of checker)
READER_PID=$(pgrep -f "^/bin/sh $NS_TMP/fifo-reader.sh" | head -1)
kill -TERM "$CORE"
all_gone() {
	pid_gone "$CORE" && pid_gone "$VRRP_PID" && pid_gone "$CHK_PID" &&
		[ -n "$READER_PID" ] && pid_gone "$READER_PID"
}
if wait_until 5 all_gone; then
	tap_ok "core: SIGTERM stops every process within 5 s"
else
	tap_fail "core: SIGTERM stops every process within 5 s" \
		"still alive: $(for p in "$CORE" "$VRRP_PID" "$CHK_PID"; do pid_alive "$p" && echo "$p"; done)"
fi
wait "$CORE" 2>/dev/null
if [ ! -e "$CTL" ] && [ ! -e "$PIDF" ]; then
	tap_ok "core: control socket and pidfile removed"
else
	tap_fail "core: control socket and pidfile removed" "$(ls "$NS_TMP/run" "$PIDF" 2>&1)"
fi
if notified RELOADING=1 && notified STOPPING=1; then
	tap_ok "core: RELOADING=1 and STOPPING=1 sent to \$NOTIFY_SOCKET"
else
	tap_fail "core: RELOADING=1 and STOPPING=1 sent to \$NOTIFY_SOCKET" \
		"got: $(tr '\n' ' ' <"$NS_TMP/notify.log")"
fi
ns_stop "$NOTIFY_PID" 3
ctl status >/dev/null 2>&1
rc=$?
if [ $rc = 2 ]; then
	tap_ok "core: directorctl exits 2 when directord is not running"
else
	tap_fail "core: directorctl exits 2 when directord is not running" "rc $rc"
fi

# ---- memory after reloads of a big configuration ----------------------------
# 10,000 real servers (a 1.4 MB file): every reload builds the new generation
# above the old one and reads the file, a snapshot of it and its encoding;
# what is freed must go back, not stay with the process for good (before:
# core +3.9 MB, checker +1.6 MB, vrrp +2.7 MB after two reloads). The checks
# are spread over 10 minutes (warmup): few of them run meanwhile.
BIG=$NS_TMP/big.conf
# an ASan build keeps freed memory in its quarantine by design: there the
# reloads run (under the sanitizers) but the sizes are not compared
ASAN=0
grep -qa __asan_init "$DIRECTORD" && ASAN=1
python3 - "$BIG" <<'PY'
import sys
out = ["vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n"
       " virtual_router_id 52\n priority 100\n advert_int 1\n"
       " virtual_ipaddress {\n  192.0.2.101/24\n }\n}\n"]
for v in range(40):
    out.append("virtual_server 203.0.113.1 %d {\n delay_loop 600\n"
               " lb_algo rr\n lb_kind DR\n protocol TCP\n" % (10000 + v))
    for i in range(250):
        out.append(" real_server 198.51.100.%d %d {\n  weight 1\n"
                   "  TCP_CHECK {\n   connect_timeout 3\n   warmup 600\n"
                   "  }\n }\n" % (i + 1, 10000 + v))
    out.append("}\n")
open(sys.argv[1], "w").write("".join(out))
PY
ns_bg bigcore d1 "$DIRECTORD" -n -l -f "$BIG" -p "$NS_TMP/big.pid" \
	--control "$CTL"
BIGCORE=$NS_LAST
# gen_is N : every process runs generation N
gen_is() {
	status_json && [ "$(jget "all(p.get('generation') == $1 for p in s['processes'] if p['name'] != 'core')")" = True ]
}
rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
if wait_until 20 gen_is 1; then
	sleep 1
	declare -A rss0
	for p in core vrrp checker; do
		pid=$([ $p = core ] && echo "$BIGCORE" || pid_of $p)
		rss0[$p]=$pid:$(rss_of "$pid")
	done
	for g in 2 3 4; do
		ctl reload >/dev/null 2>&1
		wait_until 20 gen_is $g || break
	done
	sleep 1
	grown="" msg=""
	for p in core vrrp checker; do
		pid=${rss0[$p]%%:*} before=${rss0[$p]#*:}
		after=$(rss_of "$pid")
		msg+="$p $before -> ${after:-gone} KiB; "
		[ -n "$after" ] && [ "$after" -le $((before + 1024)) ] || grown+="$p "
	done
	if [ $ASAN = 1 ] && gen_is 4; then
		tap_ok "core: 3 reloads of 10,000 real servers reach every process (ASan build: sizes not compared; ${msg%; })"
	elif gen_is 4 && [ -z "$grown" ]; then
		tap_ok "core: 3 reloads of 10,000 real servers keep each process within 1 MB (${msg%; })"
	else
		tap_fail "core: 3 reloads of 10,000 real servers keep each process within 1 MB" "grown: ${grown:-none}; $msg generation 4: $(gen_is 4 && echo yes || echo no)"
	fi
else
	tap_fail "core: 3 reloads of 10,000 real servers keep each process within 1 MB" "not started: $(ns_log bigcore 5 | tr '\n' ' ')"
fi
ns_stop "$BIGCORE" 10
exit 0
