#!/bin/bash
# lvs_reconcile - inside the VM: directord reconciles instead of replaying.
# A no-op reload writes nothing; one changed weight is exactly one SET_DEST;
# a removed real server is exactly one DEL_DEST; `ipvsadm -C` then reload
# restores the table; a service added by hand survives start, reload and
# stop; SIGTERM removes only directord's entries, -I keeps them; lvs_flush
# takes over the whole table; a kernel refusal (a sync daemon on a missing
# interface) is logged, directord keeps running and retries with back-off.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_reconcile
conf=$LVS_WORK/directord.conf

if ! command -v ipvsadm >/dev/null || ! command -v jq >/dev/null; then
	tap_skip "$t" "ipvsadm or jq is not installed"
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
trap lvs_cleanup EXIT
lvs_net || {
	tap_fail "$t: network" "cannot create dd-lvs0"
	exit 0
}

# write_conf W3 [GLOBAL]: two services; the third real server of :80 has
# weight W3, or is absent when W3 is "none".
write_conf() {
	{
		[ -n "${2:-}" ] && printf 'global_defs {\n%s\n}\n' "$2"
		cat <<-EOC
		virtual_server 192.0.2.10 80 {
			lvs_sched wrr
			lvs_method DR
			protocol TCP
			real_server 198.51.100.11 80 { weight 1 }
			real_server 198.51.100.12 80 { weight 1 }
		EOC
		[ "$1" != none ] &&
			printf '\treal_server 198.51.100.13 80 { weight %s }\n' "$1"
		cat <<-EOC
		}
		virtual_server 192.0.2.10 443 {
			lvs_sched rr
			lvs_method DR
			protocol TCP
			persistence_timeout 60
			real_server 198.51.100.11 443 { weight 1 }
			real_server 198.51.100.12 443 { weight 1 }
		}
		EOC
	} >"$conf"
}

# table W3: the expected directord entries (sorted -Sn lines)
table() {
	{
		echo "-A -t 192.0.2.10:443 -s rr -p 60"
		echo "-A -t 192.0.2.10:80 -s wrr"
		echo "-a -t 192.0.2.10:443 -r 198.51.100.11:443 -g -w 1"
		echo "-a -t 192.0.2.10:443 -r 198.51.100.12:443 -g -w 1"
		echo "-a -t 192.0.2.10:80 -r 198.51.100.11:80 -g -w 1"
		echo "-a -t 192.0.2.10:80 -r 198.51.100.12:80 -g -w 1"
		[ "$1" != none ] &&
			echo "-a -t 192.0.2.10:80 -r 198.51.100.13:80 -g -w $1"
	} | sort
}

hand_add() {
	ipvsadm -A -t 192.0.2.99:25 -s rr &&
		ipvsadm -a -t 192.0.2.99:25 -r 198.51.100.99:25 -m -w 1
}
hand_lines="-A -t 192.0.2.99:25 -s rr
-a -t 192.0.2.99:25 -r 198.51.100.99:25 -m -w 1"

# check_table NAME EXPECTED: the sorted table equals EXPECTED
check_table() {
	local got
	got=$(ipvsadm -Sn | sort)
	if [ "$got" = "$2" ]; then
		tap_ok "$t: $1"
	else
		tap_fail "$t: $1" "got: $(lvs_one_line "$got")"
	fi
}

