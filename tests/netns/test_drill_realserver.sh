#!/usr/bin/env bash
# test_drill_realserver.sh - "directorctl realserver prepare|check" in a
# namespace: check names each missing item and exits 1; prepare prints the
# commands; prepare --apply makes check pass and is idempotent; a VIP on a
# LAN interface or with a wide prefix on lo is reported.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/tap.sh"
tap_need_root realserver || exit 0
BUILD=${DD_BUILD:-$SRC/_build}
CTL=${DD_DIRECTORCTL:-$BUILD/directorctl}
if ! [ -x "$CTL" ] || ! "$CTL" realserver prepare --vip 192.0.2.100 2>/dev/null |
	grep -q arp_ignore; then
	tap_skip realserver "no directorctl with the realserver command ($CTL)"
	exit 0
fi
NS=dd-rs-$$
trap 'ip netns del $NS 2>/dev/null' EXIT
ip netns add $NS &&
	ip -n $NS link add eth0 type veth peer name eth1 &&
	ip -n $NS link set eth0 up || { tap_fail realserver "cannot build the namespace"; exit 0; }
rs() { ip netns exec $NS "$CTL" realserver "$@" 2>&1; }

out=$(rs check --vip 192.0.2.100)
rc=$?
if [ $rc = 1 ] && grep -q "missing: net.ipv4.conf.all.arp_ignore is 0, want 1" <<<"$out" &&
	grep -q "missing: net.ipv4.conf.eth0.arp_announce is 0, want 2" <<<"$out" &&
	grep -q "missing: lo is down" <<<"$out" &&
	grep -q "missing: 192.0.2.100 is not on lo" <<<"$out"; then
	tap_ok "realserver check names what is missing"
else
	tap_fail "realserver check names what is missing" "rc $rc: $out"
fi

out=$(rs prepare --vip 192.0.2.100)
if grep -qx "ip addr add 192.0.2.100/32 dev lo" <<<"$out" &&
	grep -qx "sysctl -w net.ipv4.conf.all.arp_announce=2" <<<"$out" &&
	[ "$(ip netns exec $NS sysctl -n net.ipv4.conf.all.arp_ignore)" = 0 ]; then
	tap_ok "realserver prepare prints and changes nothing"
else
	tap_fail "realserver prepare prints and changes nothing" "$out"
fi

rs prepare --vip 192.0.2.100 --vip 2001:db8::100 --apply >/dev/null
out2=$(rs prepare --vip 192.0.2.100 --vip 2001:db8::100 --apply)
rc2=$?
out=$(rs check --vip 192.0.2.100 --vip 2001:db8::100)
rc=$?
if [ $rc = 0 ] && [ $rc2 = 0 ] && ! grep -q applied <<<"$out2" &&
	ip -n $NS -o addr show dev lo | grep -q "192.0.2.100/32" &&
	ip -n $NS -o addr show dev lo | grep -q "2001:db8::100/128"; then
	tap_ok "realserver prepare --apply, then check passes (idempotent)"
else
	tap_fail "realserver prepare --apply, then check passes (idempotent)" "rc $rc/$rc2: $out $out2"
fi

ip -n $NS addr add 192.0.2.100/24 dev eth0
ip netns exec $NS sysctl -qw net.ipv4.conf.all.arp_ignore=0
out=$(rs check --vip 192.0.2.100)
rc=$?
if [ $rc = 1 ] && grep -q "192.0.2.100 is also on eth0" <<<"$out" &&
	grep -q "all.arp_ignore is 0" <<<"$out" &&
	! grep -q "missing: net.ipv4.conf.eth0.arp_ignore" <<<"$out"; then
	tap_ok "realserver check: VIP on a LAN interface, arp_ignore undone"
else
	tap_fail "realserver check: VIP on a LAN interface, arp_ignore undone" "rc $rc: $out"
fi
exit 0
