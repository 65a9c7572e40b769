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
. "$SRC/tests/netns/vrrp_lib.sh"

tap_need_root "interop keepalived vmac" || exit 0
KA=$(command -v keepalived || true)
if [ -z "$KA" ]; then
	tap_skip "interop keepalived" "keepalived is not installed"
	exit 0
fi
if [ ! -x "$VL_DD" ]; then
	tap_skip "interop keepalived" "directord not built ($VL_DD)"
	exit 0
fi
trap vl_cleanup EXIT
if ! vl_topo; then
	tap_fail "interop vmac topology" "cannot build the namespaces"
	exit 0
fi
if ! ip -n "$VL_D1" link add dd-mvprobe link eth0 type macvlan \
	mode private 2>/dev/null; then
	tap_skip "interop keepalived vmac" "no macvlan in this kernel"
	exit 0
fi
ip -n "$VL_D1" link del dd-mvprobe
D1=$VL_D1 D2=$VL_D2
declare -A KIND # node -> dd | ka

# conf FILE VERSION PRIO SELF PEER VIP INT UNICAST : one instance
conf() {
	local f=$1 ver=$2 prio=$3 self=$4 peer=$5 vip=$6 int=$7 uc=$8
	{
		printf 'global_defs {\n\trouter_id %s\n\tvrrp_version %s\n}\n' \
			"$(basename "$f" .conf)" "$ver"
		printf 'vrrp_instance VI_1 {\n\tstate BACKUP\n\tinterface eth0\n'
		printf '\tvirtual_router_id 71\n\tpriority %s\n' "$prio"
		printf '\tadvert_int %s\n\tuse_vmac\n' "$int"
		printf '\tvirtual_ipaddress {\n\t\t%s\n\t}\n' "$vip"
		if [ "$uc" = 1 ]; then
			printf '\tunicast_src_ip %s\n' "$self"
			printf '\tunicast_peer {\n\t\t%s\n\t}\n' "$peer"
		fi
		printf '}\n'
	} >"$f"
}

# start NODE CONF : the daemon that KIND says runs on NODE
start() {
	local node=$1 conf=$2 d=$VL_DIR/$1
	if [ "${KIND[$node]}" = dd ]; then
		vl_dd_start "$node" "$conf"
	else
		vl_bg "$node" "$d.ka.log" "$KA" -n -l -D -P -f "$conf" \
			-p "$d.ka.pid" -r "$d.ka-vrrp.pid" -c "$d.ka-check.pid"
		VL_DPID[$node]=$VL_LAST
	fi
}

# stop NODE / crash NODE (same for both daemons: parent, then children).
# After a crash keepalived's pid files would name dead processes, possibly
# still unreaped zombies it takes for a running daemon: a crashed machine
# would not keep them either.
stop() { vl_dd_term "$1"; }
crash() {
	vl_dd_kill9 "$1"
	rm -f "$VL_DIR/$1".ka*.pid
}

# run_case LABEL VERSION UNICAST FAMILY HIGH_KIND
run_case() {
	local label=$1 ver=$2 uc=$3 fam=$4 hk=$5 lk int vip a1 a2 name vmac n
	[ "$hk" = dd ] && lk=ka || lk=dd
	KIND[$D1]=$hk
	KIND[$D2]=$lk
	int=1
	[ "$ver" = 3 ] && int=0.5
	if [ "$fam" = 6 ]; then
		vip=2001:db8::100 a1=2001:db8::11 a2=2001:db8::12
	else
		vip=192.0.2.100 a1=192.0.2.11 a2=192.0.2.12
	fi
	conf "$VL_DIR/h.conf" "$ver" 150 $a1 $a2 "$vip" $int "$uc"
	conf "$VL_DIR/l.conf" "$ver" 100 $a2 $a1 "$vip" $int "$uc"
	name="$label, $hk high / $lk low"
	[ "$fam" = 6 ] && vmac=00:00:5e:00:02:47 || vmac=00:00:5e:00:01:47
	# no macvlan left over from the previous case may fake an election
	for n in "$D1" "$D2"; do
		vl_ns "$n" ip link del vrrp.71 2>/dev/null
		vl_ns "$n" ip link del vrrp6.71 2>/dev/null
	done

	start "$D1" "$VL_DIR/h.conf"
	start "$D2" "$VL_DIR/l.conf"
	WHY="the higher priority ($hk) should hold $vip alone, and keep it"
	tap_check_w "$name: election" eval 'vl_wait 10 vl_only_master "$D1" "$D2" "$vip" &&
		sleep 2 && vl_only_master "$D1" "$D2" "$vip"'

	stop "$D1"
	WHY="$lk did not take over within 2 s of $hk's SIGTERM"
	tap_check_w "$name: $lk takes over when $hk stops (priority 0)" \
		vl_wait 2 vl_only_master "$D2" "$D1" "$vip"

	start "$D1" "$VL_DIR/h.conf"
	WHY="$hk did not preempt back"
	tap_check_w "$name: $hk comes back by preemption" \
		vl_wait 10 vl_only_master "$D1" "$D2" "$vip"
	WHY="gateway neighbour for $vip is '$(vl_gw_neigh "$vip")', want $vmac"
	tap_check_w "$name: gateway resolves the VIP to the virtual MAC" \
		vl_wait 3 eval 'vl_poke "$VL_GW" "$vip"; vl_neigh_is "$vip" $vmac'

	crash "$D1"
	WHY="$lk did not take over after $hk was killed"
	tap_check_w "$name: $lk takes over when $hk is killed" \
		vl_wait 8 vl_has_vip "$D2" "$vip"
	WHY="no answer from $vip"
	tap_check_w "$name: the VIP answers ping after the crash" \
		eval 'vl_ns "$VL_GW" ping -q -c 2 -i 0.2 -W 2 -w 5 "$vip" >/dev/null 2>&1'

	start "$D1" "$VL_DIR/h.conf"
	WHY="$hk did not preempt back after its restart"
	tap_check_w "$name: $hk restarted comes back by preemption" \
		vl_wait 10 vl_only_master "$D1" "$D2" "$vip"

	stop "$D2"
	stop "$D1"
	WHY="$hk still holds $vip after stopping"
	tap_check_w "$name: $hk releases the VIP when stopped" \
		eval "! vl_has_vip $D1 $vip"
}

# tap_check_w NAME CMD... : like tap_check, with $WHY as the reason
tap_check_w() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "$WHY"; fi
}

for hk in dd ka; do
	run_case "vmac VRRPv2 multicast" 2 0 4 $hk
	run_case "vmac VRRPv3 IPv6 multicast" 3 0 6 $hk
done
exit 0
