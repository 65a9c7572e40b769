#!/usr/bin/env bash
# test_vrrp_vmac.sh - use_vmac / vmac_xmit_base with two directord
# directors and a gateway on a bridge (vrrp_lib.sh topology): the master
# holds the VIP on vrrp.<VRID> with the VRRP virtual MAC, the gateway's
# neighbour entry keeps that MAC across a crash failover, adverts and GARPs
# leave with the virtual MAC (or the base MAC with vmac_xmit_base), a
# leftover macvlan of a crashed run is recreated, SIGTERM removes it; the
# same for IPv6 (vrrp6.<VRID>, 00:00:5e:00:02:<VRID>).
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
exit 0
