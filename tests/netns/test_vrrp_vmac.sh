#!/usr/bin/env bash
# test_vrrp_vmac.sh - use_vmac / vmac_xmit_base with two directord
# directors and a gateway on a bridge (vrrp_lib.sh topology): the master
# holds the VIP on vrrp.<VRID> with the VRRP virtual MAC, the gateway's
# neighbour entry keeps that MAC across a crash failover, adverts and GARPs
# leave with the virtual MAC (or the base MAC with vmac_xmit_base), a
# leftover macvlan of a crashed run is recreated, SIGTERM removes it; a
# macvlan deleted by hand is recreated at once (the master keeps its role),
# a failing recreation is retried with a bounded back-off (FAULT meanwhile),
# a deleted base interface means FAULT until it is back; the same for IPv6
# (vrrp6.<VRID>, 00:00:5e:00:02:<VRID>). With all.rp_filter=2 the backup
# still hears the adverts (all. set to 0, every interface's own value
# raised so its effective value stays) and a stop restores the values.
# Needs macvlan in the kernel (skips without it).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DD_SRCDIR:-$(cd "$HERE/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
. "$HERE/vrrp_lib.sh"

T="netns vrrp vmac"
tap_need_root "$T" || exit 0
if [ ! -x "$VL_DD" ] || [ ! -x "$VL_CTL" ]; then
	tap_skip "$T" "directord not built ($VL_DD)"
	exit 0
fi
trap vl_cleanup EXIT
if ! vl_topo; then
	tap_fail "$T topology" "cannot build the namespaces"
	exit 0
fi
if ! ip -n "$VL_D1" link add dd-mvprobe link eth0 type macvlan \
	mode private 2>/dev/null; then
	tap_skip "$T" "no macvlan in this kernel"
	exit 0
fi
ip -n "$VL_D1" link del dd-mvprobe
D1=$VL_D1 D2=$VL_D2 GW=$VL_GW
V4=192.0.2.100 V6=2001:db8::100
VMAC4=00:00:5e:00:01:33 VMAC6=00:00:5e:00:02:3d # VRID 51, 61
MAC1=$(vl_mac "$D1")
C=$VL_DIR

mkconf() { # FILE PRIO VRID VIP LINE...
	local f=$1 prio=$2 vrid=$3 vip=$4 l
	shift 4
	{
		printf 'global_defs {\n\trouter_id %s\n}\n' "$(basename "$f" .conf)"
		printf 'vrrp_instance VI {\n\tstate BACKUP\n\tinterface eth0\n'
		printf '\tvirtual_router_id %s\n\tpriority %s\n' "$vrid" "$prio"
		printf '\tversion 3\n\tadvert_int 0.5\n\tuse_vmac\n'
		printf '\tvirtual_ipaddress {\n\t\t%s\n\t}\n' "$vip"
		for l in "$@"; do printf '\t%s\n' "$l"; done
		printf '}\n'
	} >"$f"
}

check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "${WHY:-condition false}"; fi
}
within() { vl_wait "$@"; }

# if_mac NS IF : MAC of IF in NS ("" when absent)
if_mac() { vl_ns "$1" cat "/sys/class/net/$2/address" 2>/dev/null; }
# vip_on NS IF ADDR : ADDR is on IF in NS
vip_on() { vl_ns "$1" ip -o addr show dev "$2" 2>/dev/null | grep -qw "$3"; }
no_if() { ! vl_ns "$1" test -e "/sys/class/net/$2"; }
# ping_gw ARGS... : the gateway pings (bounded by count and deadline)
ping_gw() { vl_ns "$GW" ping -c 2 -i 0.2 -W 2 -w 5 -q "$@" >/dev/null 2>&1; }
# fdb_port MAC : the gateway bridge port that MAC was learned on
fdb_port() {
	vl_ns "$GW" bridge fdb show br br0 | awk -v m="$1" '$1 == m { print $3; exit }'
}
fdb_is() { [ "$(fdb_port "$1")" = "$2" ]; }
neigh_is() { # ADDR MAC : poke the VIP, then look at the gateway's entry
	vl_poke "$GW" "$1"
	vl_neigh_is "$1" "$2"
}
# adv_src_macs ADDR_FAMILY_FILTER : source MACs of 2 adverts seen at the
# gateway (tcpdump bounded by count and time)
adv_src_macs() {
	vl_ns "$GW" timeout 5 tcpdump -l -nn -e -c 2 -i br0 "$1" 2>/dev/null |
		awk '{ print $2 }' | sort -u | tr '\n' ' '
}
stop_node() {
	[ -n "${VL_DPID[$1]:-}" ] && vl_dd_term "$1"
	VL_DPID[$1]=
	return 0
}

