#!/bin/bash
# capture.sh - capture real VRRP adverts from keepalived (Debian's
# /usr/sbin/keepalived) for tests/unit/test_vrrp_packet.c and the fuzz corpus.
#
# Runs keepalived as master in a private network namespace (veth pair,
# documentation addresses only), records ~10 s of its adverts with tcpdump,
# then writes, per case, NAME.pcap (the frames) and NAME.hex (what a raw
# socket delivers: IPv4 header + VRRP for IPv4, VRRP only for IPv6, plus the
# addresses and the hop limit) and the fuzz seeds tests/fuzz/corpus_vrrp/.
# Needs root. Usage: tests/unit/vectors/capture.sh   (from anywhere)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "$here/../../fuzz" && pwd)/corpus_vrrp
ns=dd-vrrpcap-$$
tmp=$(mktemp -d /tmp/dd-vrrpcap.XXXXXX)
kpid= tpid=

cleanup() {
	[ -n "$kpid" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	ip netns del "$ns-peer" 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$ns"
ip netns add "$ns-peer" # holds the unicast peer, so unicast leaves veth0
nsx() { ip netns exec "$ns" "$@"; }
nsx sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
nsx ip link add veth0 address 02:00:00:00:53:01 type veth \
	peer name veth1 address 02:00:00:00:53:02
nsx ip link set lo up
nsx ip link set veth1 netns "$ns-peer"
nsx ip addr add 192.0.2.1/24 dev veth0
ip -n "$ns-peer" addr add 192.0.2.2/24 dev veth1
nsx ip link set veth0 up
ip -n "$ns-peer" link set veth1 up
sleep 1 # link-local addresses

cat >"$tmp/k.conf" <<'CONF'
global_defs {
	router_id dd-capture
}
vrrp_instance V2_PASS {
	version 2
	state MASTER
	interface veth0
	virtual_router_id 51
	priority 150
	advert_int 1
	authentication {
		auth_type PASS
		auth_pass dd-pass1
	}
	virtual_ipaddress {
		192.0.2.100/32
		192.0.2.101/32
	}
}
vrrp_instance V3_V4_1S {
	version 3
	state MASTER
	interface veth0
	virtual_router_id 52
	priority 200
	advert_int 1
	virtual_ipaddress {
		192.0.2.110/32
	}
}
vrrp_instance V3_V4_100MS {
	version 3
	state MASTER
	interface veth0
	virtual_router_id 53
	priority 100
	advert_int 0.1
	virtual_ipaddress {
		192.0.2.120/32
		192.0.2.121/32
		192.0.2.122/32
	}
}
vrrp_instance V3_V6_1S {
	version 3
	state MASTER
	interface veth0
	virtual_router_id 54
	priority 254
	advert_int 1
	virtual_ipaddress {
		2001:db8::100/128
		2001:db8::101/128
	}
}
vrrp_instance V3_V6_100MS {
	version 3
	state MASTER
	interface veth0
	virtual_router_id 55
	priority 100
	advert_int 0.1
	virtual_ipaddress {
		2001:db8::110/128
	}
}
vrrp_instance V3_V4_UNICAST {
	version 3
	state MASTER
	interface veth0
	virtual_router_id 56
	priority 120
	advert_int 1
	unicast_src_ip 192.0.2.1
	unicast_peer {
		192.0.2.2
	}
	virtual_ipaddress {
		192.0.2.130/32
	}
}
CONF

# run directly (not via nsx) so $! is the PID that becomes the program
ip netns exec "$ns" tcpdump -i veth0 -w "$tmp/all.pcap" -U -n 'ip proto 112 or ip6 proto 112' \
	>"$tmp/tcpdump.log" 2>&1 &
tpid=$!
sleep 1
ip netns exec "$ns" /usr/sbin/keepalived -n -l -P -f "$tmp/k.conf" -p "$tmp/k.pid" \
	-r "$tmp/v.pid" -c "$tmp/c.pid" >"$tmp/k.log" 2>&1 &
kpid=$!
sleep 10
kill "$kpid" # SIGTERM: its masters send priority 0
wait "$kpid" 2>/dev/null || true
kpid=
sleep 1
kill "$tpid"
wait "$tpid" 2>/dev/null || true
tpid=

split() { # NAME FILTER
	tcpdump -r "$tmp/all.pcap" -w "$here/$1.pcap" "$2" 2>/dev/null
}
# VRID is byte 1 of the VRRP header: IPv4 (IHL 5) offset 21, IPv6 41
split ka_v2_pass 'ip and ip[21] = 51'
split ka_v3_ip4_1s 'ip and ip[21] = 52'
split ka_v3_ip4_100ms 'ip and ip[21] = 53'
split ka_v3_ip6_1s 'ip6 and ip6[41] = 54'
split ka_v3_ip6_100ms 'ip6 and ip6[41] = 55'
split ka_v3_ip4_unicast 'ip and ip[21] = 56'

"$here/pcap2hex.py" "$here" "$corpus" "$(/usr/sbin/keepalived --version 2>&1 | head -1)" \
	ka_v2_pass ka_v3_ip4_1s ka_v3_ip4_100ms ka_v3_ip6_1s ka_v3_ip6_100ms \
	ka_v3_ip4_unicast
