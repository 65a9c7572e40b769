#!/bin/bash
# vm-timeout: 180
# lvs_health - inside the VM: checker events drive the table. Two real
# servers with HTTP_GET checks against busybox httpd instances:
#  - killing the HTTP server of one removes its destination, timed against
#    delay_loop + (retry+1) x connect_timeout + retry x delay_before_retry
#    + 1 s taken from its configuration; it returns when the server is back;
#    a running server answering 404 takes it out as well;
#  - freezing (SIGSTOP) the HTTP server of the inhibited one puts it at
#    weight 0 within its own window (its checks now time out);
#  - losing the quorum swaps in the sorry server, recovery restores the
#    weights; restarting the checker process changes nothing in the table.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_health
conf=$LVS_WORK/directord.conf
H11= H12= T0=0

# only the modules this case needs (lvs_modules loads every scheduler, a
# few seconds of execs under TCG)
lvs_case_ready "$t" "ipvsadm jq busybox" "ip_vs ip_vs_wrr" || exit 0
cleanup() {
	# a stopped httpd would keep SIGTERM pending: continue it first
	[ -n "$H11" ] && kill -CONT "$H11" 2>/dev/null && kill "$H11"
	[ -n "$H12" ] && kill -CONT "$H12" 2>/dev/null && kill "$H12"
	lvs_cleanup
}
trap cleanup EXIT
lvs_net || {
	tap_fail "$t: network" "cannot create dd-lvs0"
	exit 0
}

# The HTTP server of real server 198.51.100.N listens on 203.0.113.N:80NN,
# the checker's connect_ip (the real servers themselves must not be local
# addresses: IPVS would turn them into local-node destinations), and serves
# /okN.html from its own directory.
ip addr add 203.0.113.11/32 dev dd-lvs0
ip addr add 203.0.113.12/32 dev dd-lvs0
for n in 11 12; do
	mkdir -p "$LVS_WORK/www$n"
	echo "rs $n" >"$LVS_WORK/www$n/ok$n.html"
done
serve() {
	busybox httpd -f -p "203.0.113.$1:80$1" -h "$LVS_WORK/www$1" &
	eval "H$1=\$!"
}
unserve() {
	eval "kill -CONT \"\$H$1\"; kill \"\$H$1\"; wait \"\$H$1\" 2>/dev/null; H$1="
}

# Check timing, per real server; the windows below are computed from these.
DL=1                  # delay_loop
CT11=1 RT11=1 DBR11=1 # connect_timeout, retry, delay_before_retry of .11
CT12=1 RT12=2 DBR12=1 # the same for .12
# window_ms CT RETRY DBR: keepalived's worst case from a failure to the
# removal, plus 1 s
window_ms() { echo $(((DL + ($2 + 1) * $1 + $2 * $3 + 1) * 1000)); }
W11=$(window_ms $CT11 $RT11 $DBR11)
W12=$(window_ms $CT12 $RT12 $DBR12)

cat >"$conf" <<EOC
virtual_server 192.0.2.10 80 {
	lvs_sched wrr
	lvs_method DR
	protocol TCP
	delay_loop $DL
	quorum 2
	sorry_server 203.0.113.9 80
	real_server 198.51.100.11 80 {
		weight 2
		HTTP_GET {
			url {
				path /ok11.html
				status_code 200
			}
			connect_ip 203.0.113.11
			connect_port 8011
			connect_timeout $CT11
			retry $RT11
			delay_before_retry $DBR11
		}
	}
	real_server 198.51.100.12 80 {
		weight 3
		inhibit_on_failure
		HTTP_GET {
			url {
				path /ok12.html
				status_code 200-299
			}
			connect_ip 203.0.113.12
			connect_port 8012
			connect_timeout $CT12
			retry $RT12
			delay_before_retry $DBR12
		}
	}
}
EOC

svc="-A -t 192.0.2.10:80 -s wrr"
rs11="-a -t 192.0.2.10:80 -r 198.51.100.11:80 -g -w 2"
rs12="-a -t 192.0.2.10:80 -r 198.51.100.12:80 -g -w 3"
rs12_0="-a -t 192.0.2.10:80 -r 198.51.100.12:80 -g -w 0"
sorry="-a -t 192.0.2.10:80 -r 203.0.113.9:80 -g -w 1"