# ---- IPv4: election, crash with a leftover macvlan, SIGTERM ------------
mkconf "$C/d1.conf" 150 51 $V4/24
mkconf "$C/d2.conf" 100 51 $V4/24
vl_dd_start "$D1" "$C/d1.conf"
vl_dd_start "$D2" "$C/d2.conf"
WHY="d1 has no vrrp.51 with $VMAC4 (got '$(if_mac "$D1" vrrp.51)')"
check "vmac: master has vrrp.51 with the virtual MAC" \
	within 8 eval '[ "$(if_mac "$D1" vrrp.51)" = $VMAC4 ]'
WHY="$V4 not on d1's vrrp.51"
check "vmac: the VIP is on the macvlan of the master" \
	within 8 eval 'vip_on "$D1" vrrp.51 $V4 && ! vl_has_vip "$D2" $V4'
check "vmac: the VIP is not on the base interface" \
	eval '! vip_on "$D1" eth0 $V4'
WHY="d2 has no vrrp.51 ('$(if_mac "$D2" vrrp.51)')"
check "vmac: the backup has its macvlan too" \
	eval '[ "$(if_mac "$D2" vrrp.51)" = $VMAC4 ]'
WHY="arp_ignore on d1: eth0 $(vl_ns "$D1" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore) vrrp.51 $(vl_ns "$D1" cat /proc/sys/net/ipv4/conf/vrrp.51/arp_ignore)"
check "vmac: arp_ignore=1 on the base and the macvlan" \
	eval '[ "$(vl_ns "$D1" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)$(vl_ns "$D1" cat /proc/sys/net/ipv4/conf/vrrp.51/arp_ignore)" = 11 ]'
WHY="status shows vmac '$(vl_inst "$D1" VI "['vmac']")'"
check "vmac: directorctl status names the macvlan" \
	within 3 eval '[ "$(vl_inst "$D1" VI "[\"vmac\"]")" = vrrp.51 ]'
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want $VMAC4"
check "vmac: gateway resolves the VIP to the virtual MAC" \
	within 3 neigh_is $V4 $VMAC4
WHY="advert source MACs: '$(adv_src_macs 'ip proto 112')'"
check "vmac: adverts leave with the virtual MAC" \
	eval '[ "$(adv_src_macs "ip proto 112")" = "$VMAC4 " ]'
WHY="bridge learned $VMAC4 on '$(fdb_port $VMAC4)', want v11"
check "vmac: the bridge forwards the virtual MAC to the master" \
	within 3 fdb_is $VMAC4 v11

vl_dd_kill9 "$D1"
VL_DPID[$D1]=
WHY="d2 did not put $V4 on its vrrp.51"
check "vmac: kill -9 of the master: backup takes over on its macvlan" \
	within 8 vip_on "$D2" vrrp.51 $V4
WHY="bridge learned $VMAC4 on '$(fdb_port $VMAC4)', want v12"
check "vmac: kill -9: the GARP moves the virtual MAC to the new master" \
	within 3 fdb_is $VMAC4 v12
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want $VMAC4"
check "vmac: kill -9: gateway neighbour entry is still the virtual MAC" within 3 \
	neigh_is $V4 $VMAC4
WHY="no reply"
check "vmac: kill -9: the VIP answers ping from the gateway" \
	ping_gw $V4

# d1's macvlan (with the VIP) is still there: a restart must recreate it
check "vmac: the crashed director left its macvlan behind" \
	eval '[ "$(if_mac "$D1" vrrp.51)" = $VMAC4 ]'
vl_dd_start "$D1" "$C/d1.conf"
WHY="d1 did not preempt back onto vrrp.51"
check "vmac: restart over a leftover macvlan: master again on vrrp.51" \
	within 10 eval 'vip_on "$D1" vrrp.51 $V4 && ! vip_on "$D2" vrrp.51 $V4'
