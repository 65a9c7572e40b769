#!/bin/bash
# run-cases.sh DIR [CASE...] - inside the VM: run every executable DIR/*.sh
# (or only the named cases) one after the other, each in a fresh network
# namespace (its own IPVS table, `lo` up) under a timeout
# (DD_VM_CASE_TIMEOUT, or the case's "# vm-timeout: SECONDS"), and pass on its
# "ok/not ok/skip - ..." lines.  A case that exits non-zero, times out or
# prints no result line gets a "not ok" line here.  Started through
# `tests/vm/vm.sh run-cases DIR`.
set -u
dir=${1:?usage: run-cases.sh DIR [CASE...]}
shift
deftmo=${DD_VM_CASE_TIMEOUT:-300}
work=$(mktemp -d /tmp/run-cases.XXXXXX) || exit 1

cases=()
if [ $# -gt 0 ]; then
	for c in "$@"; do cases+=("$dir/${c%.sh}.sh"); done
else
	for c in "$dir"/*.sh; do
		[ -x "$c" ] && cases+=("$c")
	done
fi

for c in "${cases[@]}"; do
	name=$(basename "$c" .sh)
	if [ ! -f "$c" ]; then
		echo "not ok - $name: no such case $c"
		continue
	fi
	echo "# case $name"
	# A case may ask for more time with a "# vm-timeout: SECONDS" line.
	tmo=$(sed -n '1,30s/^# vm-timeout: *\([0-9][0-9]*\) *$/\1/p' "$c" | head -n 1)
	tmo=${tmo:-$deftmo}
	start=$EPOCHREALTIME
	# Through tee, so the lines of a case the VM dies under still arrive.
	timeout -k 5 "$tmo" unshare --net -- \
		bash -c 'ip link set lo up && exec bash "$@"' run-case "$c" \
		</dev/null 2>"$work/err" | tee "$work/out"
	rc=${PIPESTATUS[0]}
	sed "s/^/$name: /" "$work/err" >&2
	why=""
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="timed out after ${tmo}s"
	elif [ "$rc" != 0 ]; then
		why="exited with status $rc: $(tail -n 3 "$work/err" | tr '\n' ' ')"
	elif ! grep -qE '^(ok|not ok|skip) ' "$work/out"; then
		why="printed no result"
	fi
	[ -n "$why" ] && echo "not ok - $name: $why"
	echo "# case $name done in $(awk -v a="$start" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.1f", b - a }') s, status $rc"
done
rm -rf "$work"
