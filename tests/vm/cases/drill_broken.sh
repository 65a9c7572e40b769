#!/usr/bin/env bash
# vm-timeout: 400
# drill_broken.sh - the drill must fail, naming the problem, on a broken
# setup: a real server without arp_ignore, a director with the wrong VRID.
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/lib/tap.sh"

# broken NAME WANT: the drill with --break NAME exits 1 and its lab verdict
# says WANT.
broken() {
	local out rc line
	out=$("$SRC/daemon/directord-drill" --no-build --no-deps \
		--scenario master-stop --break "$1" 2>/dev/null)
	rc=$?
	line=$(grep "^not ok - lab: " <<<"$out")
	if [ $rc != 1 ]; then
		tap_fail "drill_broken: $1" "exit $rc, want 1: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
	elif ! grep -q -- "$2" <<<"$line"; then
		tap_fail "drill_broken: $1" "verdict does not say '$2': $line"
	elif ! grep -q "^not ok - master-stop: skipped" <<<"$out"; then
		tap_fail "drill_broken: $1" "master-stop ran on a broken lab"
	else
		tap_ok "drill_broken: $1"
	fi
}
broken arp_ignore "answer ARP for the VIP (missing arp_ignore)"
broken vrid "VRID mismatch"
left=$(ip netns list | grep -c '^dd-drill-')
[ "$left" = 0 ] && tap_ok "drill_broken: nothing left behind" ||
	tap_fail "drill_broken: nothing left behind" "$left namespaces"
exit 0
