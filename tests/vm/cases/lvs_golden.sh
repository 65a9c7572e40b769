#!/bin/bash
# vm-timeout: 900
# lvs_golden - inside the VM: for every tests/vm/golden/NAME.conf, directord
# programs exactly NAME.expected (sorted `ipvsadm -Sn`, thresholds,
# timeouts), SIGTERM removes its entries, and keepalived run on the same
# file in the same (fresh) namespace programs the same table.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_golden

# golden_one CONF: one configuration in its own network namespace.
golden_one() {
	local conf=$1 name want got
	name=$(basename "$conf" .conf)
	want=$(cat "$LVS_GOLDEN/$name.expected" 2>/dev/null)
	: >"$LVS_WORK/dd.log"
	: >"$LVS_WORK/ka.log"
	lvs_net || {
		tap_fail "$t: $name: network" "cannot create dd-lvs0"
		return
	}
	if [ ! -x "$DIRECTORD" ]; then
		tap_skip "$t: $name: directord" "$DIRECTORD not built"
	elif ! lvs_dd_start "$conf"; then
		tap_fail "$t: $name: directord" "did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
		lvs_dd_stop
	else
		lvs_wait_stable
		got=$(lvs_snapshot)
		if [ "$got" = "$want" ]; then
			tap_ok "$t: $name: directord table"
		else
			tap_fail "$t: $name: directord table" "got: $(lvs_one_line "$got")"
		fi
		lvs_dd_stop
		got=$(ipvsadm -Sn)
		if [ -z "$got" ]; then
			tap_ok "$t: $name: SIGTERM removes directord's entries"
		else
			tap_fail "$t: $name: SIGTERM removes directord's entries" \
				"left: $(lvs_one_line "$got")"
		fi
	fi
	ipvsadm -C
	if [ ! -x "$KEEPALIVED" ]; then
		tap_skip "$t: $name: keepalived" "$KEEPALIVED not installed"
		return
	fi
	lvs_ka_start "$conf"
	lvs_wait_stable
	got=$(lvs_snapshot)
	if [ "$got" = "$want" ]; then
		tap_ok "$t: $name: keepalived programs the same table"
	else
		tap_fail "$t: $name: keepalived programs the same table" \
			"got: $(lvs_one_line "$got") log: $(lvs_log_tail "$LVS_WORK/ka.log")"
	fi
	lvs_ka_stop
}

if ! command -v ipvsadm >/dev/null; then
	tap_skip "$t" "ipvsadm is not installed"
	exit 0
fi
if ! lvs_modules; then
	tap_skip "$t" "no IPVS in this kernel"
	exit 0
fi
trap lvs_cleanup EXIT
for conf in "$LVS_GOLDEN"/*.conf; do
	# DD_LVS_GOLDEN="a b": only those configurations
	case " ${DD_LVS_GOLDEN:-$(basename "$conf" .conf)} " in
	*" $(basename "$conf" .conf) "*) ;;
	*) continue ;;
	esac
	export -f golden_one
	LVS_WORK=$LVS_WORK unshare --net -- bash -c \
		'. "$1"; . "$2"; t=$3; golden_one "$4"' golden \
		"$here/../../lib/tap.sh" "$LVS_GOLDEN/lvs-lib.sh" "$t" "$conf"
done
exit 0
