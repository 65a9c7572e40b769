#!/bin/bash
# lvs_e2e - inside the VM: real traffic through directord's table.
# DR: client -> director (VIP, IPVS DR, rr) -> two real servers (VIP on lo
# /32, arp_ignore=1, arp_announce=2, an HTTP server naming itself); the
# requests alternate and the replies bypass the director (its interface
# receives far fewer bytes than the client downloads). NAT: the same pair
# behind the director on their own subnet; the requests alternate.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_e2e
ns=dd-e2e-$$
pids=()

if ! command -v ipvsadm >/dev/null || ! command -v busybox >/dev/null ||
	! command -v curl >/dev/null; then
	tap_skip "$t" "ipvsadm, busybox or curl is not installed"
	exit 0
fi
if ! lvs_modules; then
	tap_skip "$t" "no IPVS in this kernel"
	exit 0
fi
if [ ! -x "$DIRECTORD" ]; then
	tap_skip "$t" "directord not built in $DD_BUILD"
	exit 0
fi
cleanup() {
	local p n
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	lvs_cleanup
	for n in sw c r1 r2 n1 n2; do ip netns del "$ns-$n" 2>/dev/null; done
}
trap cleanup EXIT

nsx() {
	local n=$1
	shift
	ip netns exec "$ns-$n" "$@"
}

# plug NS IF BRIDGE: a veth from namespace NS (or "" for ours) to BRIDGE
plug() {
	local n=$1 ifn=$2 br=$3 peer=p$RANDOM
	ip link add "$ifn" type veth peer name "$peer" || return 1
	ip link set "$peer" netns "$ns-sw"
	nsx sw ip link set "$peer" master "$br" up
	if [ -n "$n" ]; then
		ip link set "$ifn" netns "$ns-$n"
		nsx "$n" ip link set "$ifn" up
		nsx "$n" ip link set lo up
	else
		ip link set "$ifn" up
	fi
}

# web NS NAME: an HTTP server in NS whose pages name it; a 256 KiB file
web() {
	mkdir -p "$LVS_WORK/$2"
	echo "$2" >"$LVS_WORK/$2/index.html"
	head -c 262144 /dev/zero >"$LVS_WORK/$2/big"
	nsx "$1" busybox httpd -f -p 80 -h "$LVS_WORK/$2" &
	pids+=($!)
}

setup() {
	local n
	for n in sw c r1 r2 n1 n2; do ip netns add "$ns-$n" || return 1; done
	nsx sw ip link add br0 type bridge && nsx sw ip link set br0 up &&
		nsx sw ip link add br1 type bridge && nsx sw ip link set br1 up ||
		return 1
	# DR segment 192.0.2.0/24: director, client, r1, r2
	plug "" d0 br0 && plug c eth0 br0 && plug r1 eth0 br0 &&
		plug r2 eth0 br0 || return 1
	ip addr add 192.0.2.1/24 dev d0
	ip addr add 192.0.2.10/32 dev d0
	ip addr add 192.0.2.11/32 dev d0
	nsx c ip addr add 192.0.2.100/24 dev eth0
	for n in 1 2; do
		nsx r$n sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 \
			net.ipv4.conf.eth0.arp_ignore=1 \
			net.ipv4.conf.eth0.arp_announce=2
		nsx r$n ip addr add 192.0.2.2$n/24 dev eth0
		nsx r$n ip addr add 192.0.2.10/32 dev lo
		web r$n "dr-rs$n"
	done
	# NAT segment 198.51.100.0/24: director and n1, n2 behind it
	plug "" d1 br1 && plug n1 eth0 br1 && plug n2 eth0 br1 || return 1
	ip addr add 198.51.100.1/24 dev d1
	sysctl -qw net.ipv4.ip_forward=1
	for n in 1 2; do
		nsx n$n ip addr add 198.51.100.2$n/24 dev eth0
		nsx n$n ip route add default via 198.51.100.1
		web n$n "nat-rs$n"
	done
}

# fetch N URL: the first lines of N requests from the client, space separated
fetch() {
	local i out=""
	for i in $(seq 1 "$1"); do
		out="$out $(nsx c curl -s -m 5 "$2" 2>/dev/null | head -n 1)"
	done
	echo $out
}

# alternates NAME A B WORDS...: WORDS alternate between A and B
alternates() {
	local name=$1 a=$2 b=$3 prev="" w ok=1
	shift 3
	[ $# -ge 4 ] || ok=0
	for w in "$@"; do
		{ [ "$w" = "$a" ] || [ "$w" = "$b" ]; } || ok=0
		[ "$w" != "$prev" ] || ok=0
		prev=$w
	done
	if [ $ok = 1 ]; then
		tap_ok "$t: $name"
	else
		tap_fail "$t: $name" "replies: $*"
	fi
}

if ! setup; then
	tap_fail "$t: setup" "cannot build the namespaces"
	exit 0
fi
cat >"$LVS_WORK/e2e.conf" <<'EOC'
virtual_server 192.0.2.10 80 {
	lvs_sched rr
	lvs_method DR
	protocol TCP
	real_server 192.0.2.21 80 { weight 1 }
	real_server 192.0.2.22 80 { weight 1 }
}
virtual_server 192.0.2.11 80 {
	lvs_sched rr
	lvs_method NAT
	protocol TCP
	real_server 198.51.100.21 80 { weight 1 }
	real_server 198.51.100.22 80 { weight 1 }
}
EOC
if ! lvs_dd_start "$LVS_WORK/e2e.conf"; then
	tap_fail "$t: start" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
	exit 0
fi
lvs_wait_stable

# shellcheck disable=SC2046
alternates "DR: requests alternate between both real servers" dr-rs1 dr-rs2 \
	$(fetch 6 http://192.0.2.10/)

rx0=$(cat /sys/class/net/d0/statistics/rx_bytes)
got=0
for i in 1 2 3 4; do
	n=$(nsx c curl -s -m 10 http://192.0.2.10/big 2>/dev/null | wc -c)
	got=$((got + n))
done
rx=$(($(cat /sys/class/net/d0/statistics/rx_bytes) - rx0))
if [ "$got" -ge $((4 * 262144)) ] && [ "$rx" -lt $((got / 8)) ]; then
	tap_ok "$t: DR: replies bypass the director ($got bytes down, director received $rx)"
else
	tap_fail "$t: DR: replies bypass the director" \
		"client got $got bytes, director received $rx"
fi

# shellcheck disable=SC2046
alternates "NAT: requests alternate between both real servers" nat-rs1 \
	nat-rs2 $(fetch 6 http://192.0.2.11/)
lvs_dd_stop
exit 0
