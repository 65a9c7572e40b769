#!/bin/bash
# lvs_status_big - inside the VM: the status of a big table (100 virtual
# servers x 100 real servers, a 5 MB document). It is complete (every
# virtual server, real server and kernel weight), core's peak memory stays
# far below what building it as json-c objects took (45 MB), core hands the
# reply's memory back afterwards, and keeps answering.
# vm-timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../../lib/tap.sh"
. "$here/../golden/lvs-lib.sh"
t=lvs_status_big
conf=$LVS_WORK/big.conf
NV=100 NR=100
# peak resident memory allowed to core (KiB): a 100x100 status peaks at
# 9-11 MB when streamed, at 45 MB as json-c objects
HWM_MAX=24576
# anonymous memory core may keep after the reply beyond what it had before
ANON_SLACK=4096

# wrr only: loading every scheduler is seconds of execs under TCG
lvs_case_ready "$t" "ipvsadm jq" "ip_vs ip_vs_wrr" || exit 0
trap lvs_cleanup EXIT
lvs_net || {
	tap_fail "$t: network" "cannot create dd-lvs0"
	exit 0
}

# weight of real server R of virtual server V: 1..5
awk -v nv=$NV -v nr=$NR 'BEGIN {
	for (v = 1; v <= nv; v++) {
		printf "virtual_server 192.0.2.%d 80 {\n\tlvs_sched wrr\n", v
		printf "\tlvs_method DR\n\tprotocol TCP\n"
		for (r = 1; r <= nr; r++)
			printf "\treal_server 198.51.100.%d 80 { weight %d }\n",
				r + 1, 1 + (v + r) % 5
		printf "}\n"
	}
}' >"$conf"
want_w=$(awk -v nv=$NV -v nr=$NR 'BEGIN {
	for (v = 1; v <= nv; v++) for (r = 1; r <= nr; r++) s += 1 + (v + r) % 5
	print s }')

kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

if ! lvs_dd_start "$conf"; then
	tap_fail "$t: start" "directord did not start: $(lvs_log_tail "$LVS_WORK/dd.log")"
	exit 0
fi
for i in $(seq 1 80); do
	[ "$(ipvsadm -Ln | grep -c -- '->.*Route')" = $((NV * NR)) ] && break
	sleep 0.25
done
anon0=$(kib "$DD_PID" RssAnon)
if lvs_ctl status --json >"$LVS_WORK/st.json"; then
	got=$(jq -r '.lvs | [(.virtual_servers | length),
		([.virtual_servers[].real_servers[]] | length),
		([.virtual_servers[].real_servers[].current_weight] | add),
		([.virtual_servers[].real_servers[] | select(.health == "up")] | length),
		.kernel_services] | map(tostring) | join(" ")' "$LVS_WORK/st.json")
	want="$NV $((NV * NR)) $want_w $((NV * NR)) $NV"
	if [ "$got" = "$want" ]; then
		tap_ok "$t: the status lists $NV virtual servers, $((NV * NR)) real servers and every kernel weight ($(stat -c %s "$LVS_WORK/st.json") bytes)"
	else
		tap_fail "$t: the status of $((NV * NR)) real servers is complete" \
			"virtual servers, real servers, sum of weights, up, kernel services: $got, want $want"
	fi
else
	tap_fail "$t: the status of $((NV * NR)) real servers is complete" \
		"directorctl status --json failed: $(lvs_log_tail "$LVS_WORK/dd.log")"
fi
hwm=$(kib "$DD_PID" VmHWM)
anon1=$(kib "$DD_PID" RssAnon)
if [ -n "$hwm" ] && [ "$hwm" -le $HWM_MAX ]; then
	tap_ok "$t: core's peak memory stays at $hwm KiB (at most $HWM_MAX)"
else
	tap_fail "$t: core's peak memory stays small" \
		"VmHWM $hwm KiB, want at most $HWM_MAX"
fi
if [ -n "$anon1" ] && [ "$anon1" -le $((anon0 + ANON_SLACK)) ]; then
	tap_ok "$t: core hands the reply's memory back ($anon0 -> $anon1 KiB anonymous)"
else
	tap_fail "$t: core hands the reply's memory back" \
		"RssAnon $anon0 KiB before, $anon1 KiB after, want at most $((anon0 + ANON_SLACK))"
fi
# and it keeps serving: the human summary of the same table
n=$(lvs_ctl status | grep -c '198\.51\.100\.')
if [ "$n" -ge $((NV * NR)) ]; then
	tap_ok "$t: core answers the next request (summary of $n real server lines)"
else
	tap_fail "$t: core answers the next request" "summary has $n real server lines"
fi
lvs_dd_stop
left=$(ipvsadm -Sn | wc -l)
if [ "$left" = 0 ]; then
	tap_ok "$t: SIGTERM removes the $NV services"
else
	tap_fail "$t: SIGTERM removes the $NV services" "$left lines left"
fi
exit 0
