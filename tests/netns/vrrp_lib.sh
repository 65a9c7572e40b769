# vrrp_lib.sh - topology and helpers for the VRRP netns tests (sourced).
# A gateway namespace holds a bridge; two director namespaces hang off it:
#   gw  192.0.2.1   2001:db8::1    (br0)
#   d1  192.0.2.11  2001:db8::11   (eth0)
#   d2  192.0.2.12  2001:db8::12   (eth0)
# Only documentation addresses, only inside the namespaces created here.

VL_PFX=${VL_PFX:-dd-vrrp-$$-}
VL_GW=${VL_PFX}gw
VL_D1=${VL_PFX}d1
VL_D2=${VL_PFX}d2
VL_PIDS=()
VL_DIR=$(mktemp -d /tmp/dd-vrrp-test.XXXXXX)

vl_ns() { ip netns exec "$@"; }

# vl_sysctls NS : no DAD (addresses usable at once), no forwarding
vl_sysctls() {
	vl_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.dad_transmits=0 \
		net.ipv6.conf.default.dad_transmits=0 >/dev/null
	vl_ns "$1" ip link set lo up
}

# vl_topo : build gateway + two directors on a bridge
vl_topo() {
	local d n
	ip netns add "$VL_GW" || return 1
	vl_sysctls "$VL_GW"
	vl_ns "$VL_GW" ip link add br0 type bridge mcast_snooping 0
	vl_ns "$VL_GW" ip link set br0 up
	vl_ns "$VL_GW" ip addr add 192.0.2.1/24 dev br0
	vl_ns "$VL_GW" ip addr add 2001:db8::1/64 dev br0 nodad
	n=11
	for d in "$VL_D1" "$VL_D2"; do
		ip netns add "$d" || return 1
		vl_sysctls "$d"
		ip -n "$VL_GW" link add "v$n" type veth \
			peer name eth0 netns "$d" || return 1
		vl_ns "$VL_GW" ip link set "v$n" master br0 up
		vl_ns "$d" ip link set eth0 up
		vl_ns "$d" ip addr add "192.0.2.$n/24" dev eth0
		vl_ns "$d" ip addr add "2001:db8::$n/64" dev eth0 nodad
		n=$((n + 1))
	done
	sleep 0.2
}

# vl_bg NS LOGFILE CMD... : start CMD in NS in the background, remember pid
vl_bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >>"$log" 2>&1 &
	VL_LAST=$!
	VL_PIDS+=("$VL_LAST")
}

# vl_kill PID [SIG] : signal one process we started and reap it
vl_kill() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# vl_children PID : the direct children of a process we started
vl_children() {
	pgrep -P "$1" 2>/dev/null
}

vl_cleanup() {
	local p c
	for p in "${VL_PIDS[@]}"; do
		for c in $(vl_children "$p"); do
			kill -KILL "$c" 2>/dev/null
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "$VL_GW" "$VL_D1" "$VL_D2"; do
		ip netns del "$p" 2>/dev/null
	done
	# VL_KEEP_LOGS=DIR keeps the daemons' logs for a post-mortem
	if [ -n "${VL_KEEP_LOGS:-}" ]; then
		mkdir -p "$VL_KEEP_LOGS" && cp "$VL_DIR"/*.log "$VL_KEEP_LOGS"/ 2>/dev/null
	fi
	rm -rf "$VL_DIR"
}

# vl_has_vip NS ADDR : the address is configured in NS
vl_has_vip() {
	vl_ns "$1" ip -o addr show | grep -qw "${2}"
}

# vl_wait SECS CMD... : poll CMD every 0.1 s until it succeeds
vl_wait() {
	local t
	t=$(awk -v s="$1" 'BEGIN { printf "%d", s * 10 }')
	shift
	while [ "$t" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# vl_mac NS : MAC of eth0 in NS
vl_mac() {
	vl_ns "$1" cat /sys/class/net/eth0/address
}

# vl_gw_neigh ADDR : MAC the gateway's neighbour table has for ADDR
vl_gw_neigh() {
	vl_ns "$VL_GW" ip neigh show "$1" dev br0 | awk '{for (i=1;i<=NF;i++) if ($i=="lladdr") print $(i+1)}'
}

# vl_neigh_is ADDR MAC : gateway's entry for ADDR is MAC
vl_neigh_is() {
	[ "$(vl_gw_neigh "$1")" = "$2" ]
}

# vl_only_master NS_YES NS_NO ADDR : ADDR is in NS_YES and not in NS_NO
vl_only_master() {
	vl_has_vip "$1" "$3" && ! vl_has_vip "$2" "$3"
}

# ---- directord ---------------------------------------------------------

VL_DD=${DD_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/_build}/directord
VL_CTL=$(dirname "$VL_DD")/directorctl
declare -A VL_DPID

# vl_dd_start NODE CONF : run directord (VRRP only) in namespace NODE
vl_dd_start() {
	local node=$1 conf=$2
	vl_bg "$node" "$VL_DIR/$(basename "$node").log" "$VL_DD" -n -l -D -P \
		-p "$VL_DIR/$node.pid" --control "$VL_DIR/$node.ctl" -f "$conf"
	VL_DPID[$node]=$VL_LAST
}

# vl_dd_term NODE : orderly stop (SIGTERM to core)
vl_dd_term() {
	vl_kill "${VL_DPID[$1]}" TERM
}

# vl_dd_kill9 NODE : crash: core and its children die without a word.
# core is stopped first so it neither restarts the VRRP process nor, by
# dying first, lets the child see it go (PR_SET_PDEATHSIG).
vl_dd_kill9() {
	local p=${VL_DPID[$1]} c
	kill -STOP "$p" 2>/dev/null
	for c in $(vl_children "$p"); do
		kill -KILL "$c" 2>/dev/null
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

# vl_ctl NODE ARGS... : directorctl against NODE's daemon
vl_ctl() {
	local node=$1
	shift
	vl_ns "$node" "$VL_CTL" --control "$VL_DIR/$node.ctl" "$@"
}

# vl_q NODE PYEXPR : evaluate PYEXPR on the status JSON (as `d`)
vl_q() {
	vl_ctl "$1" status --json 2>/dev/null |
		python3 -c 'import json,sys
try:
    d=json.load(sys.stdin)
    print(eval(sys.argv[1]))
except Exception:
    print("")' "$2"
}

# vl_inst NODE NAME FIELD : one field of one instance in the status
vl_inst() {
	vl_q "$1" "[i for i in d['vrrp']['instances'] if i['name']=='$2'][0]$3"
}

# vl_state_is NODE NAME STATE
vl_state_is() {
	[ "$(vl_inst "$1" "$2" "['state']")" = "$3" ]
}

# vl_poke NS ADDR : make NS resolve ADDR (one UDP datagram to port 9)
vl_poke() {
	vl_ns "$1" bash -c "echo x > /dev/udp/$2/9" 2>/dev/null
	return 0
}
