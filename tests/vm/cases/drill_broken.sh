#!/usr/bin/env bash
# vm-timeout: 400
# drill_broken.sh - the drill must fail, naming the problem, on a broken
# setup: a real server without arp_ignore, a director with the wrong VRID.
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/lib/tap.sh"

# One lab with both faults (a drill run costs ~70-100 s under TCG): the
# drill exits 1, its lab verdict names each fault, and the scenario is
# skipped rather than run on a broken lab.
out=$("$SRC/daemon/directord-drill" --no-build --no-deps \
	--scenario master-stop --break arp_ignore --break vrid 2>/dev/null)
rc=$?
line=$(grep "^not ok - lab: " <<<"$out")
# broken NAME WANT: the lab verdict says WANT
broken() {
	if [ $rc != 1 ]; then
		tap_fail "drill_broken: $1" "exit $rc, want 1: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
	elif ! grep -q -- "$2" <<<"$line"; then
		tap_fail "drill_broken: $1" "verdict does not say '$2': $line"
	else
		tap_ok "drill_broken: $1"
	fi
}
broken arp_ignore "answer ARP for the VIP (missing arp_ignore)"
broken vrid "VRID mismatch"
if grep -q "^not ok - master-stop: skipped" <<<"$out"; then
	tap_ok "drill_broken: no scenario runs on a broken lab"
else
	tap_fail "drill_broken: no scenario runs on a broken lab" \
		"$(grep "master-stop" <<<"$out" | head -n 1)"
fi
left=$(ip netns list | grep -c '^dd-drill-')
[ "$left" = 0 ] && tap_ok "drill_broken: nothing left behind" ||
	tap_fail "drill_broken: nothing left behind" "$left namespaces"
exit 0
