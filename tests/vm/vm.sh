#!/usr/bin/env bash
# tests/vm/vm.sh - run scripts as root inside a throw-away VM with a real
# IPVS: Debian's stock kernel under qemu (TCG), the host's root filesystem
# shared read-only over virtio-9p, a writable 9p share for results.
#
#   vm.sh prepare                  fetch/cache the kernel, install tools
#   vm.sh run SCRIPT [ARGS...]     run SCRIPT with bash in one boot; its
#                                  stdout/stderr are copied to ours, its
#                                  exit status is ours
#   vm.sh run-cases DIR [CASE...]  run DIR/*.sh (or the named cases) in one
#                                  boot, each in a fresh network namespace
#   vm.sh shell                    interactive root shell in the VM on this
#                                  terminal (exit it to power off; Ctrl-A X
#                                  kills qemu)
#
# Exit status of run/run-cases when the VM itself fails: 125 cannot prepare
# or start the VM, 124 hard timeout, 123 the guest reported no status.
# Environment: see tests/vm/README.md (DD_VM_CACHE, DD_VM_TIMEOUT,
# DD_VM_MEM, DD_VM_SMP, DD_VM_KPKG, DD_VM_REFRESH, DD_VM_KEEP, DD_VM_VERBOSE,
# DD_VM_OUTDIR).
set -u

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
VM_SRC=$(cd "$VM_DIR/../.." && pwd -P)
VM_GUEST=$VM_DIR/guest

vm_log() { echo "vm: $*" >&2; }
vm_die() {
	vm_log "$*"
	exit 125
}
vm_verbose() { [ "${DD_VM_VERBOSE:-0}" != 1 ] || vm_log "$@"; }

# shellcheck source=tests/vm/lib/kernel.sh
. "$VM_DIR/lib/kernel.sh"

# vm_hidden PATH: true when the guest cannot see the host's PATH at all:
# it mounts fresh /run, /dev, /proc and /sys.  (The host's /tmp and /var/tmp
# it sees read-only under /run/dd-vm/host, see vm_guest_path.)
vm_hidden() {
	case $1 in
	/run | /run/* | /dev/* | /proc/* | /sys/*) return 0 ;;
	esac
	return 1
}

vm_cache_dir() {
	if [ -n "${DD_VM_CACHE:-}" ]; then
		echo "$DD_VM_CACHE"
	elif mkdir -p "$VM_SRC/_build/vm-cache" 2>/dev/null &&
		[ -w "$VM_SRC/_build/vm-cache" ]; then
		echo "$VM_SRC/_build/vm-cache"
	else
		echo /var/cache/directord-vm
	fi
}

# vm_tools: install the host tools the harness needs when missing.
vm_tools() {
	local need="" p
	command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null |
		grep -q 'install ok installed' || need="$need busybox-static"
	command -v cpio >/dev/null || need="$need cpio"
	{ [ -x /sbin/modprobe ] && command -v depmod >/dev/null; } ||
		need="$need kmod"
	command -v flock >/dev/null || need="$need util-linux"
	command -v xz >/dev/null || need="$need xz-utils"
	# What the guest's side of the harness and the IPVS cases run.
	command -v ip >/dev/null || need="$need iproute2"
	command -v ipvsadm >/dev/null || need="$need ipvsadm"
	[ -z "$need" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		vm_die "missing packages:$need (run as root on Debian)"
	fi
	vm_log "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	for p in 1 2; do
		# shellcheck disable=SC2086 # a list of package names
		apt-get install -y -qq --no-install-recommends $need \
			>/dev/null 2>&1 && return 0
		apt-get update -qq >/dev/null 2>&1
	done
	vm_die "apt-get install$need failed"
}

vm_prepare() {
	[ "$(id -u)" = 0 ] || vm_die "needs root (9p share of / as root)"
	vm_tools
	VM_CACHE=$(vm_cache_dir)
	mkdir -p "$VM_CACHE" || vm_die "cannot create cache $VM_CACHE"
	VM_CACHE=$(cd "$VM_CACHE" && pwd -P)
	vm_hidden "$VM_CACHE" &&
		vm_die "cache $VM_CACHE is under /run, hidden in the guest;" \
			"set DD_VM_CACHE elsewhere"
	vm_kernel_prepare
}

# vm_initramfs OUT: pack busybox, /init and the virtio/9p modules (with
# their dependencies, in load order) into the cpio archive OUT.
vm_initramfs() {
	local out=$1 st mod line ko
	st=$(mktemp -d "$VM_TMP/initramfs.XXXXXX") || return 1
	mkdir -p "$st/bin" "$st/modules"
	cp /bin/busybox "$st/bin/busybox" &&
		cp "$VM_GUEST/initramfs-init" "$st/init" || return 1
	: >"$st/modules.list"
	for mod in virtio_pci 9pnet_virtio 9p; do
		modprobe -d "$VM_KROOT" -S "$VM_KVER" --show-depends "$mod" ||
			return 1
	done | while read -r line; do
		# "insmod PATH [params]" lines; builtins need nothing.
		# shellcheck disable=SC2086 # split into words
		set -- $line
		[ "$1" = insmod ] || continue
		ko=${2##*/}
		grep -qxF "${ko%%.ko*}.ko" "$st/modules.list" && continue
		case $ko in
		*.ko) cp "$2" "$st/modules/$ko" ;;
		*.ko.xz) xz -dc "$2" >"$st/modules/${ko%.xz}" ;;
		*.ko.zst) zstd -qdc "$2" >"$st/modules/${ko%.zst}" ;;
		*.ko.gz) gzip -dc "$2" >"$st/modules/${ko%.gz}" ;;
		*) continue ;;
		esac || exit 1
		echo "${ko%%.ko*}.ko" >>"$st/modules.list"
	done || return 1
	[ -s "$st/modules.list" ] || return 1
	(cd "$st" && find . | cpio -o -H newc --quiet) >"$out" || return 1
	rm -rf "$st"
}

