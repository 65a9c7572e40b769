#!/bin/bash
# lvs_e2e - inside the VM: real traffic through directord's table.
# DR: client -> director (VIP, IPVS DR, rr) -> two real servers (VIP on lo
# /32, arp_ignore=1, arp_announce=2, an HTTP server naming itself); the
# requests alternate and the replies bypass the director (its interface
# receives far fewer bytes than the client downloads). NAT: the same pair
# behind the director on their own subnet; the requests alternate and the
# replies do cross the director (the same counter sees them: the DR check
# measures something).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_e2e
ns=dd-e2e-$$
pids=()

lvs_case_ready "$t" "ipvsadm busybox curl" all || exit 0
cleanup() {
	local p n
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	lvs_cleanup
	for n in sw c r1 r2 n1 n2; do ip netns del "$ns-$n" 2>/dev/null; done
}
trap cleanup EXIT

nsx() {
	local n=$1
	shift
	ip netns exec "$ns-$n" "$@"
}

# web NS NAME [SYSCTL...]: in NS, write each SYSCTL (key=value) and run an
# HTTP server whose pages name it, with a 256 KiB file (one exec chain: each
# exec costs under TCG)
web() {
	local n=$1 name=$2
	shift 2
	mkdir -p "$LVS_WORK/$name"
	echo "$name" >"$LVS_WORK/$name/index.html"
	head -c 262144 /dev/zero >"$LVS_WORK/$name/big"
	# ip netns exec and sh exec the server: $! is the server itself, and
	# its output must not hold the case's stdout open
	ip netns exec "$ns-$n" sh -c 'for kv in "$@"; do
		echo "${kv#*=}" >"/proc/sys/${kv%%=*}" || exit 1; done
		exec busybox httpd -f -p 80 -h "$0"' "$LVS_WORK/$name" "$@" \
		</dev/null >/dev/null 2>&1 &
	pids+=($!)
}

# setup: every namespace and link with one `ip -batch` per namespace
setup() {
	local n arp=(net/ipv4/conf/all/arp_ignore=1
		net/ipv4/conf/all/arp_announce=2
		net/ipv4/conf/eth0/arp_ignore=1
		net/ipv4/conf/eth0/arp_announce=2)
	for n in sw c r1 r2 n1 n2; do ip netns add "$ns-$n" || return 1; done
	# the switch: br0 for the DR segment 192.0.2.0/24 (director, client,
	# r1, r2), br1 for the NAT segment 198.51.100.0/24 (director, n1, n2)
	ip -n "$ns-sw" -b - <<EOB || return 1
link add br0 type bridge
link add br1 type bridge
link set br0 up
link set br1 up
link add d0 type veth peer name d0 netns $$
link add d1 type veth peer name d1 netns $$
link add c type veth peer name eth0 netns $ns-c
link add r1 type veth peer name eth0 netns $ns-r1
link add r2 type veth peer name eth0 netns $ns-r2
link add n1 type veth peer name eth0 netns $ns-n1
link add n2 type veth peer name eth0 netns $ns-n2
link set d0 master br0 up
link set c master br0 up
link set r1 master br0 up
link set r2 master br0 up
link set d1 master br1 up
link set n1 master br1 up
link set n2 master br1 up
EOB
	ip -b - <<EOB || return 1
addr add 192.0.2.1/24 dev d0
addr add 192.0.2.10/32 dev d0
addr add 192.0.2.11/32 dev d0
addr add 198.51.100.1/24 dev d1
link set d0 up
link set d1 up
EOB
	echo 1 >/proc/sys/net/ipv4/ip_forward || return 1
	printf 'link set lo up\nlink set eth0 up\naddr add 192.0.2.100/24 dev eth0\n' |
		ip -n "$ns-c" -b - || return 1
	for n in 1 2; do
		ip -n "$ns-r$n" -b - <<EOB || return 1
link set lo up
link set eth0 up
addr add 192.0.2.2$n/24 dev eth0
addr add 192.0.2.10/32 dev lo
EOB
		web r$n "dr-rs$n" "${arp[@]}"
		ip -n "$ns-n$n" -b - <<EOB || return 1
link set lo up
link set eth0 up
addr add 198.51.100.2$n/24 dev eth0
route add default via 198.51.100.1
EOB
		web n$n "nat-rs$n"
	done
}

# rxbytes IF: bytes received on IF of this namespace (/proc/net/dev follows
# the reader's namespace; /sys/class/net is the VM's initial one)
rxbytes() {
	sed 's/:/ /' /proc/net/dev | awk -v i="$1" '$1 == i { print $2 }'
}

# download IF URL: fetch URL 4 times; prints "BYTES_DOWN BYTES_RX_ON_IF"
# (-1 when IF has no counters)
download() {
	local got rx0
	rx0=$(rxbytes "$1")
	if [ -z "$rx0" ]; then
		echo "0 -1"
		return
	fi
	got=$(nsx c curl -s -m 20 -H 'Connection: close' \
		-w '%{size_download}\n' -o /dev/null "$2" -o /dev/null "$2" \
		-o /dev/null "$2" -o /dev/null "$2" 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }')
	echo "$got $(($(rxbytes "$1") - rx0))"
}

# fetch N URL: the first line of each of N requests from the client (one
# connection each), space separated
fetch() {
	local urls=()
	for _ in $(seq 1 "$1"); do urls+=("$2"); done
	nsx c curl -s -m 10 -H 'Connection: close' "${urls[@]}" 2>/dev/null |
		tr '\n' ' '
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

read -r got rx < <(download d0 http://192.0.2.10/big)
if [ "$got" -ge $((4 * 262144)) ] && [ "$rx" -ge 0 ] &&
	[ "$rx" -lt $((got / 8)) ]; then
	tap_ok "$t: DR: replies bypass the director ($got bytes down, director received $rx)"
else
	tap_fail "$t: DR: replies bypass the director" \
		"client got $got bytes, director received $rx"
fi

# shellcheck disable=SC2046
alternates "NAT: requests alternate between both real servers" nat-rs1 \
	nat-rs2 $(fetch 6 http://192.0.2.11/)

read -r got rx < <(download d1 http://192.0.2.11/big)
if [ "$got" -ge $((4 * 262144)) ] && [ "$rx" -ge "$got" ]; then
	tap_ok "$t: NAT: replies cross the director ($got bytes down, director received $rx)"
else
	tap_fail "$t: NAT: replies cross the director" \
		"client got $got bytes, director received $rx"
fi
lvs_dd_stop
exit 0
