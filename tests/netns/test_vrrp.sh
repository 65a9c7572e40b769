#!/usr/bin/env bash
# test_vrrp.sh - two directord directors and a gateway in network
# namespaces: election, crash and orderly failover with the gateway's
# neighbour entry following the VIP, preemption, nopreempt, equal
# priorities, unicast (and unicast_fault_no_peer), IPv6, track scripts,
# files and processes, sync groups, split brain, reload without flap,
# step-down, a hung notify script, broken adverts injected from the
# gateway, promote_secondaries, and the children's scheduling keywords.
# Prints one `ok`/`not ok`/`skip` line per case.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DD_SRCDIR:-$(cd "$HERE/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
. "$HERE/vrrp_lib.sh"

tap_need_root "netns vrrp" || exit 0
if [ ! -x "$VL_DD" ] || [ ! -x "$VL_CTL" ]; then
	tap_skip "netns vrrp" "directord not built ($VL_DD)"
	exit 0
fi
trap vl_cleanup EXIT
if ! vl_topo; then
	tap_fail "netns vrrp topology" "cannot build the namespaces"
	exit 0
fi
D1=$VL_D1 D2=$VL_D2 GW=$VL_GW
V4=192.0.2.100 V4B=192.0.2.101 V6=2001:db8::100
MAC1=$(vl_mac "$D1") MAC2=$(vl_mac "$D2")
INJ="$HERE/vrrp_inject.py"

# mkconf FILE GLOBAL_LINES INSTANCE_TEXT... : a keepalived-style file
mkconf() {
	local f=$1 g=$2
	shift 2
	{
		printf 'global_defs {\n\trouter_id %s\n%s\n}\n' \
			"$(basename "$f" .conf)" "$g"
		printf '%s\n' "$@"
	} >"$f"
}

# inst NAME VRID PRIO VIP [LINE...] : one vrrp_instance block
inst() {
	local name=$1 vrid=$2 prio=$3 vip=$4 l
	shift 4
	printf 'vrrp_instance %s {\n\tstate BACKUP\n\tinterface eth0\n' "$name"
	printf '\tvirtual_router_id %s\n\tpriority %s\n' "$vrid" "$prio"
	printf '\tvirtual_ipaddress {\n\t\t%s\n\t}\n' "$vip"
	for l in "$@"; do printf '\t%s\n' "$l"; done
	printf '}\n'
}

# pair CONF1 CONF2 : start both directors
pair() {
	vl_dd_start "$D1" "$1"
	vl_dd_start "$D2" "$2"
}

stop_all() {
	local n
	for n in "$D1" "$D2"; do
		[ -n "${VL_DPID[$n]:-}" ] && vl_dd_term "$n"
		VL_DPID[$n]=
	done
	return 0
}

# in_vrrp_group NS : NS's eth0 is a member of 224.0.0.18 (/proc/net/igmp
# lists it as 120000E0 under the device's line)
in_vrrp_group() {
	vl_ns "$1" awk '/^[0-9]/ { dev = $2 }
		dev == "eth0" && $1 == "120000E0" { f = 1 } END { exit !f }' \
		/proc/net/igmp
}

# check NAME COND_CMD... / expect within SECS
check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "${WHY:-condition false}"; fi
}
within() { vl_wait "$@"; }

neigh_moves_to() { # ADDR MAC
	vl_poke "$GW" "$1"
	vl_neigh_is "$1" "$2"
}

C=$VL_DIR

# ---- 1. election, crash (kill -9), preemption back, SIGTERM -------------
mkconf "$C/d1.conf" "" "$(inst VI_1 51 150 $V4/24)"
mkconf "$C/d2.conf" "" "$(inst VI_1 51 100 $V4/24)"
pair "$C/d1.conf" "$C/d2.conf"
WHY="d1 (priority 150) should hold $V4 alone"
check "election: higher priority becomes master" \
	within 8 vl_only_master "$D1" "$D2" $V4
vl_poke "$GW" $V4
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want d1 $MAC1"
check "election: gateway resolves the VIP to the master" \
	within 3 vl_neigh_is $V4 "$MAC1"
WHY="d2 state $(vl_inst "$D2" VI_1 "['state']")"
check "election: lower priority is BACKUP and knows the master" \
	eval '[ "$(vl_inst "$D2" VI_1 "[\"master\"]")" = 192.0.2.11 ]'
WHY="d2's eth0 is not in 224.0.0.18: $(vl_ns "$D2" cat /proc/net/igmp | tr '\n\t' '| ')"
check "election: a multicast instance joins 224.0.0.18" in_vrrp_group "$D2"

vl_dd_kill9 "$D1"
t0=$(date +%s.%N)
WHY="d2 did not take $V4 within 6 s"
check "kill -9 of the master: backup takes over" within 6 vl_has_vip "$D2" $V4
t1=$(date +%s.%N)
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want d2 $MAC2"
check "kill -9 of the master: gateway neighbour moves (GARP)" \
	within 3 vl_neigh_is $V4 "$MAC2"
dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
# the last advert left up to one advert_int before the kill
WHY="took $dt s, want Master_Down_Interval (3.61 s) minus up to 1 s"
check "kill -9 of the master: takeover after Master_Down_Interval" \
	awk -v d="$dt" 'BEGIN { exit !(d > 2.5 && d < 4.7) }' 

vl_dd_start "$D1" "$C/d1.conf"
WHY="d1 did not preempt back"
check "preemption: restarted higher priority takes the VIP back" \
	within 8 vl_only_master "$D1" "$D2" $V4
WHY="gateway neighbour '$(vl_gw_neigh $V4)', want d1 $MAC1"
check "preemption: gateway neighbour moves back" within 3 vl_neigh_is $V4 "$MAC1"

t0=$(date +%s.%N)
vl_dd_term "$D1"
VL_DPID[$D1]=
WHY="d2 did not take over within 1.5 s of SIGTERM"
check "SIGTERM: backup takes over within the skew time (priority 0)" \
	within 1.5 vl_has_vip "$D2" $V4
WHY="d1 still holds $V4 after stopping"
check "SIGTERM: stopped master released the VIP" eval "! vl_has_vip $D1 $V4"
WHY="prio0_rx=$(vl_inst "$D2" VI_1 "['counters']['prio0_rx']")"
check "SIGTERM: backup counted the priority-0 advert" \
	within 2 eval '[ "$(vl_inst "$D2" VI_1 "[\"counters\"][\"prio0_rx\"]")" -ge 1 ]'

# ---- 2. nopreempt ------------------------------------------------------
mkconf "$C/d1np.conf" "" "$(inst VI_1 51 150 $V4/24 nopreempt)"
vl_dd_start "$D1" "$C/d1np.conf"
sleep 6
WHY="d1 (nopreempt) took the VIP from d2"
check "nopreempt: a higher priority BACKUP does not preempt" \
	vl_only_master "$D2" "$D1" $V4
stop_all

# ---- 3. equal priorities ------------------------------------------------
# RFC 5798 section 6.4.2: a Backup does not preempt a Master of equal
# priority; section 6.4.3: when two Masters of equal priority hear each
# other, the one with the higher primary address stays Master.
nft_drop() {
	vl_ns "$D2" nft -f - <<EOF
table inet ddvrrp {
	chain in { type filter hook input priority 0; ip protocol 112 drop; }
	chain out { type filter hook output priority 0; ip protocol 112 drop; }
}
EOF
}
mkconf "$C/eq.conf" "" "$(inst VI_1 51 100 $V4/24)"
vl_dd_start "$D1" "$C/eq.conf"
within 8 vl_has_vip "$D1" $V4
vl_dd_start "$D2" "$C/eq.conf"
sleep 5
WHY="d2 took over from an equal-priority master"
check "equal priorities: a BACKUP does not preempt an equal master" \
	vl_only_master "$D1" "$D2" $V4
if nft_drop 2>/dev/null; then
	within 6 vl_has_vip "$D2" $V4
	vl_ns "$D2" nft delete table inet ddvrrp
	WHY="192.0.2.12 should win when both are master"
	check "equal priorities: of two masters the higher address wins" \
		within 4 vl_only_master "$D2" "$D1" $V4
else
	tap_skip "equal priorities: of two masters the higher address wins" \
		"nftables unavailable"
fi
stop_all

# ---- 4. step-down (planned handover) ----------------------------------
pair "$C/d1.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
vl_ctl "$D1" stepdown VI_1 >/dev/null
WHY="d2 did not take over within 1.5 s of the step-down"
check "stepdown: master hands over at once (priority 0)" \
	within 1.5 vl_only_master "$D2" "$D1" $V4
sleep 5
WHY="d1 preempted back although it stepped down"
check "stepdown: the stepped-down master does not preempt back" \
	vl_only_master "$D2" "$D1" $V4
stop_all

# ---- 5. IPv6 (VRRPv3): election, crash, unsolicited NA -----------------
mkconf "$C/d1v6.conf" "" "$(inst VI_6 61 150 $V6/64 'advert_int 0.5')"
mkconf "$C/d2v6.conf" "" "$(inst VI_6 61 100 $V6/64)"
pair "$C/d1v6.conf" "$C/d2v6.conf"
WHY="d1 should hold $V6 alone"
check "IPv6: election" within 8 vl_only_master "$D1" "$D2" $V6
WHY="d2 learned $(vl_inst "$D2" VI_6 "['master_advert_int_us']") us"
check "IPv6 (v3): the backup learns the master's advert interval (0.5 s)" \
	within 2 eval '[ "$(vl_inst "$D2" VI_6 "[\"master_advert_int_us\"]")" = 500000 ]'
vl_poke "$GW" $V6
within 3 vl_neigh_is $V6 "$MAC1"
vl_dd_kill9 "$D1"
WHY="d2 did not take $V6"
check "IPv6: kill -9 of the master: backup takes over" \
	within 6 vl_has_vip "$D2" $V6
