#!/usr/bin/env bash
# test_keepalived.sh - directord and keepalived (the Debian package) as VRRP
# peers on one bridge, in both directions, VRRPv2 and v3, multicast and
# unicast (IPv4), plus VRRPv3 over IPv6: each side takes over when the other
# is stopped (priority 0) or killed, and the higher priority comes back by
# preemption. Both daemons read the same keepalived-style file.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DD_SRCDIR:-$(cd "$HERE/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
. "$HERE/lib.sh"

ka_lab "interop keepalived" || exit 0

# run_case LABEL VERSION UNICAST FAMILY HIGH_KIND
run_case() {
	ka_case "$@"
	# no VIP left over from the previous case may fake an election
	vl_ns "$D1" ip addr flush dev eth0 to "$VIP" 2>/dev/null
	vl_ns "$D2" ip addr flush dev eth0 to "$VIP" 2>/dev/null

	ka_elect
	ka_stop_takeover
	ka_crash_takeover
	ka_restart_release
}

for hk in dd ka; do
	run_case "VRRPv2 multicast" 2 0 4 $hk
	run_case "VRRPv3 multicast" 3 0 4 $hk
	run_case "VRRPv2 unicast" 2 1 4 $hk
	run_case "VRRPv3 unicast" 3 1 4 $hk
	run_case "VRRPv3 IPv6 multicast" 3 0 6 $hk
done
exit 0
