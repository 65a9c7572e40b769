#!/usr/bin/env bash
# tests/vm/test_vm.sh - run by tests/run on the host: boot the VM once
# (tests/vm/vm.sh) and run every tests/vm/cases/*.sh inside that one boot,
# passing on their result lines.  When the VM cannot be prepared or started
# (not root, no qemu, kernel download impossible) every case is reported as
# skipped; a VM that started but did not finish is a failure.
#   tests/vm/test_vm.sh [CASE...]     (default: all cases)
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../lib/tap.sh"
# Below tests/run's 1200 s limit for this script, so our own timeout wins.
export DD_VM_TIMEOUT=${DD_VM_TIMEOUT:-1080}

names=()
if [ $# -gt 0 ]; then
	names=("${@%.sh}")
else
	for c in "$here"/cases/*.sh; do
		[ -x "$c" ] && names+=("$(basename "$c" .sh)")
	done
fi
if [ ${#names[@]} = 0 ]; then
	tap_skip vm "no cases in $here/cases"
	exit 0
fi

skip_all() {
	local n
	for n in "${names[@]}"; do tap_skip "$n" "vm: $1"; done
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root"
if ! err=$("$here/vm.sh" prepare 2>&1); then
	skip_all "cannot prepare the VM: $(echo "$err" | tail -n 1 | sed 's/^vm: //')"
fi

out=$(mktemp "${TMPDIR:-/tmp}/dd-test-vm.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
"$here/vm.sh" run-cases "$here/cases" "${names[@]}" >"$out"
rc=$?
cat "$out"
# A case whose "# case NAME done" marker is missing never finished: the VM
# could not start (125: skip, as when it cannot be prepared), or it died or
# timed out under the case (vm.sh printed why on stderr).
for n in "${names[@]}"; do
	grep -q "^# case $n done" "$out" && continue
	if [ $rc = 125 ]; then
		tap_skip "$n" "vm: qemu could not start the VM"
	else
		tap_fail "$n" "did not finish: the VM stopped (vm.sh exit $rc)"
	fi
done
case $rc in
0 | 125) ;;
124) tap_fail vm "hard timeout after ${DD_VM_TIMEOUT}s" ;;
*) tap_fail vm "vm.sh exit $rc (console log in the VM cache dir)" ;;
esac
exit 0