WHY="gateway neighbour for $V6 is '$(vl_gw_neigh $V6)', want $MAC2"
check "IPv6: gateway neighbour moves (unsolicited NA)" \
	within 3 vl_neigh_is $V6 "$MAC2"
stop_all
vl_ns "$D1" ip addr del $V6/64 dev eth0 2>/dev/null

# ---- 6. unicast peers ---------------------------------------------------
mkconf "$C/d1u.conf" "" "$(inst VI_1 51 150 $V4/24 \
	'unicast_src_ip 192.0.2.11' 'unicast_peer {' '	192.0.2.12' '}' \
	check_unicast_src)"
mkconf "$C/d2u.conf" "" "$(inst VI_1 51 100 $V4/24 \
	'unicast_src_ip 192.0.2.12' 'unicast_peer {' '	192.0.2.11' '}')"
pair "$C/d1u.conf" "$C/d2u.conf"
WHY="d1 should hold $V4"
check "unicast: election" within 8 vl_only_master "$D1" "$D2" $V4
WHY="d2's eth0 is in 224.0.0.18: $(vl_ns "$D2" cat /proc/net/igmp | tr '\n\t' '| ')"
check "unicast: an instance with unicast peers joins no group (as keepalived)" \
	eval '! in_vrrp_group "$D2"'
vl_ns "$GW" python3 "$INJ" good 192.0.2.1 192.0.2.11 51 254
sleep 1.5
WHY="unicast_src drops: $(vl_inst "$D1" VI_1 "['counters']['drops']['unicast_src']")"
check "unicast: check_unicast_src drops an advert from a non-peer" \
	eval '[ "$(vl_inst "$D1" VI_1 "[\"counters\"][\"drops\"][\"unicast_src\"]")" -ge 1 ] && vl_state_is "$D1" VI_1 MASTER'
vl_dd_term "$D1"
VL_DPID[$D1]=
WHY="d2 did not take over"
check "unicast: SIGTERM hands over" within 1.5 vl_has_vip "$D2" $V4
stop_all
# unicast_fault_no_peer with an empty peer list: FAULT, not multicast
mkconf "$C/d2np.conf" "" "$(inst VI_1 51 100 $V4/24 unicast_fault_no_peer)"
vl_dd_start "$D2" "$C/d2np.conf"
WHY="d2 state $(vl_inst "$D2" VI_1 "['state']"), VIP held: $(vl_has_vip "$D2" $V4 && echo yes || echo no)"
check "unicast_fault_no_peer: no peers means FAULT, no VIP, no multicast group" \
	within 5 eval 'vl_state_is "$D2" VI_1 FAULT && ! vl_has_vip "$D2" $V4 && ! in_vrrp_group "$D2"'
stop_all

# ---- 7. track script moves the master ----------------------------------
FLAG=$C/healthy
touch "$FLAG"
TRK="vrrp_script chk {
	script \"/bin/test -e $FLAG\"
	interval 0.2
	weight -60
}"
mkconf "$C/d1t.conf" "" "$TRK" "$(inst VI_1 51 150 $V4/24 \
	'track_script {' '	chk' '}')"
pair "$C/d1t.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
rm -f "$FLAG"
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']")"
check "track script: failure lowers the priority by the weight" \
	within 3 eval '[ "$(vl_inst "$D1" VI_1 "[\"effective_priority\"]")" = 90 ]'
WHY="d2 did not preempt"
check "track script: the peer preempts the degraded master" \
	within 6 vl_only_master "$D2" "$D1" $V4
touch "$FLAG"
WHY="d1 did not come back"
check "track script: recovery brings the master back" \
	within 8 vl_only_master "$D1" "$D2" $V4
stop_all

# ---- 7b. track file: a number in a file moves the master ---------------
# init_file creates the file; a write, a rename into place and a removal
# are each seen; weight 0 turns a non-zero value into FAULT
TF=$C/tf
mkdir -p "$TF"
rm -f "$TF/maint" "$TF/down"
mkconf "$C/d1f.conf" "" "track_file maint {
	file \"$TF/maint\"
	weight -60
	init_file 0
}
vrrp_track_file down {
	file $TF/down
}" "$(inst VI_1 51 150 $V4/24 \
	'track_file {' '	maint' '	down weight 0' '}')"
pair "$C/d1f.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
WHY="$TF/maint holds '$(cat "$TF/maint" 2>/dev/null)'"
check "track file: init_file creates the file with its value" \
	eval '[ "$(cat "$TF/maint" 2>/dev/null)" = 0 ]'
echo 1 >"$TF/maint"
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']")"
check "track file: a written value times the weight lowers the priority" \
	within 3 eval '[ "$(vl_inst "$D1" VI_1 "[\"effective_priority\"]")" = 90 ]'