WHY="$(vl_ns "$D1" ip -o link show | grep -c vrrp.51) vrrp.51 links"
check "vmac: restart: exactly one vrrp.51" \
	eval '[ "$(vl_ns "$D1" ip -o link show | grep -c "vrrp\.51@")" = 1 ]'
WHY="bridge learned $VMAC4 on '$(fdb_port $VMAC4)', want v11"
check "vmac: preemption: the virtual MAC moves back" within 3 fdb_is $VMAC4 v11

stop_node "$D1"
WHY="d1 still has vrrp.51"
check "vmac: SIGTERM removes the macvlan" within 3 no_if "$D1" vrrp.51
WHY="d2 did not take over"
check "vmac: SIGTERM: backup takes over" within 4 vip_on "$D2" vrrp.51 $V4
check "vmac: SIGTERM: the VIP answers ping from the gateway" \
	ping_gw $V4
stop_node "$D2"
check "vmac: SIGTERM of the last director removes its macvlan" \
	within 3 no_if "$D2" vrrp.51
# d2 never crashed, so it saw the original values (a crash leaves them)
WHY="arp_ignore on d2 eth0 is $(vl_ns "$D2" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)"
check "vmac: SIGTERM restores the base interface's arp_ignore" \
	eval '[ "$(vl_ns "$D2" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)" = 0 ]'

# ---- the master's macvlan deleted by hand ------------------------------
# keepalived recreates it too (going through FAULT, so the backup may take
# over and hand back). directord keeps the instance's state: the macvlan
# is back within milliseconds, far inside the backup's
# Master_Down_Interval (1.5 s + skew), so the backup must not move at all.
L1=$C/$D1.log
# log_count FILE STRING : lines of FILE holding STRING
log_count() { grep -cF -- "$2" "$1" 2>/dev/null; }
# vrrp_pid NODE : the VRRP process (core's only child with -P)
vrrp_pid() { vl_children "${VL_DPID[$1]}" | head -n1; }
ifindex_of() { vl_ns "$1" cat "/sys/class/net/$2/ifindex" 2>/dev/null; }
# is_vmac NS IF : IF is a private-mode macvlan with the IPv4 virtual MAC
is_vmac() {
	vl_ns "$1" ip -d link show dev "$2" 2>/dev/null |
		awk -v m="$VMAC4" '/link\/ether/ && $2 == m { e = 1 }
			/macvlan mode private/ { v = 1 } END { exit !(e && v) }'
}
# sysctls NS IF : arp_ignore, arp_filter and rp_filter of IF
sysctls() {
	local k
	for k in arp_ignore arp_filter rp_filter; do
		vl_ns "$1" cat "/proc/sys/net/ipv4/conf/$2/$k" 2>/dev/null
	done | tr '\n' ' '
}
# capture NS FILE SECS TCPDUMP_ARGS... : bounded tcpdump on br0 in the
# background; returns once it listens
capture() {
	local ns=$1 f=$2 secs=$3
	shift 3
	: >"$f"
	vl_bg "$ns" "$f" timeout "$secs" tcpdump -l -nn -e -i br0 "$@"
	vl_wait 3 grep -q "listening on" "$f"
}
# take_name NODE : delete NODE's vrrp.51 and put a bridge of that name in
# its place while the VRRP process is paused, so that it sees the deletion
# only once the name is taken
take_name() {
	local vp
	vp=$(vrrp_pid "$1")
	[ -n "$vp" ] || return 1
	kill -STOP "$vp"
	vl_ns "$1" ip link del vrrp.51
	vl_ns "$1" ip link add vrrp.51 type bridge
	kill -CONT "$vp"
}

mkconf "$C/d1.conf" 150 51 $V4/24
mkconf "$C/d2.conf" 100 51 $V4/24
vl_dd_start "$D1" "$C/d1.conf"
vl_dd_start "$D2" "$C/d2.conf"
WHY="d1 is not the only master"
check "vmac del: d1 master on vrrp.51" \
	within 8 eval 'vip_on "$D1" vrrp.51 $V4 && vl_state_is "$D2" VI BACKUP'
