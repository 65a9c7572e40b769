# tap.sh - the line protocol every scripted test prints; sourced by tests.
# One line per case: "ok - NAME", "not ok - NAME: WHY", "skip - NAME: WHY".
# tests/run counts these lines.

tap_ok() { echo "ok - $1"; }
tap_fail() { echo "not ok - $1: ${2:-failed}"; }
tap_skip() { echo "skip - $1: ${2:-skipped}"; }

# tap_check NAME CMD... : ok when CMD succeeds, else not ok with its output tail.
tap_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		tap_fail "$name" "$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# tap_need_root NAME : prints a skip and returns 1 when not root.
tap_need_root() {
	if [ "$(id -u)" != 0 ]; then
		tap_skip "$1" "needs root (network namespaces)"
		return 1
	fi
}
