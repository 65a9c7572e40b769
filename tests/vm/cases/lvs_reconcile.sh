#!/bin/bash
# lvs_reconcile - inside the VM: directord reconciles instead of replaying.
# A no-op reload writes nothing; one changed weight is exactly one SET_DEST;
# a removed real server is exactly one DEL_DEST; `ipvsadm -C` then reload
# restores the table; a service added by hand survives start, reload and
# stop; SIGTERM removes only directord's entries, -I keeps them; lvs_flush
# takes over the whole table; lvs_flush_on_stop VS removes only the
# configuration's services at stop, bare lvs_flush_on_stop the whole table;
# kernel refusals (a sync daemon on a missing interface; two destinations of
# a 400-destination batch) are logged with the object and errno, directord
# keeps running, installs the rest and retries with back-off.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_reconcile
conf=$LVS_WORK/directord.conf

lvs_case_ready "$t" "ipvsadm jq" all || exit 0
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

# --- lvs_flush_on_stop VS: at stop, the configuration's services only.
# (No lvs_wait_stable from here on: core programs the table before its
# event loop first answers the control socket, so once lvs_dd_start
# returns the table is there.)
ipvsadm -C
hand_add
write_conf 1 "	lvs_flush_on_stop VS"
if lvs_dd_start "$conf"; then
	lvs_dd_stop
	check_table "lvs_flush_on_stop VS removes only the configuration's services" \
		"$hand_lines"
else
	tap_fail "$t: lvs_flush_on_stop VS" "directord did not start"
fi

# --- bare lvs_flush_on_stop: the whole table goes at stop
ipvsadm -C
hand_add
write_conf 1 "	lvs_flush_on_stop"
if lvs_dd_start "$conf"; then
	check_table "lvs_flush_on_stop: start leaves the hand-made service" \
		"$(with_hand "$(table 1)")"
	lvs_dd_stop
	check_table "lvs_flush_on_stop flushes the whole table at stop" ""
else
	tap_fail "$t: lvs_flush_on_stop" "directord did not start"
fi

# --- a kernel refusal inside a batch. IPVS refuses a destination whose
# address the local routing table types as neither unicast nor local
# (ip_vs_new_dest: inet_addr_type() -> EINVAL): two broadcast routes make
# two of 400 destinations such addresses. `directord -t` cannot know that.
# The wrr service is created with the "none" scheduler, which is bound after
# its 200 destinations (lvs_diff_in.defer_sched): a refused destination
# among them must not keep the scheduler from being bound.
ipvsadm -C
hand_add
bconf=$LVS_WORK/batch.conf
bad1=198.51.100.150 bad2=203.0.113.77
# batch_rs PREFIX: 200 real servers PREFIX.10 to PREFIX.209
batch_rs() {
	local i
	for i in $(seq 10 209); do
		printf '\treal_server %s.%s 80 { weight 1 }\n' "$1" "$i"
	done
}
{
	printf 'global_defs {\n\tlvs_flush_on_stop VS\n}\n'
	for v in "192.0.2.20 198.51.100 wlc" "192.0.2.21 203.0.113 wrr"; do
		set -- $v
		printf 'virtual_server %s 80 {\n\tlvs_sched %s\n' "$1" "$3"
		printf '\tlvs_method DR\n\tprotocol TCP\n'
		batch_rs "$2"
		printf '}\n'
	done
} >"$bconf"
# batch_table [SKIP...]: the expected sorted -Sn lines without SKIP dests
batch_table() {
	{
		echo "-A -t 192.0.2.20:80 -s wlc"
		echo "-A -t 192.0.2.21:80 -s wrr"
		for i in $(seq 10 209); do
			echo "-a -t 192.0.2.20:80 -r 198.51.100.$i:80 -g -w 1"
			echo "-a -t 192.0.2.21:80 -r 203.0.113.$i:80 -g -w 1"
		done
	} | grep -v -F -e "$(printf -- '-r %s:80 \n' "${@:-none}")" | sort
}
# log_ts PATTERN N: the time (seconds) of the Nth log line matching PATTERN
log_ts() {
	grep -- "$1" "$LVS_WORK/dd.log" | sed -n "${2}p" |
		awk '{ split($2, a, ":"); printf "%.3f\n", a[1] * 3600 + a[2] * 60 + a[3] }'
}
# wait_log PATTERN N [SECS]: until PATTERN matches N log lines
wait_log() {
	local i
	for i in $(seq 1 $((${3:-10} * 4))); do
		[ "$(grep -c -- "$1" "$LVS_WORK/dd.log")" -ge "$2" ] && return 0
		sleep 0.25
	done
	return 1
}
if "$DIRECTORD" -t -f "$bconf" >/dev/null 2>&1; then
	tap_ok "$t: batch: directord -t accepts the configuration"
