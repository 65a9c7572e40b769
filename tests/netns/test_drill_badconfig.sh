#!/usr/bin/env bash
# test_drill_badconfig.sh - directord-drill refuses a config the lab cannot
# build (no VRRP instance, no virtual server, an interface it cannot map,
# NAT, a checker the lab cannot serve: SMTP, DNS, UDP, PING) with a message
# naming what is missing (for a checker: the block and its FILE:LINE), exit
# 2 and nothing left behind.
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
# checkers the lab cannot serve, after one it can (TCP_CHECK)
for c in SMTP_CHECK DNS_CHECK UDP_CHECK PING_CHECK; do
	printf '%s\n%s\n' "$VRRP" "${VS/		TCP_CHECK \{/		TCP_CHECK \{
			connect_port 80
		\}
		$c \{}" >"$T/$c.conf"
done
# a checker probing a host that is no real server of the config
printf '%s\n%s\n' "$VRRP" "${VS/connect_timeout 1/connect_ip 192.0.2.99}" >"$T/connect-ip.conf"
# HTTP_GET and SSL_GET on one port
printf '%s\n%s\n' "$VRRP" "${VS/TCP_CHECK \{/HTTP_GET \{
			url \{
				path \/
			\}
		\}
		SSL_GET \{
			url \{
				path \/
			\}}" >"$T/http-and-ssl.conf"
# the lab can build it, directord rejects it (a service without protocol)
printf '%s\n%s\n' "$VRRP" "${VS/lb_kind DR/lb_kind DR
	protocol TCP}" >"$T/ok.conf"
printf '%s\n%s\n' "$VRRP" "$VS" >"$T/no-protocol.conf"

# case FILE WANT [ENV...]: the drill fails with WANT in its message, leaves
# nothing.
case_bad() {
	local name=$1 want=$2 out rc left
	out=$(env "${@:3}" timeout 60 "$SRC/daemon/directord-drill" --no-build \
		--no-deps --config "$T/$name.conf" 2>&1)
	rc=$?
	left=$(ip netns list | grep -c '^dd-drill-' || true)
	if [ $rc -ne 2 ]; then
		tap_fail "badconfig $name" "exit $rc, want 2: $out"
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
for c in SMTP_CHECK DNS_CHECK UDP_CHECK PING_CHECK; do
	line=$(grep -n "$c {" "$T/$c.conf" | cut -d: -f1)
	case_bad "$c" "the lab cannot serve $c at $T/$c.conf:$line (real_server 192.0.2.21 80): .*; remove it"
done
case_bad connect-ip "connect_ip 192.0.2.99 of TCP_CHECK at $T/connect-ip.conf:[0-9]* .* is none of the config's real servers"
case_bad http-and-ssl "port 80 is checked with both HTTP_GET and SSL_GET"
# directord's own config test runs before the lab is built (it needs no
# IPVS: DD_DRILL_NO_IPVS keeps the drill on this host); it must name the
# user's line. The same config with a protocol passes directord -t once
# mapped (so the refusal above is the missing protocol, not the mapping).
B=$SRC/_build
DIRECTORD=${DD_DIRECTORD:-$B/directord}
[ -x "$DIRECTORD" ] || DIRECTORD=$B/daemon/directord
if [ -x "$DIRECTORD" ]; then
	case_bad no-protocol "line [0-9]*, from $T/no-protocol.conf:9: virtual_server 192.0.2.100 80 {" \
		DD_DRILL_NO_IPVS=1 DD_DIRECTORD="$DIRECTORD"
	mkdir -p "$T/map"
	if python3 "$SRC/drill/cfgmap.py" "$T/map" "$T/ok.conf" >/dev/null &&
		"$DIRECTORD" -t -f "$T/map/dA.conf" &&
		"$DIRECTORD" -t -f "$T/map/dB.conf"; then
		tap_ok "badconfig: directord accepts the mapping of a good config"
	else
		tap_fail "badconfig: directord accepts the mapping of a good config"
	fi
	# a track_file gets a file of each director's own in the lab
	printf 'track_file maint {\n\tfile /etc/keepalived/maint\n\tinit_file 1 overwrite\n}\n%s\n' \
		"$(sed 's/^}$/\ttrack_file {\n\t\tmaint\n\t}\n}/' <<<"$VRRP")" >"$T/tf.conf"
	printf '%s\n' "$VS" >>"$T/tf.conf"
	sed -i 's/lb_kind DR/lb_kind DR\n\tprotocol TCP/' "$T/tf.conf"
	mkdir -p "$T/tfmap"
	out=$(python3 "$SRC/drill/cfgmap.py" "$T/tfmap" "$T/tf.conf" 2>&1)
	if grep -q "director A: mapped track_file file /etc/keepalived/maint -> $T/tfmap/track/A/maint" <<<"$out" &&
		grep -q "director B: mapped track_file file /etc/keepalived/maint -> $T/tfmap/track/B/maint" <<<"$out" &&
		grep -q "file $T/tfmap/track/B/maint" "$T/tfmap/dB.conf" &&
		"$DIRECTORD" -t -f "$T/tfmap/dA.conf"; then
		tap_ok "badconfig: a track_file is mapped to a file per director"
	else
		tap_fail "badconfig: a track_file is mapped to a file per director" "$(tr '\n' ' ' <<<"$out")"
	fi
else
	tap_skip "badconfig no-protocol" "no directord in $B (build first)"
fi
exit 0