WHY="d1 status: $(vl_inst "$D1" VI_1 "['track_files']")"
check "track file: status shows the file and its value" \
	eval '[ "$(vl_inst "$D1" VI_1 "[\"track_files\"][0][\"value\"]")" = 1 ] &&
		[ "$(vl_inst "$D1" VI_1 "[\"track_files\"][0][\"file\"]")" = "$TF/maint" ]'
WHY="d2 did not preempt"
check "track file: the peer preempts the degraded master" \
	within 6 vl_only_master "$D2" "$D1" $V4
echo 0 >"$TF/maint.new"
mv "$TF/maint.new" "$TF/maint"
WHY="d1 did not come back (priority $(vl_inst "$D1" VI_1 "['effective_priority']"))"
check "track file: a file renamed into place is read (the master returns)" \
	within 8 vl_only_master "$D1" "$D2" $V4
echo 7 >"$TF/down"
WHY="d1 state $(vl_inst "$D1" VI_1 "['state']")"
check "track file: weight 0 and a non-zero value put the instance in FAULT" \
	within 3 eval 'vl_state_is "$D1" VI_1 FAULT && vl_only_master "$D2" "$D1" $V4'
rm -f "$TF/down"
WHY="d1 state $(vl_inst "$D1" VI_1 "['state']")"
check "track file: a removed file reads 0 (FAULT ends, the master returns)" \
	within 8 eval '! vl_state_is "$D1" VI_1 FAULT && vl_only_master "$D1" "$D2" $V4'
# after a reload (once the vrrp process runs the new generation) the
# files are watched afresh
within 3 vl_state_is "$D1" VI_1 MASTER
g0=$(vl_q "$D1" "d['vrrp']['generation']")
tr0=$(vl_inst "$D1" VI_1 "['transitions']")
vl_ctl "$D1" reload >/dev/null
within 3 eval '[ "$(vl_q "$D1" "d[\"vrrp\"][\"generation\"]")" != "$g0" ]'
sleep 0.5
WHY="transitions $tr0 -> $(vl_inst "$D1" VI_1 "['transitions']"), state $(vl_inst "$D1" VI_1 "['state']")"
check "track file: a reload changes nothing (no transition)" \
	eval 'vl_state_is "$D1" VI_1 MASTER && [ "$(vl_inst "$D1" VI_1 "[\"transitions\"]")" = "$tr0" ]'
echo 2 >"$TF/maint"
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']")"
check "track file: still watched after a reload" \
	within 3 eval '[ "$(vl_inst "$D1" VI_1 "[\"effective_priority\"]")" = 30 ]'
stop_all

# ---- 7c. track process: the master follows whether a process runs ---------
# a copy of sleep named ddtrk<PID> (its process name), bounded to 60 s and
# ended by its PID
TRKN=ddtrk$$
cp /bin/sleep "$C/$TRKN"
mkconf "$C/d1p2.conf" "" "vrrp_track_process trk {
	process $TRKN
	weight -60
}" "$(inst VI_1 51 150 $V4/24 'track_process {' '	trk' '}')"
pair "$C/d1p2.conf" "$C/d2.conf"
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']"), status $(vl_inst "$D1" VI_1 "['track_processes']")"
check "track process: not running, the negative weight applies (the peer is master)" \
	within 8 eval '[ "$(vl_inst "$D1" VI_1 "[\"effective_priority\"]")" = 90 ] && vl_only_master "$D2" "$D1" $V4'
"$C/$TRKN" 60 &
TRKPID=$!
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']"), status $(vl_inst "$D1" VI_1 "['track_processes']")"
check "track process: started, it is counted and the master returns" \
	within 8 eval 'vl_only_master "$D1" "$D2" $V4 &&
		[ "$(vl_inst "$D1" VI_1 "[\"track_processes\"][0][\"running\"]")" = 1 ]'
kill "$TRKPID" 2>/dev/null
wait "$TRKPID" 2>/dev/null
WHY="d1 effective priority $(vl_inst "$D1" VI_1 "['effective_priority']")"
check "track process: ended, the peer takes over again" \
	within 8 vl_only_master "$D2" "$D1" $V4
stop_all

# enable_script_security: a root script that others could replace is refused
printf '#!/bin/sh\nexit 0\n' >"$C/ok.sh"
chmod 755 "$C/ok.sh"
mkconf "$C/d1sec.conf" "	enable_script_security" "vrrp_script chk {
	script \"$C/ok.sh\"
	interval 0.2
}" "$(inst VI_1 51 150 $V4/24 'track_script {' '	chk' '}')"
pair "$C/d1sec.conf" "$C/d2.conf"
WHY="d1 state $(vl_inst "$D1" VI_1 "['state']") (the script lives under /tmp)"
check "enable_script_security: an unsafe root script is refused (FAULT)" \
	within 8 eval 'vl_state_is "$D1" VI_1 FAULT && vl_only_master "$D2" "$D1" $V4'
stop_all

