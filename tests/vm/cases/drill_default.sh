#!/usr/bin/env bash
# vm-timeout: 720
# drill_default.sh - the default failover drill (daemon/directord-drill:
# two directord directors, two DR real servers, every scenario) on the VM's
# real IPVS; one line per scenario, each must pass.
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
err=$(mktemp /tmp/drill-default.XXXXXX)
out=$("$SRC/daemon/directord-drill" --no-build --no-deps 2>"$err")
rc=$?
for s in lab master-crash master-stop preempt real-server-down reload split-brain; do
	line=$(grep -E "^(ok|not ok) - $s: " <<<"$out" | head -n 1)
	case $line in
	"ok - "*) tap_ok "drill_default: $s" ;;
	"not ok - "*) tap_fail "drill_default: $s" "${line#not ok - $s: }" ;;
	*) tap_fail "drill_default: $s" "no verdict (exit $rc): $(tail -n 3 "$err" | tr '\n' ' ')" ;;
	esac
done
if [ $rc = 0 ]; then
	tap_ok "drill_default: exit status 0"
else
	tap_fail "drill_default: exit status 0" "exit $rc"
fi
left=$(ip netns list | grep -c '^dd-drill-')
[ "$left" = 0 ] && tap_ok "drill_default: nothing left behind" ||
	tap_fail "drill_default: nothing left behind" "$left namespaces"
rm -f "$err"
exit 0