else
	tap_fail "$t: batch: directord -t accepts the configuration" \
		"$("$DIRECTORD" -t -f "$bconf" 2>&1 | tail -n 2 | tr '\n' '|')"
fi
ip route add broadcast $bad1 dev dd-lvs0 table local
ip route add broadcast $bad2 dev dd-lvs0 table local
: >"$LVS_WORK/dd.log"
if lvs_dd_start "$bconf"; then
	check_table "batch: every destination but the two refused is installed" \
		"$(with_hand "$(batch_table $bad1 $bad2)")"
	ok=1
	for a in $bad1 $bad2; do
		grep -q -- "-> \[$a\]:80: add dest: Invalid argument" \
			"$LVS_WORK/dd.log" || ok=0
	done
	if [ $ok = 1 ] && kill -0 "$DD_PID" 2>/dev/null; then
		tap_ok "$t: batch: each refused destination is logged with its errno, directord runs on"
	else
		tap_fail "$t: batch: each refused destination is logged with its errno, directord runs on" \
			"log: $(grep -v debug "$LVS_WORK/dd.log" | head -n 4 | tr '\n' '|')"
	fi
	got=$(lvs_ctl status --json |
		jq -r '.lvs.last_ops | "\(.errors) \(.svc_del) \(.dest_del)"')
	if [ "$got" = "2 0 0" ]; then
		tap_ok "$t: batch: status last_ops counts 2 errors, nothing deleted"
	else
		tap_fail "$t: batch: status last_ops counts 2 errors, nothing deleted" \
			"errors, svc_del, dest_del: $got"
	fi
	# the first retry meets the same refusal; then the routes go and a
	# later retry installs the two, and only them
	if wait_log "retrying after earlier failures" 1 10 &&
		wait_log "\[$bad1\]:80: add dest" 2 10; then
		tap_ok "$t: batch: directord retries and logs the refusal again"
	else
		tap_fail "$t: batch: directord retries and logs the refusal again" \
			"log: $(lvs_log_tail "$LVS_WORK/dd.log")"
	fi
	printf 'route del broadcast %s dev dd-lvs0 table local\n' $bad1 $bad2 |
		ip -batch -
	for i in $(seq 1 60); do
		[ "$(ipvsadm -Sn | grep -c -e "-r $bad1:80 " -e "-r $bad2:80 ")" = 2 ] &&
			break
		sleep 0.25
	done
	check_table "batch: a later retry installs the two, the hand-made service stays" \
		"$(with_hand "$(batch_table)")"
	# whatever retry got them: over the whole run, 2 services and 400
	# destinations added, nothing edited or deleted, nothing pending
	got=$(lvs_ctl status --json | jq -r '.lvs | .total_ops as $o |
		"\($o.svc_new) \($o.svc_set) \($o.svc_del) \($o.dest_new) \($o.dest_set) \($o.dest_del) \(.retry_pending)"')
	if [ "$got" = "2 0 0 400 0 0 false" ]; then
		tap_ok "$t: batch: the retries add only what was missing"
	else
		tap_fail "$t: batch: the retries add only what was missing" \
			"total ops (svc new/set/del, dest new/set/del), retry pending: $got, want 2 0 0 400 0 0 false"
	fi
	# back-off: the second wait is the first one doubled (1 s, then 2 s)
	t0=$(log_ts "some operations failed; retrying" 1)
	t1=$(log_ts "retrying after earlier failures" 1)
	t2=$(log_ts "retrying after earlier failures" 2)
	if [ -n "$t0" ] && [ -n "$t1" ] && [ -n "$t2" ] &&
		awk -v a="$t0" -v b="$t1" -v c="$t2" \
			'BEGIN { exit !(c - b >= 1.8 && c - b > b - a) }'; then
		tap_ok "$t: batch: the retries back off"
	else
		tap_fail "$t: batch: the retries back off" \
			"failure at $t0, retries at $t1 and $t2"
	fi
	lvs_dd_stop
	check_table "batch: SIGTERM (lvs_flush_on_stop VS) leaves the hand-made service" \
		"$hand_lines"
else
	tap_fail "$t: batch" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
fi
ip route del broadcast $bad1 dev dd-lvs0 table local 2>/dev/null
ip route del broadcast $bad2 dev dd-lvs0 table local 2>/dev/null
exit 0
