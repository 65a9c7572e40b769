#!/usr/bin/env bash
# test_samples.sh - every sample config shipped with Debian's keepalived
# must pass `directord -t`, except for keywords directord refuses as "not
# supported by directord yet", and each of those must be listed in
# doc/compat.md. One TAP-ish line per sample (tests/lib/tap.sh).
#
# Env: DD_BUILD (build tree with ./directord), DD_SRCDIR (source tree),
# DD_SAMPLES (default /usr/share/doc/keepalived/samples).
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
BIN=${DD_BUILD:-$SRC/_build}/directord
SAMPLES=${DD_SAMPLES:-/usr/share/doc/keepalived/samples}
COMPAT=$SRC/doc/compat.md

if [ ! -x "$BIN" ]; then
	tap_skip samples "directord not built ($BIN)"
	exit 0
fi
if [ ! -d "$SAMPLES" ]; then
	tap_skip samples "no $SAMPLES (apt-get install keepalived)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
for f in "$SAMPLES"/keepalived.conf*; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .gz)
	conf=$tmp/$name
	case $f in
	*.gz) zcat "$f" >"$conf" || { tap_fail "sample $name" "zcat failed"; continue; } ;;
	*) cp "$f" "$conf" ;;
	esac
	n=$((n + 1))
	# a sample written for "@ID" lines is checked as its first ID
	id=$(sed -n 's/^[[:space:]]*@^\{0,1\}\([^[:space:]]*\).*/\1/p' "$conf" | head -n 1)
	args=(-t -f "$conf")
	[ -n "$id" ] && args+=(-i "$id")
	out=$("$BIN" "${args[@]}" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		tap_ok "sample $name"
		continue
	fi
	errors=$(printf '%s\n' "$out" | grep ': error: ')
	if [ -z "$errors" ]; then
		tap_fail "sample $name" "exit $rc without an error line: $(printf '%s' "$out" | tail -n 1)"
		continue
	fi
	other=$(printf '%s\n' "$errors" | grep -v 'is not supported by directord yet' | head -n 1)
	if [ -n "$other" ]; then
		tap_fail "sample $name" "$other"
		continue
	fi
	# each refused keyword must be documented
	kws=$(printf '%s\n' "$errors" | sed -n "s/.*'\([^']*\)' is not supported by directord yet.*/\1/p" | sort -u)
	missing=""
	while IFS= read -r kw; do
		grep -qF "\`$kw\`" "$COMPAT" 2>/dev/null || missing="$missing '$kw'"
	done <<<"$kws"

	if [ -n "$missing" ]; then
		tap_fail "sample $name" "not listed in doc/compat.md:$missing"
		continue
	fi
	tap_ok "sample $name (not supported yet: $(printf '%s' "$kws" | tr '\n' ',' | sed 's/,/, /g'))"
done
[ $n -gt 0 ] || tap_skip samples "no keepalived.conf* in $SAMPLES"
exit 0