# shq WORD: WORD single-quoted for sh (busybox ash and bash).
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# vm_job CMD...: write the job files the guest reads from the results share.
vm_job() {
	local v
	{
		echo "DD_VM_GUEST=$(shq "$(vm_guest_path "$VM_GUEST")")"
		echo "DD_VM_MODDIR=$(shq "$(vm_guest_path "$VM_KROOT")")"
		echo "DD_VM_KVER=$(shq "$VM_KVER")"
		echo "DD_VM_WATCHDOG=$((${DD_VM_TIMEOUT:-600} + 30))"
		if vm_hidden "$PWD"; then
			echo "DD_VM_CWD=/"
		else
			echo "DD_VM_CWD=$(shq "$(vm_guest_path "$PWD")")"
		fi
		echo "DD_VM_PATH=$(shq "$PATH")"
		# The caller's DD_* settings reach the guest's scripts.
		for v in $(compgen -e | grep '^DD_' |
			grep -v '^DD_VM_\(GUEST\|MODDIR\|KVER\|CWD\|PATH\|WATCHDOG\)$'); do
			echo "export $v=$(shq "${!v}")"
		done
	} >"$VM_RES/job.env"
	{
		printf 'DD_VM_CMD=('
		printf ' %q' "$@"
		printf ' )\n'
	} >"$VM_RES/job.cmd"
}

