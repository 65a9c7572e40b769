# lib.sh - the lab and steps of the keepalived interop tests (sourced
# after tests/lib/tap.sh, with $SRC set): the two directors of
# tests/netns/vrrp_lib.sh, each running directord or keepalived (KIND says
# which) from the same keepalived-style file, and the checks every case
# makes: election, takeover on stop and on crash, preemption back, release.

. "$SRC/tests/netns/vrrp_lib.sh"

declare -A KIND # node -> dd | ka

# ka_lab NAME : root, keepalived and directord at hand, lab built (D1, D2
# set, cleanup on exit); otherwise prints a skip or fail line and returns 1
ka_lab() {
	local name=$1
	tap_need_root "$name" || return 1
	KA=$(command -v keepalived || true)
	if [ -z "$KA" ]; then
		tap_skip "$name" "keepalived is not installed"
		return 1
	fi
	if [ ! -x "$VL_DD" ]; then
		tap_skip "$name" "directord not built ($VL_DD)"
		return 1
	fi
	trap vl_cleanup EXIT
	if ! vl_topo; then
		tap_fail "$name topology" "cannot build the namespaces"
		return 1
	fi
	D1=$VL_D1 D2=$VL_D2
}

# ka_conf FILE VERSION PRIO SELF PEER VIP INT UNICAST [LINE...] : one
# instance, with LINEs added to its block
ka_conf() {
	local f=$1 ver=$2 prio=$3 self=$4 peer=$5 vip=$6 int=$7 uc=$8 l
	shift 8
	{
		printf 'global_defs {\n\trouter_id %s\n\tvrrp_version %s\n}\n' \
			"$(basename "$f" .conf)" "$ver"
		printf 'vrrp_instance VI_1 {\n\tstate BACKUP\n\tinterface eth0\n'
		printf '\tvirtual_router_id 71\n\tpriority %s\n' "$prio"
		printf '\tadvert_int %s\n' "$int"
		for l in "$@"; do printf '\t%s\n' "$l"; done
		printf '\tvirtual_ipaddress {\n\t\t%s\n\t}\n' "$vip"
		if [ "$uc" = 1 ]; then
			printf '\tunicast_src_ip %s\n' "$self"
			printf '\tunicast_peer {\n\t\t%s\n\t}\n' "$peer"
		fi
		printf '}\n'
	} >"$f"
}

# ka_case LABEL VERSION UNICAST FAMILY HIGH_KIND [LINE...] : the next case:
# HIGH_KIND (dd or ka) on D1 with priority 150, the other kind on D2 with
# 100; writes $VL_DIR/h.conf and l.conf; sets HK, LK, VIP and NAME
ka_case() {
	local label=$1 ver=$2 uc=$3 fam=$4 int=1 a1 a2
	HK=$5
	shift 5
	[ "$HK" = dd ] && LK="ka" || LK="dd"
	KIND[$D1]=$HK
	KIND[$D2]=$LK
	[ "$ver" = 3 ] && int=0.5
	if [ "$fam" = 6 ]; then
		VIP=2001:db8::100 a1=2001:db8::11 a2=2001:db8::12
	else
		VIP=192.0.2.100 a1=192.0.2.11 a2=192.0.2.12
	fi
	ka_conf "$VL_DIR/h.conf" "$ver" 150 $a1 $a2 "$VIP" $int "$uc" "$@"
	ka_conf "$VL_DIR/l.conf" "$ver" 100 $a2 $a1 "$VIP" $int "$uc" "$@"
	NAME="$label, $HK high / $LK low"
}

# ka_start NODE CONF : the daemon that KIND says runs on NODE
ka_start() {
	local node=$1 conf=$2 d=$VL_DIR/$1
	if [ "${KIND[$node]}" = dd ]; then
		vl_dd_start "$node" "$conf"
	else
		vl_bg "$node" "$d.ka.log" "$KA" -n -l -D -P -f "$conf" \
			-p "$d.ka.pid" -r "$d.ka-vrrp.pid" -c "$d.ka-check.pid"
		VL_DPID[$node]=$VL_LAST
	fi
}

# ka_stop NODE / ka_crash NODE (same for both daemons: parent, then
# children). After a crash keepalived's pid files would name dead
# processes, possibly still unreaped zombies it takes for a running
# daemon: a crashed machine would not keep them either.
ka_stop() { vl_dd_term "$1"; }
ka_crash() {
	vl_dd_kill9 "$1"
	rm -f "$VL_DIR/$1".ka*.pid
}

# tap_check_w NAME CMD... : like tap_check, with $WHY as the reason
tap_check_w() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "$WHY"; fi
}

# The steps of a case, in this order (a test may check more in between).
# ka_elect : both start; the higher priority holds the VIP alone
ka_elect() {
	ka_start "$D1" "$VL_DIR/h.conf"
	ka_start "$D2" "$VL_DIR/l.conf"
	WHY="the higher priority ($HK) should hold $VIP alone, and keep it"
	tap_check_w "$NAME: election" eval 'vl_wait 10 vl_only_master "$D1" "$D2" "$VIP" &&
		sleep 2 && vl_only_master "$D1" "$D2" "$VIP"'
}

# ka_stop_takeover : SIGTERM of the high side (priority 0), then its return
ka_stop_takeover() {
	ka_stop "$D1"
	WHY="$LK did not take over within 2 s of $HK's SIGTERM"
	tap_check_w "$NAME: $LK takes over when $HK stops (priority 0)" \
		vl_wait 2 vl_only_master "$D2" "$D1" "$VIP"

	ka_start "$D1" "$VL_DIR/h.conf"
	WHY="$HK did not preempt back"
	tap_check_w "$NAME: $HK comes back by preemption" \
		vl_wait 10 vl_only_master "$D1" "$D2" "$VIP"
}

# ka_crash_takeover : kill -9 of the high side
ka_crash_takeover() {
	ka_crash "$D1"
	WHY="$LK did not take over after $HK was killed"
	tap_check_w "$NAME: $LK takes over when $HK is killed" \
		vl_wait 8 vl_has_vip "$D2" "$VIP"
}

# ka_restart_release : the crashed side back by preemption, then both
# stopped and the VIP released
ka_restart_release() {
	ka_start "$D1" "$VL_DIR/h.conf"
	WHY="$HK did not preempt back after its restart"
	tap_check_w "$NAME: $HK restarted comes back by preemption" \
		vl_wait 10 vl_only_master "$D1" "$D2" "$VIP"

	ka_stop "$D2"
	ka_stop "$D1"
	WHY="$HK still holds $VIP after stopping"
	tap_check_w "$NAME: $HK releases the VIP when stopped" \
		eval "! vl_has_vip $D1 $VIP"
}
