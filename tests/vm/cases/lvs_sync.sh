#!/bin/bash
# vm-timeout: 180
# lvs_sync - inside the VM: connection sync between two directors. Director
# A (VRRP master) and B (backup) both run directord with a vrrp_instance and
# `lvs_sync_daemon eth0 VI_1`; a client keeps one TCP connection through the
# VIP (IPVS DR) to an echo server on the real server and sends a line every
# 100 ms. B's kernel must hold the synced connection before the failover;
# after A's directord dies (kill -9, and A leaves the LAN) B takes the VIP
# and the same connection goes on through B: every line is echoed, in order.
# Without the synced entry B's kernel would answer the first mid-stream
# segment with a reset (no SYN: IPVS does not schedule it).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_sync
ns=dd-sync-$$
PY=/usr/bin/python3
VIP=192.0.2.10
PORT=5000
client_pid=

lvs_case_ready "$t" "ipvsadm $PY" all || exit 0

nsx() {
	local n=$1
	shift
	ip netns exec "$ns-$n" "$@"
}

# kill_ns NAME: SIGKILL every process of namespace NAME (all ours), stopped
# first so that no child sees its parent die and cleans up after it
kill_ns() {
	local pids
	pids=$(ip netns pids "$ns-$1" 2>/dev/null)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086 # a list of pids
	kill -STOP $pids 2>/dev/null
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
}

cleanup() {
	local n
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	for n in dA dB; do
		kill -TERM "$(cat "$LVS_WORK/$n.pid" 2>/dev/null)" 2>/dev/null
	done
	for _ in $(seq 20); do
		[ -z "$(ip netns pids "$ns-dA" 2>/dev/null)$(ip netns pids \
			"$ns-dB" 2>/dev/null)" ] && break
		sleep 0.25
	done
	for n in dA dB c r1; do
		kill_ns "$n"
		ip netns del "$ns-$n" 2>/dev/null
	done
	ip link del br0 2>/dev/null
	rm -rf "$LVS_WORK"
}
trap cleanup EXIT

# plug NAME ADDR: namespace NAME on the bridge as eth0 with ADDR/24
plug() {
	ip netns add "$ns-$1" &&
		ip link add "v-$1" type veth peer name eth0 netns "$ns-$1" &&
		ip link set "v-$1" master br0 up &&
		nsx "$1" ip link set lo up &&
		nsx "$1" ip link set eth0 up &&
		nsx "$1" ip addr add "$2/24" dev eth0
}

setup() {
	# multicast snooping off: the sync daemon's group must reach B
	ip link add br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 && ip link set br0 up || return 1
	plug dA 192.0.2.2 && plug dB 192.0.2.3 && plug c 192.0.2.100 &&
		plug r1 192.0.2.21 || return 1
	nsx r1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 \
		net.ipv4.conf.eth0.arp_announce=2 &&
		nsx r1 ip addr add "$VIP/32" dev lo
}

# conf NAME STATE PRIO: director NAME's configuration
conf() {
	cat >"$LVS_WORK/$1.conf" <<EOC
global_defs {
	router_id lvs-sync-$1
	lvs_sync_daemon eth0 VI_1 id 7 maxlen 1400 port 8850 ttl 2 group 239.255.0.81
}
vrrp_instance VI_1 {
	state $2
	interface eth0
	virtual_router_id 51
	priority $3
	advert_int 1
	virtual_ipaddress {
		$VIP/32 dev eth0
	}
}
virtual_server $VIP $PORT {
	lb_algo rr
	lb_kind DR
	protocol TCP
	real_server 192.0.2.21 $PORT {
		weight 1
	}
}
EOC
}

# director NAME: start directord in namespace NAME (from a subshell: not a
# job of ours, so its kill -9 prints no notice)
director() {
	(
		nsx "$1" "$DIRECTORD" -n -l -D -f "$LVS_WORK/$1.conf" \
			-p "$LVS_WORK/$1.pid" --control "$LVS_WORK/$1.ctl" \
			>>"$LVS_WORK/$1.log" 2>&1 &
	)
}

# wait_for SECS CMD...: poll CMD until it succeeds, at most SECS seconds
# (by the clock: each poll costs a lot under TCG)
wait_for() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.1
	done
}

has_vip() { nsx "$1" ip -4 addr show dev eth0 | grep -q " $VIP/32 "; }
has_table() { nsx "$1" ipvsadm -Sn | grep -q -- "-r 192.0.2.21:$PORT"; }
has_daemon() { nsx "$1" ipvsadm -Ln --daemon | grep -q "^$2 sync daemon"; }
# synced NAME: NAME's kernel holds the client's connection, established
synced() {
	nsx "$1" ipvsadm -Lnc |
		grep -q "ESTABLISHED *192.0.2.100:[0-9]* *$VIP:$PORT *192.0.2.21:$PORT"
}
# inpkts NAME: packets NAME's service has received
inpkts() {
	nsx "$1" ipvsadm -Ln --stats -t "$VIP:$PORT" |
		awk '$1 == "TCP" { print $4 }'
}
# echoed: lines the client has had echoed so far
echoed() { cat "$LVS_WORK/progress" 2>/dev/null || echo 0; }
echoed_over() { [ "$(echoed)" -gt "$1" ]; }

if ! setup; then
	tap_fail "$t: setup" "cannot build the namespaces"
	exit 0
fi