# vm_guest_path PATH: print where the guest sees the host's PATH.  The
# guest mounts fresh /tmp and /var/tmp but keeps the host's under
# /run/dd-vm/host; a file or directory it cannot see at all (vm_hidden) is
# copied into the results share first.
vm_guest_path() {
	local p
	p=$(readlink -f "$1") || return 1
	if vm_hidden "$p"; then
		mkdir -p "$VM_RES/in" && cp -a "$p" "$VM_RES/in/" || return 1
		echo "/run/dd-vm/results/in/${p##*/}"
		return 0
	fi
	case $p in
	/tmp | /tmp/* | /var/tmp | /var/tmp/*) echo "/run/dd-vm/host$p" ;;
	*) echo "$p" ;;
	esac
}

vm_cleanup() {
	if [ -n "${VM_QPID:-}" ] && kill -0 "$VM_QPID" 2>/dev/null; then
		kill -KILL "$VM_QPID" 2>/dev/null
		wait "$VM_QPID" 2>/dev/null
	fi
	if [ -n "${VM_SLEEPPID:-}" ]; then
		kill "$VM_SLEEPPID" 2>/dev/null
		wait "$VM_SLEEPPID" 2>/dev/null
	fi
	if [ -n "${VM_TMP:-}" ]; then
		if [ "${DD_VM_KEEP:-0}" = 1 ]; then
			vm_log "kept $VM_TMP"
		else
			rm -rf "$VM_TMP"
		fi
	fi
}

# vm_times T0 T1: the boot's timeline (guest uptimes, host wall time).
vm_times() {
	local f t out=""
	for f in init run end; do
		t=$(cat "$VM_RES/uptime.$f" 2>/dev/null) && out="$out$f ${t}s, "
	done
	echo "guest uptime at ${out}wall $(awk -v a="$1" -v b="$2" \
		'BEGIN { printf "%.1f", b - a }')s"
}

# vm_boot CMD...: boot, run CMD in the guest, relay its output; exits with
# CMD's status (or 123/124/125, see the header).
vm_boot() {
	local timeout=${DD_VM_TIMEOUT:-600} t0 t1 qrc rc console ro
	[ "${VM_SHELL:-0}" = 1 ] || [ -f "$1" ] || vm_die "no such script: $1"
	vm_prepare
	trap vm_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	VM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dd-vm.XXXXXX") ||
		vm_die "mktemp failed"
	VM_RES=$VM_TMP/results
	mkdir -p "$VM_RES"
	vm_verbose "run dir $VM_TMP (guest output grows in results/)"
	vm_initramfs "$VM_TMP/initramfs.cpio" ||
		vm_die "cannot build the initramfs"
	if [ "${VM_CASES:-0}" = 1 ]; then
		set -- "$1" "$(vm_guest_path "$2")" "${@:3}"
	fi
	if [ "${VM_SHELL:-0}" = 1 ]; then
		# A login-like shell on the serial console, as its session leader.
		vm_job env TERM="${TERM:-vt100}" \
			bash -c 'exec setsid -c -w bash -i <>/dev/ttyS0 >&0 2>&0'
	else
		vm_job bash "$(vm_guest_path "$1")" "${@:2}"
	fi
	if [ "${VM_SHELL:-0}" = 1 ]; then
		# The serial console is our terminal (Ctrl-A X quits qemu).
		console=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$VM_TMP/console.log"
			-serial chardev:con -monitor none)
		exec 3<&0 4>&1
	else
		console=(-monitor none -serial "file:$VM_TMP/console.log")
		exec 3</dev/null 4>/dev/null
	fi
	ro=readonly=on,multidevs=remap
	t0=$(date +%s.%N)
	qemu-system-x86_64 -accel "${DD_VM_ACCEL:-tcg}" -M pc -cpu max \
		-smp "${DD_VM_SMP:-2}" -m "${DD_VM_MEM:-1536}" \
		-nodefaults -no-user-config -display none -vga none \
		"${console[@]}" -no-reboot -nic none \
		-kernel "$VM_VMLINUZ" -initrd "$VM_TMP/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet mitigations=off" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,$ro" \
		-virtfs "local,path=$VM_RES,mount_tag=results,security_model=none" \
		<&3 >&4 2>"$VM_TMP/qemu.log" &
	VM_QPID=$!
	sleep "$timeout" &
	VM_SLEEPPID=$!
	wait -n "$VM_QPID" "$VM_SLEEPPID"
	if kill -0 "$VM_QPID" 2>/dev/null; then
		vm_log "timeout after ${timeout}s; killing qemu (pid $VM_QPID)"
		kill -TERM "$VM_QPID" 2>/dev/null
		sleep 1
		kill -KILL "$VM_QPID" 2>/dev/null
		rc=124
	fi
	wait "$VM_QPID"
	qrc=$?
	VM_QPID=
	kill "$VM_SLEEPPID" 2>/dev/null
	wait "$VM_SLEEPPID" 2>/dev/null
	VM_SLEEPPID=
	t1=$(date +%s.%N)
	cp "$VM_TMP/console.log" "$VM_CACHE/console.log" 2>/dev/null
	if [ -n "${DD_VM_OUTDIR:-}" ] && [ -d "$VM_RES/out" ]; then
		mkdir -p "$DD_VM_OUTDIR" && cp -a "$VM_RES/out/." "$DD_VM_OUTDIR/" ||
			vm_log "cannot copy the guest's files to $DD_VM_OUTDIR"
	fi
	[ -f "$VM_RES/stdout" ] && cat "$VM_RES/stdout"
	[ -f "$VM_RES/stderr" ] && cat "$VM_RES/stderr" >&2
	if [ -f "$VM_RES/rc" ]; then
		rc=$(cat "$VM_RES/rc")
	elif [ -z "${rc:-}" ]; then
		if [ $qrc != 0 ] && [ ! -s "$VM_TMP/console.log" ]; then
			vm_log "qemu could not start the VM (exit $qrc)"
			rc=125
		else
			vm_log "the guest reported no exit status (qemu exit $qrc)"
			rc=123
		fi
	fi
	if [ ! -f "$VM_RES/rc" ]; then
		sed 's/^/vm: qemu: /' "$VM_TMP/qemu.log" >&2
		if [ -s "$VM_TMP/console.log" ]; then
			tail -n 30 "$VM_TMP/console.log" |
				sed 's/^/vm: console: /' >&2
		elif [ "$rc" = 123 ]; then
			vm_log "the console is empty: the kernel printed" \
				"nothing (too little memory, DD_VM_MEM?)"
		fi
		vm_log "console log: $VM_CACHE/console.log"
	fi
	vm_verbose "$(vm_times "$t0" "$t1"), exit $rc"
	exit "$rc"
}

usage() {
	sed -n '2,/^set -u/p' "$0" | sed -n 's/^# \{0,1\}//p' >&2
	exit 2
}

case ${1:-} in
prepare)
	vm_prepare
	vm_verbose "kernel $VM_KVER in $VM_KROOT"
	;;
run)
	[ $# -ge 2 ] || usage
	shift
	vm_boot "$@"
	;;
shell)
	VM_SHELL=1 DD_VM_TIMEOUT=${DD_VM_TIMEOUT:-3600} vm_boot
	;;
run-cases)
	[ $# -ge 2 ] || usage
	shift
	[ -d "$1" ] || vm_die "no such directory: $1"
	VM_CASES=1 vm_boot "$VM_GUEST/run-cases.sh" "$@"
	;;
*) usage ;;
esac
