# shellcheck shell=bash
# drill/lab.sh - the drill's LVS-DR lab in network namespaces (sourced by
# daemon/directord-drill). Every namespace is named $PFX<role>; everything
# the lab starts runs inside one of them, so lab_down (kill what runs in
# them, by pid, then delete them) leaves nothing behind.
#
#   client 198.51.100.10 -- gw 198.51.100.1 | 192.0.2.1 -- lan (bridge)
#   lan: dA 192.0.2.2, dB 192.0.2.3, rs1 192.0.2.21, rs2 192.0.2.22, ...
#
# Needs: PFX, LAB (state directory), PY, DAEMON, DIRECTORD, DIRECTORCTL, RSCTL,
# KEEPALIVED, and $LAB/facts.sh (written by lab_facts).

LAB_LIFETIME=${DD_DRILL_LIFETIME:-3600} # bound for servers the lab starts
# decimal points, not commas, in $EPOCHREALTIME and awk's numbers: the
# report parses the drill's timestamps and times
export LC_NUMERIC=C
MAC_GW=02:dd:00:00:00:01
MAC_A=02:dd:00:00:00:02
MAC_B=02:dd:00:00:00:03

log() { echo "drill: $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
# nsx NS CMD...: run CMD in the lab's namespace NS. Never background a
# call of nsx: $! would be a subshell, not CMD; start background commands
# with "ip netns exec" directly (it execs CMD, so $! is CMD's pid).
nsx() { ip netns exec "$PFX$1" "${@:2}"; }

# lab_facts: facts.json -> facts.sh (shell variables the lab needs).
lab_facts() {
	"$PY" - "$LAB/facts.json" >"$LAB/facts.sh" <<'EOF' || return 1
import json, shlex, sys
f = json.load(open(sys.argv[1]))
q = shlex.quote
print(f"IFACE={q(f['iface'])}")
print(f"VIP={q(f['first_vip'])}")
print(f"VIPS={q(' '.join(f['vips']))}")
vs = f["virtual_servers"][0]
print(f"VS_PORT={vs['port']}")
print(f"VS_SCHEME={f.get('scheme', 'http')}")
r0 = vs["real_servers"][0]
print(f"RS_DOWN_IP={q(r0['ip'])}")
# the entry real-server-down watches: rs1 in the first service
print(f"RS_DOWN_ENTRY={q(r0['ip'] + ':' + str(r0['port']))}")
# every real server of every service: the lab is ready when all are in
print("RS_ENTRIES=" + q(" ".join(f"{r['ip']}:{r['port']}"
                                 for v in f["virtual_servers"]
                                 for r in v["real_servers"])))
i = f["instance"]
adv = i["advert_int"]


def skew(prio):
    # keepalived.md section 5: v2 (256 - prio) / 256 s, v3 scaled by the
    # advert interval
    return (256 - prio) / 256 * (adv if i["version"] == 3 else 1)


pa, pb = i["priority"]
pref, other = ("A", "B") if pa >= pb else ("B", "A")
print(f"PREF={pref} OTHER={other}")
print(f"ADV={adv}")
for x, p in (("A", pa), ("B", pb)):
    print(f"SKEW_{x}={skew(p):.3f} MDI_{x}={3 * adv + skew(p):.3f}")
print(f"PREEMPT_DELAY_{pref}={i['preempt_delay'][0 if pref == 'A' else 1]}")
print(f"NOPREEMPT_{pref}={int(i['nopreempt'][0 if pref == 'A' else 1])}")
print(f"GARP_DELAY={i['garp_master_delay']}")
print(f"GARP_LP_DELAY={i['garp_lower_prio_delay']}")
w = vs["real_servers"][0]["window"]
print(f"RS_WINDOW={w if w is not None else 0}")
print(f"RS_NAMES={q(' '.join(r['name'] for r in f['real_servers']))}")
for r in f["real_servers"]:
    n = r["name"]
    print(f"RS_IP_{n}={q(r['ip'])}")
    print(f"RS_PORTS_{n}={q(' '.join(map(str, r['ports'])))}")
    print(f"RS_TLS_PORTS_{n}={q(' '.join(map(str, r.get('tls_ports', []))))}")
    print(f"RS_MAC_{n}=02:dd:00:00:00:{int(r['ip'].split('.')[3]):02x}")
EOF
	# shellcheck source=/dev/null
	. "$LAB/facts.sh"
}

# lab_namespaces: the names of every namespace of this lab that exists.
lab_namespaces() {
	ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$PFX" || true
}

# lab_link HOST IFNAME MAC ADDR/LEN: a veth from the LAN bridge to HOST.
# The port learns no addresses, so the LAN floods every frame like a hub:
# the gateway's capture sees unicast VRRP adverts (unicast_peer) too, and
# the hosts drop frames for other MACs as a real LAN's would not send them.
lab_link() {
	local host=$1 ifname=$2 mac=$3 addr=$4 port="p-$1"
	ip -n "${PFX}lan" link add "$port" type veth peer name "$ifname" \
		netns "$PFX$host" || return 1
	ip -n "${PFX}lan" link set "$port" master br0 up &&
		ip -n "${PFX}lan" link set "$port" type bridge_slave \
			learning off &&
		ip -n "$PFX$host" link set "$ifname" address "$mac" up &&
		ip -n "$PFX$host" addr add "$addr" dev "$ifname"
}

# lab_sysctl NS KEY=VALUE...
lab_sysctl() {
	local ns=$1 kv
	shift
	for kv in "$@"; do
		nsx "$ns" sysctl -qw "$kv" || return 1
	done
}

lab_up() {
	local n h
	mkdir -p "$LAB/pids" || return 1
	echo "PFX=$PFX" >"$LAB/lab.env"
	for h in lan client gw dA dB $RS_NAMES; do
		ip netns add "$PFX$h" || return 1
		ip -n "$PFX$h" link set lo up || return 1
	done
	ip -n "${PFX}lan" link add br0 type bridge stp_state 0 \
		forward_delay 0 &&
		ip -n "${PFX}lan" link set br0 up || return 1
	ip -n "${PFX}gw" link add cl0 type veth peer name eth0 \
		netns "${PFX}client" || return 1
	ip -n "${PFX}gw" link set cl0 up &&
		ip -n "${PFX}gw" addr add 198.51.100.1/24 dev cl0 &&
		ip -n "${PFX}client" link set eth0 up &&
		ip -n "${PFX}client" addr add 198.51.100.10/24 dev eth0 &&
		ip -n "${PFX}client" route add default via 198.51.100.1 ||
		return 1
	lab_link gw lan0 "$MAC_GW" 192.0.2.1/24 &&
		lab_sysctl gw net.ipv4.ip_forward=1 || return 1
	lab_link dA "$IFACE" "$MAC_A" 192.0.2.2/24 &&
		lab_link dB "$IFACE" "$MAC_B" 192.0.2.3/24 || return 1
	for h in dA dB; do
		ip -n "$PFX$h" route add default via 192.0.2.1 &&
			lab_sysctl "$h" net.ipv4.ip_forward=1 || return 1
		# a well-run director: a client reusing the port of an old
		# connection to a removed real server is rescheduled, not
		# dropped for the entry's FIN_WAIT minutes (directord warns
		# when this is 0)
		if nsx "$h" test -e /proc/sys/net/ipv4/vs/expire_nodest_conn; then
			lab_sysctl "$h" net.ipv4.vs.expire_nodest_conn=1 ||
				return 1
		fi
	done
	for n in $RS_NAMES; do
		h=RS_IP_$n && local ip=${!h}
		h=RS_MAC_$n && local mac=${!h}
		lab_link "$n" eth0 "$mac" "$ip/24" &&
			ip -n "$PFX$n" route add default via 192.0.2.1 || return 1
		lab_rs_prepare "$n" || return 1
	done
	# shellcheck disable=SC2086 # names, one word each
	lab_http_start $RS_NAMES
}

# lab_tls_make: when a real server serves HTTPS (an SSL_GET checks it), a
# CA made now and one certificate it signs for every real server address,
# in $LAB/tls (the SSL block's ca maps to $LAB/tls/ca.pem). Called before
# lab_up: the daemons' config test reads the CA.
lab_tls_make() {
	local n v san="" t=$LAB/tls
	for n in $RS_NAMES; do
		v=RS_TLS_PORTS_$n
		[ -n "${!v}" ] || continue
		v=RS_IP_$n
		san="${san:+$san,}IP:${!v}"
	done
	[ -n "$san" ] || return 0
	command -v openssl >/dev/null || {
		log "SSL_GET needs openssl to make the lab's certificates"
		return 1
	}
	install -m 0755 -d "$t" || return 1
	{
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 2 -subj "/CN=directord-drill lab CA" \
			-keyout "$t/ca.key" -out "$t/ca.pem" &&
			openssl req -new -newkey ec \
				-pkeyopt ec_paramgen_curve:prime256v1 -nodes \
				-subj "/CN=directord-drill real server" \
				-keyout "$t/rs.key" -out "$t/rs.csr" &&
			printf 'subjectAltName=%s\n' "$san" >"$t/rs.ext" &&
			openssl x509 -req -in "$t/rs.csr" -CA "$t/ca.pem" \
				-CAkey "$t/ca.key" -CAcreateserial -days 2 \
				-extfile "$t/rs.ext" -out "$t/rs.pem"
	} >"$t/openssl.log" 2>&1 || {
		log "cannot make the lab's certificates:"
		sed 's/^/  /' "$t/openssl.log" >&2
		return 1
	}
	chmod 0644 "$t/ca.pem" "$t/rs.pem"
}

# lab_rs_prepare NAME: make NAME a DR real server for every VIP with
# directorctl; --break arp_ignore undoes arp_ignore on the first one.
lab_rs_prepare() {
	local n=$1 v args=()
	for v in $VIPS; do args+=(--vip "$v"); done
	nsx "$n" "$RSCTL" realserver prepare "${args[@]}" --apply \
		>"$LAB/$n.prepare.log" 2>&1 || {
		log "$n: directorctl realserver prepare failed:"
		sed 's/^/  /' "$LAB/$n.prepare.log" >&2
		return 1
	}
	if [ "$n" = rs1 ] && [[ " ${BREAK:-} " == *" arp_ignore "* ]]; then
		lab_sysctl "$n" net.ipv4.conf.all.arp_ignore=0 \
			net.ipv4.conf.eth0.arp_ignore=0
		log "break: $n answers ARP for the VIP (arp_ignore=0)"
	fi
}

# wait_started FILE PID END: wait until process PID has created FILE (its
# sign that it is ready); false when PID died or $SECONDS reached END.
wait_started() {
	until [ -e "$1" ]; do
		kill -0 "$2" 2>/dev/null && [ $SECONDS -lt "$3" ] || return 1
		sleep 0.05
	done
}

# lab_http_start NAME...: for each real server NAME, drill/rs_server.py
# serving every port NAME serves (HTTPS on the ports an SSL_GET checks), one
# process for all of them; every page, whatever the path, is NAME, so the
# client log says who answered. All start at once, then each is waited for
# (up to 60 s: a Python start is slow under emulation) until its "ready"
# file says every port listens.
lab_http_start() {
	local n v plain tls end args=() pid=()
	for n in "$@"; do
		v=RS_PORTS_$n && plain=${!v}
		v=RS_TLS_PORTS_$n && tls=${!v}
		plain=${plain// /,} tls=${tls// /,}
		rm -f "$LAB/$n.http.ready"
		args=("$n" "$LAB/$n.http.ready" "${plain:--}")
		[ -n "$tls" ] && args+=("$tls" "$LAB/tls/rs.pem" "$LAB/tls/rs.key")
		ip netns exec "$PFX$n" timeout "$LAB_LIFETIME" "$PY" \
			"$DRILL_DIR/rs_server.py" "${args[@]}" \
			>>"$LAB/$n.http.log" 2>&1 &
		pid+=($!)
		echo $! >"$LAB/pids/$n.http"
	done
	end=$((SECONDS + 60))
	for n in "$@"; do
		wait_started "$LAB/$n.http.ready" "${pid[0]}" "$end" || {
			log "$n: its web servers did not start: $(tail -n 3 "$LAB/$n.http.log")"
			return 1
		}
		rm -f "$LAB/$n.http.ready"
		pid=("${pid[@]:1}")
	done
}

# lab_http_stop NAME: stop NAME's web servers (one process: the fault is one
# moment, not one port after another).
lab_http_stop() {
	local pid
	pid=$(cat "$LAB/pids/$1.http" 2>/dev/null) || return 0
	rm -f "$LAB/pids/$1.http"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	true
}

# lab_kill_ns NS: kill every process of namespace NS (all started by the
# lab), by pid.
lab_kill_ns() {
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null
	done
}

# lab_down: kill the lab's processes, delete its namespaces.
lab_down() {
	local ns pid f
	for f in "$LAB"/pids/*; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null
	done
	for ns in $(lab_namespaces); do
		lab_kill_ns "$ns"
	done
	sleep 0.2
	for ns in $(lab_namespaces); do
		lab_kill_ns "$ns"
		ip netns del "$ns" 2>/dev/null || log "cannot delete namespace $ns"
	done
	rm -rf "$LAB/pids"
}

# ---- directors ----

# dir_start X: start the director daemon in namespace dX (X = A or B).
# Started from a subshell, so it is not a job of ours: a kill -9 of it
# prints no "Killed" notice; dir_gone polls instead of wait.
dir_start() {
	local x=$1 ns=d$1
	rm -f "$LAB/d$x.ctl"
	(
		case $DAEMON in
		directord)
			ip netns exec "$PFX$ns" "$DIRECTORD" -n -l -D \
				-f "$LAB/d$x.conf" -p "$LAB/d$x.pid" \
				--control "$LAB/d$x.ctl" \
				>>"$LAB/d$x.$DAEMON.log" 2>&1 &
			;;
		keepalived)
			ip netns exec "$PFX$ns" "$KEEPALIVED" -n -l -D \
				-f "$LAB/d$x.conf" -p "$LAB/d$x.pid" \
				-r "$LAB/d$x.vrrp.pid" -c "$LAB/d$x.check.pid" \
				-i "lab-d$x" >>"$LAB/d$x.$DAEMON.log" 2>&1 &
			;;
		esac
		echo $! >"$LAB/pids/d$x.daemon"
	)
}

# dir_gone X SECS: wait until nothing runs in dX any more.
dir_gone() {
	local i
	for i in $(seq $(($2 * 10))); do
		[ -z "$(ip netns pids "${PFX}d$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

dir_pid() { cat "$LAB/pids/d$1.daemon" 2>/dev/null; }

# dir_stop X: SIGTERM, wait up to 10 s, then SIGKILL what is left.
dir_stop() {
	local pid
	pid=$(dir_pid "$1") || return 0
	kill -TERM "$pid" 2>/dev/null
	dir_gone "$1" 10 || lab_kill_ns "${PFX}d$1"
	dir_gone "$1" 5
	rm -f "$LAB/pids/d$1.daemon"
}

# dir_crash X [EVENT]: kill -9 every process of the daemon at once (stopped
# first, so no child sees its parent die and shuts down cleanly); the box
# keeps its kernel state: VIP and IPVS table stay, as after a real crash.
# EVENT (optional) is recorded at the moment of the kill.
dir_crash() {
	local pids
	pids=$(ip netns pids "${PFX}d$1")
	[ -n "${2:-}" ] && event "$2"
	[ -n "$pids" ] && kill -STOP $pids 2>/dev/null
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	dir_gone "$1" 5
	rm -f "$LAB/pids/d$1.daemon"
}

# dir_reload X: reload the daemon's configuration.
dir_reload() {
	case $DAEMON in
	directord) nsx "d$1" "$DIRECTORCTL" --control "$LAB/d$1.ctl" reload ;;
	keepalived) kill -HUP "$(dir_pid "$1")" ;;
	esac
}

# dir_clean X: remove what a dead daemon left in the kernel (VIPs, IPVS).
dir_clean() {
	local v a
	for v in $VIPS; do
		# with the config's prefix length (a VIP may be /24)
		for a in $(ip -n "${PFX}d$1" -o -4 addr show dev "$IFACE" 2>/dev/null |
			awk -v v="$v" '{ split($4, p, "/"); if (p[1] == v) print $4 }'); do
			ip -n "${PFX}d$1" addr del "$a" dev "$IFACE" 2>/dev/null
		done
	done
	nsx "d$1" ipvsadm -C 2>/dev/null
	true
}

# dir_has_vip X: true when director X holds the VIP.
dir_has_vip() {
	[[ $(ip -n "${PFX}d$1" -o addr show dev "$IFACE" 2>/dev/null) == *" $VIP/"* ]]
}

# masters: "A", "B", "A B" or "" - who holds the VIP now.
masters() {
	local m=""
	dir_has_vip A && m="A"
	dir_has_vip B && m="${m:+$m }B"
	echo "$m"
}

# wait_master WHO SECS: wait until exactly WHO holds the VIP.
wait_master() {
	local want=$1 end
	end=$((EPOCHSECONDS + $2))
	while [ $EPOCHSECONDS -le $end ]; do
		[ "$(masters)" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# ipvs_save X FILE: the IPVS table of director X, sorted.
ipvs_save() {
	nsx "d$1" ipvsadm -Sn 2>&1 | sort >"$2"
}

# gw_neigh: the gateway's neighbour entry for the VIP ("MAC STATE").
gw_neigh() {
	ip -n "${PFX}gw" neigh show "$VIP" dev lan0 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") m = $(i + 1);
		       print (m ? m : "none"), $NF }'
}

# ---- capture and client ----

# cap_start FILE: capture ARP, VRRP, IGMP (a daemon joining the VRRP group
# shows when it is up) and SYN-ACKs at the gateway's LAN port.
cap_start() {
	local i
	ip netns exec "${PFX}gw" timeout "$LAB_LIFETIME" tcpdump -i lan0 -U -n -Z root -w "$1" \
		'arp or igmp or ip proto 112 or (tcp and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack))' \
		>"$1.log" 2>&1 &
	echo $! >"$LAB/pids/cap"
	for i in $(seq 100); do
		grep -q "listening on" "$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	log "tcpdump did not start: $(cat "$1.log")"
	return 1
}

cap_stop() {
	local pid
	pid=$(cat "$LAB/pids/cap" 2>/dev/null) || return 0
	sleep 0.3 # let the last packets reach the file
	kill -TERM "$pid" 2>/dev/null # background jobs ignore SIGINT
	wait "$pid" 2>/dev/null
	rm -f "$LAB/pids/cap"
}

# client_start SECS FILE: HTTP requests through the VIP every 50 ms, from
# when it returns (the client creates FILE just before its first request;
# under emulation a Python start takes a second or more).
client_start() {
	rm -f "$2"
	ip netns exec "${PFX}client" "$PY" "$DRILL_DIR/client.py" "$VS_SCHEME://$VIP:$VS_PORT/" \
		"$1" "$2" 2>>"$2.err" &
	echo $! >"$LAB/pids/client"
	wait_started "$2" $! $((SECONDS + 30)) || {
		log "the client did not start: $(tail -n 3 "$2.err")"
		return 1
	}
}

client_wait() {
	local pid
	pid=$(cat "$LAB/pids/client" 2>/dev/null) || return 0
	wait "$pid" 2>/dev/null
	rm -f "$LAB/pids/client"
}
