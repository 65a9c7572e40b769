#!/usr/bin/env bash
# test_keepalived_track.sh - keepalived-style trackers read the same way by
# both daemons: directord and keepalived (the Debian package) as VRRP peers,
# each side tracking a file of its own with the same track_file block. A
# value written to the master's file lowers its priority below the peer's,
# which preempts; 0 written back brings it back. In both directions, so
# each daemon's reading of the file and its weight is judged by the other.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DD_SRCDIR:-$(cd "$HERE/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
. "$HERE/lib.sh"

ka_lab "interop keepalived track_file" || exit 0

# with_track_file CONF FILE : CONF gains a top-level track_file "maint"
with_track_file() {
	{
		printf 'track_file maint {\n\tfile %s\n\tweight -60\n}\n' "$2"
		cat "$1"
	} >"$1.new" && mv "$1.new" "$1"
}

for hk in dd ka; do
	ka_case "track_file" 3 0 4 $hk 'track_file {' '	maint' '}'
	vl_ns "$D1" ip addr flush dev eth0 to "$VIP" 2>/dev/null
	vl_ns "$D2" ip addr flush dev eth0 to "$VIP" 2>/dev/null
	echo 0 >"$VL_DIR/h.track"
	echo 0 >"$VL_DIR/l.track"
	with_track_file "$VL_DIR/h.conf" "$VL_DIR/h.track"
	with_track_file "$VL_DIR/l.conf" "$VL_DIR/l.track"
	ka_elect

	# 150 - 1 x 60 = 90 < 100
	echo 1 >"$VL_DIR/h.track"
	WHY="$LK did not preempt when $HK's file said 1 (weight -60)"
	tap_check_w "$NAME: a value in $HK's file hands the VIP to $LK" \
		vl_wait 5 vl_only_master "$D2" "$D1" "$VIP"
	echo 0 >"$VL_DIR/h.track"
	WHY="$HK did not preempt back when its file said 0"
	tap_check_w "$NAME: 0 in $HK's file brings it back" \
		vl_wait 5 vl_only_master "$D1" "$D2" "$VIP"
	ka_stop "$D2"
	ka_stop "$D1"
done
exit 0