sleep 1.2 # the status JSON is sent at most once a second
T1=$(vl_inst "$D1" VI "['transitions']")
T2=$(vl_inst "$D2" VI "['transitions']")
IDX=$(ifindex_of "$D1" vrrp.51)
SYS=$(sysctls "$D1" vrrp.51)
# gratuitous ARP (sender = target = the VIP) from the virtual MAC
capture "$GW" "$C/garp.txt" 8 -c 1 \
	"ether src $VMAC4 and arp and arp[14:4] = arp[24:4]"
vl_ns "$D1" ip link del vrrp.51
WHY="vrrp.51 on d1: $(vl_ns "$D1" ip -d -o link show dev vrrp.51 2>&1 | head -c 300) (old index $IDX)"
check "vmac del: vrrp.51 is back, private mode, virtual MAC, new index" \
	within 3 eval 'is_vmac "$D1" vrrp.51 && [ "$(ifindex_of "$D1" vrrp.51)" != "$IDX" ]'
WHY="$V4 not on the new vrrp.51"
check "vmac del: the VIP is on the recreated macvlan" \
	within 3 vip_on "$D1" vrrp.51 $V4
WHY="sysctls of the new vrrp.51: '$(sysctls "$D1" vrrp.51)', before '$SYS'"
check "vmac del: the recreated macvlan has the same sysctls" \
	eval '[ "$(sysctls "$D1" vrrp.51)" = "$SYS" ] && [ "${SYS%% *}" = 1 ]'
WHY="capture: $(cat "$C/garp.txt")"
check "vmac del: a gratuitous ARP for the VIP leaves with the virtual MAC" \
	within 5 grep -q "$V4" "$C/garp.txt"
# adverts leave from the new interface itself, with the virtual MAC
WHY="adverts seen leaving d1's vrrp.51"
check "vmac del: adverts leave from the recreated macvlan" \
	eval '[ "$(vl_ns "$D1" timeout 3 tcpdump -nn -e -c 2 -i vrrp.51 "ip proto 112" 2>/dev/null | grep -c "$VMAC4 > .* 192.0.2.11 > ")" = 2 ]'
WHY="advert source MACs at the gateway: '$(adv_src_macs 'ip proto 112')'"
check "vmac del: the gateway sees adverts from the virtual MAC only" \
	eval '[ "$(adv_src_macs "ip proto 112")" = "$VMAC4 " ]'
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)'"
check "vmac del: the VIP answers ping from the gateway" \
	eval 'ping_gw $V4 && neigh_is $V4 $VMAC4'
