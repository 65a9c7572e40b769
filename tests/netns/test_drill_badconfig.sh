#!/usr/bin/env bash
# test_drill_badconfig.sh - directord-drill refuses a config the lab cannot
# build (no VRRP instance, no virtual server, an interface it cannot map,
# NAT) with a message naming what is missing, a non-zero exit and nothing
# left behind.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/tap.sh"
tap_need_root drill-badconfig || exit 0
T=$(mktemp -d /tmp/dd-drill-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT

VRRP='vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 51
	priority 150
	virtual_ipaddress {
		192.0.2.100
	}
}'
VS='virtual_server 192.0.2.100 80 {
	lb_kind DR
	real_server 192.0.2.21 80 {
		TCP_CHECK {
			connect_timeout 1
		}
	}
}'
printf '%s\n' "$VS" >"$T/no-vrrp.conf"
printf '%s\n' "$VRRP" >"$T/no-vs.conf"
printf '%s\n%s\n' "${VRRP/eth0/lo}" "$VS" >"$T/iface-lo.conf"
printf '%s\n%s\n' "${VRRP/interface eth0/interface a-very-long-interface-name}" "$VS" >"$T/iface-long.conf"
printf '%s\n%s\n' "$VRRP" "${VS/lb_kind DR/lb_kind NAT}" >"$T/nat.conf"
printf '%s\n%s\n' "$VRRP" "${VS/192.0.2.100 80/192.0.2.200 80}" >"$T/vs-not-vip.conf"

# case FILE WANT: the drill fails with WANT in its message, leaves nothing.
case_bad() {
	local name=$1 want=$2 out rc left
	out=$(timeout 60 "$SRC/daemon/directord-drill" --no-build --no-deps \
		--config "$T/$name.conf" 2>&1)
	rc=$?
	left=$(ip netns list | grep -c '^dd-drill-' || true)
	if [ $rc -eq 0 ]; then
		tap_fail "badconfig $name" "exit 0"
	elif ! grep -q -- "$want" <<<"$out"; then
		tap_fail "badconfig $name" "message lacks '$want': $out"
	elif [ "$left" != 0 ] || ls /tmp/directord-drill.* >/dev/null 2>&1; then
		tap_fail "badconfig $name" "left $left namespaces or temp files"
	else
		tap_ok "badconfig $name"
	fi
}
case_bad no-vrrp "no vrrp_instance"
case_bad no-vs "no virtual_server"
case_bad iface-lo "interface 'lo' cannot be built"
case_bad iface-long "cannot be built in the lab"
case_bad nat "LVS-DR only"
case_bad vs-not-vip "is not a VIP of any vrrp_instance"
case_bad missing-file "cannot read"
exit 0