# ---- 8. sync group: members move together -------------------------------
FLAG2=$C/healthy2
touch "$FLAG2"
SG="vrrp_script chk2 {
	script \"/bin/test -e $FLAG2\"
	interval 0.2
}
vrrp_sync_group G1 {
	group {
		VI_1
		VI_2
	}
}"
mkconf "$C/d1s.conf" "	vrrp_notify_fifo $C/sg.fifo" "$SG" \
	"$(inst VI_1 51 150 $V4/24 'track_script {' '	chk2' '}')" \
	"$(inst VI_2 52 150 $V4B/24)"
mkconf "$C/d2s.conf" "" "$SG" "$(inst VI_1 51 100 $V4/24)" \
	"$(inst VI_2 52 100 $V4B/24)"
pair "$C/d1s.conf" "$C/d2s.conf"
within 8 vl_only_master "$D1" "$D2" $V4B
rm -f "$FLAG2"
WHY="VI_2 state on d1: $(vl_inst "$D1" VI_2 "['state']")"
check "sync group: one member's FAULT takes the whole group to FAULT" \
	within 3 eval 'vl_state_is "$D1" VI_1 FAULT && vl_state_is "$D1" VI_2 FAULT'
WHY="d2 does not hold both VIPs"
check "sync group: the peer takes every member's VIP" \
	within 5 eval 'vl_only_master "$D2" "$D1" $V4 && vl_only_master "$D2" "$D1" $V4B'
touch "$FLAG2"
WHY="d1 did not take both VIPs back"
check "sync group: recovery brings the whole group back" \
	within 8 eval 'vl_only_master "$D1" "$D2" $V4 && vl_only_master "$D1" "$D2" $V4B'
timeout 1 cat "$C/sg.fifo" 2>/dev/null | grep '^GROUP' >"$C/sg.out"
WHY="group lines: $(tr '\n' '|' <"$C/sg.out")"
check "sync group: GROUP lines on the FIFO (MASTER, FAULT, MASTER)" \
	eval '[ "$(grep -v BACKUP "$C/sg.out" | tr "\n" "|")" = "GROUP \"G1\" MASTER 0|GROUP \"G1\" FAULT 0|GROUP \"G1\" MASTER 0|" ]'
stop_all

# ---- 9. split brain and heal -------------------------------------------
pair "$C/d1.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
if ! nft_drop 2>/dev/null; then
	tap_skip "split brain" "nftables unavailable in this kernel"
else
	WHY="d2 did not become master while cut off"
	check "split brain: both directors become master" \
		within 6 eval 'vl_has_vip "$D1" $V4 && vl_has_vip "$D2" $V4'
	vl_ns "$D2" nft delete table inet ddvrrp
	WHY="still two masters"
	check "split brain healed: one master (the higher priority)" \
		within 5 vl_only_master "$D1" "$D2" $V4
	vl_poke "$GW" $V4
	WHY="gateway neighbour '$(vl_gw_neigh $V4)', want d1 $MAC1"
	check "split brain healed: gateway points at the master" \
		within 3 vl_neigh_is $V4 "$MAC1"
fi
stop_all

# ---- 10. reload ----------------------------------------------------------
# garp_count MAC SECS FILE : gratuitous ARPs for $V4 (sender IP = target
# IP = VIP) from MAC seen by the gateway during SECS; the count goes to
# FILE, the frames to FILE.txt
garp_count() {
	vl_ns "$GW" timeout "$2" tcpdump -tttt -i br0 -nn -l -e \
		"ether src $1 and arp and arp[14:4] = 0xc0000264 and arp[24:4] = 0xc0000264" \
		2>/dev/null >"$3.txt"
	grep -c ARP "$3.txt" >"$3"
}
cp "$C/d1.conf" "$C/d1r.conf"
garp_count "$MAC1" 7 "$C/arps0" &
gp=$!
pair "$C/d1r.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
wait $gp
WHY="the gateway saw $(cat "$C/arps0") GARPs for $V4 from d1"
check "GARP: the new master sends garp_master_repeat (5) GARPs" \
	eval '[ "$(cat "$C/arps0")" -ge 5 ]'
sleep 2.5 # past the second burst (garp_master_delay 5 s)
tr0=$(vl_inst "$D1" VI_1 "['transitions']")
garp_count "$MAC1" 4 "$C/arps" &
sleep 1
vl_ctl "$D1" reload >/dev/null
wait $!
WHY="transitions $tr0 -> $(vl_inst "$D1" VI_1 "['transitions']"), GARPs from d1: $(cat "$C/arps"): $(tr '\n' ' ' <"$C/arps.txt")"
check "reload (unchanged): state kept, no extra GARP" \
	eval '[ "$(vl_inst "$D1" VI_1 "[\"transitions\"]")" = "$tr0" ] && [ "$(cat "$C/arps")" = 0 ] && vl_only_master "$D1" "$D2" $V4'

echo "vrrp_instance VI_1 { bogus_keyword }" >"$C/d1r.conf"
WHY="reload of a broken file was accepted or disturbed the instance"
check "reload (broken file): refused, running state kept" \
	eval '! vl_ctl "$D1" reload >/dev/null 2>&1 && vl_state_is "$D1" VI_1 MASTER && [ "$(vl_inst "$D1" VI_1 "[\"transitions\"]")" = "$tr0" ]'