# check_ops NAME "svc_new svc_set svc_del dest_new dest_set dest_del errors"
check_ops() {
	local got
	got=$(lvs_ctl status --json | jq -r '.lvs.last_ops |
		"\(.svc_new) \(.svc_set) \(.svc_del) \(.dest_new) \(.dest_set) \(.dest_del) \(.errors)"')
	if [ "$got" = "$2" ]; then
		tap_ok "$t: $1"
	else
		tap_fail "$t: $1" "ops (svc new/set/del, dest new/set/del, errors) $got, want $2"
	fi
}

with_hand() { printf '%s\n%s\n' "$1" "$hand_lines" | sort; }

reload() {
	lvs_ctl reload >/dev/null 2>&1 || return 1
	sleep 0.5
}

# --- start next to a service added by hand
hand_add
write_conf 1
if ! lvs_dd_start "$conf"; then
	tap_fail "$t: start" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
	exit 0
fi
lvs_wait_stable
check_table "start programs the table, the hand-made service stays" \
	"$(with_hand "$(table 1)")"
check_ops "start: 2 services and 5 destinations added" "2 0 0 5 0 0 0"

# --- no-op reload
reload
check_ops "no-op reload writes nothing" "0 0 0 0 0 0 0"
check_table "no-op reload keeps the table" "$(with_hand "$(table 1)")"

# --- one weight
write_conf 5
reload
check_ops "one changed weight is exactly one SET_DEST" "0 0 0 0 1 0 0"
check_table "the weight is changed" "$(with_hand "$(table 5)")"

# --- one real server less
write_conf none
reload
check_ops "a removed real server is exactly one DEL_DEST" "0 0 0 0 0 1 0"
check_table "the real server is gone, the rest stays" \
	"$(with_hand "$(table none)")"

# --- ipvsadm -C, then reload
ipvsadm -C
reload
check_ops "reload after ipvsadm -C adds back 2 services and 4 destinations" \
	"2 0 0 4 0 0 0"
check_table "reload after ipvsadm -C restores the table" "$(table none)"

# --- SIGTERM removes ours only
hand_add
lvs_dd_stop
check_table "SIGTERM removes directord's entries only" "$hand_lines"

# --- -I keeps them
write_conf 1
if lvs_dd_start "$conf" -I; then
	lvs_wait_stable
	lvs_dd_stop
	check_table "SIGTERM with -I keeps the entries" "$(with_hand "$(table 1)")"
else
	tap_fail "$t: -I" "directord did not start"
fi

# --- a restart adopts what is there: nothing to write
if lvs_dd_start "$conf"; then
	lvs_wait_stable
	check_ops "a restart over its own table writes nothing" "0 0 0 0 0 0 0"
	lvs_dd_stop
else
	tap_fail "$t: restart" "directord did not start"
fi

# --- lvs_flush: the whole table is ours at start
ipvsadm -C
hand_add
write_conf 1 "	lvs_flush"
if lvs_dd_start "$conf"; then
	lvs_wait_stable
	check_table "lvs_flush removes the hand-made service at start" "$(table 1)"
	lvs_dd_stop
else
	tap_fail "$t: lvs_flush" "directord did not start"
fi

# --- a kernel refusal at run time: sync daemon on a missing interface
ipvsadm -C
write_conf 1 "	lvs_sync_daemon dd-sync0 VI_1 id 7"
cat >>"$conf" <<'EOC'
vrrp_instance VI_1 {
	state BACKUP
	interface dd-lvs0
	virtual_router_id 51
	priority 100
	advert_int 1
	virtual_ipaddress {
		192.0.2.10/32
	}
}
EOC
: >"$LVS_WORK/dd.log"
if lvs_dd_start "$conf"; then
	lvs_wait_stable
	check_table "the table is programmed despite the refused sync daemon" \
		"$(table 1)"
	if grep -q 'dd-sync0.*start backup daemon: No such device' \
		"$LVS_WORK/dd.log"; then
		tap_ok "$t: the refusal is logged with the object and errno"
	else
		tap_fail "$t: the refusal is logged with the object and errno" \
			"log: $(lvs_log_tail "$LVS_WORK/dd.log")"
	fi
	ip link add dd-sync0 type dummy && ip link set dd-sync0 up
	ok=0
	for i in $(seq 1 80); do
		# backup, or master once VI_1 (alone) took over
		if ipvsadm -Ln --daemon | grep -q 'sync daemon.*dd-sync0'; then
			ok=1
			break
		fi
		sleep 0.25
	done
	if [ $ok = 1 ] && kill -0 "$DD_PID" 2>/dev/null; then
		tap_ok "$t: directord keeps running and the retry starts the sync daemon"
	else
		tap_fail "$t: directord keeps running and the retry starts the sync daemon" \
			"daemon: $(ipvsadm -Ln --daemon | tr '\n' '|') log: $(lvs_log_tail "$LVS_WORK/dd.log")"
	fi
	lvs_dd_stop
	if ipvsadm -Ln --daemon | grep -q sync; then
		tap_fail "$t: SIGTERM stops the sync daemon" "$(ipvsadm -Ln --daemon | tr '\n' '|')"
	else
		tap_ok "$t: SIGTERM stops the sync daemon"
	fi
else
	tap_fail "$t: sync daemon" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
fi
exit 0