# the echo server on the real server, bounded in time
cat >"$LVS_WORK/echo.py" <<'EOP'
import socket, sys, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", int(sys.argv[1])))
srv.listen(8)
def echo(c):
    with c:
        while True:
            b = c.recv(4096)
            if not b:
                return
            c.sendall(b)
while True:
    c, _ = srv.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
EOP
# the client: one connection, a line every 100 ms, each echo awaited; stops
# at the stop file or after 600 lines; prints its verdict
cat >"$LVS_WORK/client.py" <<'EOP'
import os, socket, sys, time
host, port, stop, prog = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sent = got = 0
worst = 0.0
try:
    s = socket.create_connection((host, port), timeout=10)
    s.settimeout(30)
    buf = b""
    while sent < 600 and not os.path.exists(stop):
        sent += 1
        line = b"line %d\n" % sent
        t0 = time.monotonic()
        s.sendall(line)
        while b"\n" not in buf:
            b = s.recv(4096)
            if not b:
                raise OSError("connection closed by the peer")
            buf += b
        echo, buf = buf.split(b"\n", 1)
        if echo + b"\n" != line:
            raise OSError("line %d echoed as %r" % (sent, echo))
        got += 1
        worst = max(worst, time.monotonic() - t0)
        with open(prog + ".tmp", "w") as f:
            f.write("%d\n" % got)
        os.rename(prog + ".tmp", prog)
        time.sleep(0.1)
    print("sent %d echoed %d longest wait %.2f s" % (sent, got, worst))
except OSError as e:
    print("sent %d echoed %d, then: %s" % (sent, got, e))
    sys.exit(1)
EOP
(
	ip netns exec "$ns-r1" timeout 150 "$PY" "$LVS_WORK/echo.py" "$PORT" \
		</dev/null >/dev/null 2>"$LVS_WORK/echo.log" &
)
conf dA MASTER 150
conf dB BACKUP 100
director dA
director dB

if ! wait_for 30 has_vip dA || ! wait_for 10 has_table dB ||
	! wait_for 10 nsx r1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"; then
	tap_fail "$t: start" "A master: $(has_vip dA && echo yes || echo no), B table: $(has_table dB && echo yes || echo no); A: $(lvs_log_tail "$LVS_WORK/dA.log") B: $(lvs_log_tail "$LVS_WORK/dB.log")"
	exit 0
fi
if wait_for 10 has_daemon dA master && wait_for 10 has_daemon dB backup; then
	tap_ok "$t: A runs the master sync daemon, B the backup one"
else
	tap_fail "$t: A runs the master sync daemon, B the backup one" \
		"A: $(nsx dA ipvsadm -Ln --daemon | tr '\n' ' ') B: $(nsx dB ipvsadm -Ln --daemon | tr '\n' ' ')"
fi
# every option of lvs_sync_daemon, read back from the kernel
for d in dA dB; do
	got=$(nsx $d ipvsadm -Ln --daemon | tr '\n' ' ')
	miss=""
	for want in mcast=eth0 syncid=7 maxlen=1400 group=239.255.0.81 \
		port=8850 ttl=2; do
		case $got in *"$want"*) ;; *) miss="$miss $want" ;; esac
	done
	if [ -z "$miss" ]; then
		tap_ok "$t: $d: the kernel's sync daemon has id, maxlen, group, port and ttl as configured"
	else
		tap_fail "$t: $d: the kernel's sync daemon has id, maxlen, group, port and ttl as configured" \
			"missing:$miss; ipvsadm: $got"
	fi
done

ip netns exec "$ns-c" "$PY" "$LVS_WORK/client.py" "$VIP" "$PORT" \
	"$LVS_WORK/stop" "$LVS_WORK/progress" </dev/null \
	>"$LVS_WORK/client.out" 2>&1 &
client_pid=$!
if ! wait_for 20 echoed_over 5; then
	tap_fail "$t: the client's connection through A works" \
		"$(cat "$LVS_WORK/client.out")"
	exit 0
fi
# the kernel's master sends its buffer at least every 2 s or so
if wait_for 15 synced dB; then
	tap_ok "$t: B's kernel holds the synced connection before the failover"
else
	tap_fail "$t: B's kernel holds the synced connection before the failover" \
		"$(nsx dB ipvsadm -Lnc | tr '\n' '|')"
fi

# A crashes: its daemon is killed, the box leaves the LAN
in0=$(inpkts dB)
before=$(echoed)
kill_ns dA
ip link set v-dA down
if wait_for 20 has_vip dB; then
	tap_ok "$t: B takes over the VIP"
else
	tap_fail "$t: B takes over the VIP" "$(lvs_log_tail "$LVS_WORK/dB.log")"
fi
# 30 more lines through B (TCP's retransmission backs off during the
# takeover; allow it)
wait_for 30 echoed_over $((before + 30))
touch "$LVS_WORK/stop"
wait "$client_pid"
rc=$?
client_pid=
out=$(cat "$LVS_WORK/client.out")
in1=$(inpkts dB)
if [ "$rc" = 0 ] && [ "$(echoed)" -gt $((before + 30)) ] &&
	[ "${in1:-0}" -gt "${in0:-0}" ]; then
	tap_ok "$t: the connection survives the failover ($out; B forwarded $((in1 - in0)) packets)"
else
	tap_fail "$t: the connection survives the failover" \
		"client: $out (exit $rc, $before lines before the crash); B's service packets $in0 -> $in1"
fi
exit 0