mkconf "$C/d1r.conf" "" "$(inst VI_1 51 120 $V4/24)"
vl_ctl "$D1" reload >/dev/null
sleep 1.5
WHY="d1 priority $(vl_inst "$D1" VI_1 "['effective_priority']"), d2 sees $(vl_inst "$D2" VI_1 "['master_priority']")"
check "reload (priority 150 -> 120): applied without a flap" \
	eval '[ "$(vl_inst "$D1" VI_1 "[\"effective_priority\"]")" = 120 ] && [ "$(vl_inst "$D2" VI_1 "[\"master_priority\"]")" = 120 ] && [ "$(vl_inst "$D1" VI_1 "[\"transitions\"]")" = "$tr0" ]'

mkconf "$C/d1r.conf" "" "$(inst VI_1 51 120 $V4/24)" "$(inst VI_2 52 150 $V4B/24)"
vl_ctl "$D1" reload >/dev/null
WHY="VI_2 state $(vl_inst "$D1" VI_2 "['state']")"
check "reload (new instance): starts in BACKUP" \
	within 1.5 vl_state_is "$D1" VI_2 BACKUP
WHY="VI_2 never became master"
check "reload (new instance): then becomes master alone" \
	within 6 vl_state_is "$D1" VI_2 MASTER

mkconf "$C/d1r.conf" "" "$(inst VI_2 52 150 $V4B/24)"
vl_ctl "$D1" reload >/dev/null
WHY="d2 did not take VI_1 at once"
check "reload (removed instance): priority 0 and VIP released" \
	within 1.5 vl_only_master "$D2" "$D1" $V4
stop_all

# ---- 11. notifications, track_interface, VIP removed behind our back -----
NOUT=$C/notify.out
FIFO=$C/vrrp.fifo
# a slow STOP notification must still complete when the daemon stops
cat >"$C/notify.sh" <<EOF
#!/bin/sh
[ "\$3" = STOP ] && sleep 0.5
echo "\$@" >>"$NOUT"
EOF
# notify_master hangs: it must hold up neither adverts nor transitions
cat >"$C/master.sh" <<EOF
#!/bin/sh
echo master >>"$NOUT.master"
echo \$\$ >>"$NOUT.master.pid"
exec sleep 600
EOF
chmod +x "$C/notify.sh" "$C/master.sh"
vl_ns "$D1" ip link add trk0 type veth peer name trk1
vl_ns "$D1" ip link set trk0 up
vl_ns "$D1" ip link set trk1 up
mkconf "$C/d1n.conf" "	vrrp_notify_fifo $FIFO" "$(inst VI_1 51 150 $V4/24 \
	"notify $C/notify.sh" "notify_master $C/master.sh" \
	'track_interface {' '	trk0' '}')"
pair "$C/d1n.conf" "$C/d2.conf"
within 8 vl_only_master "$D1" "$D2" $V4
WHY="notify got: $(tr '\n' '|' <"$NOUT" 2>/dev/null)"
check "notify: script gets INSTANCE name STATE priority, in order" \
	within 2 eval '[ "$(tr "\n" "|" <"$NOUT")" = "INSTANCE VI_1 BACKUP 150|INSTANCE VI_1 MASTER 150|" ]'
WHY="notify_master did not run"
check "notify: notify_master runs on MASTER" within 2 test -s "$NOUT.master"
timeout 1 cat "$FIFO" >"$C/fifo.out" 2>/dev/null
WHY="FIFO gave: $(tr '\n' '|' <"$C/fifo.out")"
check "notify FIFO: keepalived's lines, in order" \
	eval '[ "$(tr "\n" "|" <"$C/fifo.out")" = "INSTANCE \"VI_1\" BACKUP 150|INSTANCE \"VI_1\" MASTER 150|" ]'

vl_ns "$D1" ip addr del $V4/24 dev eth0
WHY="VIP not back; vip_restored=$(vl_inst "$D1" VI_1 "['counters']['vip_restored']")"
check "VIP removed behind our back: restored while MASTER" \
	within 2 eval 'vl_has_vip "$D1" $V4 && [ "$(vl_inst "$D1" VI_1 "[\"counters\"][\"vip_restored\"]")" -ge 1 ]'

vl_ns "$D1" ip link set trk1 down
WHY="d1 state $(vl_inst "$D1" VI_1 "['state']")"
check "track_interface: link down puts the instance in FAULT" \
	within 3 vl_state_is "$D1" VI_1 FAULT
WHY="d2 did not take over"
check "track_interface: the peer takes over from the FAULT instance" \
	within 3 vl_only_master "$D2" "$D1" $V4
vl_ns "$D1" ip link set trk1 up
WHY="d1 did not come back"
check "track_interface: link up, the master comes back" \
	within 8 vl_only_master "$D1" "$D2" $V4
