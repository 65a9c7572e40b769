# lvs-lib.sh - helpers for the lvs_* VM cases (sourced): the test network,
# starting and stopping directord and keepalived on a configuration, and a
# deterministic snapshot of the IPVS table. Runs inside the VM as root.

LVS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)
LVS_GOLDEN=$LVS_SRC/tests/vm/golden
: "${DD_BUILD:=$LVS_SRC/_build}"
DIRECTORD=$DD_BUILD/directord
DIRECTORCTL=$DD_BUILD/directorctl
KEEPALIVED=${DD_KEEPALIVED:-/usr/sbin/keepalived}
LVS_WORK=${LVS_WORK:-$(mktemp -d /tmp/dd-lvs.XXXXXX)}
DD_PID= KA_PID=

# lvs_modules: IPVS and every scheduler the goldens use.
lvs_modules() {
	local m
	for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc \
		ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo \
		ip_vs_ovf ip_vs_mh; do
		vm-modprobe "$m" >/dev/null 2>&1
	done
	[ -d /proc/sys/net/ipv4/vs ]
}

# lvs_case_ready T TOOLS MODULES: whether case T can run here; prints its
# "skip" line and returns 1 when a command of TOOLS (space-separated) is
# missing, IPVS cannot be loaded (MODULES: "all" for IPVS and every
# scheduler, else the modules to load) or directord is not built.
lvs_case_ready() {
	local t=$1 tools=$2 mods=$3 c
	for c in $tools; do
		command -v "$c" >/dev/null && continue
		tap_skip "$t" "$c is not installed"
		return 1
	done
	if [ "$mods" = all ]; then
		lvs_modules
	else
		# shellcheck disable=SC2086 # a list of module names
		vm-modprobe -a $mods >/dev/null 2>&1
	fi
	if [ ! -d /proc/sys/net/ipv4/vs ]; then
		tap_skip "$t" "no IPVS in this kernel"
		return 1
	fi
	if [ ! -x "$DIRECTORD" ] || [ ! -x "$DIRECTORCTL" ]; then
		tap_skip "$t" "directord not built in $DD_BUILD"
		return 1
	fi
}

# lvs_net: a dummy interface carrying every test subnet, so that IPVS finds
# a route to each real server (it refuses destinations without one).
lvs_net() {
	ip link set lo up
	ip link add dd-lvs0 type dummy || return 1
	ip addr add 192.0.2.1/24 dev dd-lvs0
	ip addr add 198.51.100.1/24 dev dd-lvs0
	ip addr add 203.0.113.1/24 dev dd-lvs0
	ip -6 addr add 2001:db8::1/64 dev dd-lvs0 nodad
	ip -6 addr add 2001:db8:1::1/64 dev dd-lvs0 nodad
	ip link set dd-lvs0 up
}

# lvs_snapshot: the table as sorted `ipvsadm -Sn`, then the thresholds of
# every destination and the global timeouts (neither is in -Sn).
lvs_snapshot() {
	ipvsadm -Sn | sort
	echo "# thresholds"
	ipvsadm -Ln --thresholds | grep -- '->' | grep -v RemoteAddress |
		awk '{print $2, $3, $4}' | sort
	echo "# timeouts"
	ipvsadm -Ln --timeout
}

# lvs_wait_stable [SECS]: wait until the table stops changing (the same for
# four polls 250 ms apart, not empty), at most SECS (10) seconds.
lvs_wait_stable() {
	local max=$((${1:-10} * 4)) i=0 same=0 prev="" cur
	while [ $i -lt $max ]; do
		cur=$(ipvsadm -Sn 2>/dev/null)
		if [ -n "$cur" ] && [ "$cur" = "$prev" ]; then
			same=$((same + 1))
			[ $same -ge 3 ] && return 0
		else
			same=0
		fi
		prev=$cur
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

lvs_ctl() { "$DIRECTORCTL" --control "$LVS_WORK/ctl" "$@"; }

# lvs_ops KEY: a counter of the last reconcile from `status --json`.
lvs_ops() { lvs_ctl status --json | jq -r ".lvs.last_ops.$1"; }

# lvs_dd_start CONF [ARGS...]: start directord in the foreground (in the
# background of this shell); waits for its control socket.
lvs_dd_start() {
	local conf=$1 i
	shift
	"$DIRECTORD" -n -l -D -f "$conf" --control "$LVS_WORK/ctl" \
		-p "$LVS_WORK/dd.pid" "$@" >>"$LVS_WORK/dd.log" 2>&1 &
	DD_PID=$!
	for i in $(seq 1 40); do
		lvs_ctl status >/dev/null 2>&1 && return 0
		kill -0 "$DD_PID" 2>/dev/null || break
		sleep 0.25
	done
	return 1
}

# lvs_stop PID: SIGTERM, wait up to 10 s, then SIGKILL.
lvs_stop() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

lvs_dd_stop() {
	lvs_stop "$DD_PID"
	DD_PID=
}

# lvs_ka_start CONF: keepalived's checker process only, private pid files.
lvs_ka_start() {
	"$KEEPALIVED" -n -l -C -f "$1" -p "$LVS_WORK/ka.pid" \
		-c "$LVS_WORK/ka-chk.pid" >>"$LVS_WORK/ka.log" 2>&1 &
	KA_PID=$!
}

lvs_ka_stop() {
	lvs_stop "$KA_PID"
	KA_PID=
}

lvs_cleanup() {
	lvs_dd_stop
	lvs_ka_stop
	rm -rf "$LVS_WORK"
}

# lvs_one_line TEXT: TEXT on one line, for a "not ok" reason.
lvs_one_line() { printf '%s' "$1" | tr '\n' '|'; }

# lvs_log_tail FILE: the last lines of a daemon log, for a "not ok" reason.
lvs_log_tail() { tail -n 3 "$1" 2>/dev/null | tr '\n' '|'; }
