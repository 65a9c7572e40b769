#!/bin/bash
# vm_harness - inside the VM (tests/vm/vm.sh run-cases): the guest is what
# tests/vm/README.md promises: the booted kernel is the unpacked one, root,
# a read-only host root with writable /tmp and /run, /dev/fd for process
# substitution, vm-modprobe, and a fresh network namespace per case.
set -u
. "$(dirname "$0")/../../lib/tap.sh"
t=vm_harness

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "got '$2', want '$3'"
	fi
}
check_eq "$t: kernel is the unpacked one" "$(uname -r)" "${DD_VM_KVER:-unset}"
check_eq "$t: runs as root" "$(id -u)" 0
if touch /.dd-vm-rw-probe 2>/dev/null; then
	rm -f /.dd-vm-rw-probe
	tap_fail "$t: host root is read-only" "could write to /"
else
	tap_ok "$t: host root is read-only"
fi
tap_check "$t: /tmp and /run are writable" \
	sh -c 'f=$(mktemp) && rm "$f" && f=$(mktemp -p /run) && rm "$f"'
check_eq "$t: bash process substitution" "$(cat <(echo fd-ok))" fd-ok
tap_check "$t: vm-modprobe resolves from the unpacked kernel" \
	vm-modprobe --show-depends ip_vs_mh
check_eq "$t: fresh network namespace per case" \
	"$(ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')" "lo "
exit 0
