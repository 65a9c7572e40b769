#!/bin/bash
# lvs_health - inside the VM: checker events drive the table. Two real
# servers with TCP_CHECKs against local listeners: a failed one is removed,
# an inhibited one goes to weight 0, losing the quorum swaps in the sorry
# server, recovery restores the weights; restarting the checker process
# changes nothing in the table.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_health
conf=$LVS_WORK/directord.conf
web=$LVS_WORK/www
L11= L12=

if ! command -v ipvsadm >/dev/null || ! command -v jq >/dev/null ||
	! command -v busybox >/dev/null; then
	tap_skip "$t" "ipvsadm, jq or busybox is not installed"
	exit 0
fi
if ! lvs_modules; then
	tap_skip "$t" "no IPVS in this kernel"
	exit 0
fi
if [ ! -x "$DIRECTORD" ] || [ ! -x "$DIRECTORCTL" ]; then
	tap_skip "$t" "directord not built in $DD_BUILD"
	exit 0
fi
cleanup() {
	[ -n "$L11" ] && kill "$L11" 2>/dev/null
	[ -n "$L12" ] && kill "$L12" 2>/dev/null
	lvs_cleanup
}
trap cleanup EXIT
lvs_net || {
	tap_fail "$t: network" "cannot create dd-lvs0"
	exit 0
}
mkdir -p "$web"

# listen N: a TCP listener on 203.0.113.N:80NN, the checker's connect_ip
# (the real servers themselves must not be local addresses: IPVS would
# turn them into local-node destinations)
ip addr add 203.0.113.11/32 dev dd-lvs0
ip addr add 203.0.113.12/32 dev dd-lvs0
listen() {
	busybox httpd -f -p "203.0.113.$1:80$1" -h "$web" &
	eval "L$1=\$!"
}
unlisten() {
	eval "kill \"\$L$1\"; wait \"\$L$1\" 2>/dev/null; L$1="
}

cat >"$conf" <<'EOC'
virtual_server 192.0.2.10 80 {
	lvs_sched wrr
	lvs_method DR
	protocol TCP
	delay_loop 1
	quorum 2
	sorry_server 203.0.113.9 80
	real_server 198.51.100.11 80 {
		weight 2
		TCP_CHECK {
			connect_ip 203.0.113.11
			connect_port 8011
			connect_timeout 1
			retry 0
		}
	}
	real_server 198.51.100.12 80 {
		weight 3
		inhibit_on_failure
		TCP_CHECK {
			connect_ip 203.0.113.12
			connect_port 8012
			connect_timeout 1
			retry 0
		}
	}
}
EOC

svc="-A -t 192.0.2.10:80 -s wrr"
rs11="-a -t 192.0.2.10:80 -r 198.51.100.11:80 -g -w 2"
rs12="-a -t 192.0.2.10:80 -r 198.51.100.12:80 -g -w 3"
rs12_0="-a -t 192.0.2.10:80 -r 198.51.100.12:80 -g -w 0"
sorry="-a -t 192.0.2.10:80 -r 203.0.113.9:80 -g -w 1"

# wait_table NAME LINES...: the table becomes LINES within 15 s
wait_table() {
	local name=$1 want got i
	shift
	want=$(printf '%s\n' "$@" | sort)
	for i in $(seq 1 60); do
		got=$(ipvsadm -Sn | sort)
		[ "$got" = "$want" ] && break
		sleep 0.25
	done
	if [ "$got" = "$want" ]; then
		tap_ok "$t: $name"
	else
		tap_fail "$t: $name" "got: $(lvs_one_line "$got")"
	fi
}

listen 11
listen 12
if ! lvs_dd_start "$conf"; then
	tap_fail "$t: start" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
	exit 0
fi
wait_table "both real servers up" "$svc" "$rs11" "$rs12"

unlisten 11
wait_table "a failed real server is removed" "$svc" "$rs12"
health=$(lvs_ctl status --json | jq -r '.lvs.virtual_servers[0].real_servers[0].health')
if [ "$health" = down ]; then
	tap_ok "$t: status shows it down"
else
	tap_fail "$t: status shows it down" "health: $health"
fi

unlisten 12
wait_table "quorum lost: the sorry server replaces them, the inhibited one stays at 0" \
	"$svc" "$rs12_0" "$sorry"

listen 11
listen 12
wait_table "recovery restores the weights and drops the sorry server" \
	"$svc" "$rs11" "$rs12"

# a checker restart: health resumes from core's copy, the table stays
chk=$(lvs_ctl status --json |
	jq -r '.processes[] | select(.name == "checker") | .pid')
before=$(ipvsadm -Sn | sort)
if [ -n "$chk" ] && [ "$chk" != null ] && kill -KILL "$chk" 2>/dev/null; then
	changed=0
	for i in $(seq 1 20); do
		[ "$(ipvsadm -Sn | sort)" = "$before" ] || changed=1
		sleep 0.25
	done
	new=$(lvs_ctl status --json |
		jq -r '.processes[] | select(.name == "checker") | .pid')
	if [ $changed = 0 ] && [ -n "$new" ] && [ "$new" != "$chk" ]; then
		tap_ok "$t: a checker restart leaves the table alone"
	else
		tap_fail "$t: a checker restart leaves the table alone" \
			"changed=$changed old pid $chk new pid $new"
	fi
else
	tap_fail "$t: a checker restart leaves the table alone" "no checker pid ($chk)"
fi
lvs_dd_stop
exit 0
