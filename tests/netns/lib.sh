# lib.sh - harness for the netns tests (source it; bash).
#
# Creates network namespaces with a unique prefix, veth pairs, bridges and
# addresses; starts daemons in them in the background; polls with a bound;
# and on exit (normal, failure, Ctrl-C) kills exactly the PIDs it started
# and deletes exactly the namespaces it made.
#
#   NS_TEST=core . "$DD_SRCDIR/tests/netns/lib.sh"
#   ns_add d1; ns_add rs
#   ns_veth d1 eth0 rs eth0
#   ns_addr d1 eth0 192.0.2.1/24
#   ns_bg core d1 "$DIRECTORD" -n -l -f "$NS_TMP/x.conf"   # pid in NS_LAST
#   wait_until 10 "$DIRECTORCTL" --control "$NS_TMP/ctl" status
#
# Binaries come from $DD_BUILD (the build directory, default
# $DD_SRCDIR/_build); sources from $DD_SRCDIR. Addresses: documentation
# ranges only (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).

: "${DD_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${DD_BUILD:=$DD_SRCDIR/_build}"
DIRECTORD=$DD_BUILD/directord
DIRECTORCTL=$DD_BUILD/directorctl

# shellcheck source=../lib/tap.sh
. "$DD_SRCDIR/tests/lib/tap.sh"

NS_PREFIX="dd-${NS_TEST:-t}-$$-"
NS_TMP=$(mktemp -d "/tmp/dd-${NS_TEST:-t}.XXXXXX")
NS_MADE=()
NS_PIDS=()
NS_LAST=

# ns_name SHORT : the full namespace name of SHORT
ns_name() { echo "$NS_PREFIX$1"; }

# ns_exec SHORT CMD... : run CMD inside namespace SHORT
ns_exec() {
	local n=$1
	shift
	ip netns exec "$NS_PREFIX$n" "$@"
}

# ns_add SHORT : create a namespace with lo up and no IPv6 DAD delay
ns_add() {
	ip netns add "$NS_PREFIX$1" || return 1
	NS_MADE+=("$NS_PREFIX$1")
	ns_exec "$1" ip link set lo up
	ns_exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1
	return 0
}

# ns_veth NS1 IF1 NS2 IF2 : a veth pair between two namespaces, both up
ns_veth() {
	ip -n "$NS_PREFIX$1" link add "$2" type veth peer name "$4" \
		netns "$NS_PREFIX$3" || return 1
	ns_exec "$1" ip link set "$2" up &&
		ns_exec "$3" ip link set "$4" up
}

# ns_bridge NS BR : a bridge device in NS (no multicast snooping), up
ns_bridge() {
	ip -n "$NS_PREFIX$1" link add "$2" type bridge mcast_snooping 0 ||
		return 1
	ns_exec "$1" ip link set "$2" up
}

# ns_plug BRNS BR NS IF : connect NS:IF to bridge BR in BRNS with a veth
# (bridge side named p-<NS>, truncated to 15 characters)
ns_plug() {
	local port="p-$3"
	port=${port:0:15}
	ns_veth "$1" "$port" "$3" "$4" || return 1
	ns_exec "$1" ip link set "$port" master "$2"
}

# ns_addr NS IF CIDR : add an address (IPv6 without DAD)
ns_addr() {
	case $3 in
	*:*) ns_exec "$1" ip addr add "$3" dev "$2" nodad ;;
	*) ns_exec "$1" ip addr add "$3" dev "$2" ;;
	esac
}

# ns_bg NAME NS CMD... : start CMD in namespace NS in the background, output
# in $NS_TMP/NAME.log; its PID is in NS_LAST and recorded for cleanup
ns_bg() {
	local name=$1 n=$2
	shift 2
	ip netns exec "$NS_PREFIX$n" "$@" >"$NS_TMP/$name.log" 2>&1 &
	NS_LAST=$!
	NS_PIDS+=("$NS_LAST")
}

# ns_stop PID [TIMEOUT] : SIGTERM a PID we started, SIGKILL after TIMEOUT s
# (default 5); returns 0 when it ended within TIMEOUT
ns_stop() {
	local pid=$1 t=${2:-5} rc=0
	kill -TERM "$pid" 2>/dev/null || return 0
	if ! wait_until "$t" pid_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		rc=1
	fi
	wait "$pid" 2>/dev/null
	return $rc
}

# pid_alive PID / pid_gone PID : whether the process exists (zombies of our
# own background jobs count as gone)
pid_alive() {
	local st
	[ -n "$1" ] && [ "$1" != null ] || return 1
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
pid_gone() { ! pid_alive "$1"; }

# wait_until TIMEOUT CMD... : run CMD every 0.1 s until it succeeds or
# TIMEOUT seconds (may be fractional) passed. Returns CMD's last status.
wait_until() {
	local t=$1 end now
	shift
	# %.0f, not %d: mawk clamps %d to 2^31-1 (2.1 s in nanoseconds)
	end=$(($(date +%s%N) + $(awk -v t="$t" 'BEGIN{printf "%.0f", t*1e9}')))
	while :; do
		"$@" && return 0
		now=$(date +%s%N)
		[ "$now" -ge "$end" ] && break
		sleep 0.1
	done
	"$@"
}

# ns_log NAME [N] : the last N lines (default 20) of a background log
ns_log() { tail -n "${2:-20}" "$NS_TMP/$1.log" 2>/dev/null; }

ns_cleanup() {
	local p n
	trap - EXIT INT TERM
	for p in "${NS_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${NS_PIDS[@]}"; do
		wait_until 3 pid_gone "$p" >/dev/null 2>&1 ||
			kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in "${NS_MADE[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	if [ -n "${DD_KEEP_LOGS:-}" ]; then
		echo "# logs kept in $NS_TMP" >&2
	else
		rm -rf "$NS_TMP"
	fi
}
trap ns_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