HUNG=$(head -n 1 "$NOUT.master.pid" 2>/dev/null)
# running: exists and is no zombie (an orphan init has not reaped yet)
running() {
	[ -n "$1" ] && [ -e "/proc/$1" ] &&
		! grep -qs '^[0-9]* ([^)]*) [ZX]' "/proc/$1/stat"
}
WHY="the first notify_master (pid ${HUNG:-none}) is not running any more"
check "notify: a hung notify_master blocked none of the transitions above" \
	running "$HUNG"
stop_all
WHY="pid $HUNG still runs after the daemon stopped"
check "notify: a hung notify script does not outlive the daemon" \
	within 5 eval '! running "$HUNG"'
WHY="notify got: $(tr '\n' '|' <"$NOUT")"
check "notify: stop is announced (STOP) before the process exits" \
	grep -q "INSTANCE VI_1 STOP 150" "$NOUT"

# ---- 12. GARP pacing (vrrp_garp_interval) ---------------------------------
mkconf "$C/d1p.conf" "	vrrp_garp_interval 0.25" "$(inst VI_1 51 150 $V4/24)"
vl_ns "$GW" timeout 6 tcpdump -tt -i br0 -nn -l -e \
	"ether src $MAC1 and arp and arp[14:4] = 0xc0000264 and arp[24:4] = 0xc0000264" \
	>"$C/pace.txt" 2>/dev/null &
gp=$!
vl_dd_start "$D1" "$C/d1p.conf"
wait $gp
span=$(awk '/ARP/ { if (!n) a = $1; b = $1; n++ } END { printf "%d %.2f", n, b - a }' "$C/pace.txt")
WHY="frames and span: $span"
check "GARP pacing: 5 GARPs spaced by vrrp_garp_interval (0.25 s)" \
	awk -v s="$span" 'BEGIN { split(s, f, " "); exit !(f[1] == 5 && f[2] >= 0.95 && f[2] < 1.6) }'
stop_all

# ---- 13. broken adverts from the gateway --------------------------------
AUTH=$(printf '%s\n' 'authentication {' '	auth_type PASS' '	auth_pass secret1' '}')
mkconf "$C/d1b.conf" "" "$(inst VI_1 51 150 $V4/24 "$AUTH")"
vl_dd_start "$D1" "$C/d1b.conf"
within 8 vl_state_is "$D1" VI_1 MASTER
tr0=$(vl_inst "$D1" VI_1 "['transitions']")
for c in ttl254 badsum truncated version type count interval auth; do
	vl_ns "$GW" python3 "$INJ" "$c" 192.0.2.1 224.0.0.18 51 254 secret1
done
vl_ns "$GW" python3 "$INJ" good 192.0.2.1 224.0.0.18 99 254 secret1
sleep 1.5
for r in ttl:ttl254 checksum:badsum truncated:truncated version:version \
	type:type length:count interval:interval auth:auth; do
	n=$(vl_inst "$D1" VI_1 "['counters']['drops']['${r%%:*}']")
	WHY="drops.${r%%:*} = '$n'"
	check "bad advert (${r#*:}): dropped and counted" eval '[ "${n:-0}" -ge 1 ]'
done
n=$(vl_q "$D1" "d['vrrp']['sockets'][0]['unknown_vrid']")
WHY="sockets[0].unknown_vrid = '$n'"
check "bad advert (unknown VRID): dropped and counted" eval '[ "${n:-0}" -ge 1 ]'
WHY="state $(vl_inst "$D1" VI_1 "['state']"), transitions $tr0 -> $(vl_inst "$D1" VI_1 "['transitions']")"
check "bad adverts: no state change" \
	eval 'vl_state_is "$D1" VI_1 MASTER && [ "$(vl_inst "$D1" VI_1 "[\"transitions\"]")" = "$tr0" ]'
vl_ns "$GW" python3 "$INJ" good 192.0.2.1 224.0.0.18 51 254 secret1
WHY="a valid priority-254 advert from the gateway was not obeyed"
check "control: a valid higher-priority advert is accepted" \
	within 2 vl_state_is "$D1" VI_1 BACKUP
stop_all

