# shellcheck shell=bash
# drill/scenarios.sh - the drill's scenarios (sourced by directord-drill
# after drill/lab.sh). Each scenario records raw observations in $SCN
# ($LAB/<daemon>/<scenario>/): events (epoch timestamps), the client log,
# the gateway capture, IPVS tables, who holds the VIP. drill/report.py turns
# them into timelines and verdicts.

# shellcheck disable=SC2034 # used by directord-drill
SCENARIOS="master-crash master-stop preempt real-server-down reload split-brain"
WARM=2 # seconds of traffic before the fault
DIRTY=1
LAST_TRANSITION=0

# fadd A B: A + B (decimal seconds).
fadd() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
# secs X: X rounded up to whole seconds.
secs() { awk -v a="$1" 'BEGIN { s = int(a); if (s < a) s++; print s }'; }

event() { echo "$EPOCHREALTIME $*" >>"$SCN/events"; }

# lab_reset: both daemons running with the lab's configs, the preferred
# director master, every real server serving and in its table, no filter.
lab_reset() {
	local n v x down
	[ "$DIRTY" = 0 ] && return 0
	nsx "d$PREF" nft delete table inet drill 2>/dev/null
	nsx "d$OTHER" nft delete table inet drill 2>/dev/null
	for x in A B; do
		dir_stop $x
		dir_clean $x
		cp "$LAB/d$x.conf.orig" "$LAB/d$x.conf"
	done
	down=()
	for n in $RS_NAMES; do
		[ -f "$LAB/pids/$n.http" ] || down+=("$n")
	done
	[ ${#down[@]} = 0 ] || lab_http_start "${down[@]}" || return 1
	dir_start "$PREF"
	dir_start "$OTHER"
	wait_master "$PREF" "$(secs "$(fadd "$MDI_A" 8)")" || return 1
	LAST_TRANSITION=$EPOCHSECONDS
	# every real server of every service (each may wait for a slower
	# checker, e.g. a MISC_CHECK, of its own)
	for v in $RS_ENTRIES; do
		wait_ipvs "$PREF" "$v" present 15 || return 1
	done
	DIRTY=0
}

# wait_ipvs X IP[:PORT] present|absent SECS: wait for real server IP (on
# PORT) in X's table.
wait_ipvs() {
	local end out pat="-r $2:"
	[[ $2 == *:* ]] && pat="-r $2 "
	end=$((EPOCHSECONDS + $4))
	while [ $EPOCHSECONDS -le $end ]; do
		# a failed or empty read (an interrupted dump while the table
		# changes) says nothing: only a table with services counts
		# (tested in bash: a fork costs ~0.1 s under emulation)
		if out=$(nsx "d$1" ipvsadm -Sn 2>/dev/null) &&
			[[ $'\n'$out == *$'\n-A '* ]]; then
			if [[ $out == *"$pat"* ]]; then
				[ "$3" = present ] && return 0
			else
				[ "$3" = absent ] && return 0
			fi
		fi
		sleep 0.1
	done
	return 1
}

# settle SECS: wait until SECS have passed since the last VRRP transition
# (so a delayed GARP burst does not fall into the next scenario).
settle() {
	local left=$((LAST_TRANSITION + $1 - EPOCHSECONDS))
	[ $left -gt 0 ] && sleep $left
	true
}

# scn_begin NAME SECS [settle]: reset the lab (and with "settle" wait out the
# last transition's delayed GARPs), start capture and client traffic.
scn_begin() {
	SCN=$OUT/$1
	rm -rf "$SCN"
	mkdir -p "$SCN"
	if ! lab_reset; then
		echo "lab did not settle: VIP held by '$(masters)'" >"$SCN/setup-error"
		DIRTY=1
		return 1
	fi
	[ "${3:-}" = settle ] && settle "$(secs "$(fadd "$GARP_DELAY" 1)")"
	ipvs_save A "$SCN/ipvs-before-A"
	ipvs_save B "$SCN/ipvs-before-B"
	masters >"$SCN/masters-before"
	cap_start "$SCN/gw.pcap" || return 1
	client_start "$2" "$SCN/client.log" || return 1
	event start
	sleep $WARM
}

scn_end() {
	client_wait
	cap_stop
	event end
	ipvs_save A "$SCN/ipvs-after-A"
	ipvs_save B "$SCN/ipvs-after-B"
	masters >"$SCN/masters-after"
	gw_neigh >"$SCN/neigh-after"
}

# The gateway's view of one scenario is ready; run one scenario by name.
scn_run() {
	local fn=scn_${1//-/_}
	log "[$DAEMON] $1"
	"$fn" || {
		[ -f "$SCN/setup-error" ] || echo "scenario aborted" >"$SCN/setup-error"
		client_wait
		cap_stop
	}
}

# lab: the preflight - is this a working LVS-DR pair before any fault?
scn_lab() {
	local n v x
	SCN=$OUT/lab
	rm -rf "$SCN"
	mkdir -p "$SCN"
	lab_reset || DIRTY=1
	for n in $RS_NAMES; do
		v=()
		for x in $VIPS; do v+=(--vip "$x"); done
		nsx "$n" "$RSCTL" realserver check "${v[@]}" \
			>"$SCN/check-$n" 2>&1
		echo $? >"$SCN/check-$n.rc"
	done
	ipvs_save A "$SCN/ipvs-before-A"
	ipvs_save B "$SCN/ipvs-before-B"
	masters >"$SCN/masters-before"
	cap_start "$SCN/gw.pcap" || return 1
	event start
	# the gateway must ask who has the VIP: see who answers
	ip -n "${PFX}gw" neigh del "$VIP" dev lan0 2>/dev/null
	client_start 3 "$SCN/client.log" || return 1
	scn_end
}

scn_master_crash() {
	local m=MDI_$OTHER
	scn_begin master-crash "$(secs "$(fadd "${!m}" "$((WARM + 5))")")" ||
		return 1
	dir_crash "$PREF" "fault kill -9 $PREF"
	DIRTY=1
	scn_end
}

scn_master_stop() {
	scn_begin master-stop "$((WARM + 5))" || return 1
	event fault "SIGTERM $PREF"
	dir_stop "$PREF"
	DIRTY=1
	scn_end
}

scn_preempt() {
	local m
	m=MDI_$PREF
	DIRTY=1
	lab_reset || { echo "lab did not settle" >"$OUT/preempt/setup-error"; return 1; }
	dir_stop "$PREF"
	wait_master "$OTHER" 5
	LAST_TRANSITION=$EPOCHSECONDS
	DIRTY=0 # keep this state for scn_begin
	scn_begin preempt "$(secs "$(fadd "${!m}" "$((WARM + 6))")")" ||
		return 1
	DIRTY=1
	event fault "start $PREF"
	dir_start "$PREF"
	scn_end
}

scn_real_server_down() {
	local w v
	w=$(secs "$(fadd "$RS_WINDOW" 1)")
	scn_begin real-server-down "$((WARM + w + 3))" || return 1
	# the fault is the moment rs1's servers are gone: stamped once they
	# have exited (under emulation that takes a second or more, which is
	# the lab's time, not the checker's)
	lab_http_stop rs1
	event fault "stop the web servers of $RS_DOWN_IP"
	DIRTY=1
	if wait_ipvs "$PREF" "$RS_DOWN_ENTRY" absent "$((w + 3))"; then
		event rs_gone
	fi
	scn_end
	# the connection entries name each client port's real server
	nsx "d$PREF" ipvsadm -Lnc >"$SCN/conns-after" 2>&1
	lab_http_start rs1 &&
		wait_ipvs "$PREF" "$RS_DOWN_ENTRY" present "$((w + 5))" &&
		now >"$SCN/rs-back" || return 0
	# clean for the next scenario once rs1 is back in every service
	for v in $RS_ENTRIES; do
		wait_ipvs "$PREF" "$v" present 15 || return 0
	done
	DIRTY=0
}

# reload: the second real_server of the file (in its virtual_server) gets
# weight 3; its entry in that service, not another one of the same address,
# must show it after the reload.
scn_reload() {
	local at vs rs
	read -r at vs rs <<<"$(awk '
		$1 == "virtual_server" { v = $2 ":" $3 }
		$1 == "real_server" && ++n == 2 { print NR, v, $2 ":" $3; exit }
	' "$LAB/d$PREF.conf")"
	scn_begin reload "$((WARM + 5))" settle || return 1
	"$PY" - "$LAB/d$PREF.conf" "$at" <<'EOF'
import sys
path, at = sys.argv[1], int(sys.argv[2]) - 1
lines = open(path).read().split("\n")
for j in range(at + 1, len(lines)):
    w = lines[j].split()
    if w[:1] == ["weight"]:
        lines[j] = "\t\tweight 3"
        break
    if "{" in w or "}" in w:
        lines.insert(at + 1, "\t\tweight 3")
        break
open(path, "w").write("\n".join(lines))
EOF
	echo "$vs $rs 3" >"$SCN/new-weight"
	DIRTY=1
	event fault "reload $PREF (weight of $rs in $vs -> 3)"
	dir_reload "$PREF" >"$SCN/reload.out" 2>&1
	scn_end
}

scn_split_brain() {
	local m hold
	m=MDI_$OTHER
	hold=$(secs "$(fadd "${!m}" 2)")
	scn_begin split-brain \
		"$(secs "$(fadd "$hold" "$(fadd "$GARP_LP_DELAY" "$((WARM + 6))")")")" ||
		return 1
	DIRTY=1
	event fault "drop VRRP at $PREF"
	nsx "d$PREF" nft -f - <<EOF
table inet drill {
	chain in { type filter hook input priority 0; ip protocol vrrp drop; }
	chain out { type filter hook output priority 0; ip protocol vrrp drop; }
}
EOF
	wait_master "A B" "$hold"
	sleep 1
	event heal "restore VRRP at $PREF"
	nsx "d$PREF" nft delete table inet drill
	scn_end
}