sleep 1.2
WHY="transitions d1 $T1 -> $(vl_inst "$D1" VI "['transitions']"), d2 $T2 -> $(vl_inst "$D2" VI "['transitions']")"
check "vmac del: no failover: neither director changed state" \
	eval '[ "$(vl_inst "$D1" VI "[\"transitions\"]")" = "$T1" ] &&
		[ "$(vl_inst "$D2" VI "[\"transitions\"]")" = "$T2" ] &&
		! vl_has_vip "$D2" $V4'
WHY="log: $(grep -F 'vrrp.51' "$L1" | tail -n 5)"
check "vmac del: logged with the instance name and the reason" \
	eval 'grep -qF "(VI) macvlan vrrp.51 (index $IDX) was deleted behind our back" "$L1" &&
		grep -qF "(VI) macvlan vrrp.51 recreated on eth0" "$L1"'

# the base interface deleted (the macvlan goes with it): FAULT, as for a
# link down, and no retry loop until the base is back
vl_ns "$D1" ip link del eth0 # its veth peer v11 goes with it
WHY="d1 $(vl_inst "$D1" VI "['state']")"
check "vmac base gone: d1 goes FAULT, d2 takes over" \
	within 4 eval 'vl_state_is "$D1" VI FAULT && vip_on "$D2" vrrp.51 $V4'
R=$(log_count "$L1" "recreating macvlan")
sleep 1
WHY="log: $(grep -F 'eth0' "$L1" | tail -n 3)"
check "vmac base gone: logged, no retry loop" \
	eval 'grep -qF "(VI) base interface eth0 of macvlan vrrp.51 is gone" "$L1" &&
		[ "$(log_count "$L1" "recreating macvlan")" = "$R" ] && no_if "$D1" vrrp.51'
ip -n "$GW" link add v11 type veth peer name eth0 netns "$D1"
vl_ns "$GW" ip link set v11 master br0 up
vl_ns "$D1" ip link set eth0 up
vl_ns "$D1" ip addr add 192.0.2.11/24 dev eth0
vl_ns "$D1" ip addr add 2001:db8::11/64 dev eth0 nodad
MAC1=$(vl_mac "$D1")
WHY="vrrp.51 on d1: $(vl_ns "$D1" ip -d -o link show dev vrrp.51 2>&1 | head -c 200), d1 $(vl_inst "$D1" VI "['state']")"
check "vmac base back: macvlan recreated, d1 master again" \
	within 10 eval 'is_vmac "$D1" vrrp.51 && vip_on "$D1" vrrp.51 $V4 &&
		! vl_has_vip "$D2" $V4'
WHY="d1's new eth0: $(sysctls "$D1" eth0)"
check "vmac base back: the new base gets arp_ignore/arp_filter/arp_announce" \
	eval '[ "$(sysctls "$D1" eth0)$(vl_ns "$D1" cat /proc/sys/net/ipv4/conf/eth0/arp_announce)" = "1 1 0 2" ]'
check "vmac base back: the VIP answers ping from the gateway" ping_gw $V4

# recreation failing: the name is taken by another kind of interface. The
# master must go FAULT (the backup takes over), retry with a back-off
# without touching that interface, and come back (and preempt) once the
# name is free.
take_name "$D1"
WHY="d1 $(vl_inst "$D1" VI "['state']")"
check "vmac name taken: the master goes FAULT" \
	within 3 vl_state_is "$D1" VI FAULT
WHY="d2 has no $V4"
check "vmac name taken: the backup takes over" \
	within 4 vip_on "$D2" vrrp.51 $V4
WHY="log: $(grep -F 'vrrp.51' "$L1" | tail -n 5)"
check "vmac name taken: retried with a back-off, the bridge left alone" \
	eval 'grep -qF "(VI) retrying macvlan vrrp.51 in 100 ms" "$L1" &&
		grep -qF "vrrp.51 exists and is not a macvlan on eth0" "$L1" &&
		vl_ns "$D1" ip -d link show dev vrrp.51 | grep -qw bridge'
vl_ns "$D1" ip link del vrrp.51
WHY="vrrp.51 on d1: $(vl_ns "$D1" ip -d -o link show dev vrrp.51 2>&1 | head -c 200), d1 $(vl_inst "$D1" VI "['state']")"
check "vmac name free again: recreated, d1 preempts back" \
	within 10 eval 'is_vmac "$D1" vrrp.51 && vip_on "$D1" vrrp.51 $V4 &&
		! vl_has_vip "$D2" $V4'
WHY="bridge learned $VMAC4 on '$(fdb_port $VMAC4)', want v11"
check "vmac name free again: the virtual MAC moves back" \
	within 3 fdb_is $VMAC4 v11

# our own removal at stop is no deletion behind our back
N=$(log_count "$L1" "was deleted behind our back")
stop_node "$D1"
WHY="d1 has vrrp.51 after its stop: $(vl_ns "$D1" ip -o link show dev vrrp.51 2>&1 | head -c 200)"
check "vmac stop: the macvlan removed at stop is not recreated" \
	eval 'no_if "$D1" vrrp.51 && [ "$(log_count "$L1" "was deleted behind our back")" = "$N" ]'
stop_node "$D2"

# giving up: the name stays taken; the attempts stop after the back-off
# (0.1 + 0.2 + ... + 6.4 s), the instance stays FAULT, the bridge is
# never touched
vl_dd_start "$D1" "$C/d1.conf"
WHY="d1 not master"
check "vmac give up: d1 master alone" within 8 vip_on "$D1" vrrp.51 $V4
take_name "$D1"
WHY="log: $(grep -F 'vrrp.51' "$L1" | tail -n 3)"
check "vmac give up: gives up after the bounded back-off" \
	within 16 grep -qF "(VI) giving up recreating macvlan vrrp.51 after 8 attempts" "$L1"
R=$(log_count "$L1" "recreating macvlan")
sleep 1
WHY="attempts $R then $(log_count "$L1" "recreating macvlan"), d1 $(vl_inst "$D1" VI "['state']")"
check "vmac give up: no more attempts, FAULT, the bridge left alone" \
	eval '[ "$(log_count "$L1" "recreating macvlan")" = "$R" ] &&
		vl_state_is "$D1" VI FAULT &&
		vl_ns "$D1" ip -d link show dev vrrp.51 | grep -qw bridge'
stop_node "$D1"
vl_ns "$D1" ip link del vrrp.51

# ---- vmac_xmit_base ----------------------------------------------------
mkconf "$C/d1x.conf" 150 51 $V4/24 vmac_xmit_base
vl_dd_start "$D1" "$C/d1x.conf"
WHY="$V4 not on d1's vrrp.51"
check "vmac_xmit_base: master holds the VIP on vrrp.51" \
	within 8 vip_on "$D1" vrrp.51 $V4
WHY="advert source MACs: '$(adv_src_macs 'ip proto 112')', want $MAC1"
check "vmac_xmit_base: adverts leave with the base interface's MAC" \
	eval '[ "$(adv_src_macs "ip proto 112")" = "$MAC1 " ]'
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want $VMAC4"
check "vmac_xmit_base: gateway still resolves the VIP to the virtual MAC" \
	within 3 neigh_is $V4 $VMAC4
stop_node "$D1"

# ---- unicast peers: adverts on the base, VIPs on the macvlan ----------
mkconf "$C/d1u.conf" 150 51 $V4/24 'unicast_src_ip 192.0.2.11' \
	'unicast_peer {' '192.0.2.12' '}'
mkconf "$C/d2u.conf" 100 51 $V4/24 'unicast_src_ip 192.0.2.12' \
	'unicast_peer {' '192.0.2.11' '}'
vl_dd_start "$D1" "$C/d1u.conf"
vl_dd_start "$D2" "$C/d2u.conf"
WHY="$V4 not on d1's vrrp.51 alone"
check "vmac unicast: election puts the VIP on the master's macvlan only" \
	within 8 eval 'vip_on "$D1" vrrp.51 $V4 && ! vl_has_vip "$D2" $V4'
WHY="gateway neighbour for $V4 is '$(vl_gw_neigh $V4)', want $VMAC4"
check "vmac unicast: gateway resolves the VIP to the virtual MAC" \
	within 3 neigh_is $V4 $VMAC4
stop_node "$D1"
WHY="d2 did not take over"
check "vmac unicast: SIGTERM: backup takes over" \
	within 4 vip_on "$D2" vrrp.51 $V4
stop_node "$D2"

# ---- IPv6 --------------------------------------------------------------
mkconf "$C/d1v6.conf" 150 61 $V6/64
mkconf "$C/d2v6.conf" 100 61 $V6/64
vl_dd_start "$D1" "$C/d1v6.conf"
vl_dd_start "$D2" "$C/d2v6.conf"
WHY="d1 vrrp6.61 MAC '$(if_mac "$D1" vrrp6.61)'"
check "vmac IPv6: master has vrrp6.61 with 00:00:5e:00:02:3d" \
	within 8 eval '[ "$(if_mac "$D1" vrrp6.61)" = $VMAC6 ]'
WHY="$V6 not on d1's vrrp6.61 alone"
check "vmac IPv6: election puts the VIP on the master's macvlan" \
	within 8 eval 'vip_on "$D1" vrrp6.61 $V6 && ! vl_has_vip "$D2" $V6'
WHY="advert source MACs: '$(adv_src_macs 'ip6 proto 112')'"
check "vmac IPv6: adverts leave with the virtual MAC" \
	eval '[ "$(adv_src_macs "ip6 proto 112")" = "$VMAC6 " ]'
WHY="gateway neighbour for $V6 is '$(vl_gw_neigh $V6)', want $VMAC6"
check "vmac IPv6: gateway resolves the VIP to the virtual MAC" \
	within 3 neigh_is $V6 $VMAC6
# ll_of NS IF : IF's IPv6 link-local address
ll_of() { vl_ns "$1" ip -o -6 addr show dev "$2" scope link 2>/dev/null | awk '{ print $4; exit }'; }
# deleted by hand: back with its link-local advert source, the VIP and
# adverts, and the backup stays backup
sleep 1.2 # the status JSON is sent at most once a second
T2=$(vl_inst "$D2" VI "['transitions']")
vl_ns "$D1" ip link del vrrp6.61
WHY="d1 vrrp6.61: $(vl_ns "$D1" ip -o addr show dev vrrp6.61 2>&1 | head -c 300)"
check "vmac IPv6 del: vrrp6.61 is back with the VIP and the link-local" \
	within 3 eval '[ "$(if_mac "$D1" vrrp6.61)" = $VMAC6 ] &&
		vip_on "$D1" vrrp6.61 $V6 &&
		[ "$(ll_of "$D1" vrrp6.61)" = "$(ll_of "$D1" eth0)" ]'
WHY="advert source MACs: '$(adv_src_macs 'ip6 proto 112')'"
check "vmac IPv6 del: adverts leave with the virtual MAC" \
	eval '[ "$(adv_src_macs "ip6 proto 112")" = "$VMAC6 " ]'
sleep 1.2
WHY="d2 transitions $T2 -> $(vl_inst "$D2" VI "['transitions']")"
check "vmac IPv6 del: the backup did not move" \
	eval '[ "$(vl_inst "$D2" VI "[\"transitions\"]")" = "$T2" ] && ! vl_has_vip "$D2" $V6'
vl_dd_kill9 "$D1"
VL_DPID[$D1]=
WHY="d2 did not put $V6 on vrrp6.61"
check "vmac IPv6: kill -9: backup takes over on its macvlan" \
	within 8 vip_on "$D2" vrrp6.61 $V6
WHY="bridge learned $VMAC6 on '$(fdb_port $VMAC6)', want v12"
check "vmac IPv6: kill -9: the NA moves the virtual MAC" \
	within 3 fdb_is $VMAC6 v12
WHY="gateway neighbour for $V6 is '$(vl_gw_neigh $V6)', want $VMAC6"
check "vmac IPv6: kill -9: gateway neighbour is still the virtual MAC" within 3 \
	neigh_is $V6 $VMAC6
check "vmac IPv6: kill -9: the VIP answers ping from the gateway" \
	ping_gw -6 $V6
stop_node "$D2"
check "vmac IPv6: SIGTERM removes vrrp6.61" within 3 no_if "$D2" vrrp6.61
# ---- net.ipv4.conf.all.rp_filter on (systemd's sysctl default is 2) ----
# A backup's vrrp.51 has no IPv4 address: with all.rp_filter on, the
# kernel drops the master's adverts arriving on it, and the backup takes
# over (split brain). directord sets all.rp_filter to 0 after raising every
# interface's own value (and default's) to it, so that no effective value
# max(all, own) changes, and gives everything back at stop. Set in the
# test's own namespaces only (each has its own conf/all).
# rpf NS IF : IF's own rp_filter
rpf() { vl_ns "$1" cat "/proc/sys/net/ipv4/conf/$2/rp_filter" 2>/dev/null; }
# rpfs NS : rp_filter of all, default, eth0, lo and dum0
rpfs() {
	local k
	for k in all default eth0 lo dum0; do rpf "$1" $k; done | tr '\n' ' '
}
RPF_BEFORE="2 1 0 1 2 " # dum0's own 2 is not below all's
RPF_RUN="0 2 2 2 2 "    # every effective value as before
for d in "$D1" "$D2"; do
	vl_ns "$d" ip link add dum0 type bridge
	vl_ns "$d" sysctl -qw net.ipv4.conf.all.rp_filter=2 \
		net.ipv4.conf.default.rp_filter=1 net.ipv4.conf.eth0.rp_filter=0 \
		net.ipv4.conf.lo.rp_filter=1 net.ipv4.conf.dum0.rp_filter=2 >/dev/null
done
WHY="d1 '$(rpfs "$D1")' d2 '$(rpfs "$D2")'"
check "vmac rp_filter: namespaces set up with all.rp_filter=2" \
	eval '[ "$(rpfs "$D1")" = "$RPF_BEFORE" ] && [ "$(rpfs "$D2")" = "$RPF_BEFORE" ]'
N1=$(cat "$L1" 2>/dev/null | wc -l)
mkconf "$C/d1.conf" 150 51 $V4/24
mkconf "$C/d2.conf" 100 51 $V4/24
vl_dd_start "$D1" "$C/d1.conf"
vl_dd_start "$D2" "$C/d2.conf"
WHY="d1 $(vl_inst "$D1" VI "['state']"), d2 $(vl_inst "$D2" VI "['state']")"
check "vmac rp_filter: d1 master, d2 backup" \
	within 8 eval 'vl_state_is "$D1" VI MASTER && vl_state_is "$D2" VI BACKUP &&
		vip_on "$D1" vrrp.51 $V4 && ! vl_has_vip "$D2" $V4'
sleep 1.2 # the status JSON is sent at most once a second
T2=$(vl_inst "$D2" VI "['transitions']")
sleep 3 # 6 advert intervals, twice the backup's Master_Down_Interval
WHY="d2 $(vl_inst "$D2" VI "['state']"), transitions $T2 -> $(vl_inst "$D2" VI "['transitions']"), VIP on d2: $(vl_has_vip "$D2" $V4 && echo yes)"
check "vmac rp_filter: the backup hears the adverts, no takeover" \
	eval 'vl_state_is "$D2" VI BACKUP && ! vl_has_vip "$D2" $V4 &&
		[ "$(vl_inst "$D2" VI "[\"transitions\"]")" = "$T2" ]'
WHY="d1 '$(rpfs "$D1")' d2 '$(rpfs "$D2")', want '$RPF_RUN'"
check "vmac rp_filter: all 0 while running, own values raised to the old max" \
	eval '[ "$(rpfs "$D1")" = "$RPF_RUN" ] && [ "$(rpfs "$D2")" = "$RPF_RUN" ]'
WHY="vrrp.51 rp_filter: d1 $(rpf "$D1" vrrp.51), d2 $(rpf "$D2" vrrp.51)"
check "vmac rp_filter: the macvlans have rp_filter 0" \
	eval '[ "$(rpf "$D1" vrrp.51)$(rpf "$D2" vrrp.51)" = 00 ]'
vl_ns "$D2" ip link add dum1 type bridge
WHY="d2 dum1 rp_filter $(rpf "$D2" dum1)"
check "vmac rp_filter: an interface created later gets default's raised value" \
	eval '[ "$(rpf "$D2" dum1)" = 2 ]'
WHY="log: $(tail -n +"$((N1 + 1))" "$L1" | grep -F rp_filter)"
check "vmac rp_filter: one info line says what changed and why" \
	eval '[ "$(tail -n +"$((N1 + 1))" "$L1" | grep -c "net.ipv4.conf.all.rp_filter 2 -> 0, as a Backup.s IPv4 macvlan has no address")" = 1 ]'
stop_node "$D2"
WHY="d2 '$(rpfs "$D2")', want '$RPF_BEFORE'; dum1 $(rpf "$D2" dum1)"
check "vmac rp_filter: SIGTERM restores the original values" \
	within 3 eval '[ "$(rpfs "$D2")" = "$RPF_BEFORE" ] && no_if "$D2" vrrp.51 &&
		[ "$(rpf "$D2" dum1)" = 2 ]'
# a crash leaves the values (same filtering, all. at 0); the next run sees
# all.rp_filter 0, changes nothing, so must give nothing "back" either
vl_dd_kill9 "$D1"
VL_DPID[$D1]=
WHY="d1 '$(rpfs "$D1")', want '$RPF_RUN'"
check "vmac rp_filter: kill -9 leaves the values as set" \
	eval '[ "$(rpfs "$D1")" = "$RPF_RUN" ]'
N1=$(cat "$L1" 2>/dev/null | wc -l)
vl_dd_start "$D1" "$C/d1.conf"
WHY="d1 $(vl_inst "$D1" VI "['state']")"
check "vmac rp_filter: restart after the crash: master on vrrp.51" \
	within 8 eval 'vl_state_is "$D1" VI MASTER && vip_on "$D1" vrrp.51 $V4'
stop_node "$D1"
WHY="d1 '$(rpfs "$D1")', want '$RPF_RUN'; log: $(tail -n +"$((N1 + 1))" "$L1" | grep -F rp_filter)"
check "vmac rp_filter: the run after a crash restores nothing" \
	eval 'no_if "$D1" vrrp.51 && [ "$(rpfs "$D1")" = "$RPF_RUN" ] &&
		! tail -n +"$((N1 + 1))" "$L1" | grep -qF rp_filter'
exit 0