# nap [SECS]: sleep SECS (0.1) without an exec (each exec from the 9p root
# costs tens of ms): a read that times out on a FIFO nobody writes to.
mkfifo "$LVS_WORK/nap"
exec {NAPFD}<>"$LVS_WORK/nap"
nap() { read -r -t "${1:-0.1}" -u "$NAPFD"; }
# now_ms: the wall clock in ms into NOW
now_ms() {
	local us=${EPOCHREALTIME/[.,]/}
	NOW=$((us / 1000))
}

# table_is LINES...: `ipvsadm -Sn` lists exactly LINES, in any order (sets
# $got); compared in bash to spare a sort per poll
table_is() {
	local -A want=()
	local l n=0
	got=$(ipvsadm -Sn)
	for l in "$@"; do want[$l]=1; done
	while IFS= read -r l; do
		[ -n "$l" ] && [ -n "${want[$l]:-}" ] || return 1
		n=$((n + 1))
	done <<<"$got"
	[ $n = ${#want[@]} ]
}

# wait_table NAME LINES...: the table becomes LINES within 15 s
wait_table() {
	local name=$1 i
	shift
	for ((i = 0; i < 60; i++)); do
		table_is "$@" && break
		nap 0.25
	done
	if table_is "$@"; then
		tap_ok "$t: $name"
	else
		tap_fail "$t: $name" "got: $(lvs_one_line "$got")"
	fi
}

# timed_table NAME T0 BOUND_MS LINES...: polling every 100 ms, the table
# becomes LINES at most BOUND_MS after T0 (ms); the time is measured when
# ipvsadm has answered, so it errs on the late side. Gives up 3 s past
# the bound. BOUND_MS 0: no bound, up to 15 s (the time is only reported).
timed_table() {
	local name=$1 t0=$2 bound=$3 limit el hit
	shift 3
	T0=$t0
	limit=$((bound ? bound + 3000 : 15000))
	while :; do
		table_is "$@"
		hit=$?
		now_ms
		el=$((NOW - t0))
		[ $hit = 0 ] || [ $el -gt $limit ] && break
		nap
	done
	if [ $hit != 0 ]; then
		tap_fail "$t: $name" "not after $el ms; got: $(lvs_one_line "$got")"
	elif [ "$bound" = 0 ]; then
		tap_ok "$t: $name (in $el ms)"
	elif [ $el -le "$bound" ]; then
		tap_ok "$t: $name (in $el ms, bound $bound ms)"
	else
		tap_fail "$t: $name" "took $el ms, bound $bound ms"
	fi
}

# rs_json I FILTER: FILTER applied to real server I of the checker status
rs_json() {
	lvs_ctl status --json |
		jq -r ".checker.virtual_servers[0].real_servers[$1] | $2"
}

# wait_reason NAME I REGEX: the checker reports real server I down with a
# last failure matching REGEX within 3 s (its status reaches core at most
# once a second); also says when the checker's verdict came, relative to
# the last timed_table's T0 (the rest is core and IPVS)
wait_reason() {
	local name=$1 i=$2 re=$3 j r= since
	for ((j = 0; j < 12; j++)); do
		r=$(rs_json "$i" 'if .up then "up" else "\(.since) \(.last_failure)" end')
		since=${r%% *}
		r=${r#* }
		[[ $r != up && $r =~ $re ]] && break
		nap 0.25
	done
	if [[ $r != up && $r =~ $re ]]; then
		tap_ok "$t: $name ($r; verdict $((since - T0)) ms after the stop)"
	else
		tap_fail "$t: $name" "checker says: $r"
	fi
}

serve 11
serve 12
if ! lvs_dd_start "$conf"; then
	tap_fail "$t: start" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
	exit 0
fi
wait_table "both real servers up" "$svc" "$rs11" "$rs12"
# health checks can remove servers: with the kernel's default
# expire_nodest_conn=0 directord must say what that costs
nodest=$(cat /proc/sys/net/ipv4/vs/expire_nodest_conn 2>/dev/null)
if [ "$nodest" = 0 ]; then
	if grep -q "expire_nodest_conn is 0" "$LVS_WORK/dd.log"; then
		tap_ok "$t: warns that expire_nodest_conn is 0"
	else
		tap_fail "$t: warns that expire_nodest_conn is 0" "no warning in the log"
	fi
else
	tap_skip "$t: warns that expire_nodest_conn is 0" "the sysctl is '$nodest'"
fi
m=$(lvs_ctl status --json | jq -r '[.lvs.virtual_servers[0].real_servers[].method] | join(",")')
if [ "$m" = "DR,DR" ]; then
	tap_ok "$t: status names each real server's method"
else
	tap_fail "$t: status names each real server's method" "methods: $m"
fi
# measure from a steady state: each check has passed at least once
for ((i = 0; i < 40; i++)); do
	r=$(lvs_ctl status --json | jq '[.checker.virtual_servers[0].real_servers[].checks[] |
		select(.runs > 0 and .up)] | length')
	[ "${r:-0}" = 2 ] && break
	nap 0.25
done
if [ "${r:-0}" != 2 ]; then
	tap_fail "$t: both HTTP_GET checks pass" "passing: ${r:-none}"
fi

# .11: HTTP server killed -> connection refused -> removed
unserve 11
now_ms
timed_table "HTTP_GET: a stopped HTTP server's destination is removed" \
	"$NOW" "$W11" "$svc" "$rs12"
health=$(lvs_ctl status --json | jq -r '.lvs.virtual_servers[0].real_servers[0].health')
if [ "$health" = down ]; then
	tap_ok "$t: status shows it down"
else
	tap_fail "$t: status shows it down" "health: $health"
fi
wait_reason "the checker says why" 0 "refused"

serve 11
now_ms
timed_table "it returns when the HTTP server is back" "$NOW" 0 \
	"$svc" "$rs11" "$rs12"

# .11: the server runs but answers 404 -> status_code fails -> removed
mv "$LVS_WORK/www11/ok11.html" "$LVS_WORK/www11/gone.html"
now_ms
timed_table "HTTP_GET: a 404 from a running server removes it" \
	"$NOW" "$W11" "$svc" "$rs12"
wait_reason "the checker names the status" 0 "404"
mv "$LVS_WORK/www11/gone.html" "$LVS_WORK/www11/ok11.html"
now_ms
timed_table "it returns once the page is back" "$NOW" 0 \
	"$svc" "$rs11" "$rs12"

# .12 (inhibit_on_failure): HTTP server frozen -> the kernel still accepts,
# no answer comes, every try times out -> weight 0. Both checkers keep the
# same 1 s rhythm, so right after .11 came back is just after a passing
# check of .12; freezing half a second later keeps the test near the worst
# case of the window while leaving core and IPVS some room on a loaded CI.
sleep 0.5
kill -STOP "$H12"
for ((i = 0; i < 20; i++)); do
	read -r _ _ st _ <"/proc/$H12/stat" && [ "$st" = T ] && break
	nap
done
now_ms
timed_table "inhibited: a frozen HTTP server's destination goes to weight 0" \
	"$NOW" "$W12" "$svc" "$rs11" "$rs12_0"
wait_reason "the checker says it timed out" 1 "timeout"

# quorum 2: .11 (weight 2) alone still holds it; without it, it is lost
unserve 11
now_ms
timed_table "quorum lost: the sorry server replaces them, the inhibited one stays at 0" \
	"$NOW" "$W11" "$svc" "$rs12_0" "$sorry"

serve 11
kill -CONT "$H12"
now_ms
timed_table "recovery restores the weights and drops the sorry server" \
	"$NOW" 0 "$svc" "$rs11" "$rs12"

# a checker restart: health resumes from core's copy, the table stays
chk=$(lvs_ctl status --json |
	jq -r '.processes[] | select(.name == "checker") | .pid')
# (unsorted: a destination deleted and added back changes the order too)
before=$(ipvsadm -Sn)
if [ -n "$chk" ] && [ "$chk" != null ] && kill -KILL "$chk" 2>/dev/null; then
	changed=0
	now_ms
	t0=$NOW
	while now_ms && [ $((NOW - t0)) -lt 5000 ]; do
		[ "$(ipvsadm -Sn)" = "$before" ] || changed=1
		nap 0.25
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
