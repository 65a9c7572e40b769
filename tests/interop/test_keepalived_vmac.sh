#!/usr/bin/env bash
# test_keepalived_vmac.sh - directord and keepalived (the Debian package)
# as VRRP peers with use_vmac on both sides, in both directions, VRRPv2
# IPv4 and VRRPv3 IPv6 multicast: election, takeover on stop and on crash,
# preemption back, and the gateway resolving the VIP to the virtual MAC.
# Needs macvlan in the kernel (the host's has none: run it in the VM with
# `tests/vm/vm.sh run tests/interop/test_keepalived_vmac.sh`); skips
# elsewhere.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DD_SRCDIR:-$(cd "$HERE/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
. "$HERE/lib.sh"

ka_lab "interop keepalived vmac" || exit 0
if ! ip -n "$VL_D1" link add dd-mvprobe link eth0 type macvlan \
	mode private 2>/dev/null; then
	tap_skip "interop keepalived vmac" "no macvlan in this kernel"
	exit 0
fi
ip -n "$VL_D1" link del dd-mvprobe

# run_case LABEL VERSION UNICAST FAMILY HIGH_KIND
run_case() {
	local vmac n

	ka_case "$@" use_vmac
	[ "$4" = 6 ] && vmac=00:00:5e:00:02:47 || vmac=00:00:5e:00:01:47
	# no macvlan left over from the previous case may fake an election
	for n in "$D1" "$D2"; do
		vl_ns "$n" ip link del vrrp.71 2>/dev/null
		vl_ns "$n" ip link del vrrp6.71 2>/dev/null
	done

	ka_elect
	ka_stop_takeover
	WHY="gateway neighbour for $VIP is '$(vl_gw_neigh "$VIP")', want $vmac"
	tap_check_w "$NAME: gateway resolves the VIP to the virtual MAC" \
		vl_wait 3 eval 'vl_poke "$VL_GW" "$VIP"; vl_neigh_is "$VIP" $vmac'

	ka_crash_takeover
	WHY="no answer from $VIP"
	tap_check_w "$NAME: the VIP answers ping after the crash" \
		eval 'vl_ns "$VL_GW" ping -q -c 2 -i 0.2 -W 2 -w 5 "$VIP" >/dev/null 2>&1'

	ka_restart_release
}

for hk in dd ka; do
	run_case "vmac VRRPv2 multicast" 2 0 4 $hk
	run_case "vmac VRRPv3 IPv6 multicast" 3 0 6 $hk
done
exit 0