# ---- 14. promote_secondaries ---------------------------------------------
# Two instances' VIPs in one subnet: when the one holding the subnet's
# primary address leaves MASTER, the kernel deletes the other VIP with it
# unless promote_secondaries is set (directord then has to restore it).
P1=198.51.100.1 P2=198.51.100.2
PS=/proc/sys/net/ipv4/conf/eth0/promote_secondaries
# primary_vi: the instance whose VIP is the subnet's primary address
primary_vi() {
	local a
	a=$(vl_ns "$D1" ip -o -4 addr show dev eth0 | grep -v secondary |
		grep -o '198\.51\.100\.[12]/' | head -n 1)
	case $a in "$P1/") echo VI_1 ;; "$P2/") echo VI_2 ;; esac
}
# promote_run FLAG: start, step down the primary's instance; sets OTHER
# (the other instance) and RESTORED (its vip_restored count after)
promote_run() {
	local flag=$1 pri vip
	mkconf "$C/d1ps.conf" "" "$(inst VI_1 61 150 $P1/24 $flag)" \
		"$(inst VI_2 62 150 $P2/24 $flag)"
	vl_dd_start "$D1" "$C/d1ps.conf"
	within 8 eval 'vl_has_vip "$D1" $P1 && vl_has_vip "$D1" $P2 && [ -n "$(primary_vi)" ]'
	pri=$(primary_vi)
	OTHER=VI_1 vip=$P1
	[ "$pri" = VI_1 ] && OTHER=VI_2 vip=$P2
	PS_RUN=$(vl_ns "$D1" cat $PS)
	vl_ctl "$D1" stepdown "$pri" >/dev/null
	within 3 eval '! vl_state_is "$D1" "$pri" MASTER'
	sleep 1
	RESTORED=$(vl_inst "$D1" "$OTHER" "['counters']['vip_restored']")
	OTHER_HAS=no
	vl_has_vip "$D1" "$vip" && OTHER_HAS=yes
	stop_all
}
vl_ns "$D1" sh -c "echo 0 > $PS"
promote_run promote_secondaries
WHY="promote_secondaries on eth0 while running: '$PS_RUN'"
check "promote_secondaries: set on the interface while the instance runs" \
	eval '[ "$PS_RUN" = 1 ]'
WHY="$OTHER: VIP present $OTHER_HAS, vip_restored '$RESTORED'"
check "promote_secondaries: the other instance's VIP survives the primary's removal" \
	eval '[ "$OTHER_HAS" = yes ] && [ "$RESTORED" = 0 ]'
WHY="promote_secondaries on eth0 after the stop: '$(vl_ns "$D1" cat $PS)'"
check "promote_secondaries: the value found is put back at stop" \
	eval '[ "$(vl_ns "$D1" cat $PS)" = 0 ]'
promote_run ""
WHY="$OTHER: VIP present $OTHER_HAS, vip_restored '$RESTORED'"
check "promote_secondaries (control): without it the kernel takes the other VIP too" \
	eval '[ "${RESTORED:-0}" -ge 1 ] || [ "$OTHER_HAS" = no ]'

# ---- 15. scheduling of the children (global_defs vrrp_* / checker_*) ---
# vrrp: real-time round robin, nice, locked memory, one CPU; checker: nice
# and one CPU. (No locked memory under ASan: its shadow would be locked.)
NOSWAP="	vrrp_no_swap"
ldd "$VL_DD" 2>/dev/null | grep -q libasan && NOSWAP=
mkconf "$C/d1p.conf" "	vrrp_priority -5
	vrrp_rt_priority 20
	vrrp_cpu_affinity 0
$NOSWAP
	checker_priority 5
	checker_cpu_affinity 0" "$(inst VI_1 51 150 $V4/24)" "virtual_server $V4 80 {
	lb_kind DR
	protocol TCP
	real_server 192.0.2.21 80 {
		TCP_CHECK {
			connect_timeout 1
		}
	}
}"
vl_dd_start "$D1" "$C/d1p.conf"
within 8 vl_state_is "$D1" VI_1 MASTER
pid_of() { vl_q "$D1" "[p['pid'] for p in d['processes'] if p['name']=='$1'][0]"; }
VP=$(pid_of vrrp)
# /proc/PID/stat: 19 nice, 40 rt_priority, 41 policy (2: SCHED_RR)
st() { awk '{ print $19, $40, $41 }' "/proc/$1/stat" 2>/dev/null; }
cpus() { awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
locked() { awk '/^VmLck/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
WHY="vrrp pid '$VP': nice rt_priority policy '$(st "$VP")', CPUs '$(cpus "$VP")', VmLck '$(locked "$VP")' kB"
check "scheduling: vrrp_rt_priority, vrrp_priority, vrrp_cpu_affinity (and vrrp_no_swap) applied" \
	eval '[ "$(st "$VP")" = "-5 20 2" ] && [ "$(cpus "$VP")" = 0 ] &&
		{ [ -z "$NOSWAP" ] || [ "$(locked "$VP")" -gt 0 ]; }'
stop_all
# the checker alone (-C: this host has no IPVS for core's table)
vl_bg "$D1" "$VL_DIR/$D1-chk.log" "$VL_DD" -n -l -D -C \
	-p "$VL_DIR/$D1.pid" --control "$VL_DIR/$D1.ctl" -f "$C/d1p.conf"
VL_DPID[$D1]=$VL_LAST
within 8 eval '[ -n "$(pid_of checker)" ]'
CP=$(pid_of checker)
WHY="checker pid '$CP': nice rt_priority policy '$(st "$CP")', CPUs '$(cpus "$CP")'"
check "scheduling: checker_priority and checker_cpu_affinity applied" \
	within 3 eval '[ "$(st "$CP")" = "5 0 0" ] && [ "$(cpus "$CP")" = 0 ]'
stop_all
exit 0
