#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) and run each one for a bounded number
# of runs on its seed corpus. One TAP line per target:
#   ok - fuzz/vrrp_pkt (N runs)    not ok - fuzz/vrrp_pkt: WHY    skip - ...
# A crash input is kept as $OUT/crash-* for reproduction.
#
#   tests/fuzz/run.sh [TARGET...]
#     (TARGET: vrrp_pkt cfg cfg_snap http ipvs_msg chk_pkt; default: all)
# Environment: DD_BUILD (output under $DD_BUILD/fuzz), FUZZ_CC (clang),
# FUZZ_TIME (seconds per target, default 40), FUZZ_RUNS_SCALE (multiplies the
# run counts, default 1), FUZZ_SEED (libFuzzer's -seed, default 1).
# The seed is fixed so that a CI run is reproducible: a random one let a
# latent finding fail one CI run in many, on a commit that changed nothing
# near it. To explore, run with FUZZ_SEED=0 (random) and a larger
# FUZZ_TIME and FUZZ_RUNS_SCALE; add what it finds to the seed corpus.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/tap.sh"
BUILD=${DD_BUILD:-$SRC/_build}
OUT=$BUILD/fuzz
CC=${FUZZ_CC:-clang}
TIME=${FUZZ_TIME:-40}
SCALE=${FUZZ_RUNS_SCALE:-1}
SEED=${FUZZ_SEED:-1}
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I$SRC -I$SRC/lib"

# target table: NAME RUNS SEED_DIRS... ; sources come from target_srcs.
# The run counts keep each target well under TIME on a loaded 2-core box
# (the parser does >100k runs/s, the loader 500-2000 runs/s since every
# input goes through a file). The checker and IPVS targets (http ~45k
# runs/s, ipvs_msg ~240k, chk_pkt ~150k unloaded) take about 10 s each,
# build included.
targets="vrrp_pkt cfg cfg_snap http ipvs_msg chk_pkt"
[ $# -gt 0 ] && targets="$*"

target_runs() {
	case $1 in
	vrrp_pkt) echo $((1000000 * SCALE)) ;;
	cfg) echo $((20000 * SCALE)) ;;
	cfg_snap) echo $((300000 * SCALE)) ;;
	http) echo $((450000 * SCALE)) ;;
	ipvs_msg) echo $((1500000 * SCALE)) ;;
	chk_pkt) echo $((1000000 * SCALE)) ;;
	esac
}

target_seeds() {
	case $1 in
	vrrp_pkt) echo "$SRC/tests/fuzz/corpus_vrrp" ;;
	cfg) echo "$SRC/tests/unit/conf/good $SRC/tests/unit/conf/bad" ;;
	cfg_snap | http | ipvs_msg | chk_pkt) echo "$SRC/tests/fuzz/corpus_$1" ;;
	esac
}

# target_srcs NAME: the C files to link; the config loader's list is read
# from its automake fragment so a new loader file is picked up.
target_srcs() {
	case $1 in
	vrrp_pkt) echo "$SRC/tests/fuzz/fuzz_vrrp_pkt.c $SRC/vrrp/packet.c $SRC/lib/addr.c" ;;
	cfg)
		echo "$SRC/tests/fuzz/fuzz_cfg.c $SRC/lib/addr.c $SRC/lib/dl.c $SRC/lib/dns_name.c"
		grep -o 'lib/cfg_[a-z0-9_]*\.c' "$SRC/lib/cfg.inc" | sort -u |
			sed "s|^|$SRC/|"
		;;
	cfg_snap) echo "$SRC/tests/fuzz/fuzz_cfg_snap.c $SRC/lib/cfg_snap.c" ;;
	http)
		echo "$SRC/tests/fuzz/fuzz_http.c $SRC/checker/http_parse.c"
		echo "$SRC/checker/tls.c $SRC/lib/addr.c $SRC/lib/dl.c"
		;;
	ipvs_msg)
		echo "$SRC/tests/fuzz/fuzz_ipvs_msg.c $SRC/daemon/ipvs_msg.c"
		echo "$SRC/lib/addr.c"
		;;
	chk_pkt) echo "$SRC/tests/fuzz/fuzz_chk_pkt.c $SRC/checker/pkt.c $SRC/lib/dns_name.c" ;;
	esac
}

# target_libs NAME: the libraries to link (the digest's libcrypto is
# loaded at run time through dlopen)
target_libs() {
	case $1 in
	http) echo "-ldl" ;;
	ipvs_msg) echo "-lmnl" ;;
	esac
}

mkdir -p "$OUT" || exit 1
# sources include the configure-generated config.h: the build tree's, or
# an empty one when there is no configured tree
if [ -f "$BUILD/config.h" ]; then
	FLAGS="$FLAGS -I$BUILD"
else
	: >"$OUT/config.h"
	FLAGS="$FLAGS -I$OUT"
fi
probe=$OUT/probe.c
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' >"$probe"
if ! command -v "$CC" >/dev/null 2>&1; then
	for t in $targets; do tap_skip "fuzz/$t" "$CC not installed"; done
	exit 0
fi
if ! "$CC" $FLAGS "$probe" -o "$OUT/probe" >"$OUT/probe.log" 2>&1; then
	why=$(grep -m1 -E 'cannot find|error' "$OUT/probe.log")
	for t in $targets; do
		tap_skip "fuzz/$t" "$CC cannot link libFuzzer (libclang-rt-dev missing?): $why"
	done
	exit 0
fi

for t in $targets; do
	runs=$(target_runs "$t")
	if [ -z "$runs" ]; then
		tap_fail "fuzz/$t" "unknown target"
		continue
	fi
	bin=$OUT/fuzz_$t log=$OUT/$t.log
	# shellcheck disable=SC2046 # word splitting of the source list is wanted
	if ! "$CC" $FLAGS $(target_srcs "$t") -o "$bin" $(target_libs "$t") \
		>"$OUT/$t.build.log" 2>&1; then
		tap_fail "fuzz/$t" "build failed: $(tail -n 3 "$OUT/$t.build.log" | tr '\n' ' ')"
		continue
	fi
	# new inputs go to a scratch directory (the first one), never the seeds
	work=$(mktemp -d "$OUT/corpus_$t.XXXXXX") || exit 1
	# shellcheck disable=SC2046
	timeout -k 5 $((TIME + 30)) "$bin" -runs="$runs" -max_total_time="$TIME" \
		-seed="$SEED" -artifact_prefix="$OUT/" -print_final_stats=1 \
		"$work" $(target_seeds "$t") >"$log" 2>&1
	rc=$?
	rm -rf "$work"
	done_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$done_runs" ]; then
		tap_ok "fuzz/$t ($done_runs runs)"
	else
		why=$(grep -m1 -E 'ERROR:|runtime error|deadly signal|Timeout|out-of-memory' "$log")
		art=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
		tap_fail "fuzz/$t" "exit $rc ${why:-see $log}${art:+ (input: $art)}"
	fi
done
exit 0
